//! Detours that return (issue 14, item 1), through the real engine and the real binary:
//! where a return leads, nesting, what `check` refuses, and that a game inside a detour
//! survives save → load → replay and undo (also across a return) exactly.
//!
//! `tests/fixtures/detour_branch` is the acceptance story: a main line with two detours
//! (one nested) and a branch written with a detour, named effects and conditions, an
//! enumeration and sequence text.

mod common;

use std::time::Duration;

use butterfly::engine::{self, EngineError, GameState};
use butterfly::save::SaveStore;
use butterfly::story::Story;
use common::load_files;
use rand::{RngExt, SeedableRng};

fn fixture_dir() -> std::path::PathBuf {
    common::root().join("tests/fixtures/detour_branch")
}

fn pouch() -> Story {
    common::load_dir(&fixture_dir())
}

fn play(story: &Story, seed: u64, path: &[&str]) -> GameState {
    let (mut state, _) = engine::start(story, seed).unwrap();
    for c in path {
        engine::choose(story, &mut state, c).unwrap_or_else(|e| panic!("{c}: {e}"));
    }
    state
}

fn paragraphs(story: &Story, state: &GameState) -> Vec<String> {
    engine::render(story, state).unwrap().paragraphs
}

fn ids(story: &Story, state: &GameState) -> Vec<String> {
    engine::choices(story, state)
        .into_iter()
        .map(|c| c.id)
        .collect()
}

fn returns(state: &GameState) -> Vec<&str> {
    state.returns.iter().map(String::as_str).collect()
}

// ---------------------------------------------------------------------------------------
// Play.

#[test]
fn a_detour_returns_to_its_goto_and_the_scene_reads_on() {
    let story = pouch();
    let inside = play(&story, 1, &["letter"]);
    assert_eq!(inside.scene, "letter");
    assert_eq!(returns(&inside), ["legation"], "where the return will lead");

    let back = play(&story, 1, &["letter", "keep"]);
    assert_eq!(back.scene, "legation");
    assert!(back.returns.is_empty(), "the detour is closed");
    assert_eq!(back.var("kept_letter"), 1, "the detour's effect stands");
    assert_eq!(back.visit_count("legation"), 2, "coming back is an arrival");
    assert_eq!(
        paragraphs(&story, &back),
        [
            "The pouch is still open. A moth has found the lamp; it circles, and settles on the canvas, and is still.",
            "Jeanne's letter is in your breast pocket now. You feel its corner when you breathe.",
        ],
        "the sequence moved on; the first reading is not repeated"
    );
    assert_eq!(
        ids(&story, &back),
        ["seal", "opera"],
        "the once-only detour is not offered again"
    );
}

#[test]
fn a_return_two_scenes_deep_and_a_next_return_come_back_the_same_way() {
    let story = pouch();
    let state = play(&story, 2, &["letter", "remember"]);
    assert_eq!(
        (state.scene.as_str(), returns(&state)),
        ("station", vec!["legation"])
    );
    let state = play(&story, 2, &["letter", "remember", "continue"]);
    assert_eq!(state.scene, "legation");
    assert!(state.returns.is_empty());
}

#[test]
fn a_route_takes_a_detour_and_a_nested_detour_returns_through_both() {
    let story = pouch();
    let sentry = play(&story, 3, &["seal", "continue"]);
    assert_eq!(
        sentry.scene, "sentry",
        "the courtyard's fallback route is a detour"
    );
    assert_eq!(returns(&sentry), ["gate"]);

    let phone = play(&story, 3, &["seal", "continue", "consul"]);
    assert_eq!(phone.scene, "telephone");
    assert_eq!(
        returns(&phone),
        ["gate", "<return>"],
        "the inner detour returns into a return"
    );

    let gate = play(&story, 3, &["seal", "continue", "consul", "continue"]);
    assert_eq!(gate.scene, "gate", "out of both detours at once");
    assert!(gate.returns.is_empty());
    assert_eq!(gate.ending.as_deref(), Some("sealed"));
    assert_eq!(
        gate.var("suspicion"),
        1,
        "the named effect ran inside the detour"
    );
}

