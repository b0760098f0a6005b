//! The story language of issue 14, played through the real engine: varying text,
//! named effects and conditions, ending order, tags, enumerations, detours.
//!
//! Each feature is tested three ways: what the player sees, what `check` refuses, and
//! that a game survives save → load → replay (and undo) exactly.

mod common;

use std::time::Duration;

use butterfly::engine::{self, GameState};
use butterfly::save::SaveStore;
use butterfly::story::Story;
use common::load_files;

const HEADER: &str = r#"Story(
    id: "lang",
    title: "Language",
    start: "hall",
    variables: [Flag(name: "lit")],
    endings: [Ending(id: "out", title: "Out", epilogue: ["{seq: Gone.|Gone again.}"])],
)"#;

const HALL: &str = r#"Chapter(
    title: "Hall",
    date: "Now",
    place: "A hall",
    scenes: [
        Scene(
            id: "hall",
            text: [
                "The clock {seq: strikes one|strikes two|has stopped}.",
                "{cycle: Rain.|Snow.}",
                "{once: A cat watches you.|The cat is gone.}",
                "The lamp is {shuffle: red|green|blue}.",
                "{if lit: The candle shows {seq: a door|the door again}.}",
            ],
            choices: [
                Choice(id: "wait", label: "Wait {seq: a moment|longer|still longer}", goto: "hall"),
                Choice(id: "light", label: "Light the candle", goto: "hall", effects: ["lit = true"], once: true),
                Choice(id: "leave", label: "Leave", goto: "door"),
            ],
        ),
        Scene(id: "door", text: ["Outside."], ending: "out"),
    ],
)"#;

fn story_with(chapter: &str) -> Story {
    let loaded = load_files(&[("header.ron", HEADER), ("hall.ron", chapter)]);
    let problems: Vec<String> = loaded.diagnostics.iter().map(ToString::to_string).collect();
    assert!(
        loaded.story.is_some() && problems.is_empty(),
        "{problems:#?}"
    );
    loaded.story.unwrap()
}

