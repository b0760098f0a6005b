//! The shipped story as interactive fiction (issue 11), measured over seeded random games
//! and over the compiled model: the player acts every few paragraphs, every ending is
//! reached by some share of players, no menu forces a single option, every variable is
//! felt, and what a paragraph recalls has happened on that route.

mod common;

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use butterfly::engine::{self, Draw, GameState};
use butterfly::source;
use butterfly::story::expr::{Effect, Expr, Type};
use butterfly::story::text::Segment;
use butterfly::story::{Exit, Story, Text};
use butterfly::tools::playtest::{self, Options, PlayReport};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn shipped() -> &'static Story {
    static STORY: OnceLock<Story> = OnceLock::new();
    STORY.get_or_init(|| {
        let loaded = butterfly::story::load(&source::read_dir("story".as_ref()).unwrap());
        loaded.story.expect("the shipped story loads")
    })
}

/// 1,000 random games from a fixed seed: the figures `butterfly stats` prints.
fn random_play() -> &'static PlayReport {
    static REPORT: OnceLock<PlayReport> = OnceLock::new();
    REPORT.get_or_init(|| playtest::measure(shipped(), &Options::default()).unwrap())
}

#[test]
fn the_player_decides_often_and_reads_little_between_decisions() {
    let r = random_play();
    assert!(
        r.median_decisions() >= 40,
        "median {} decisions a game (target ≥ 40)",
        r.median_decisions()
    );
    assert!(
        r.median_gap() <= 350,
        "median {} words between decisions (target ≤ 350)",
        r.median_gap()
    );
    assert_eq!(r.unfinished, 0);
}

#[test]
fn every_ending_is_reached_by_three_to_forty_percent_of_random_games() {
    let r = random_play();
    for e in &shipped().endings {
        let share = r.share(&e.id);
        assert!(
            (0.03..=0.40).contains(&share),
            "{} reached by {:.1}% of random games (target 3–40%)",
            e.title,
            share * 100.0
        );
    }
}

#[test]
fn no_menu_offers_a_single_option() {
    let r = random_play();
    assert!(r.forced.is_empty(), "single-option menus: {:?}", r.forced);
}

/// Plays `games` random games and returns, for each, the scenes entered and every
/// paragraph shown (scene id, text).
fn transcripts(games: u64) -> Vec<(GameState, Vec<(String, String)>)> {
    let story = shipped();
    let mut out = Vec::new();
    for seed in 0..games {
        let mut pick = ChaCha8Rng::seed_from_u64(seed ^ 0x5eed);
        let (mut state, _) = engine::start(story, seed).unwrap();
        let mut shown = Vec::new();
        loop {
            let view = engine::render(story, &state).unwrap();
            for p in view.paragraphs {
                shown.push((view.id.clone(), p));
            }
            if let Some(end) = view.ending {
                for p in end.epilogue {
                    shown.push((format!("epilogue:{}", end.id), p));
                }
                break;
            }
            let enabled: Vec<String> = engine::choices(story, &state)
                .into_iter()
                .filter(|c| c.enabled)
                .map(|c| c.id)
                .collect();
            let id = &enabled[pick.random_range(0..enabled.len())];
            engine::choose_with(story, &mut state, id, Draw::Random).unwrap();
        }
        out.push((state, shown));
    }
    out
}

#[test]
fn no_paragraph_is_shown_twice_in_one_game() {
    let mut repeats = std::collections::BTreeSet::new();
    for (state, shown) in transcripts(300) {
        let mut seen: HashMap<&str, &str> = HashMap::new();
        for (scene, p) in &shown {
            if p.split_whitespace().count() < 12 {
                continue;
            }
            if let Some(first) = seen.insert(p, scene) {
                repeats.insert(format!(
                    "seed {}: `{first}` then `{scene}`: {p:?}",
                    state.seed
                ));
            }
        }
    }
    assert!(
        repeats.is_empty(),
        "{} repeats:\n{}",
        repeats.len(),
        repeats.into_iter().take(20).collect::<Vec<_>>().join("\n")
    );
}

/// Words that recall an event, and the scene (or flag) that records it.
const RECALLS: &[(&str, Recall)] = &[
    (
        "as you once watched it done in a dressing-room",
        Recall::Visited("beijing_1964_opera_house_backstage"),
    ),
    (
        "the year the Orient yielded",
        Recall::Is("forecast", "hawk"),
    ),
    (
        "Song told you once, on the Great Wall",
        Recall::Visited("beijing_1965_pillow_talk_chin"),
    ),
    (
        "Song told you once, in June, with the second cup",
        Recall::Visited("beijing_1965_pillow_talk_cup"),
    ),
    (
        "what you let fall on the Great Wall",
        Recall::Visited("beijing_1965_pillow_talk_shared"),
    ),
    (
        "has a gramophone now",
        Recall::Visited("beijing_1965_silence_news"),
    ),
    ("You said the oath a third time", Recall::Flag("swore_oath")),
    (
        "Moreau and his forbidden cigarette",
        Recall::Visited("beijing_1965_silence_burn"),
    ),
];

