//! Automatic playthroughs: proof that every ending can be reached, and a list of what
//! cannot.
//!
//! Two complementary searches run over the real engine (never a copy of its rules):
//!
//! - **Random runs**: whole games from seeded starts, picking uniformly among the
//!   choices on offer. They show how often each ending comes up in practice, and find
//!   content deep behind combinations of state. Given the same options they are
//!   deterministic.
//! - **Exhaustive search**: a breadth-first walk over distinct states, where a state is
//!   everything that can change what happens next: the scene, every variable, the visit
//!   counts of scenes that some condition or effect reads, and the once-only choices
//!   taken. Chances are explored both ways. Breadth-first means the first time an ending
//!   is met, the path to it is a shortest one. A cap on the number of states keeps it
//!   bounded; the report says whether it finished. When it did, what it never met really
//!   cannot happen.
//!
//! A witness (a seed and a path of choices) is kept for each ending, and checked by
//! replaying it with [`engine::replay`] so that it is a real, replayable game.

use std::collections::{HashMap, HashSet};
use std::fmt::{self, Write as _};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::{playtest, search};
use crate::engine::CONTINUE;
use crate::engine::{self, Clamped, Draw, EngineError, Event, Step};
use crate::story::model::{Exit, Story};

/// How hard to look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Random playthroughs to make.
    pub runs: u32,
    /// Seed of the first run (run `i` plays with seed `seed + i`); also decides the
    /// random picks.
    pub seed: u64,
    /// A run that has not ended after this many choices is stopped and reported.
    pub max_steps: usize,
    /// The exhaustive search stops after meeting this many distinct states (0: no
    /// search).
    pub max_states: usize,
    /// States kept per round by the guided search for endings still unreached after
    /// the other two (0: no guided search).
    pub beam: usize,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            runs: 1000,
            seed: 0,
            max_steps: 500,
            max_states: 200_000,
            beam: 500,
        }
    }
}

/// Seeds tried, from [`Options::seed`] on, to find one whose chance draws follow a path
/// the search found by forcing them.
const SEED_TRIES: u64 = 4096;

/// Most unvisited scenes and unoffered choices the guided search goes looking for, to
/// bound its time.
pub const GUIDED_TARGETS: usize = 50;

/// Choices and paragraphs the random runs may look at in all. Each step looks at every
/// choice of its scene and every paragraph of the scene it enters, so a scene with
/// millions of choices, met in every run, would cost runs × millions; past this budget
/// no further run starts, and the report says how many were made.
pub const RUN_WORK: usize = 10_000_000;

/// Most examples kept of each kind of problem, so reports stay readable.
const EXAMPLES: usize = 5;

/// Which part of the work a [`Progress`] report is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Random playthroughs.
    Runs,
    /// The exhaustive search.
    Search,
    /// The guided search, one ending at a time.
    Guided,
}

/// How far the exploration has got, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// What is being done.
    pub phase: Phase,
    /// Runs played, states met, or endings searched for.
    pub done: u64,
    /// Runs to play, the state cap, or endings to search for.
    pub total: u64,
}

/// A replayable game: start from `seed`, take `steps`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Witness {
    /// The game's seed.
    pub seed: u64,
    /// Every choice, in order.
    pub steps: Vec<Step>,
}

impl Witness {
    /// The path as the choice ids taken, separated by spaces.
    #[must_use]
    pub fn describe(&self) -> String {
        self.steps
            .iter()
            .map(|s| s.choice.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// What was found about one declared ending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndingReport {
    /// The ending's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Random runs that reached it.
    pub runs: u32,
    /// Whether the exhaustive search met it.
    pub searched: bool,
    /// Whether the guided search found it.
    pub guided: bool,
    /// A shortest known game that reaches it, checked by replay.
    pub witness: Option<Witness>,
    /// When unreached: the ways toward it that explored games came to but never took,
    /// with the condition that never held.
    pub blocked: Vec<String>,
}

/// A scene no explored game entered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unvisited {
    /// Its id.
    pub scene: String,
    /// The ways toward it that explored games came to but never took, and why.
    pub blocked: Vec<String>,
}

/// A choice never on offer in a scene that was visited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unoffered {
    /// The scene.
    pub scene: String,
    /// The choice's id.
    pub choice: String,
    /// Its condition as written, which never held there (`None`: a once-only choice
    /// already taken, or hidden by nothing the search could see).
    pub condition: Option<String>,
}