fn hall() -> Story {
    story_with(HALL)
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

fn labels(story: &Story, state: &GameState) -> Vec<String> {
    engine::choices(story, state)
        .into_iter()
        .map(|c| c.label)
        .collect()
}

/// Saves `state` into a fresh store, loads it back and checks it is the same game.
fn round_trip(story: &Story, state: &GameState) {
    let dir = tempfile::tempdir().unwrap();
    let store = SaveStore::new(dir.path().join("saves"));
    store.save("t", story, state, Duration::ZERO).unwrap();
    let loaded = store.load("t", story).unwrap();
    assert_eq!(loaded.divergence, None);
    assert_eq!(&loaded.state, state, "the save comes back identical");
    assert_eq!(paragraphs(story, &loaded.state), paragraphs(story, state));
}

#[test]
fn sequence_cycle_and_once_advance_per_visit_not_per_redraw() {
    let story = hall();
    let mut state = play(&story, 1, &[]);
    let mut clocks = Vec::new();
    let mut weather = Vec::new();
    let mut cats = Vec::new();
    for _ in 0..4 {
        let first = paragraphs(&story, &state);
        assert_eq!(
            first,
            paragraphs(&story, &state),
            "a redraw shows the same words"
        );
        clocks.push(first[0].clone());
        weather.push(first[1].clone());
        cats.push(
            first
                .iter()
                .any(|p| p.contains("cat"))
                .then(|| first[2].clone()),
        );
        engine::choose(&story, &mut state, "wait").unwrap();
    }
    assert_eq!(
        clocks,
        [
            "The clock strikes one.",
            "The clock strikes two.",
            "The clock has stopped.",
            "The clock has stopped."
        ]
    );
    assert_eq!(weather, ["Rain.", "Snow.", "Rain.", "Snow."]);
    assert_eq!(
        cats,
        [
            Some("A cat watches you.".to_owned()),
            Some("The cat is gone.".to_owned()),
            None,
            None
        ],
        "a once-only paragraph that runs out is not shown at all"
    );
}

#[test]
fn choice_labels_and_epilogues_vary_too() {
    let story = hall();
    let state = play(&story, 3, &["wait", "wait", "wait"]);
    assert_eq!(labels(&story, &state)[0], "Wait still longer");
    let state = play(&story, 3, &["wait"]);
    assert_eq!(labels(&story, &state)[0], "Wait longer");
    let end = play(&story, 3, &["leave"]);
    let view = engine::render(&story, &end).unwrap();
    assert_eq!(view.ending.unwrap().epilogue, ["Gone."]);
}

#[test]
fn a_block_hidden_by_its_condition_does_not_advance() {
    let story = hall();
    // Two visits with the candle unlit, then lit: the candle's sequence starts at its
    // first option, because it was never shown before.
    let state = play(&story, 5, &["wait", "wait", "light"]);
    let shown = paragraphs(&story, &state);
    assert!(
        shown.contains(&"The candle shows a door.".to_owned()),
        "{shown:?}"
    );
    let state = play(&story, 5, &["wait", "wait", "light", "wait"]);
    assert!(paragraphs(&story, &state).contains(&"The candle shows the door again.".to_owned()));
}

#[test]
fn shuffle_shows_each_option_before_repeating_and_differs_between_games() {
    let story = hall();
    let lamps = |seed| {
        let mut state = play(&story, seed, &[]);
        let mut seen = Vec::new();
        for _ in 0..9 {
            let shown = paragraphs(&story, &state);
            seen.push(
                shown
                    .into_iter()
                    .find(|p| p.starts_with("The lamp"))
                    .unwrap(),
            );
            engine::choose(&story, &mut state, "wait").unwrap();
        }
        seen
    };
    let a = lamps(1);
    for round in a.chunks(3) {
        let set: std::collections::BTreeSet<&String> = round.iter().collect();
        assert_eq!(set.len(), 3, "{a:?}");
    }
    assert!(a.windows(2).all(|w| w[0] != w[1]), "{a:?}");
    assert!(
        (2..20).any(|seed| lamps(seed) != a),
        "the order depends on the game's seed"
    );
}

#[test]
fn varying_text_survives_save_load_replay_and_undo() {
    let story = hall();
    let path = ["wait", "light", "wait", "wait"];
    let state = play(&story, 9, &path);
    assert!(!state.shown.is_empty());
    round_trip(&story, &state);
    let replayed = engine::replay(&story, 9, &state.path).unwrap();
    assert_eq!(replayed, state);
    let undone = engine::undo(&story, &state).unwrap();
    assert_eq!(undone, play(&story, 9, &path[..3]));
    assert_eq!(
        paragraphs(&story, &undone),
        paragraphs(&story, &play(&story, 9, &path[..3])),
        "after undo the text is what it was at that point, not one step further"
    );
}

#[test]
fn a_misused_varying_block_is_a_check_error_with_its_position() {
    let bad = HALL.replace("{cycle: Rain.|Snow.}", "{cylce: Rain.|Snow.}");
    let loaded = load_files(&[("header.ron", HEADER), ("hall.ron", &bad)]);
    let errors: Vec<String> = loaded.diagnostics.iter().map(ToString::to_string).collect();
    assert!(
        errors
            .iter()
            .any(|e| e.contains("hall.ron:") && e.contains("`cylce:` is not a kind of block")),
        "{errors:#?}"
    );
    let bad = HALL.replace(
        "{seq: strikes one|strikes two|has stopped}",
        "{seq: strikes}",
    );
    let loaded = load_files(&[("header.ron", HEADER), ("hall.ron", &bad)]);
    assert!(
        loaded
            .diagnostics
            .iter()
            .any(|d| d.to_string().contains("needs at least two options")),
        "{:#?}",
        loaded.diagnostics
    );
}

// ---------------------------------------------------------------------------------------
// Named effects and conditions.

const NAMED_HEADER: &str = r#"Story(
    id: "named",
    title: "Named",
    start: "road",
    variables: [Int(name: "career", max: 100), Flag(name: "hawk"), Int(name: "trust", initial: 50)],
    effects: [Named(name: "rejoin_beat8", do: ["career += 15", "hawk = true"])],
    conditions: [Named(name: "trusted", when: "trust >= 50 and not hawk")],
    endings: [Ending(id: "end", title: "End")],
)"#;