#[test]
fn a_return_with_nowhere_to_go_is_an_engine_error_and_changes_nothing() {
    // `check` refuses a story where this can happen; a game started inside a detour
    // with `--from` is the one way to meet it.
    let story = pouch();
    let (mut state, _) = engine::start_at(&story, 5, "letter", &[]).unwrap();
    let before = state.clone();
    let err = engine::choose(&story, &mut state, "keep").unwrap_err();
    assert_eq!(err, EngineError::NowhereToReturn("letter".to_owned()));
    assert_eq!(state, before, "a refused step leaves the game as it was");
}

// ---------------------------------------------------------------------------------------
// Saves, replay, undo.

/// Saves `state` into a fresh store, loads it back and checks it is the same game.
fn round_trip(story: &Story, state: &GameState) {
    let dir = tempfile::tempdir().unwrap();
    let store = SaveStore::new(dir.path().join("saves"));
    store.save("t", story, state, Duration::ZERO).unwrap();
    let loaded = store.load("t", story).unwrap();
    assert_eq!(loaded.divergence, None);
    assert_eq!(&loaded.state, state, "the save comes back identical");
}

#[test]
fn a_game_saved_inside_nested_detours_loads_and_replays_exactly() {
    let story = pouch();
    for path in [
        &["letter"][..],
        &["letter", "remember"],
        &["seal", "continue", "consul"],
        &["opera", "programme"],
        &["seal", "continue", "consul", "continue"],
    ] {
        let state = play(&story, 11, path);
        round_trip(&story, &state);
        let replayed = engine::replay(&story, 11, &state.path).unwrap();
        assert_eq!(replayed, state, "{path:?}");
    }
}

#[test]
fn undo_reopens_a_detour_that_returned_and_closes_one_that_opened() {
    let story = pouch();
    // Across a return: after `continue` the station returned to the desk; undo puts the
    // player back in the station with the detour open again.
    let back = play(&story, 7, &["letter", "remember", "continue"]);
    let undone = engine::undo(&story, &back).unwrap();
    assert_eq!(undone, play(&story, 7, &["letter", "remember"]));
    assert_eq!(returns(&undone), ["legation"]);
    // Across two returns at once.
    let gate = play(&story, 7, &["seal", "continue", "consul", "continue"]);
    let undone = engine::undo(&story, &gate).unwrap();
    assert_eq!(returns(&undone), ["gate", "<return>"]);
    assert_eq!(undone.scene, "telephone");
    // Into a detour: undo closes it.
    let inside = play(&story, 7, &["letter"]);
    let undone = engine::undo(&story, &inside).unwrap();
    assert!(undone.returns.is_empty());
    assert_eq!(undone, play(&story, 7, &[]));
}