/// Effects that ran into a variable's bound.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clamp {
    /// The variable.
    pub name: String,
    /// The bound hit.
    pub bound: i64,
    /// Whether it was the upper bound.
    pub at_max: bool,
    /// Times seen, in runs and in the search.
    pub hits: u64,
    /// The scene and choice of the first time it was seen.
    pub first: (String, String),
}

/// A kind of place where a game cannot go on, with examples.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trap {
    /// The scene.
    pub scene: String,
    /// How many runs or states were caught there.
    pub count: u64,
    /// A way into it (the search's shortest when known).
    pub example: Vec<Step>,
    /// Why, in words.
    pub reason: String,
}

/// Summary of the exhaustive search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Search {
    /// Distinct states met.
    pub states: usize,
    /// The cap it ran under.
    pub cap: usize,
    /// Whether every reachable state was met (the cap was not hit).
    pub complete: bool,
}

/// Lengths of the random runs that ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RunLengths {
    /// Runs that reached an ending.
    pub finished: u32,
    /// Fewest choices to an ending.
    pub min: usize,
    /// Most choices to an ending.
    pub max: usize,
    /// Sum of choices over finished runs.
    pub total: usize,
}

impl RunLengths {
    /// The mean number of choices, if any run finished.
    #[must_use]
    pub fn mean(&self) -> Option<f64> {
        (self.finished > 0).then(|| self.total as f64 / f64::from(self.finished))
    }
}

/// Everything an exploration found.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// The options used.
    pub options: Options,
    /// Random runs made: `options.runs`, or fewer when [`RUN_WORK`] ran out.
    pub runs_made: u32,
    /// One entry per declared ending, in declaration order.
    pub endings: Vec<EndingReport>,
    /// The exhaustive search, if it ran.
    pub search: Option<Search>,
    /// How long finished runs were.
    pub lengths: RunLengths,
    /// Scenes no run or search state entered, in story order.
    pub unvisited_scenes: Vec<Unvisited>,
    /// Choices of visited scenes never on offer as enabled, in story order (those of
    /// unvisited scenes are never offered either, and are not repeated here).
    pub unavailable_choices: Vec<Unoffered>,
    /// Variables that effects pushed past a bound.
    pub clamps: Vec<Clamp>,
    /// Scenes with no enabled choice at some point (the player would be stuck).
    pub stuck: Vec<Trap>,
    /// Scenes in states from which the search found no way to any ending.
    pub no_exit: Vec<Trap>,
    /// Runs stopped at `max_steps`, by the scene they were in.
    pub too_long: Vec<Trap>,
}

impl Report {
    /// Declared endings that neither runs nor search reached.
    #[must_use]
    pub fn unreached_endings(&self) -> Vec<&EndingReport> {
        self.endings
            .iter()
            .filter(|e| e.witness.is_none())
            .collect()
    }
}

/// Explores `story`, calling `progress` now and then.
///
/// # Errors
/// When the story cannot even start (its first scene's routes loop).
pub fn explore(
    story: &Story,
    options: &Options,
    progress: &mut dyn FnMut(Progress),
) -> Result<Report, EngineError> {
    explore_capped(story, options, RUN_WORK, progress)
}