const NAMED_ROAD: &str = r#"Chapter(
    title: "Road",
    date: "Now",
    place: "A road",
    effects: [Named(name: "promoted", do: ["rejoin_beat8", "if trusted_hawk: career += 5"])],
    conditions: [Named(name: "trusted_hawk", when: "hawk and trust >= 50")],
    scenes: [
        Scene(
            id: "road",
            text: ["{if trusted: She trusts you.|She does not.} Career {career}."],
            choices: [
                Choice(id: "rejoin", label: "Rejoin", goto: "road", effects: ["rejoin_beat8"], when: "trusted"),
                Choice(id: "promote", label: "Promote", goto: "road", effects: ["promoted", "trust -= 1"], when: "not trusted"),
                Choice(id: "end", label: "End", goto: "end", when: "career >= 50 or not trusted"),
            ],
        ),
        Scene(id: "end", text: ["Done."], ending: "end"),
    ],
)"#;

fn named_loaded(header: &str, road: &str) -> butterfly::story::Loaded {
    load_files(&[("header.ron", header), ("road.ron", road)])
}

fn errors_of(loaded: &butterfly::story::Loaded) -> Vec<String> {
    loaded.diagnostics.iter().map(ToString::to_string).collect()
}

#[test]
fn named_effects_and_conditions_act_as_if_written_out() {
    let loaded = named_loaded(NAMED_HEADER, NAMED_ROAD);
    assert!(loaded.diagnostics.is_empty(), "{:#?}", errors_of(&loaded));
    let story = loaded.story.unwrap();
    let start = play(&story, 1, &[]);
    assert_eq!(paragraphs(&story, &start), ["She trusts you. Career 0."]);
    let ids = |s: &GameState| -> Vec<String> {
        engine::choices(&story, s)
            .into_iter()
            .map(|c| c.id)
            .collect()
    };
    assert_eq!(
        ids(&start),
        ["rejoin"],
        "`trusted` holds; `not trusted` hides the rest"
    );
    let after = play(&story, 1, &["rejoin"]);
    assert_eq!((after.var("career"), after.var("hawk")), (15, 1));
    assert_eq!(paragraphs(&story, &after), ["She does not. Career 15."]);
    // `promoted` runs `rejoin_beat8` and then its own guarded effect, which reads a
    // named condition declared in a chapter.
    let promoted = play(&story, 1, &["rejoin", "promote"]);
    assert_eq!(promoted.var("career"), 35);
    assert_eq!(promoted.var("trust"), 49);
    let promoted = play(&story, 1, &["rejoin", "promote", "promote"]);
    assert_eq!(promoted.var("career"), 50, "trust fell below 50: no bonus");
    let ended = play(&story, 1, &["rejoin", "promote", "promote", "end"]);
    assert_eq!(ended.ending.as_deref(), Some("end"));
    round_trip(&story, &promoted);
}