enum Recall {
    Visited(&'static str),
    Flag(&'static str),
    /// An enumeration holds this value.
    Is(&'static str, &'static str),
}

#[test]
fn a_paragraph_that_recalls_an_event_shows_only_where_it_happened() {
    let mut checked = 0;
    for (state, shown) in transcripts(300) {
        for (words, recall) in RECALLS {
            let Some((scene, _)) = shown.iter().find(|(_, p)| p.contains(words)) else {
                continue;
            };
            checked += 1;
            match recall {
                Recall::Visited(s) => assert!(
                    state.visit_count(s) > 0,
                    "seed {}: `{scene}` recalls {words:?} but `{s}` was never visited",
                    state.seed
                ),
                Recall::Flag(f) => assert!(
                    state.var(f) != 0,
                    "seed {}: `{scene}` recalls {words:?} but `{f}` is false",
                    state.seed
                ),
                Recall::Is(var, value) => {
                    let declared = shipped().variables.iter().find(|v| v.name == *var);
                    let now = declared.map(|v| v.show(state.var(var)));
                    assert_eq!(
                        now.as_deref(),
                        Some(*value),
                        "seed {}: `{scene}` recalls {words:?} but `{var}` is not `{value}`",
                        state.seed
                    );
                }
            }
        }
    }
    assert!(
        checked > 0,
        "no game showed a recall: the test checks nothing"
    );
}

#[test]
fn nothing_in_beijing_comes_from_bonn() {
    // No diplomatic relations between Bonn and Beijing until 1972.
    for (_, shown) in transcripts(200) {
        for (scene, p) in shown {
            assert!(!p.contains("Bonn"), "`{scene}`: {p}");
        }
    }
}

fn text_reads(t: &Text, out: &mut BTreeMap<String, usize>) {
    fn walk(segs: &[Segment], out: &mut BTreeMap<String, usize>) {
        for s in segs {
            match s {
                Segment::Var(v) | Segment::EnumVar(v, _) => {
                    *out.entry(v.to_string()).or_default() += 1;
                }
                Segment::If(block) => {
                    expr_reads(&block.cond, out);
                    walk(&block.then, out);
                    walk(&block.otherwise, out);
                }
                Segment::OneOf(_, options) | Segment::Vary(_, _, options) => {
                    for o in options {
                        walk(o, out);
                    }
                }
                Segment::Lit(_) | Segment::Tag(_) => {}
            }
        }
    }
    walk(&t.segments, out);
}

fn expr_reads(e: &Expr, out: &mut BTreeMap<String, usize>) {
    e.for_each_var(&mut |v| *out.entry(v.to_owned()).or_default() += 1);
}

fn effect_reads(effects: &[Effect], out: &mut BTreeMap<String, usize>) {
    for e in effects {
        if let Some(g) = &e.guard {
            expr_reads(g, out);
        }
        // `x += 1` reads nothing that changes what happens; `x = y < 50` reads y.
        expr_reads(&e.value, out);
    }
}

#[test]
fn every_integer_variable_is_read_in_at_least_three_places() {
    let story = shipped();
    let mut reads = BTreeMap::new();
    for s in &story.scenes {
        s.text.iter().for_each(|t| text_reads(t, &mut reads));
        effect_reads(&s.on_enter, &mut reads);
        match &s.exit {
            Exit::Choices(cs) => {
                for c in cs {
                    text_reads(&c.label, &mut reads);
                    if let Some(w) = c.when() {
                        expr_reads(w, &mut reads);
                    }
                    effect_reads(&c.effects, &mut reads);
                    if let Some(ch) = c.chance() {
                        effect_reads(&ch.effects, &mut reads);
                    }
                }
            }
            Exit::Routes(rs) => rs
                .iter()
                .filter_map(|r| r.when())
                .for_each(|w| expr_reads(w, &mut reads)),
            Exit::Ending(_) => {}
        }
    }
    for e in &story.endings {
        e.epilogue.iter().for_each(|t| text_reads(t, &mut reads));
    }
    let thin: Vec<String> = story
        .variables
        .iter()
        .filter(|v| v.ty == Type::Int)
        .filter(|v| reads.get(&v.name).copied().unwrap_or(0) < 3)
        .map(|v| format!("{} ({})", v.name, reads.get(&v.name).copied().unwrap_or(0)))
        .collect();
    assert!(
        thin.is_empty(),
        "integers read in fewer than three places: {thin:?}"
    );
}

/// The literal words of a text, every branch and variant included.
fn flat(segs: &[Segment], out: &mut String) {
    for s in segs {
        match s {
            Segment::Lit(l) => {
                out.push_str(l);
                out.push(' ');
            }
            Segment::If(block) => {
                flat(&block.then, out);
                flat(&block.otherwise, out);
            }
            Segment::OneOf(_, options) | Segment::Vary(_, _, options) => {
                for o in options {
                    flat(o, out);
                }
            }
            Segment::Var(_) | Segment::EnumVar(..) | Segment::Tag(_) => {}
        }
    }
}

#[test]
fn similes_stay_under_three_per_thousand_words() {
    // "the way…", "as if / as though", "like a/an": the prose's habits, kept in check.
    let story = shipped();
    let mut words = 0usize;
    let mut similes = 0usize;
    let mut count = |t: &Text| {
        let mut lit = String::new();
        flat(&t.segments, &mut lit);
        let lower = lit.to_lowercase();
        let w: Vec<&str> = lower
            .split(|c: char| !c.is_alphanumeric() && c != '\'')
            .filter(|w| !w.is_empty())
            .collect();
        words += w.len();
        for pair in w.windows(2) {
            similes += usize::from(matches!(
                (pair[0], pair[1]),
                ("the", "way") | ("as", "if" | "though") | ("like", "a" | "an")
            ));
        }
    };
    for s in &story.scenes {
        s.text.iter().for_each(&mut count);
    }
    for e in &story.endings {
        e.epilogue.iter().for_each(&mut count);
    }
    let per_thousand = similes as f64 * 1000.0 / words as f64;
    assert!(
        per_thousand <= 3.0,
        "{similes} similes in {words} words: {per_thousand:.2} per 1,000 (target ≤ 3)"
    );
    assert!(
        words >= 40_000,
        "the story has {words} words (keep ≥ 40,000)"
    );
}