/// [`explore`] with the random runs' work cap as given instead of [`RUN_WORK`], so
/// that tests can show the cap at work with small numbers.
///
/// # Errors
/// When the story cannot even start (its first scene's routes loop).
pub fn explore_capped(
    story: &Story,
    options: &Options,
    run_work: usize,
    progress: &mut dyn FnMut(Progress),
) -> Result<Report, EngineError> {
    let mut seen = Seen::new(story);
    let by_ending = search::ending_scenes_all(story);
    let mut candidates: HashMap<String, Vec<Witness>> = HashMap::new();
    let mut tally = Tally::default();

    let runs_made = random_runs(
        story,
        options,
        run_work,
        &mut seen,
        &mut candidates,
        &mut tally,
        progress,
    )?;
    let Tally {
        reached: runs_reached,
        lengths,
    } = tally;

    let mut searched: HashSet<String> = HashSet::new();
    let summary = if options.max_states > 0 {
        let cap = options.max_states;
        let mut tick = |met: usize| {
            progress(Progress {
                phase: Phase::Search,
                done: met as u64,
                total: cap as u64,
            });
        };
        let found = search::exhaustive(story, options.seed, cap, &mut seen, &mut tick)?;
        for (ending, path) in found.endings {
            searched.insert(ending.clone());
            if let Some(w) = seed_for(story, options.seed, &path, &ending) {
                candidates.entry(ending).or_default().push(w);
            }
        }
        for (scene, count, path) in found.no_exit {
            seen.no_exit.list.push(Trap {
                scene,
                count,
                example: path,
                reason: "no ending can be reached from here".to_owned(),
            });
        }
        Some(Search {
            states: found.states,
            cap,
            complete: found.complete,
        })
    } else {
        None
    };

    // A complete search has the last word; otherwise aim at what is still missing.
    let mut guided: HashSet<String> = HashSet::new();
    // Ways into each scene, built once for every guided search and "blocked by" walk,
    // and the guided searches' shared budget.
    let mut guide = search::Guide::new(story);
    if options.beam > 0 && !summary.is_some_and(|s| s.complete) {
        // Each guided search costs up to beam × steps states: only the first
        // GUIDED_TARGETS missing endings get one, whatever the number of endings.
        let missing: Vec<&str> = story
            .endings
            .iter()
            .map(|e| e.id.as_str())
            .filter(|id| !candidates.contains_key(*id))
            .take(GUIDED_TARGETS)
            .collect();
        for (k, id) in missing.iter().enumerate() {
            progress(Progress {
                phase: Phase::Guided,
                done: k as u64,
                total: missing.len() as u64,
            });
            let targets = by_ending.get(id).map_or(&[][..], Vec::as_slice);
            let path = search::guided(
                story,
                options.seed,
                search::Goal::Scenes(targets),
                options.beam,
                options.max_steps,
                &mut seen,
                &mut guide,
            )?;
            if let Some(w) = path.and_then(|p| seed_for(story, options.seed, &p, id)) {
                guided.insert((*id).to_owned());
                candidates.entry((*id).to_owned()).or_default().push(w);
            }
        }
        // Then at scenes nothing entered yet, and choices never offered (every state
        // the search passes through counts, so one search often settles several).
        let mut tried = 0;
        for (i, scene) in story.scenes.iter().enumerate() {
            if tried >= GUIDED_TARGETS {
                break;
            }
            // Each goal with the choice's position (`None`: the scene itself).
            let goals: Vec<(Option<usize>, search::Goal<'_>)> = if seen.scenes[i] {
                scene
                    .choices()
                    .iter()
                    .enumerate()
                    .filter(|&(p, _)| !seen.was_offered(i, p))
                    .map(|(p, c)| {
                        (
                            Some(p),
                            search::Goal::Choice {
                                scene: i,
                                choice: &c.id,
                            },
                        )
                    })
                    .collect()
            } else {
                vec![(None, search::Goal::Scenes(std::slice::from_ref(&i)))]
            };
            for (position, goal) in goals {
                if tried >= GUIDED_TARGETS {
                    break;
                }
                // An earlier search may have settled this one on its way.
                let settled = match position {
                    None => seen.scenes[i],
                    Some(p) => seen.was_offered(i, p),
                };
                if settled {
                    continue;
                }
                tried += 1;
                progress(Progress {
                    phase: Phase::Guided,
                    done: tried as u64,
                    total: GUIDED_TARGETS as u64,
                });
                search::guided(
                    story,
                    options.seed,
                    goal,
                    options.beam,
                    options.max_steps,
                    &mut seen,
                    &mut guide,
                )?;
            }
        }
    }

    // Where games turned away from an unreached ending: a walk over the scenes for
    // each, so only the first GUIDED_TARGETS unreached endings get one.
    let mut blocked_left = GUIDED_TARGETS;
    let endings = story
        .endings
        .iter()
        .map(|e| {
            let witness = candidates.get(&e.id).and_then(|list| {
                list.iter()
                    .filter(|w| reaches(story, w, &e.id))
                    .min_by_key(|w| w.steps.len())
                    .cloned()
            });
            let blocked = if witness.is_some() || blocked_left == 0 {
                Vec::new()
            } else {
                blocked_left -= 1;
                let targets = by_ending.get(e.id.as_str()).map_or(&[][..], Vec::as_slice);
                blocked(story, &guide.preds, targets, &seen.scenes)
            };
            EndingReport {
                id: e.id.clone(),
                title: e.title.clone(),
                runs: runs_reached.get(&e.id).copied().unwrap_or(0),
                searched: searched.contains(&e.id),
                guided: guided.contains(&e.id),
                witness,
                blocked,
            }
        })
        .collect();
    let mut report = seen.finish(*options, endings, summary, lengths, &guide.preds);
    report.runs_made = runs_made;
    Ok(report)
}