#[test]
fn unknown_names_are_errors_with_a_suggestion() {
    let road = NAMED_ROAD.replace(
        r#"effects: ["rejoin_beat8"]"#,
        r#"effects: ["rejoin_beat9"]"#,
    );
    let errors = errors_of(&named_loaded(NAMED_HEADER, &road));
    assert!(
        errors
            .iter()
            .any(|e| e.contains("error: no named effect `rejoin_beat9`")
                && e.contains("did you mean `rejoin_beat8`?")
                && e.contains("road.ron:")),
        "{errors:#?}"
    );
    let road = NAMED_ROAD.replace(r#"when: "trusted")"#, r#"when: "trsted")"#);
    let errors = errors_of(&named_loaded(NAMED_HEADER, &road));
    assert!(
        errors
            .iter()
            .any(|e| e.contains("trsted") && e.contains("did you mean `trusted`?")),
        "{errors:#?}"
    );
}

#[test]
fn a_named_effect_or_condition_that_uses_itself_is_refused() {
    let header = NAMED_HEADER.replace(
        r#"do: ["career += 15", "hawk = true"]"#,
        r#"do: ["career += 15", "promoted"]"#,
    );
    let errors = errors_of(&named_loaded(&header, NAMED_ROAD));
    assert!(
        errors.iter().any(|e| e.contains("uses itself")
            && (e.contains("rejoin_beat8 → promoted → rejoin_beat8")
                || e.contains("promoted → rejoin_beat8 → promoted"))),
        "{errors:#?}"
    );
    let road = NAMED_ROAD.replace(
        r#"when: "hawk and trust >= 50""#,
        r#"when: "hawk and trusted_hawk""#,
    );
    let errors = errors_of(&named_loaded(NAMED_HEADER, &road));
    assert!(
        errors.iter().any(|e| e
            .contains("named condition `trusted_hawk` uses itself: trusted_hawk → trusted_hawk")),
        "{errors:#?}"
    );
}

#[test]
fn a_named_declaration_is_type_checked_where_it_is_written() {
    let header = NAMED_HEADER.replace(r#""hawk = true""#, r#""hawk += 1""#);
    let errors = errors_of(&named_loaded(&header, NAMED_ROAD));
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("header.ron:6:") && e.contains("`hawk` is a flag")),
        "{errors:#?}"
    );
    // Reported once, where declared; not again at each use.
    assert_eq!(
        errors.iter().filter(|e| e.contains("error")).count(),
        1,
        "{errors:#?}"
    );
    let header = NAMED_HEADER.replace(
        r#"when: "trust >= 50 and not hawk""#,
        r#"when: "trust + 50""#,
    );
    let errors = errors_of(&named_loaded(&header, NAMED_ROAD));
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("header.ron:7:") && e.contains("must be true or false")),
        "{errors:#?}"
    );
    let header = NAMED_HEADER.replace(r#"Named(name: "trusted""#, r#"Named(name: "trust""#);
    let errors = errors_of(&named_loaded(&header, NAMED_ROAD));
    assert!(
        errors
            .iter()
            .any(|e| e.contains("`trust` is already a variable")),
        "{errors:#?}"
    );
}

// ---------------------------------------------------------------------------------------
// Ending order.

const ORDER_HEADER: &str = r#"Story(
    id: "order",
    title: "Order",
    start: "fork",
    endings: [
        Ending(id: "first", title: "First"),
        Ending(id: "second", title: "Second"),
        Ending(id: "third", title: "Third"),
    ],
)"#;

const ORDER_BRANCH: &str = r#"Chapter(
    title: "Fork",
    date: "Now",
    place: "A fork",
    endings: [Ending(id: "branch", title: "Branch", order: 2), Ending(id: "late", title: "Late")],
    scenes: [
        Scene(id: "fork", text: ["Choose."], choices: [
            Choice(label: "First", goto: "first"), Choice(label: "Second", goto: "second"),
            Choice(label: "Third", goto: "third"), Choice(label: "Branch", goto: "branch"),
            Choice(label: "Late", goto: "late"),
        ]),
        Scene(id: "first", text: ["1."], ending: "first"),
        Scene(id: "second", text: ["2."], ending: "second"),
        Scene(id: "third", text: ["3."], ending: "third"),
        Scene(id: "branch", text: ["B."], ending: "branch"),
        Scene(id: "late", text: ["L."], ending: "late"),
    ],
)"#;

#[test]
fn endings_are_listed_in_declared_order_with_order_overriding() {
    let dir = tempfile::tempdir().unwrap();
    // The branch file sorts before the header by path: declaration order still puts
    // the header's endings first, and `order: 2` puts the branch's second.
    std::fs::write(dir.path().join("b_story.ron"), ORDER_HEADER).unwrap();
    std::fs::write(dir.path().join("a_branch.ron"), ORDER_BRANCH).unwrap();
    let story = common::load_dir(dir.path());
    let ids: Vec<&str> = story.endings.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["first", "branch", "second", "third", "late"]);
    // ...and every tool lists them so: stats' ending shares, for one.
    let run = common::butterfly(
        &["stats", "--games", "200", dir.path().to_str().unwrap()],
        "",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let listed: Vec<&str> = run
        .stdout
        .lines()
        .filter_map(|l| {
            let t = l.trim_start();
            ["First", "Branch", "Second", "Third", "Late"]
                .into_iter()
                .find(|name| t.starts_with(&format!("{name} ")))
        })
        .collect();
    let once = ["First", "Branch", "Second", "Third", "Late"];
    assert_eq!(
        listed,
        [once, once].concat(),
        "shortest games and ending shares both: {}",
        run.stdout
    );
}

