//! The shipped story (`story/`), played through the real engine.
//!
//! Scripted playthroughs reach every ending by the routes the story bible's branch table
//! promises, the film's path reaches *Butterfly*, an exhaustive search proves every scene
//! and ending reachable with no way to get stuck, and the story's size and texture are
//! counted from the parsed model rather than from the raw files.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::sync::OnceLock;

use butterfly::engine::{self, Event, GameState};
use butterfly::source;
use butterfly::story::expr::{AssignOp, BinOp, Effect, Expr, UnOp};
use butterfly::story::text::Segment;
use butterfly::story::{self, Exit, Story};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// The story, loaded once for the whole test binary.
fn shipped() -> &'static Story {
    static STORY: OnceLock<Story> = OnceLock::new();
    STORY.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("story");
        let loaded = story::load(&source::read_dir(&dir).expect("story/ is readable"));
        let errors: Vec<String> = loaded.diagnostics.iter().map(ToString::to_string).collect();
        loaded
            .story
            .unwrap_or_else(|| panic!("story/ does not load: {errors:#?}"))
    })
}

/// Plays `ids` from `seed`, one choice id per step ("continue" for `next`/`routes`
/// scenes), and returns the final state. Panics with the scene and the choices on offer
/// at the first step that does not apply.
fn play(seed: u64, ids: &[&str]) -> GameState {
    let story = shipped();
    let (mut state, _) = engine::start(story, seed).expect("the story starts");
    for (i, id) in ids.iter().enumerate() {
        assert!(
            !state.is_over(),
            "step {i} (`{id}`): the game already ended in `{}`",
            state.scene
        );
        if let Err(e) = engine::choose(story, &mut state, id) {
            let offered: Vec<String> = engine::choices(story, &state)
                .into_iter()
                .map(|c| format!("{}{}", c.id, if c.enabled { "" } else { " (dimmed)" }))
                .collect();
            panic!(
                "step {i} (`{id}`) in `{}`: {e}; offered: {offered:?}",
                state.scene
            );
        }
    }
    state
}

/// Plays a script and checks that it ends exactly at `ending`, in `closing_scene`.
fn play_to(seed: u64, ids: &[&str], ending: &str, closing_scene: &str) -> GameState {
    let state = play(seed, ids);
    assert_eq!(
        state.ending.as_deref(),
        Some(ending),
        "the script stopped in `{}` without the ending",
        state.scene
    );
    assert_eq!(state.scene, closing_scene);
    assert_plain_reaches(seed, ids, ending);
    state
}

/// The same script typed into `butterfly play --plain` as choice numbers (the position
/// of each choice among those offered), which must print `ENDING: <title>`.
fn assert_plain_reaches(seed: u64, ids: &[&str], ending: &str) {
    let story = shipped();
    let (mut state, _) = engine::start(story, seed).unwrap();
    let mut typed = String::new();
    for id in ids {
        let offered: Vec<String> = engine::choices(story, &state)
            .into_iter()
            .filter(|c| c.enabled)
            .map(|c| c.id)
            .collect();
        let n = offered.iter().position(|c| c == id).unwrap() + 1;
        typed.push_str(&n.to_string());
        typed.push('\n');
        engine::choose(story, &mut state, id).unwrap();
    }
    let saves = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_butterfly"))
        .args([
            "--story",
            "story",
            "play",
            "--plain",
            "--seed",
            &seed.to_string(),
        ])
        .env("BUTTERFLY_SAVES", saves.path())
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        let _ = stdin.write_all(typed.as_bytes());
    }
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let title = &story.ending(ending).unwrap().title;
    assert!(out.status.success(), "plain mode failed: {text}");
    assert!(
        text.contains(&format!("ENDING: {title}\n")),
        "plain mode with {typed:?} did not print `ENDING: {title}`"
    );
}

/// A script written one beat per line: `7: continue continue share continue`. The beat
/// numbers are for the reader; every other word is a choice id, in order.
fn script(beats: &str) -> Vec<&str> {
    beats
        .split_whitespace()
        .filter(|w| !w.ends_with(':') && *w != "|")
        .collect()
}

fn visited(state: &GameState, scene: &str) -> bool {
    state.visits.get(scene).is_some_and(|&n| n > 0)
}