/// Where explored games turned away from `targets` (scene indices): exits from visited
/// scenes (`visited`, by index) toward unvisited scenes that lead to them, with the
/// condition that stopped them.
fn blocked(
    story: &Story,
    preds: &[Vec<usize>],
    targets: &[usize],
    visited: &[bool],
) -> Vec<String> {
    // Only the nearest turns: ways in that run through unvisited scenes alone.
    let leads = search::leads_to_through_in(preds, targets, |i| !visited[i]);
    let toward = |t: &str| {
        story
            .scene_position(t)
            .is_some_and(|j| !visited[j] && leads[j])
    };
    let cond = |src: Option<&str>, e: Option<&crate::story::expr::Expr>| {
        src.map(str::to_owned)
            .or_else(|| e.map(ToString::to_string))
            .unwrap_or_default()
    };
    let mut out = Vec::new();
    for s in story
        .scenes
        .iter()
        .zip(visited)
        .filter_map(|(s, &v)| v.then_some(s))
    {
        match &s.exit {
            Exit::Choices(list) => {
                for c in list {
                    if toward(&c.goto) && c.when().is_some() {
                        out.push(format!(
                            "in {}, choice `{}` to {} needs `{}`, which never held",
                            s.id,
                            c.id,
                            c.goto,
                            cond(c.when_source(), c.when())
                        ));
                    } else if let Some(ch) = c.chance()
                        && toward(&ch.goto)
                    {
                        out.push(format!(
                            "in {}, the {}% chance of `{}` to {} never came up",
                            s.id, ch.percent, c.id, ch.goto
                        ));
                    }
                }
            }
            Exit::Routes(routes) => {
                for r in routes.iter().filter(|r| toward(&r.goto)) {
                    out.push(match r.when() {
                        Some(_) => format!(
                            "in {}, the route to {} needs `{}`, which never held",
                            s.id,
                            r.goto,
                            cond(r.when_source(), r.when())
                        ),
                        None => format!(
                            "in {}, the route to {} was never taken: an earlier route always held",
                            s.id, r.goto
                        ),
                    });
                }
            }
            Exit::Ending(_) => {}
        }
    }
    out
}

/// Whether replaying `w` really ends in `ending`.
fn reaches(story: &Story, w: &Witness, ending: &str) -> bool {
    engine::replay(story, w.seed, &w.steps).is_ok_and(|s| s.ending.as_deref() == Some(ending))
}