#[test]
fn order_zero_is_an_error() {
    let branch = ORDER_BRANCH.replace("order: 2", "order: 0");
    let loaded = load_files(&[("story.ron", ORDER_HEADER), ("branch.ron", &branch)]);
    let errors = errors_of(&loaded);
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("branch.ron:5:") && e.contains("`order: 0`")),
        "{errors:#?}"
    );
}

// ---------------------------------------------------------------------------------------
// Tags.

const TAGGED: &str = r#"Chapter(
    title: "Hall",
    date: "Now",
    place: "A hall",
    scenes: [
        Scene(
            id: "hall",
            tags: ["art:hall", "music:quiet"],
            text: [
                "A gong sounds. {# sfx:gong}",
                "{if lit: The candle burns. {# sfx:flame}|It is dark.}",
                "Nothing {# note:untagged-looking} here.",
            ],
            choices: [
                Choice(id: "light", label: "Light the candle", goto: "hall", effects: ["lit = true"], tags: ["sfx:match"]),
                Choice(id: "leave", label: "Leave", goto: "door"),
            ],
        ),
        Scene(id: "door", text: ["Outside."], ending: "out"),
    ],
)"#;

#[test]
fn tags_reach_the_engine_view_and_do_not_show_in_the_text() {
    let story = story_with(TAGGED);
    let state = play(&story, 1, &[]);
    let view = engine::render(&story, &state).unwrap();
    assert_eq!(view.tags, ["art:hall", "music:quiet"]);
    assert_eq!(
        view.paragraphs,
        ["A gong sounds.", "It is dark.", "Nothing here."]
    );
    assert_eq!(
        view.paragraph_tags,
        [
            vec!["sfx:gong".to_owned()],
            vec![],
            vec!["note:untagged-looking".to_owned()]
        ]
    );
    let choices = engine::choices(&story, &state);
    assert_eq!(choices[0].tags, ["sfx:match"]);
    assert!(choices[1].tags.is_empty());
    // A tag inside a condition is only there when its text is.
    let lit = play(&story, 1, &["light"]);
    let view = engine::render(&story, &lit).unwrap();
    assert_eq!(view.paragraph_tags[1], ["sfx:flame"]);
}

#[test]
fn plain_prints_tags_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("header.ron"), HEADER).unwrap();
    std::fs::write(dir.path().join("hall.ron"), TAGGED).unwrap();
    let save_dir = tempfile::tempdir().unwrap();
    let saves = save_dir.path().join("saves");
    let story = dir.path().to_str().unwrap();
    let saves = saves.to_str().unwrap();
    let args = [
        "--saves", saves, "play", "--plain", "--seed", "1", "--story", story,
    ];
    let plain = common::butterfly(&args, "1\n2\n");
    assert_eq!(plain.code, 0, "{}", plain.stderr);
    assert!(!plain.stdout.contains("# tags"), "{}", plain.stdout);
    let tagged = common::butterfly(&[&args[..], &["--tags"]].concat(), "1\n2\n");
    assert_eq!(tagged.code, 0, "{}", tagged.stderr);
    assert!(
        tagged.stdout.contains(
            "Now · A hall\n# tags: art:hall, music:quiet\n\nA gong sounds.\n# tags: sfx:gong\n\nIt is dark.\n\nNothing here.\n# tags: note:untagged-looking\n\n1. Light the candle\n# tags: sfx:match\n2. Leave\n"
        ),
        "{}",
        tagged.stdout
    );
    // Without the tag lines, the two transcripts are the same.
    let without: String = tagged
        .stdout
        .split_inclusive('\n')
        .filter(|l| !l.starts_with("# tags: "))
        .collect();
    assert_eq!(without, plain.stdout);
}

// ---------------------------------------------------------------------------------------
// State at hand.