// The bible's (C) choices at every beat. Beats 9 and 18 have no film choice: René goes
// to Song at 9 and pleads at 18.
const FILM_TO_15: &str = "
    1: continue praise continue
    2: leave_out continue
    3: backstage continue continue
    4: kiss continue
    5: ignore continue
    6: continue accept continue
    7: continue continue share continue
    8: force continue
    9: continue slip continue
    10: continue marry continue
    11: oath continue continue
    12: watch continue
    13: accept continue
    14: silent continue continue
    15: continue drink continue
";

fn film_then(rest: &'static str) -> Vec<&'static str> {
    let mut ids = script(FILM_TO_15);
    ids.extend(script(rest));
    ids
}

#[test]
fn e1_the_films_path_ends_in_butterfly() {
    let ids = film_then(
        "
        16: embrace continue continue
        17: bring continue bring continue bring continue
        18: continue continue plead continue
        19: continue turn_away continue continue
        20: continue continue play let_it_play
    ",
    );
    let state = play_to(1, &ids, "e1_butterfly", "end_e1_butterfly");
    assert!(state.var("illusion") >= 70, "{:?}", state.vars);
    assert_eq!(state.var("docs_passed"), 3);
    // Jeanne left in 1967 on this path, so there is no prison visit.
    assert_eq!(state.var("jeanne_left"), 1);
    assert!(!visited(&state, "paris_afterwards_last_act_visit"));
}

#[test]
fn the_films_choices_reach_butterfly_for_every_seed() {
    // The same choices as a policy, so that a seeded street patrol (which can bring the
    // arrest forward by a document) cannot derail it.
    let story = shipped();
    let mut policy: HashMap<&str, &str> = HashMap::from([
        ("beijing_1964_recital_terrace", "praise"),
        ("beijing_1964_home", "leave_out"),
        ("beijing_1964_opera_house", "backstage"),
        ("beijing_1964_parlor", "kiss"),
        ("beijing_1965_silence", "ignore"),
        ("beijing_1965_surrender_terms", "accept"),
        ("beijing_1965_pillow_talk_wall", "share"),
        ("beijing_1965_forecast", "force"),
        ("beijing_1965_baden_soiree_offer", "slip"),
        ("beijing_1965_pregnancy_divorce", "marry"),
        ("beijing_1966_the_son", "oath"),
        ("beijing_1966_red_august", "watch"),
        ("beijing_1966_recall", "accept"),
        ("paris_1967_small_life", "silent"),
        ("paris_1968_barricades_street", "drink"),
        ("paris_1968_reunion", "embrace"),
        ("paris_1968_pouch_ask", "bring"),
        ("paris_afterwards_trial_song", "plead"),
        ("paris_afterwards_van_undress", "turn_away"),
        ("paris_afterwards_last_act_note", "play"),
    ]);
    for seed in 0..24 {
        let (mut state, _) = engine::start(story, seed).unwrap();
        let mut patrols = 0;
        while !state.is_over() {
            assert!(
                state.path.len() < 200,
                "seed {seed}: no ending after 200 steps"
            );
            let offered = engine::choices(story, &state);
            if state.scene == "paris_afterwards_last_act_stage" {
                assert!(state.var("illusion") >= 70, "seed {seed}: {:?}", state.vars);
                // Switching the tape off is not offered to a René this far gone (≥ 85).
                assert!(offered.iter().all(|c| c.id != "switch_off"));
                policy.insert("paris_afterwards_last_act_stage", "let_it_play");
            }
            let id = policy
                .get(state.scene.as_str())
                .copied()
                .unwrap_or("continue");
            let events = engine::choose(story, &mut state, id)
                .unwrap_or_else(|e| panic!("seed {seed} in `{}`: {e}", state.scene));
            patrols += events
                .iter()
                .filter(|e| matches!(e, Event::ChanceDrawn { hit: true, .. }))
                .count();
        }
        assert_eq!(
            state.ending.as_deref(),
            Some("e1_butterfly"),
            "seed {seed} ({patrols} patrols)"
        );
    }
}

#[test]
fn e2_six_years_when_the_illusion_breaks() {
    let ids = script(
        "
        1: continue concede continue
        2: tell_everything continue
        3: backstage continue continue
        4: ask_life continue
        5: answer continue continue
        6: continue insist continue
        7: continue continue change continue
        8: caution continue
        9: continue dance continue
        10: continue money continue
        11: france continue continue
        12: intervene continue
        13: plead continue continue
        14: brittany continue continue
        15: continue help_student continue
        16: embrace continue continue
        17: bring continue bring continue bring continue
        18: continue continue gaze continue
        19: continue look continue continue
        20: continue forgive continue continue play stop
    ",
    );
    let state = play_to(3, &ids, "e2_six_years", "end_e2_six_years");
    assert!(state.var("illusion") < 70);
    // Jeanne stayed, and visited Fresnes.
    assert!(visited(&state, "paris_afterwards_last_act_visit"));
}

#[test]
fn e3_closing_the_door_when_jeanne_has_gone() {
    let ids = film_then("16: close continue");
    let state = play_to(1, &ids, "e3_bag_stays_shut", "end_e3_bag_stays_shut");
    assert_eq!(state.var("jeanne_left"), 1);
    assert!(visited(&state, "paris_1968_reunion_door"));
}

#[test]
fn e3_refusing_twice_with_the_bag_unopened() {
    let ids = film_then(
        "
        16: embrace continue continue
        17: refuse continue refuse continue
    ",
    );
    let state = play_to(1, &ids, "e3_bag_stays_shut", "end_e3_bag_stays_shut");
    assert_eq!(state.var("refusals"), 2);
    assert_eq!(state.var("docs_passed"), 0);
}

#[test]
fn e4_denouncing_song_in_beijing_needs_three_clues() {
    let ids = script(
        "
        1: continue gossip continue
        2: invite continue
        3: ask_neighbour continue continue
        4: ask_life continue
        5: ignore continue
        6: continue accept continue
        7: continue continue grey continue
        8: mistress continue
        9: continue dance continue
        10: continue doctor continue
        11: doubt continue continue
        12: trade continue
        13: denounce
    ",
    );
    let state = play_to(1, &ids, "e4_counter_intelligence", "end_e4_beijing");
    assert!(state.var("clues") >= 3);

    // With fewer clues (and suspicion under 60) the denunciation is shown but dimmed.
    let early = play(1, &script(FILM_TO_15)[..32]);
    assert_eq!(early.scene, "beijing_1966_recall");
    let denounce = engine::choices(shipped(), &early)
        .into_iter()
        .find(|c| c.id == "denounce")
        .expect("denounce is shown");
    assert!(!denounce.enabled && denounce.reason.is_some());
}

#[test]
fn e4_going_to_counter_intelligence_in_paris() {
    let ids = film_then(
        "
        16: embrace continue continue
        17: bring continue report continue
    ",
    );
    let state = play_to(1, &ids, "e4_counter_intelligence", "end_e4_paris");
    assert_eq!(state.var("docs_passed"), 1);
}

#[test]
fn e5_burning_the_letters_in_1965() {
    let ids = script(
        "
        1: continue concede continue
        2: tell_everything continue
        3: backstage continue continue
        4: kiss continue
        5: burn continue
    ",
    );
    let state = play_to(1, &ids, "e5_return_to_jeanne", "end_e5_beijing");
    assert!(state.var("devotion") <= 20 && state.var("jeanne_trust") >= 70);
}

#[test]
fn e5_burning_the_letters_is_not_enough_for_a_devoted_man() {
    // Devotion over 20: the last letter draws him back to Song (beat 6).
    let ids = script(
        "
        1: continue praise continue
        2: tell_everything continue
        3: backstage continue continue
        4: kiss continue
        5: burn continue
    ",
    );
    let state = play(1, &ids);
    assert!(!state.is_over());
    assert_eq!(state.scene, "beijing_1965_silence_last_letter");
}

#[test]
fn e5_closing_the_door_when_jeanne_stayed() {
    let ids = script(
        "
        1: continue praise continue
        2: invite continue
        3: backstage continue continue
        4: kiss continue
        5: ignore continue
        6: continue accept continue
        7: continue continue share continue
        8: force continue
        9: continue dance continue
        10: continue marry continue
        11: oath continue continue
        12: watch continue
        13: accept continue
        14: brittany continue continue
        15: continue home continue
        16: close continue
    ",
    );
    let state = play_to(1, &ids, "e5_return_to_jeanne", "end_e5_paris");
    assert_eq!(state.var("jeanne_left"), 0);
    assert!(state.var("jeanne_trust") >= 60);
    assert!(visited(&state, "paris_1968_reunion_door"));
}

#[test]
fn e6_refusing_with_open_eyes() {
    // A René who loves her and keeps asking questions: concedes the critique, asks
    // about her life, sees Chin, advises caution, helps the student, asks for the
    // passport, and lets her stay without taking her in his arms.
    let ids = script(
        "
        1: continue concede continue
        2: invite continue
        3: backstage continue continue
        4: ask_life continue
        5: answer continue continue
        6: continue insist continue
        7: continue continue grey continue
        8: caution continue
        9: continue slip continue
        10: continue marry continue
        11: oath continue continue
        12: watch continue
        13: accept continue
        14: confess continue continue
        15: continue help_student continue
        16: ask_passport stay continue continue
        17: refuse continue
    ",
    );
    let state = play_to(1, &ids, "e6_without_costume", "end_e6_without_costume");
    assert!(state.var("clues") >= 3);
    assert!(state.var("devotion") >= 70);
    assert!(state.var("illusion") <= 30);
}

#[test]
fn jeanne_finds_out_about_frau_baden() {
    // The lie (beat 2) and the nights spent answering letters (beat 5) bring Jeanne's
    // trust under 50 by the soirée; going upstairs then costs 20 more.
    let ids = script(
        "
        1: continue gossip continue
        2: leave_out continue
        3: backstage continue continue
        4: kiss continue
        5: answer continue continue
        6: continue accept continue
        7: continue continue share continue
        8: force continue
        9: continue baden continue
    ",
    );
    let state = play(1, &ids);
    assert_eq!(state.scene, "beijing_1965_baden_soiree_found");
    assert_eq!(state.var("jeanne_found_baden"), 1);
    assert_eq!(state.var("jeanne_trust"), 60 - 5 - 10 - 20);
}

#[test]
fn frau_baden_offers_herself_only_after_the_gossip() {
    let story = shipped();
    for (first, offered) in [("gossip", true), ("praise", false), ("concede", false)] {
        let mut ids = vec!["continue", first, "continue", "invite", "continue"];
        ids.extend(script(
            "3: backstage continue continue  4: kiss continue  5: ignore continue
             6: continue accept continue  7: continue continue share continue
             8: force continue  9: continue",
        ));
        let state = play(1, &ids);
        assert_eq!(state.scene, "beijing_1965_baden_soiree_offer");
        let ids: Vec<String> = engine::choices(story, &state)
            .into_iter()
            .map(|c| c.id)
            .collect();
        assert_eq!(
            ids.iter().any(|i| i == "baden"),
            offered,
            "after `{first}`: {ids:?}"
        );
    }
}

#[test]
fn choosing_the_first_option_always_ends() {
    let story = shipped();
    for seed in 0..32 {
        let (mut state, _) = engine::start(story, seed).unwrap();
        while !state.is_over() {
            assert!(
                state.path.len() < 300,
                "seed {seed}: still going in `{}`",
                state.scene
            );
            let first = engine::choices(story, &state)
                .into_iter()
                .find(|c| c.enabled)
                .unwrap_or_else(|| panic!("seed {seed}: nothing to choose in `{}`", state.scene));
            engine::choose(story, &mut state, &first.id).unwrap();
        }
        assert!(story.ending(state.ending.as_deref().unwrap()).is_some());
    }
}

/// A tiny seeded generator for picking choices (the engine's own rng stays untouched).
struct Pick(u64);

impl Pick {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

#[test]
fn random_playthroughs_end_and_every_scene_shown_has_sixty_words() {
    let story = shipped();
    let mut endings = BTreeSet::new();
    for seed in 1..=300u64 {
        let (mut state, _) = engine::start(story, seed).unwrap();
        let mut pick = Pick(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        loop {
            let view = engine::render(story, &state).unwrap();
            let words: usize = view
                .paragraphs
                .iter()
                .map(|p| p.split_whitespace().count())
                .sum();
            assert!(
                words >= 60,
                "seed {seed}: `{}` shows only {words} words",
                view.id
            );
            if state.is_over() {
                break;
            }
            assert!(state.path.len() < 300, "seed {seed}: no ending");
            let offered: Vec<_> = engine::choices(story, &state)
                .into_iter()
                .filter(|c| c.enabled)
                .collect();
            let id = offered[pick.below(offered.len())].id.clone();
            engine::choose(story, &mut state, &id).unwrap();
        }
        endings.insert(state.ending.unwrap());
    }
    // Random play finds the common endings; the rarer ones have their own scripts.
    assert!(endings.len() >= 4, "{endings:?}");
}

// --- Exhaustive reachability -------------------------------------------------------
//
// The story has tens of millions of distinct variable assignments, far too many to
// enumerate. Two states in the same scene behave identically, though, if they agree on
// everything the rest of the game can still test. For each scene we compute, from the
// parsed model, every comparison any later condition or effect makes (`uses`) and which
// variables later effects can change (`writes`). A variable nothing can still test is
// dropped; one nothing can still change is reduced to the truth of those comparisons; one
// that can only still go up and is only tested with `>=`/`>` is capped at its highest
// threshold. What is left is an exact (not sampled) search: if a scene is unreachable,
// this finds out.

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Use {
    /// Compared with a constant.
    Cmp(Cmp, i64),
    /// Used any other way (arithmetic, compared with another variable): keep it exact.
    Exact,
}

type Uses = BTreeMap<String, BTreeSet<Use>>;

fn cmp_of(op: BinOp) -> Option<Cmp> {
    Some(match op {
        BinOp::Eq => Cmp::Eq,
        BinOp::Ne => Cmp::Ne,
        BinOp::Lt => Cmp::Lt,
        BinOp::Le => Cmp::Le,
        BinOp::Gt => Cmp::Gt,
        BinOp::Ge => Cmp::Ge,
        _ => return None,
    })
}

fn flipped(c: Cmp) -> Cmp {
    match c {
        Cmp::Lt => Cmp::Gt,
        Cmp::Le => Cmp::Ge,
        Cmp::Gt => Cmp::Lt,
        Cmp::Ge => Cmp::Le,
        other => other,
    }
}

/// Records how a condition reads variables. `visits(x)` is recorded as `@x`.
fn condition_uses(expr: &Expr, out: &mut Uses) {
    match expr {
        Expr::Binary(op, lhs, rhs) => match (cmp_of(*op), &**lhs, &**rhs) {
            (Some(cmp), Expr::Var(var), Expr::Int(n)) => add_use(out, var, Use::Cmp(cmp, *n)),
            (Some(cmp), Expr::Int(n), Expr::Var(var)) => {
                add_use(out, var, Use::Cmp(flipped(cmp), *n));
            }
            (None, _, _) if matches!(op, BinOp::And | BinOp::Or) => {
                condition_uses(lhs, out);
                condition_uses(rhs, out);
            }
            _ => exact_uses(expr, out),
        },
        Expr::Unary(UnOp::Not, inner) => condition_uses(inner, out),
        Expr::Var(var) => add_use(out, var, Use::Cmp(Cmp::Ne, 0)),
        _ => exact_uses(expr, out),
    }
}

fn exact_uses(e: &Expr, out: &mut Uses) {
    match e {
        Expr::Var(v) => add_use(out, v, Use::Exact),
        Expr::Visits(s) => add_use(out, &format!("@{s}"), Use::Exact),
        Expr::Unary(_, a) => exact_uses(a, out),
        Expr::Binary(_, a, b) => {
            exact_uses(a, out);
            exact_uses(b, out);
        }
        Expr::Int(_) | Expr::Bool(_) => {}
    }
}

fn add_use(out: &mut Uses, var: &str, u: Use) {
    out.entry(var.to_owned()).or_default().insert(u);
}

/// What a stretch of the story reads and writes. `writes[v]` is true while every write
/// to `v` only adds a non-negative constant.
#[derive(Clone, Default)]
struct Future {
    uses: Uses,
    writes: BTreeMap<String, bool>,
}

impl Future {
    fn effects(&mut self, effects: &[Effect]) {
        for e in effects {
            if let Some(g) = &e.guard {
                condition_uses(g, &mut self.uses);
            }
            let only_up = matches!((e.op, &e.value), (AssignOp::Add, Expr::Int(k)) if *k >= 0);
            match e.op {
                AssignOp::Set => condition_uses(&e.value, &mut self.uses),
                AssignOp::Add | AssignOp::Sub => exact_uses(&e.value, &mut self.uses),
            }
            *self.writes.entry(e.target.to_string()).or_insert(true) &= only_up;
        }
    }

    fn merge(&mut self, other: &Future) -> bool {
        let mut changed = false;
        for (v, us) in &other.uses {
            let mine = self.uses.entry(v.clone()).or_default();
            for u in us {
                changed |= mine.insert(*u);
            }
        }
        for (v, &up) in &other.writes {
            let mine = self.writes.entry(v.clone()).or_insert_with(|| {
                changed = true;
                up
            });
            if *mine && !up {
                *mine = false;
                changed = true;
            }
        }
        changed
    }
}

/// For every scene: what can still be read or written once the player stands in it
/// (its own `on_enter` has run; its exits and everything after have not).
fn futures(story: &Story) -> HashMap<String, Future> {
    let mut on_enter: HashMap<&str, Future> = HashMap::new();
    let mut fut: HashMap<String, Future> = HashMap::new();
    for s in &story.scenes {
        let mut enter = Future::default();
        enter.effects(&s.on_enter);
        on_enter.insert(&s.id, enter);
        let mut own = Future::default();
        match &s.exit {
            Exit::Choices(cs) => {
                for c in cs {
                    if let Some(w) = &c.when {
                        condition_uses(w, &mut own.uses);
                    }
                    own.effects(&c.effects);
                    if let Some(ch) = &c.chance {
                        own.effects(&ch.effects);
                    }
                }
            }
            Exit::Routes(rs) => {
                for r in rs.iter().filter_map(|r| r.when.as_ref()) {
                    condition_uses(r, &mut own.uses);
                }
            }
            Exit::Ending(_) => {}
        }
        fut.insert(s.id.clone(), own);
    }
    loop {
        let mut changed = false;
        for s in &story.scenes {
            let mut acc = fut[&s.id].clone();
            for (t, _) in s.targets() {
                changed |= acc.merge(&on_enter[t]);
                changed |= acc.merge(&fut[t]);
            }
            fut.insert(s.id.clone(), acc);
        }
        if !changed {
            return fut;
        }
    }
}

fn holds(c: Cmp, v: i64, k: i64) -> bool {
    match c {
        Cmp::Eq => v == k,
        Cmp::Ne => v != k,
        Cmp::Lt => v < k,
        Cmp::Le => v <= k,
        Cmp::Gt => v > k,
        Cmp::Ge => v >= k,
    }
}

type Key = (String, Vec<i64>, BTreeSet<String>);

/// The part of a state that the rest of the game can still tell apart.
fn key(fut: &HashMap<String, Future>, s: &GameState) -> Key {
    let f = &fut[&s.scene];
    let mut k = Vec::new();
    for (v, us) in &f.uses {
        let val = match v.strip_prefix('@') {
            Some(scene) => i64::from(s.visits.get(scene).copied().unwrap_or(0)),
            None => s.var(v),
        };
        let cmps = || {
            us.iter().filter_map(|u| match u {
                Use::Cmp(c, k) => Some((*c, *k)),
                Use::Exact => None,
            })
        };
        if us.contains(&Use::Exact) || v.starts_with('@') {
            k.push(val);
        } else {
            match f.writes.get(v) {
                None => k.extend(cmps().map(|(c, t)| i64::from(holds(c, val, t)))),
                Some(true) if cmps().all(|(c, _)| matches!(c, Cmp::Ge | Cmp::Gt)) => {
                    let cap = cmps()
                        .map(|(c, t)| if c == Cmp::Gt { t + 1 } else { t })
                        .max()
                        .unwrap_or(0);
                    k.push(val.min(cap));
                }
                Some(_) => k.push(val),
            }
        }
    }
    (s.scene.clone(), k, s.taken_once.clone())
}

#[test]
fn every_scene_choice_and_ending_is_reachable_and_no_state_is_a_dead_end() {
    let story = shipped();
    let fut = futures(story);
    let uses_visits = fut
        .values()
        .any(|f| f.uses.keys().any(|v| v.starts_with('@')));

    let (start, _) = engine::start(story, 1).unwrap();
    let mut index: HashMap<Key, usize> = HashMap::new();
    let mut edges: Vec<Vec<usize>> = Vec::new();
    let mut is_end: Vec<bool> = Vec::new();
    let mut scenes: BTreeSet<String> = BTreeSet::new();
    let mut endings: BTreeSet<String> = BTreeSet::new();
    let mut taken: BTreeSet<(String, String)> = BTreeSet::new();

    index.insert(key(&fut, &start), 0);
    edges.push(Vec::new());
    is_end.push(false);
    let mut stack = vec![(0usize, start)];
    while let Some((id, state)) = stack.pop() {
        scenes.insert(state.scene.clone());
        if let Some(e) = &state.ending {
            endings.insert(e.clone());
            is_end[id] = true;
            continue;
        }
        let offered: Vec<_> = engine::choices(story, &state)
            .into_iter()
            .filter(|c| c.enabled)
            .collect();
        assert!(
            !offered.is_empty(),
            "nothing to choose in `{}`: {:?}",
            state.scene,
            state.vars
        );
        for c in offered {
            taken.insert((state.scene.clone(), c.id.clone()));
            // A chance is drawn from the state's generator: reseed it until both the
            // detour and the ordinary way have been seen.
            let mut outcomes = BTreeSet::new();
            for reseed in 0..64u64 {
                let mut next = state.clone();
                if reseed > 0 {
                    next.rng = ChaCha8Rng::seed_from_u64(reseed);
                }
                let events = engine::choose(story, &mut next, &c.id)
                    .unwrap_or_else(|e| panic!("`{}` / `{}`: {e}", state.scene, c.id));
                next.path.clear();
                if !uses_visits {
                    next.visits.clear();
                }
                for e in &events {
                    if let Event::SceneEntered { scene } = e {
                        scenes.insert(scene.clone());
                    }
                }
                let k = key(&fut, &next);
                let target = *index.entry(k).or_insert_with(|| {
                    edges.push(Vec::new());
                    is_end.push(false);
                    stack.push((edges.len() - 1, next));
                    edges.len() - 1
                });
                edges[id].push(target);
                let hit = events.iter().find_map(|e| match e {
                    Event::ChanceDrawn { hit, .. } => Some(*hit),
                    _ => None,
                });
                match hit {
                    None => break,
                    Some(h) => {
                        outcomes.insert(h);
                        if outcomes.len() == 2 {
                            break;
                        }
                    }
                }
            }
            assert!(
                outcomes.len() != 1,
                "`{}` / `{}`: one chance outcome",
                state.scene,
                c.id
            );
        }
    }

    let all: BTreeSet<String> = story.scenes.iter().map(|s| s.id.clone()).collect();
    let missing: Vec<_> = all.difference(&scenes).collect();
    assert!(missing.is_empty(), "unreachable scenes: {missing:?}");
    let all_endings: BTreeSet<String> = story.endings.iter().map(|e| e.id.clone()).collect();
    assert_eq!(endings, all_endings);
    // Every choice is open in some reachable state (none is dead, dimmed for ever).
    let never: Vec<String> = story
        .scenes
        .iter()
        .flat_map(|s| {
            s.choices()
                .iter()
                .map(move |c| (s.id.clone(), c.id.clone()))
        })
        .filter(|sc| !taken.contains(sc))
        .map(|(s, c)| format!("{s}/{c}"))
        .collect();
    assert!(never.is_empty(), "choices never available: {never:?}");

    // No loop without an exit: from every reachable state some ending can still be reached.
    let mut rev: Vec<Vec<usize>> = vec![Vec::new(); edges.len()];
    for (from, tos) in edges.iter().enumerate() {
        for &to in tos {
            rev[to].push(from);
        }
    }
    let mut can_end = is_end.clone();
    let mut work: Vec<usize> = (0..is_end.len()).filter(|&i| is_end[i]).collect();
    while let Some(i) = work.pop() {
        for &p in &rev[i] {
            if !can_end[p] {
                can_end[p] = true;
                work.push(p);
            }
        }
    }
    let stuck = can_end.iter().filter(|&&ok| !ok).count();
    assert_eq!(stuck, 0, "{stuck} states can never reach an ending");
}

// --- Shape and texture -------------------------------------------------------------

#[test]
fn every_beat_opens_with_its_date_and_place() {
    let story = shipped();
    // (entry scene, a word its date label must hold, a word its place label must hold)
    let beats = [
        ("beijing_1964_recital", "October 1964", "legation"),
        ("beijing_1964_home", "October 1964", "flat"),
        ("beijing_1964_opera_house", "November 1964", "Qianmen"),
        ("beijing_1964_parlor", "December 1964", "Song"),
        ("beijing_1965_silence", "1965", "embassy"),
        ("beijing_1965_surrender", "March 1965", "Song"),
        ("beijing_1965_pillow_talk", "1965", "Song"),
        ("beijing_1965_forecast", "July 1965", "Toulon"),
        ("beijing_1965_baden_soiree", "October 1965", "Baden"),
        ("beijing_1965_pregnancy", "December 1965", "Song"),
        ("beijing_1966_the_son", "July 1966", "Song"),
        ("beijing_1966_red_august", "August 1966", "courtyard"),
        ("beijing_1966_recall", "November 1966", "Toulon"),
        ("paris_1967_small_life", "1967", "ministry"),
        ("paris_1968_barricades", "10 May 1968", "Palais Garnier"),
        ("paris_1968_reunion", "June 1968", "flat"),
        ("paris_1968_pouch", "September", "courier"),
        (
            "paris_afterwards_trial",
            "December 1968",
            "counter-intelligence",
        ),
        ("paris_afterwards_van", "afterwards", "police van"),
        ("paris_afterwards_last_act", "afterwards", "Fresnes"),
    ];
    for (id, date, place) in beats {
        let s = story
            .scene(id)
            .unwrap_or_else(|| panic!("beat entry `{id}` is missing"));
        assert!(s.date.contains(date), "`{id}` is dated `{}`", s.date);
        assert!(s.place.contains(place), "`{id}` is placed `{}`", s.place);
        assert!(!s.chapter.is_empty(), "`{id}` has no chapter title");
    }
}

fn count_blocks(segs: &[Segment], ifs: &mut usize, one_ofs: &mut usize) {
    for s in segs {
        match s {
            Segment::If(_, a, b) => {
                *ifs += 1;
                count_blocks(a, ifs, one_ofs);
                count_blocks(b, ifs, one_ofs);
            }
            Segment::OneOf(_, opts) => {
                *one_ofs += 1;
                for o in opts {
                    count_blocks(o, ifs, one_ofs);
                }
            }
            Segment::Lit(_) | Segment::Var(_) => {}
        }
    }
}

#[test]
fn text_varies_with_state_and_chance() {
    let story = shipped();
    let (mut ifs, mut one_ofs) = (0, 0);
    for t in story.scenes.iter().flat_map(|s| &s.text) {
        count_blocks(&t.segments, &mut ifs, &mut one_ofs);
    }
    assert!(ifs >= 30, "{ifs} state-variation blocks");
    assert!(one_ofs >= 10, "{one_ofs} random-texture blocks");
}

#[test]
fn the_story_is_at_least_25000_words() {
    let words = shipped().word_count();
    assert!(words >= 25_000, "{words} words");
}

#[test]
fn every_scene_with_text_has_sixty_words_and_the_rest_are_junctions() {
    // A pure transition is a scene with automatic routes and no text at all: the player
    // never sees it. Every scene the player does see carries at least 60 words.
    for s in &shipped().scenes {
        let words: usize = s.text.iter().map(butterfly::story::Text::word_count).sum();
        if s.text.is_empty() {
            assert!(
                s.is_junction(),
                "`{}` has no text but stops the player",
                s.id
            );
        } else {
            assert!(words >= 60, "`{}` has only {words} words", s.id);
        }
    }
}