#[test]
fn a_save_whose_open_detours_differ_from_the_replay_is_caught() {
    let story = pouch();
    let state = play(&story, 3, &["letter"]);
    let dir = tempfile::tempdir().unwrap();
    let saves = dir.path().join("saves");
    let store = SaveStore::new(saves.clone());
    store.save("t", &story, &state, Duration::ZERO).unwrap();
    let file = saves.join("t.ron");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.contains(r#"returns: ["legation"]"#),
        "the snapshot records the open detours:\n{text}"
    );
    std::fs::write(
        &file,
        text.replace(r#"returns: ["legation"]"#, r#"returns: ["courtyard"]"#),
    )
    .unwrap();
    let loaded = store.load("t", &story).unwrap();
    let d = loaded
        .divergence
        .expect("the edited snapshot does not match");
    assert!(
        d.reason
            .contains("returns to `legation` where the save returns to `courtyard`"),
        "{}",
        d.reason
    );
}

#[test]
fn saves_of_games_outside_detours_do_not_mention_them() {
    let story = pouch();
    let state = play(&story, 3, &["letter", "keep"]);
    let dir = tempfile::tempdir().unwrap();
    let saves = dir.path().join("saves");
    SaveStore::new(saves.clone())
        .save("t", &story, &state, Duration::ZERO)
        .unwrap();
    let text = std::fs::read_to_string(saves.join("t.ron")).unwrap();
    assert!(!text.contains("returns"), "{text}");
}

/// Random games: at every step the state is what replaying its path gives, undo gives
/// the state before, and the open detours stay within the bound.
#[test]
fn random_games_through_detours_replay_and_undo_exactly() {
    let story = pouch();
    for seed in 0..150u64 {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let (mut state, _) = engine::start(&story, seed).unwrap();
        let mut deepest = 0;
        while !state.is_over() {
            let open: Vec<String> = engine::choices(&story, &state)
                .into_iter()
                .filter(|c| c.enabled)
                .map(|c| c.id)
                .collect();
            assert!(!open.is_empty(), "stuck in {} (seed {seed})", state.scene);
            let pick = &open[rng.random_range(0..open.len())];
            let before = state.clone();
            engine::choose(&story, &mut state, pick).unwrap();
            deepest = deepest.max(state.returns.len());
            assert!(state.returns.len() <= butterfly::limits::MAX_DETOUR_DEPTH);
            assert_eq!(engine::replay(&story, seed, &state.path).unwrap(), state);
            assert_eq!(engine::undo(&story, &state).unwrap(), before);
            assert!(state.path.len() < 50, "seed {seed} does not end");
        }
        assert!(deepest <= 2, "this story nests two deep at most");
    }
}

// ---------------------------------------------------------------------------------------
// What `check` refuses.

const HEADER: &str =
    r#"Story(id: "d", title: "D", start: "hall", endings: [Ending(id: "end", title: "End")])"#;

fn chapter(scenes: &str) -> String {
    format!(r#"Chapter(title: "T", date: "Day", place: "Here", scenes: [{scenes}])"#)
}

/// `(code, message, hint)` of every diagnostic.
fn problems(scenes: &str) -> Vec<(String, String, String)> {
    let loaded = load_files(&[("h.ron", HEADER), ("c.ron", &chapter(scenes))]);
    loaded
        .diagnostics
        .iter()
        .map(|d| {
            (
                d.code.to_string(),
                d.message.clone(),
                d.hint.clone().unwrap_or_default(),
            )
        })
        .collect()
}

fn codes(scenes: &str) -> Vec<String> {
    problems(scenes).into_iter().map(|(c, ..)| c).collect()
}

const OUT: &str = r#"Scene(id: "out", text: ["Out."], ending: "end")"#;

#[test]
fn a_return_the_start_reaches_without_a_detour_is_e0601() {
    let p = problems(&format!(
        r#"Scene(id: "hall", text: ["Hall."], choices: [Choice(id: "m", label: "M", goto: "memory"), Choice(label: "Out", goto: "out")]),
           Scene(id: "memory", text: ["M."], next: "<return>"), {OUT}"#
    ));
    assert_eq!(p.len(), 1, "{p:?}");
    let (code, message, hint) = &p[0];
    assert_eq!(code, "E0601");
    assert!(
        message.contains("scene `memory` returns from a detour"),
        "{message}"
    );
    assert!(hint.contains("hall → memory"), "{hint}");

    // Taken through a detour instead, the same scenes are clean.
    assert!(codes(&format!(
        r#"Scene(id: "hall", text: ["Hall."], choices: [Choice(id: "m", label: "M", detour: "memory", goto: "hall", once: true), Choice(label: "Out", goto: "out")]),
           Scene(id: "memory", text: ["M."], next: "<return>"), {OUT}"#
    ))
    .is_empty());

    // The start itself, a route, and a chance's goto count too.
    assert_eq!(
        codes(&format!(
            r#"Scene(id: "hall", text: ["Hall."], routes: [Route(when: "true", goto: "<return>"), Route(goto: "out")]), {OUT}"#
        )),
        ["E0601"]
    );
    assert_eq!(
        codes(&format!(
            r#"Scene(id: "hall", text: ["Hall."], choices: [Choice(label: "Go", goto: "out", chance: (percent: 50, goto: "<return>"))]), {OUT}"#
        )),
        ["E0601"]
    );
}

#[test]
fn an_extension_that_returns_from_a_main_line_scene_is_e0601() {
    let ext = r#"Chapter(title: "B", date: "Day", place: "There", extend: [Extend(scene: "hall", choices: [Choice(id: "back", label: "Back", goto: "<return>")])])"#;
    let loaded = load_files(&[
        ("h.ron", HEADER),
        (
            "c.ron",
            &chapter(&format!(
                r#"Scene(id: "hall", text: ["Hall."], choices: [Choice(label: "Out", goto: "out")]), {OUT}"#
            )),
        ),
        ("b.ron", ext),
    ]);
    let d: Vec<_> = loaded.diagnostics.iter().collect();
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0].code, "E0601");
    assert_eq!(d[0].file, "b.ron", "points at the extension that returns");
}