#[test]
fn variables_report_their_value_and_the_step_that_last_changed_them() {
    let loaded = named_loaded(NAMED_HEADER, NAMED_ROAD);
    let story = loaded.story.unwrap();
    let state = play(&story, 1, &["rejoin", "promote"]);
    let vars = engine::variables(&story, &state);
    let line = |name: &str| {
        let v = vars.iter().find(|v| v.name == name).unwrap();
        format!(
            "{} = {} ({})",
            v.name,
            v.value,
            v.changed_by
                .as_ref()
                .map_or("unchanged".to_owned(), ToString::to_string)
        )
    };
    assert_eq!(line("career"), "career = 35 (step 2: `promote` in `road`)");
    assert_eq!(line("hawk"), "hawk = true (step 1: `rejoin` in `road`)");
    assert_eq!(line("trust"), "trust = 49 (step 2: `promote` in `road`)");
    // Undo and replay agree on it, as on everything else.
    let undone = engine::undo(&story, &state).unwrap();
    assert_eq!(
        engine::variables(&story, &undone)[0]
            .changed_by
            .as_ref()
            .unwrap()
            .to_string(),
        "step 1: `rejoin` in `road`"
    );
    round_trip(&story, &state);
}

#[test]
fn plain_vars_lists_every_variable() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("header.ron"), NAMED_HEADER).unwrap();
    std::fs::write(dir.path().join("road.ron"), NAMED_ROAD).unwrap();
    let save_dir = tempfile::tempdir().unwrap();
    let saves = save_dir.path().join("saves");
    let run = common::play_plain(
        dir.path().to_str().unwrap(),
        &saves,
        1,
        "vars\n1\nvars\nquit\n",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains(
            "> career = 0 (unchanged)\nhawk = false (unchanged)\ntrust = 50 (unchanged)\n> "
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(
            "> career = 15 (last changed by step 1: `rejoin` in `road`)\nhawk = true (last changed by step 1: `rejoin` in `road`)\ntrust = 50 (unchanged)\n> "
        ),
        "{}",
        run.stdout
    );
}

// ---------------------------------------------------------------------------------------
// A branch written with the new language, end to end.

#[test]
fn a_branch_in_the_new_language_checks_clean_plays_to_its_ending_and_verifies() {
    let dir = common::root().join("tests/fixtures/language");
    let story = common::load_dir(&dir);
    let ids: Vec<&str> = story.endings.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(
        ids,
        ["teahouse", "promoted", "caught"],
        "the branch's `order: 1`"
    );
    let dir = dir.to_str().unwrap();
    let check = common::butterfly(&["check", dir], "");
    assert_eq!(check.code, 0, "{}", check.stdout);
    assert!(
        check.stdout.contains("0 errors, 0 warnings"),
        "{}",
        check.stdout
    );

    // Copy three files (the copy's label and text move on), go for tea twice (her mood
    // warms), stay.
    let save_dir = tempfile::tempdir().unwrap();
    let saves = save_dir.path().join("saves");
    let run = common::play_plain(dir, &saves, 3, "1\n1\n1\n4\n1\n4\n2\n");
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    for line in [
        "You copy the first page slowly, checking every word.",
        "The clerk watches you from the door.",
        "1. Copy a file",
        "The second file goes faster.",
        "1. Copy another file",
        "Your hand copies; your mind is elsewhere.",
        "Your eyes ache.",
        "Song is here.",
        "She seems wary.",
        "She seems warm.",
        "ENDING: The Teahouse",
    ] {
        assert!(
            run.stdout.contains(line),
            "missing {line:?} in\n{}",
            run.stdout
        );
    }
    assert_eq!(
        run.stdout.matches("The clerk watches you").count(),
        1,
        "once-only"
    );

    let verify = common::butterfly(&["verify", dir], "");
    assert_eq!(verify.code, 0, "{}", verify.stdout);
    assert!(
        verify
            .stdout
            .contains("teahouse: 7 steps: copy copy copy tea back tea stay"),
        "{}",
        verify.stdout
    );
    assert!(
        verify
            .stdout
            .contains("verified: every scene, choice and ending reachable"),
        "{}",
        verify.stdout
    );
}

// ---------------------------------------------------------------------------------------
// Enumerations.

