//! Random play measured as a player feels it: how often the story asks for a decision,
//! how much prose stands between two decisions, where games end, and menus that offer
//! nothing to decide.
//!
//! A *decision* is a menu with two or more enabled choices: Continue, or a menu whose
//! only enabled option is forced, asks nothing of the player. Words are counted from the
//! paragraphs actually rendered for the scenes a game passes through (conditional text
//! and variants as that game shows them), so the figures are those of real games, not of
//! the story's files. The random player picks uniformly among enabled choices with a
//! generator of its own, so each game's draws are those of a player making the same
//! choices with the same seed.

use std::collections::BTreeMap;
use std::fmt;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::engine::{self, CONTINUE, Draw, EngineError};
use crate::story::model::Exit;
use crate::story::text::Segment;
use crate::story::{Story, Text};

/// What to measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Games to play; game `i` uses seed `seed + i`.
    pub games: u32,
    /// The first game's seed.
    pub seed: u64,
    /// A game still running after this many steps is counted as unfinished.
    pub max_steps: usize,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            games: 1000,
            seed: 0,
            max_steps: 2000,
        }
    }
}

/// A menu that asked nothing of the player, where it stood.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ForcedMenu {
    /// The scene.
    pub scene: String,
    /// The one option shown.
    pub choice: String,
}

/// Choices and paragraphs one measurement may look at in all. Every step looks at
/// every choice of its scene (and renders its paragraphs when their words can change),
/// so a scene with millions of choices, met in every game, would cost games × millions;
/// past this budget no further game starts, and the report says how many were played.
pub const WORK: usize = 10_000_000;

/// What one step counts for against [`WORK`], besides the choices it looks at: taking a
/// choice (entering a scene, running effects) costs about as much as looking at 32.
pub const STEP_WORK: usize = 32;

/// The figures `butterfly stats` prints about random play.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PlayReport {
    /// Games played (fewer than asked for when [`WORK`] ran out).
    pub games: u32,
    /// Games asked for.
    pub asked: u32,
    /// Decisions in each finished game.
    pub decisions: Vec<usize>,
    /// Words shown between one decision and the next (and before the first), over all
    /// games.
    pub gaps: Vec<usize>,
    /// Games that reached each ending, by ending id.
    pub endings: BTreeMap<String, u32>,
    /// Games that had not ended after `max_steps`.
    pub unfinished: u32,
    /// Menus (not Continue) that showed exactly one option, enabled, with nothing
    /// dimmed beside it: scene and choice, with how many games met it.
    pub forced: BTreeMap<ForcedMenu, u32>,
    /// Words shown in each finished game (epilogues excluded).
    pub words: Vec<usize>,
}

fn words_in(paragraphs: &[String]) -> usize {
    paragraphs
        .iter()
        .map(|p| p.split_whitespace().count())
        .sum()
}

/// Whether `texts` say the same words in every game: nothing but literal words and
/// tags, so rendering them once is enough.
fn fixed(texts: &[Text]) -> bool {
    texts.iter().all(|t| {
        t.segments
            .iter()
            .all(|s| matches!(s, Segment::Lit(_) | Segment::Tag(_)))
    })
}

/// Plays `options.games` random games of `story` and measures them, or as many as
/// [`WORK`] allows.
///
/// # Errors
/// When the engine cannot render or apply a step (a broken story).
pub fn measure(story: &Story, options: &Options) -> Result<PlayReport, EngineError> {
    measure_capped(story, options, WORK)
}