#[test]
fn a_detour_that_can_be_taken_again_before_it_returns_is_e0602_with_the_cycle() {
    let p = problems(&format!(
        r#"Scene(id: "hall", text: ["Hall."], choices: [Choice(id: "d", label: "D", detour: "dream", goto: "hall"), Choice(label: "Out", goto: "out")]),
           Scene(id: "dream", text: ["D."], choices: [Choice(label: "Wake", goto: "<return>"), Choice(label: "On", goto: "corridor")]),
           Scene(id: "corridor", text: ["C."], next: "hall"), {OUT}"#
    ));
    assert_eq!(p.len(), 1, "{p:?}");
    let (code, message, hint) = &p[0];
    assert_eq!(code, "E0602");
    assert!(message.contains("the detour to `dream`"), "{message}");
    assert!(
        hint.contains("`hall` -detour→ `dream` → `corridor` → `hall`"),
        "{hint}"
    );

    // Through two detours: a takes b, whose scenes take a again.
    let p = codes(&format!(
        r#"Scene(id: "hall", text: ["Hall."], choices: [Choice(id: "a", label: "A", detour: "a", goto: "out")]),
           Scene(id: "a", text: ["A."], choices: [Choice(id: "b", label: "B", detour: "b", goto: "<return>")]),
           Scene(id: "b", text: ["B."], choices: [Choice(id: "a", label: "A", detour: "a", goto: "<return>")]), {OUT}"#
    ));
    assert!(p.iter().all(|c| c == "E0602") && !p.is_empty(), "{p:?}");

    // A detour to the scene that takes it, by a route.
    assert_eq!(
        codes(&format!(
            r#"Scene(id: "hall", text: ["Hall."], routes: [Route(detour: "hall", goto: "out")]), {OUT}"#
        )),
        ["E0602"]
    );
}

#[test]
fn detours_nested_past_the_limit_are_e0603() {
    let depth = |n: usize| {
        let mut scenes = vec![format!(
            r#"Scene(id: "hall", text: ["Hall."], choices: [Choice(id: "down", label: "Down", detour: "d1", goto: "out")])"#
        )];
        for i in 1..n {
            scenes.push(format!(
                r#"Scene(id: "d{i}", text: ["{i}."], choices: [Choice(id: "down", label: "Down", detour: "d{}", goto: "<return>")])"#,
                i + 1
            ));
        }
        scenes.push(format!(
            r#"Scene(id: "d{n}", text: ["{n}."], next: "<return>")"#
        ));
        scenes.push(OUT.to_owned());
        scenes.join(",\n")
    };
    let max = butterfly::limits::MAX_DETOUR_DEPTH;
    assert!(codes(&depth(max)).is_empty(), "{:?}", problems(&depth(max)));
    let p = problems(&depth(max + 1));
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].0, "E0603");
    assert!(
        p[0].1.contains(&format!("nest {} deep", max + 1)),
        "{}",
        p[0].1
    );

    // And the engine goes that deep when played.
    let loaded = load_files(&[("h.ron", HEADER), ("c.ron", &chapter(&depth(max)))]);
    let story = loaded.story.unwrap();
    let mut path = vec!["down"; max];
    let state = play(&story, 1, &path);
    assert_eq!(state.returns.len(), max);
    path.push("continue");
    assert_eq!(play(&story, 1, &path).ending.as_deref(), Some("end"));
}

#[test]
fn a_detour_to_no_scene_is_e0301_with_a_suggestion() {
    let p = problems(&format!(
        r#"Scene(id: "hall", text: ["Hall."], choices: [Choice(id: "m", label: "M", detour: "memroy", goto: "hall"), Choice(label: "Out", goto: "out")]),
           Scene(id: "memory", text: ["M."], next: "<return>"), {OUT}"#
    ));
    assert!(
        p.iter().any(|(c, m, h)| c == "E0301"
            && m.contains("`detour` leads to scene `memroy`")
            && h.contains("did you mean `memory`?")),
        "{p:?}"
    );
    let p = problems(&format!(
        r#"Scene(id: "hall", text: ["Hall."], choices: [Choice(id: "m", label: "M", detour: "<return>", goto: "out")]), {OUT}"#
    ));
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].0, "E0301");
    assert!(p[0].1.contains("not a scene"), "{}", p[0].1);
}