const ENUM_HEADER: &str = r#"Story(
    id: "enum",
    title: "Enum",
    start: "stage",
    variables: [Enum(name: "aria", values: ["un_bel_di", "vissi_darte", "casta_diva"], initial: "vissi_darte")],
    endings: [Ending(id: "end", title: "End", epilogue: ["She sang {aria}."])],
)"#;

const ENUM_STAGE: &str = r#"Chapter(
    title: "Stage",
    date: "Now",
    place: "A stage",
    scenes: [
        Scene(
            id: "stage",
            text: ["Tonight: {aria}.", "{if aria == un_bel_di: The butterfly aria.}"],
            choices: [
                Choice(id: "puccini", label: "Ask for Puccini", goto: "stage", effects: ["aria = un_bel_di"], when: "aria != un_bel_di"),
                Choice(id: "bellini", label: "Ask for Bellini", goto: "stage", effects: ["if aria == un_bel_di: aria = casta_diva"]),
                Choice(id: "end", label: "Applaud", goto: "end"),
            ],
        ),
        Scene(id: "end", text: ["Applause."], ending: "end"),
    ],
)"#;

#[test]
fn enumerations_compare_assign_and_interpolate_by_name() {
    let loaded = load_files(&[("header.ron", ENUM_HEADER), ("stage.ron", ENUM_STAGE)]);
    assert!(loaded.diagnostics.is_empty(), "{:#?}", errors_of(&loaded));
    let story = loaded.story.unwrap();
    let start = play(&story, 1, &[]);
    assert_eq!(paragraphs(&story, &start), ["Tonight: vissi_darte."]);
    let sung = play(&story, 1, &["puccini"]);
    assert_eq!(
        paragraphs(&story, &sung),
        ["Tonight: un_bel_di.", "The butterfly aria."]
    );
    let switched = play(&story, 1, &["puccini", "bellini"]);
    assert_eq!(paragraphs(&story, &switched), ["Tonight: casta_diva."]);
    let vars = engine::variables(&story, &switched);
    assert_eq!(vars[0].value, "casta_diva");
    let ended = play(&story, 1, &["puccini", "end"]);
    let view = engine::render(&story, &ended).unwrap();
    assert_eq!(view.ending.unwrap().epilogue, ["She sang un_bel_di."]);
    round_trip(&story, &switched);
    assert_eq!(engine::parse_value(&story, "aria", "casta_diva"), Ok(2));
    assert!(engine::parse_value(&story, "aria", "tosca").is_err());
}

#[test]
fn an_enumeration_misused_is_an_error_with_a_suggestion() {
    let errors_with = |from: &str, to: &str| {
        let stage = ENUM_STAGE.replace(from, to);
        errors_of(&load_files(&[
            ("header.ron", ENUM_HEADER),
            ("stage.ron", &stage),
        ]))
    };
    let errors = errors_with("aria != un_bel_di", "aria != un_bel_dii");
    assert!(
        errors.iter().any(
            |e| e.contains("`un_bel_dii` is not one of this enumeration's values")
                && e.contains("did you mean `un_bel_di`?")
        ),
        "{errors:#?}"
    );
    let errors = errors_with("\"aria = un_bel_di\"", "\"aria = tosca\"");
    assert!(
        errors.iter().any(|e| e.contains("`tosca` is not one of")),
        "{errors:#?}"
    );
    let errors = errors_with("\"aria = un_bel_di\"", "\"aria += 1\"");
    assert!(
        errors.iter().any(|e| e.contains("cannot be added to")),
        "{errors:#?}"
    );
    let errors = errors_with("aria != un_bel_di", "aria > 1");
    assert!(
        errors.iter().any(|e| e.contains("needs a number")),
        "{errors:#?}"
    );
    let header = ENUM_HEADER.replace("initial: \"vissi_darte\"", "initial: \"vissi_d_arte\"");
    let errors = errors_of(&load_files(&[
        ("header.ron", &header),
        ("stage.ron", ENUM_STAGE),
    ]));
    assert!(
        errors.iter().any(
            |e| e.contains("`vissi_d_arte` is not one of `aria`'s values")
                && e.contains("did you mean `vissi_darte`?")
        ),
        "{errors:#?}"
    );
}