/// A seed under which `steps` (found with forced chances) replays to `ending`.
fn seed_for(story: &Story, from: u64, steps: &[Step], ending: &str) -> Option<Witness> {
    (0..SEED_TRIES).find_map(|k| {
        let w = Witness {
            seed: from.wrapping_add(k),
            steps: steps.to_vec(),
        };
        reaches(story, &w, ending).then_some(w)
    })
}

/// Traps of one kind, grouped by scene (found by index, not by a scan: a story may
/// have as many as it has scenes). Only the first [`search::TRAP_PATHS`] get a way in,
/// which costs its length; reports show fewer.
#[derive(Default)]
struct Traps {
    list: Vec<Trap>,
    index: HashMap<String, usize>,
}

impl Traps {
    /// A trap met at the end of `path` (a random run's, already built): the shortest
    /// way in is kept.
    fn note_path(&mut self, scene: &str, path: &[Step], reason: String) {
        if let Some(&k) = self.index.get(scene) {
            let t = &mut self.list[k];
            t.count += 1;
            if k < search::TRAP_PATHS && path.len() < t.example.len() {
                t.example = path.to_vec();
            }
        } else {
            let keep = self.list.len() < search::TRAP_PATHS;
            self.add(scene, if keep { path.to_vec() } else { Vec::new() }, reason);
        }
    }

    /// A trap met by a search, which builds the way in (breadth-first, so the first is
    /// a shortest) only when it is kept.
    fn note_lazy(&mut self, scene: &str, path: &dyn Fn() -> Vec<Step>, reason: String) {
        if let Some(&k) = self.index.get(scene) {
            self.list[k].count += 1;
        } else {
            let keep = self.list.len() < search::TRAP_PATHS;
            self.add(scene, if keep { path() } else { Vec::new() }, reason);
        }
    }

    fn add(&mut self, scene: &str, example: Vec<Step>, reason: String) {
        self.index.insert(scene.to_owned(), self.list.len());
        self.list.push(Trap {
            scene: scene.to_owned(),
            count: 1,
            example,
            reason,
        });
    }
}

/// What was observed anywhere: scenes entered, choices offered, bounds hit, traps. All
/// by the story's dense numbering: a search meets a scene with 100,000 choices in every
/// state, and looking each id up in a set of strings made that the whole cost.
struct Seen<'s> {
    story: &'s Story,
    /// Scenes entered, by index.
    scenes: Vec<bool>,
    /// Choices ever on offer, by scene index, then position (empty until the scene
    /// offers one).
    offered: Vec<Vec<bool>>,
    /// How many of each scene's choices were ever offered: once all were, an offer
    /// costs nothing.
    offered_count: Vec<usize>,
    clamps: Vec<Clamp>,
    /// Where each (variable, upper bound?) stands in `clamps`.
    clamp_index: HashMap<(String, bool), usize>,
    stuck: Traps,
    no_exit: Traps,
    too_long: Traps,
}

impl<'s> Seen<'s> {
    fn new(story: &'s Story) -> Self {
        Self {
            story,
            scenes: vec![false; story.scenes.len()],
            offered: vec![Vec::new(); story.scenes.len()],
            offered_count: vec![0; story.scenes.len()],
            clamps: Vec::new(),
            clamp_index: HashMap::new(),
            stuck: Traps::default(),
            no_exit: Traps::default(),
            too_long: Traps::default(),
        }
    }

    fn note(&mut self, events: &[Event], clamps: &[Clamped], at: (&str, &str)) {
        for e in events {
            if let Event::SceneEntered { scene } = e
                && let Some(i) = self.story.scene_position(scene)
            {
                self.scenes[i] = true;
            }
        }
        for Clamped { name, kept, .. } in clamps {
            let at_max = self.story.variable(name).is_some_and(|v| *kept == v.max);
            if let Some(&k) = self.clamp_index.get(&(name.clone(), at_max)) {
                self.clamps[k].hits += 1;
            } else {
                self.clamp_index
                    .insert((name.clone(), at_max), self.clamps.len());
                self.clamps.push(Clamp {
                    name: name.clone(),
                    bound: *kept,
                    at_max,
                    hits: 1,
                    first: (at.0.to_owned(), at.1.to_owned()),
                });
            }
        }
    }