#[test]
fn detours_back_to_one_scene_do_not_collide_or_look_alike() {
    // Named after their detours, two choices that come back to `hall` have distinct
    // ids (no E0307) and do not lead "the same way" (no W0408).
    assert!(
        codes(&format!(
            r#"Scene(id: "hall", text: ["Hall."], choices: [
               Choice(label: "A", detour: "a", goto: "hall", once: true),
               Choice(label: "B", detour: "b", goto: "hall", once: true),
               Choice(label: "Out", goto: "out")]),
           Scene(id: "a", text: ["A."], next: "<return>"),
           Scene(id: "b", text: ["B."], next: "<return>"), {OUT}"#
        ))
        .is_empty()
    );
}

// ---------------------------------------------------------------------------------------
// The acceptance branch, through the real binary.

#[test]
fn the_detour_branch_checks_clean() {
    let dir = fixture_dir();
    let run = common::butterfly(&["check", dir.to_str().unwrap()], "");
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stdout.contains("0 errors, 0 warnings"),
        "{}",
        run.stdout
    );
}

#[test]
fn the_branch_plays_to_its_own_ending_by_scripted_input_and_a_save_inside_its_detour_resumes() {
    let dir = fixture_dir();
    let dir = dir.to_str().unwrap();
    let saves = tempfile::tempdir().unwrap();
    let saves = saves.path().join("saves");
    // To the opera, into the programme (a detour), save there; read her name twice,
    // back in the foyer (its second reading), to the wings, stay.
    let run = common::play_plain(dir, &saves, 4, "3\n1\nsave programme\n1\n1\n1\n");
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    for line in [
        "The foyer smells of oranges and coal smoke.",
        "Tonight: The Drunken Beauty.",
        "Saved to slot `programme`.",
        "The drum again. Someone has eaten all the oranges.",
        "“You are the admirer,” she says",
        "ENDING: The Lane Behind the Theatre",
    ] {
        assert!(
            run.stdout.contains(line),
            "missing {line:?} in\n{}",
            run.stdout
        );
    }
    assert_eq!(
        run.stdout.matches("The foyer smells of oranges").count(),
        1,
        "the foyer's first reading is not repeated on the detour's return"
    );

    // A second game loads the save: inside the detour, the other way out of it.
    let run = common::play_plain(dir, &saves, 4, "load programme\n2\n1\n1\n");
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let after_load = run
        .stdout
        .split("Loaded `programme`")
        .nth(1)
        .unwrap_or_else(|| panic!("not loaded:\n{}", run.stdout));
    for line in [
        "Tonight: The Drunken Beauty.",
        "1. Read her name twice",
        "The drum again.",
        "“You are the stranger,” she says",
        "ENDING: The Lane Behind the Theatre",
    ] {
        assert!(
            after_load.contains(line),
            "missing {line:?} in\n{after_load}"
        );
    }
}

#[test]
fn the_main_line_plays_through_its_nested_detour_in_plain_mode() {
    let dir = fixture_dir();
    let run = common::butterfly(
        &[
            "play",
            "--plain",
            "--seed",
            "1",
            "--story",
            dir.to_str().unwrap(),
        ],
        "2\n1\n2\n1\n",
    );
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let at = |s: &str| {
        run.stdout
            .find(s)
            .unwrap_or_else(|| panic!("missing {s:?} in\n{}", run.stdout))
    };
    assert!(at("“Papers,” says the sentry.") < at("He telephones."));
    assert!(at("He telephones.") < at("The gate opens."));
    assert!(run.stdout.contains("ENDING: The Pouch Goes Out"));
}

#[test]
fn verify_and_exhaustive_explore_prove_the_detour_branch_complete() {
    let dir = fixture_dir();
    let dir = dir.to_str().unwrap();
    let verify = common::butterfly(&["verify", dir], "");
    assert_eq!(verify.code, 0, "{}", verify.stdout);
    for line in [
        "lane: 5 steps: opera programme admire wings stay",
        "sealed: 3 steps: seal continue wait",
        "verified: every scene, choice and ending reachable; no stuck state; no loop without an exit",
    ] {
        assert!(
            verify.stdout.contains(line),
            "missing {line:?} in\n{}",
            verify.stdout
        );
    }
    let explore = common::butterfly(&["explore", dir, "--exhaustive"], "");
    assert_eq!(explore.code, 0, "{}\n{}", explore.stdout, explore.stderr);
    assert!(
        explore
            .stdout
            .contains("verified: every scene, choice and ending reachable"),
        "{}",
        explore.stdout
    );
}