/// [`measure`] with the work cap as given instead of [`WORK`], so that tests can show
/// the cap at work with small numbers.
///
/// # Errors
/// When the engine cannot render or apply a step (a broken story).
pub fn measure_capped(
    story: &Story,
    options: &Options,
    cap: usize,
) -> Result<PlayReport, EngineError> {
    let mut report = PlayReport {
        asked: options.games,
        ..PlayReport::default()
    };
    let mut picker = ChaCha8Rng::seed_from_u64(options.seed ^ 0x7061_7373_696f_6e73);
    // Words of each scene whose text is fixed, counted the first time it is shown
    // (a scene of 100,000 paragraphs is rendered once, not once per game).
    let fixed: Vec<bool> = story.scenes.iter().map(|s| fixed(&s.text)).collect();
    let mut words_of: Vec<Option<usize>> = vec![None; story.scenes.len()];
    let mut work = 0usize;
    for game in 0..options.games {
        if work > cap {
            break;
        }
        report.games += 1;
        let seed = options.seed.wrapping_add(u64::from(game));
        let (mut state, _) = engine::start(story, seed)?;
        let (mut decisions, mut since, mut shown) = (0usize, 0usize, 0usize);
        loop {
            let at = story.scene_position(&state.scene);
            let w = match at.and_then(|i| words_of[i]) {
                Some(w) => w,
                None => {
                    let view = engine::render(story, &state)?;
                    let w = words_in(&view.paragraphs);
                    if let Some(i) = at {
                        work += story.scenes[i].text.len();
                        if fixed[i] {
                            words_of[i] = Some(w);
                        }
                    }
                    w
                }
            };
            since += w;
            shown += w;
            if let Some(ending) = &state.ending {
                *report.endings.entry(ending.clone()).or_insert(0) += 1;
                report.decisions.push(decisions);
                report.words.push(shown);
                break;
            }
            if state.path.len() >= options.max_steps {
                report.unfinished += 1;
                break;
            }
            // What is enabled, by position (`None`: continue), as `engine::choices`
            // decides it but without rendering every label.
            let Some(here) = at.map(|i| &story.scenes[i]) else {
                report.unfinished += 1;
                break;
            };
            // A step costs far more than looking at one choice: it counts as STEP_WORK.
            work += here.choices().len() + STEP_WORK;
            let enabled: Vec<Option<usize>> = match &here.exit {
                Exit::Choices(_) => engine::available_positions(here, &state)
                    .into_iter()
                    .map(Some)
                    .collect(),
                Exit::Routes(_) => vec![None],
                Exit::Ending(_) => Vec::new(),
            };
            if enabled.is_empty() {
                report.unfinished += 1;
                break;
            }
            let id_of = |p: Option<usize>| p.map_or(CONTINUE, |p| here.choices()[p].id.as_str());
            if enabled.len() >= 2 {
                decisions += 1;
                report.gaps.push(since);
                since = 0;
            } else if enabled[0].is_some() && engine::shown_count(here, &state) == 1 {
                let menu = ForcedMenu {
                    scene: state.scene.clone(),
                    choice: id_of(enabled[0]).to_owned(),
                };
                *report.forced.entry(menu).or_insert(0) += 1;
            }
            let position = enabled[picker.random_range(0..enabled.len())];
            engine::choose_at(story, &mut state, id_of(position), position, Draw::Random)?;
        }
    }
    Ok(report)
}

/// The median of `values` (the lower middle for an even count), 0 when empty.
#[must_use]
pub fn median(values: &[usize]) -> usize {
    if values.is_empty() {
        return 0;
    }
    let mut v = values.to_vec();
    v.sort_unstable();
    v[(v.len() - 1) / 2]
}

impl PlayReport {
    /// Median decisions per finished game.
    #[must_use]
    pub fn median_decisions(&self) -> usize {
        median(&self.decisions)
    }

    /// Fewest decisions in a finished game.
    #[must_use]
    pub fn min_decisions(&self) -> usize {
        self.decisions.iter().copied().min().unwrap_or(0)
    }

    /// Median words between two decisions.
    #[must_use]
    pub fn median_gap(&self) -> usize {
        median(&self.gaps)
    }

    /// Most words between two decisions in any game.
    #[must_use]
    pub fn worst_gap(&self) -> usize {
        self.gaps.iter().copied().max().unwrap_or(0)
    }

    /// The share (0–1) of games that reached `ending`.
    #[must_use]
    pub fn share(&self, ending: &str) -> f64 {
        if self.games == 0 {
            return 0.0;
        }
        f64::from(self.endings.get(ending).copied().unwrap_or(0)) / f64::from(self.games)
    }

    /// Renders the report with each ending's title from `story`, in the story's order.
    #[must_use]
    pub fn display<'a>(&'a self, story: &'a Story) -> impl fmt::Display + 'a {
        Shown {
            report: self,
            story,
        }
    }
}

struct Shown<'a> {
    report: &'a PlayReport,
    story: &'a Story,
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = self.report;
        if r.games < r.asked {
            writeln!(
                f,
                "random play ({} of {} games: stopped at the work cap on choices and paragraphs looked at, playtest::WORK):",
                r.games, r.asked
            )?;
        } else {
            writeln!(f, "random play ({} games):", r.games)?;
        }
        writeln!(
            f,
            "  decisions per game: median {}, fewest {}, most {}",
            r.median_decisions(),
            r.min_decisions(),
            r.decisions.iter().copied().max().unwrap_or(0)
        )?;
        writeln!(
            f,
            "  words between decisions: median {}, worst {}",
            r.median_gap(),
            r.worst_gap()
        )?;
        writeln!(f, "  words shown per game: median {}", median(&r.words))?;
        writeln!(f, "  endings:")?;
        let width = self
            .story
            .endings
            .iter()
            .map(|e| e.title.chars().count())
            .max()
            .unwrap_or(0);
        for e in &self.story.endings {
            let n = r.endings.get(&e.id).copied().unwrap_or(0);
            writeln!(
                f,
                "    {:<width$}  {:>5.1}%  ({n})",
                e.title,
                r.share(&e.id) * 100.0
            )?;
        }
        if r.unfinished > 0 {
            writeln!(f, "    (unfinished)  {}", r.unfinished)?;
        }
        if r.forced.is_empty() {
            writeln!(f, "  menus with a single option: none")?;
        } else {
            writeln!(f, "  menus with a single option:")?;
            for (m, n) in &r.forced {
                writeln!(f, "    {} → {}  (in {n} games)", m.scene, m.choice)?;
            }
        }
        Ok(())
    }
}