    fn offer(&mut self, scene: usize, positions: &[usize]) {
        // Called for every state explored: nothing to do once the scene offered all.
        let total = self.story.scenes[scene].choices().len();
        if self.offered_count[scene] == total {
            return;
        }
        let marks = &mut self.offered[scene];
        if marks.is_empty() {
            *marks = vec![false; total];
        }
        for &p in positions {
            if !marks[p] {
                marks[p] = true;
                self.offered_count[scene] += 1;
            }
        }
    }

    fn was_offered(&self, scene: usize, position: usize) -> bool {
        self.offered[scene].get(position).copied().unwrap_or(false)
    }

    fn finish(
        mut self,
        options: Options,
        endings: Vec<EndingReport>,
        search: Option<Search>,
        lengths: RunLengths,
        preds: &[Vec<usize>],
    ) -> Report {
        let story = self.story;
        // Each "blocked by" walk is a walk over the whole story: only the first
        // GUIDED_TARGETS unvisited scenes get one (a 70,000-scene tree explored in part
        // has tens of thousands unvisited; a walk for each was quadratic).
        let mut walks_left = GUIDED_TARGETS;
        let unvisited_scenes = story
            .scenes
            .iter()
            .enumerate()
            .filter(|&(i, _)| !self.scenes[i])
            .map(|(i, s)| Unvisited {
                scene: s.id.clone(),
                blocked: if walks_left > 0 {
                    walks_left -= 1;
                    blocked(story, preds, &[i], &self.scenes)
                } else {
                    Vec::new()
                },
            })
            .collect();
        let unavailable_choices = story
            .scenes
            .iter()
            .enumerate()
            .filter(|&(i, _)| self.scenes[i])
            .flat_map(|(i, s)| {
                let seen = &self;
                s.choices()
                    .iter()
                    .enumerate()
                    .filter(move |&(p, _)| !seen.was_offered(i, p))
                    .map(move |(_, c)| Unoffered {
                        scene: s.id.clone(),
                        choice: c.id.to_string(),
                        condition: c
                            .when_source()
                            .map(str::to_owned)
                            .or_else(|| c.when().map(ToString::to_string)),
                    })
            })
            .collect();
        let order: HashMap<&str, usize> = story
            .variables
            .iter()
            .enumerate()
            .map(|(i, v)| (v.name.as_str(), i))
            .collect();
        self.clamps
            .sort_by_key(|c| (order.get(c.name.as_str()).copied(), c.at_max));
        Report {
            options,
            runs_made: options.runs,
            endings,
            search,
            lengths,
            unvisited_scenes,
            unavailable_choices,
            clamps: self.clamps,
            stuck: self.stuck.list,
            no_exit: self.no_exit.list,
            too_long: self.too_long.list,
        }
    }
}

impl search::Observer for Seen<'_> {
    fn offered(&mut self, scene: usize, positions: &[usize]) {
        self.offer(scene, positions);
    }
    fn events(&mut self, events: &[Event], clamps: &[Clamped], scene: &str, choice: &str) {
        self.note(events, clamps, (scene, choice));
    }
    fn stuck(&mut self, scene: &str, path: &dyn Fn() -> Vec<Step>, reason: String) {
        self.stuck.note_lazy(scene, path, reason);
    }
}

/// What the random runs counted: runs that reached each ending, and how long they were.
#[derive(Default)]
struct Tally {
    reached: HashMap<String, u32>,
    lengths: RunLengths,
}