#[test]
fn graph_draws_detours_in_and_returns_out() {
    let dir = fixture_dir();
    let dot = common::butterfly(&["graph", dir.to_str().unwrap()], "");
    assert_eq!(dot.code, 0, "{}", dot.stderr);
    for edge in [
        r#""legation" -> "letter" [label="letter (once) (detour)", style=bold, color=darkgreen];"#,
        r#""courtyard" -> "sentry" [label="otherwise\n(detour)", style=bold, color=darkgreen];"#,
        r#""station" -> "legation" [label="return", style=dashed, color=darkgreen];"#,
        // The telephone returns into the sentry's return: out at the gate.
        r#""telephone" -> "gate" [label="return", style=dashed, color=darkgreen];"#,
    ] {
        assert!(
            dot.stdout.contains(edge),
            "missing {edge} in\n{}",
            dot.stdout
        );
    }
    assert!(
        !dot.stdout.contains(r#""legation" -> "legation""#),
        "a detour's goto is drawn as its returns, not as an edge of its own"
    );
    let mermaid = common::butterfly(&["graph", dir.to_str().unwrap(), "--format", "mermaid"], "");
    assert_eq!(mermaid.code, 0, "{}", mermaid.stderr);
    assert!(
        mermaid.stdout.contains(r#"==>|"letter (once) (detour)"|"#),
        "{}",
        mermaid.stdout
    );
    assert!(
        mermaid.stdout.contains(r#"-.->|"return"|"#),
        "{}",
        mermaid.stdout
    );
}

#[test]
fn diff_reports_a_changed_detour_and_the_saves_it_costs() {
    let old = fixture_dir();
    let tmp = tempfile::tempdir().unwrap();
    let new = tmp.path().join("new");
    common::copy_dir(&old, &new);
    let file = new.join("legation.ron");
    let text = std::fs::read_to_string(&file).unwrap();
    let edited = text.replace(
        r#"Route(detour: "sentry", goto: "gate")"#,
        r#"Route(detour: "telephone", goto: "gate")"#,
    );
    assert_ne!(edited, text);
    std::fs::write(&file, edited).unwrap();
    let run = common::butterfly(&["diff", old.to_str().unwrap(), new.to_str().unwrap()], "");
    assert_eq!(
        run.code, 1,
        "a witness through the sentry loses progress\n{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(
            "routes: [`watched` => `cable`, detour `sentry` then `gate`] -> [`watched` => `cable`, detour `telephone` then `gate`]"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("diverges at step 3 (scene `sentry`, choice `wait`)"),
        "{}",
        run.stdout
    );
}

#[test]
fn explore_searches_through_detours_without_false_traps() {
    let dir = fixture_dir();
    let dir = dir.to_str().unwrap();
    // The exhaustive search keys states on the open detours: a return is never "stuck".
    let run = common::butterfly(&["explore", dir], "");
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    for line in [
        "exhaustive search: complete",
        "stuck (no choice available): none",
        "loops with no exit (search): none",
        "all 3 ending(s) reached, each with a witness that replays",
    ] {
        assert!(
            run.stdout.contains(line),
            "missing {line:?} in\n{}",
            run.stdout
        );
    }
    // Without it, one random game and the guided search: the way to the lane goes
    // through the programme's detour, which leads on only by returning.
    let run = common::butterfly(&["explore", dir, "--max-states", "0", "--runs", "1"], "");
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains(
            "ok lane \"The Lane Behind the Theatre\": 0 run(s) (0.0%), found by guided search"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn a_save_inside_a_detour_migrates_to_an_edited_story_with_the_detour_still_open() {
    let story = pouch();
    let state = play(&story, 6, &["seal", "continue", "consul"]);
    assert_eq!(returns(&state), ["gate", "<return>"]);
    let dir = tempfile::tempdir().unwrap();
    let store = SaveStore::new(dir.path().join("saves"));
    store.save("t", &story, &state, Duration::ZERO).unwrap();

    // The edit renames the sentry's nested detour: the save's last step no longer fits.
    let tmp = tempfile::tempdir().unwrap();
    let edited_dir = tmp.path().join("edited");
    common::copy_dir(&fixture_dir(), &edited_dir);
    let file = edited_dir.join("legation.ron");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replace(r#"Choice(id: "consul""#, r#"Choice(id: "name""#),
    )
    .unwrap();
    let edited = common::load_dir(&edited_dir);

    let loaded = store.load("t", &edited).unwrap();
    let migration = loaded.migration.expect("the last step is lost");
    assert_eq!((migration.kept, migration.lost()), (2, 1));
    assert_eq!(loaded.state.scene, "sentry");
    assert_eq!(
        returns(&loaded.state),
        ["gate"],
        "the game resumes inside the sentry's detour, not outside it"
    );
    let mut resumed = loaded.state;
    engine::choose(&edited, &mut resumed, "wait").unwrap();
    assert_eq!(
        resumed.scene, "gate",
        "and its return still leads to the gate"
    );
    assert_eq!(resumed.ending.as_deref(), Some("sealed"));
}

/// Random small stories of detours and returns, without conditions: whenever `check`
/// accepts one, no game of it ever meets a return with nowhere to go or a detour past
/// the bound (what E0601-E0603 promise), and every game replays.
#[test]
fn stories_check_accepts_never_fail_a_return_in_play() {
    let mut accepted = 0;
    for seed in 0..1500u64 {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let n = rng.random_range(3..8usize);
        let target = |rng: &mut rand_chacha::ChaCha8Rng| match rng.random_range(0..n + 2) {
            i if i < n => format!("s{i}"),
            i if i == n => "<return>".to_owned(),
            _ => "out".to_owned(),
        };
        let mut scenes = Vec::new();
        for i in 0..n {
            let mut choices = Vec::new();
            for k in 0..rng.random_range(1..4) {
                let goto = target(&mut rng);
                let detour = if rng.random_range(0..3) == 0 {
                    format!(r#", detour: "s{}""#, rng.random_range(0..n))
                } else {
                    String::new()
                };
                choices.push(format!(
                    r#"Choice(id: "c{k}", label: "C{k}", goto: "{goto}"{detour})"#
                ));
            }
            scenes.push(format!(
                r#"Scene(id: "s{i}", text: ["S{i}."], choices: [{}])"#,
                choices.join(", ")
            ));
        }
        scenes.push(OUT.to_owned());
        let header = HEADER.replace(r#"start: "hall""#, r#"start: "s0""#);
        let loaded = load_files(&[("h.ron", &header), ("c.ron", &chapter(&scenes.join(",\n")))]);
        let Some(story) = loaded.story else {
            let codes: Vec<&str> = loaded
                .diagnostics
                .iter()
                .filter(|d| d.is_error())
                .map(|d| d.code)
                .collect();
            assert!(
                codes
                    .iter()
                    .all(|c| ["E0601", "E0602", "E0603", "E0307"].contains(c)),
                "seed {seed}: {codes:?}"
            );
            continue;
        };
        accepted += 1;
        let report =
            butterfly_engine::verify::verify(&story, &butterfly_engine::verify::Options::default())
                .unwrap();
        assert!(report.complete, "seed {seed}");
        assert!(
            report.stuck.iter().all(|t| !t.reason.contains("detour")),
            "seed {seed}: {:?}",
            report.stuck
        );
        for walk in 0..20u64 {
            let (mut state, _) = engine::start(&story, walk).unwrap();
            for _ in 0..60 {
                if state.is_over() {
                    break;
                }
                let open: Vec<String> = engine::choices(&story, &state)
                    .into_iter()
                    .map(|c| c.id)
                    .collect();
                let pick = &open[rng.random_range(0..open.len())];
                if let Err(e) = engine::choose(&story, &mut state, pick) {
                    panic!("seed {seed}: `{pick}` in `{}`: {e}", state.scene);
                }
                assert!(state.returns.len() <= butterfly::limits::MAX_DETOUR_DEPTH);
            }
            assert_eq!(engine::replay(&story, walk, &state.path).unwrap(), state);
        }
    }
    assert!(
        accepted > 40,
        "only {accepted} of 400 random stories checked clean"
    );
}