fn random_runs(
    story: &Story,
    options: &Options,
    run_work: usize,
    seen: &mut Seen,
    candidates: &mut HashMap<String, Vec<Witness>>,
    tally: &mut Tally,
    progress: &mut dyn FnMut(Progress),
) -> Result<u32, EngineError> {
    let Tally { reached, lengths } = tally;
    // The picks have their own generator, so the game's draws are exactly those of a
    // player making the same choices with the same seed: every run is a witness.
    let mut picker = ChaCha8Rng::seed_from_u64(options.seed ^ 0x6275_7474_6572_666c);
    let mut best: HashMap<String, usize> = HashMap::new();
    let mut work = 0usize;
    let mut made = 0;
    for run in 0..options.runs {
        if work > run_work {
            break;
        }
        made += 1;
        if run % 64 == 0 {
            progress(Progress {
                phase: Phase::Runs,
                done: u64::from(run),
                total: u64::from(options.runs),
            });
        }
        let seed = options.seed.wrapping_add(u64::from(run));
        let (mut state, events) = engine::start(story, seed)?;
        seen.note(&events, &[], (&story.start, ""));
        loop {
            if let Some(ending) = state.ending.clone() {
                *reached.entry(ending.clone()).or_insert(0) += 1;
                let n = state.path.len();
                lengths.min = if lengths.finished == 0 {
                    n
                } else {
                    lengths.min.min(n)
                };
                lengths.max = lengths.max.max(n);
                lengths.total += n;
                lengths.finished += 1;
                if best.get(&ending).is_none_or(|&b| n < b) {
                    best.insert(ending.clone(), n);
                    candidates.entry(ending).or_default().push(Witness {
                        seed,
                        steps: state.path.clone(),
                    });
                }
                break;
            }
            if state.path.len() >= options.max_steps {
                seen.too_long.note_path(
                    &state.scene,
                    &state.path,
                    format!("still playing after {} choices", options.max_steps),
                );
                break;
            }
            // What is on offer, by position (`None`: continue), as the engine decides
            // it; no id is looked up.
            let Some(at) = story.scene_position(&state.scene) else {
                break;
            };
            let here = &story.scenes[at];
            work += here.choices().len() + here.text.len() + playtest::STEP_WORK;
            let moves: Vec<Option<usize>> = match &here.exit {
                Exit::Choices(_) => {
                    let positions = engine::available_positions(here, &state);
                    seen.offer(at, &positions);
                    positions.into_iter().map(Some).collect()
                }
                Exit::Routes(_) => vec![None],
                Exit::Ending(_) => Vec::new(),
            };
            if moves.is_empty() {
                seen.stuck.note_path(
                    &state.scene,
                    &state.path,
                    "no choice is available".to_owned(),
                );
                break;
            }
            let position = moves[(picker.next_u64() % moves.len() as u64) as usize];
            let id = position.map_or(CONTINUE, |p| here.choices()[p].id.as_str());
            match engine::choose_at(story, &mut state, id, position, Draw::Random) {
                Ok((events, clamps)) => seen.note(&events, &clamps, (&here.id, id)),
                Err(e) => {
                    seen.stuck.note_path(&here.id, &state.path, e.to_string());
                    break;
                }
            }
        }
    }
    progress(Progress {
        phase: Phase::Runs,
        done: u64::from(options.runs),
        total: u64::from(options.runs),
    });
    Ok(made)
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let o = &self.options;
        if self.runs_made < o.runs {
            writeln!(
                f,
                "explored: {} of {} random run(s) from seed {} (at most {} choices each): stopped at the work cap on choices and paragraphs looked at (explore::RUN_WORK)",
                self.runs_made, o.runs, o.seed, o.max_steps
            )?;
        } else {
            writeln!(
                f,
                "explored: {} random run(s) from seed {} (at most {} choices each)",
                o.runs, o.seed, o.max_steps
            )?;
        }
        match &self.search {
            Some(s) if s.complete => writeln!(
                f,
                "exhaustive search: complete, {} distinct state(s)",
                s.states
            )?,
            Some(s) => writeln!(
                f,
                "exhaustive search: INCOMPLETE, stopped at the cap of {} states (raise --max-states)",
                s.cap
            )?,
            None => writeln!(f, "exhaustive search: not run")?,
        }
        if let Some(mean) = self.lengths.mean() {
            writeln!(
                f,
                "run length to an ending: min {}, mean {mean:.1}, max {} choices",
                self.lengths.min, self.lengths.max
            )?;
        }
        writeln!(f)?;
        writeln!(f, "endings:")?;
        for e in &self.endings {
            let pct = if self.runs_made == 0 {
                0.0
            } else {
                f64::from(e.runs) * 100.0 / f64::from(self.runs_made)
            };
            let mark = if e.witness.is_some() { "ok " } else { "!! " };
            writeln!(
                f,
                "  {mark}{} \"{}\": {} run(s) ({pct:.1}%){}{}",
                e.id,
                e.title,
                e.runs,
                if e.searched { ", found by search" } else { "" },
                if e.guided {
                    ", found by guided search"
                } else {
                    ""
                }
            )?;
            match &e.witness {
                Some(w) => writeln!(
                    f,
                    "      shortest known: {} choice(s), seed {}: {}",
                    w.steps.len(),
                    w.seed,
                    w.describe()
                )?,
                None if self.search.is_some_and(|s| s.complete) => {
                    writeln!(
                        f,
                        "      UNREACHABLE: no state of the complete search reaches it"
                    )?;
                }
                None => writeln!(f, "      NOT REACHED by any run or by the search")?,
            }
            for b in &e.blocked {
                writeln!(f, "      {b}")?;
            }
        }
        let list = |f: &mut fmt::Formatter<'_>, title: &str, items: &[String]| -> fmt::Result {
            writeln!(f)?;
            if items.is_empty() {
                writeln!(f, "{title}: none")
            } else {
                writeln!(f, "{title} ({}):", items.len())?;
                for i in items {
                    writeln!(f, "  {i}")?;
                }
                Ok(())
            }
        };
        let unvisited: Vec<String> = self
            .unvisited_scenes
            .iter()
            .map(|u| {
                let mut line = u.scene.clone();
                for b in &u.blocked {
                    let _ = write!(line, "\n      {b}");
                }
                line
            })
            .collect();
        list(f, "scenes never visited", &unvisited)?;
        let choices: Vec<String> = self
            .unavailable_choices
            .iter()
            .map(|u| match &u.condition {
                Some(c) => format!("{} / {}: needs `{c}`, which never held", u.scene, u.choice),
                None => format!("{} / {}", u.scene, u.choice),
            })
            .collect();
        list(f, "choices never available", &choices)?;
        let clamps: Vec<String> = self
            .clamps
            .iter()
            .map(|c| {
                let mut s = format!(
                    "{} held at its {} {} ({} time(s))",
                    c.name,
                    if c.at_max { "max" } else { "min" },
                    c.bound,
                    c.hits
                );
                let (scene, choice) = &c.first;
                if choice.is_empty() {
                    let _ = write!(s, ", first entering {scene}");
                } else {
                    let _ = write!(s, ", first after {scene} / {choice}");
                }
                s
            })
            .collect();
        list(f, "variables pushed against their bounds", &clamps)?;
        let traps = |v: &[Trap]| -> Vec<String> {
            v.iter()
                .take(EXAMPLES * 4)
                .map(|t| {
                    let path = if t.example.is_empty() {
                        "at the start".to_owned()
                    } else {
                        format!(
                            "via: {}",
                            t.example
                                .iter()
                                .map(|s| s.choice.as_str())
                                .collect::<Vec<_>>()
                                .join(" ")
                        )
                    };
                    format!("{} ({}, {}x) {path}", t.scene, t.reason, t.count)
                })
                .collect()
        };
        list(f, "stuck (no choice available)", &traps(&self.stuck))?;
        list(f, "loops with no exit (search)", &traps(&self.no_exit))?;
        list(f, "runs stopped at --max-steps", &traps(&self.too_long))?;
        let unreached = self.unreached_endings();
        writeln!(f)?;
        if unreached.is_empty() {
            writeln!(
                f,
                "all {} ending(s) reached, each with a witness that replays",
                self.endings.len()
            )
        } else {
            writeln!(
                f,
                "{} of {} ending(s) NOT reached: {}",
                unreached.len(),
                self.endings.len(),
                unreached
                    .iter()
                    .map(|e| e.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    }
}
