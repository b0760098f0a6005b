//! The authoring tools: `graph`, `explore`, `stats`, `play --from`, hot reload, and
//! the "Writing a new branch" walk-through (docs/writing-a-branch.md).

mod common;

use std::fmt::Write as _;

use butterfly::engine::{self, GameState, StartAtError, Step};
use butterfly::save;
use butterfly::session::reload::{Opening, ReloadOutcome, reload, reload_from};
use butterfly::story::Story;
use butterfly::tools::explore::{self, Options, Report};
use butterfly::tools::graph::{self, Format};
use butterfly::tools::{stats, witness};
use common::{butterfly, butterfly_in, copy_dir, fixture, load_dir, load_files, real_story, root};

fn quiet(story: &Story, options: &Options) -> Report {
    explore::explore(story, options, &mut |_| {}).expect("the story starts")
}

fn small(runs: u32) -> Options {
    Options {
        runs,
        seed: 0,
        max_steps: 200,
        max_states: 20_000,
        beam: 100,
    }
}

/// Every witness in the report replays, with the engine, to its own ending.
fn assert_witnesses_replay(story: &Story, report: &Report) {
    for e in &report.endings {
        let w = e
            .witness
            .as_ref()
            .unwrap_or_else(|| panic!("no witness for `{}`", e.id));
        let end = engine::replay(story, w.seed, &w.steps)
            .unwrap_or_else(|d| panic!("witness of `{}` diverges: {d}", e.id));
        assert_eq!(end.ending.as_deref(), Some(e.id.as_str()), "{}", e.id);
    }
}

// ---------------------------------------------------------------------------- graph

#[test]
fn graph_of_the_fixture_as_dot() {
    insta::assert_snapshot!(graph::render(&fixture(), Format::Dot));
}

#[test]
fn graph_of_the_fixture_as_mermaid() {
    insta::assert_snapshot!(graph::render(&fixture(), Format::Mermaid));
}

#[test]
fn graph_groups_chapters_and_marks_endings_conditions_chances_and_extensions() {
    let story = fixture();
    let dot = graph::render(&story, Format::Dot);
    // Numbered in reading order: the detour is entered from the yard, before the end.
    for chapter in ["1. The Gate", "2. The Yard", "3. A Detour", "4. Epilogue"] {
        assert!(dot.contains(&format!("label=\"{chapter}\"")), "{chapter}");
    }
    assert_eq!(dot.matches("subgraph cluster_").count(), 4);
    assert_eq!(
        dot.matches("shape=doubleoctagon").count(),
        2,
        "two closing scenes"
    );
    assert!(dot.contains("ENDING: Home Again"));
    // The condition as the author wrote it, not re-parenthesised, drawn orange.
    assert!(
        dot.contains(
            "[label=\"gate_lie\\nif not lied and visits(grass) == 0\", color=darkorange3, fontcolor=darkorange3]"
        ),
        "{dot}"
    );
    assert!(dot.contains("climb (50% chance)\", style=dotted"));
    assert!(dot.contains("+ fox\\nif not saw_fox\", style=dashed, color=blue4"));
    assert!(dot.contains("grass (once)"));
    // Continue is drawn with a hollow arrowhead; its fallback is named. The yard is its
    // chapter's only way in: edges into it end at the chapter's border, clear of its
    // title; the epilogue has two ways in, so edges go to their scenes.
    assert!(
        dot.contains("\"fall\" -> \"yard\" [arrowhead=empty, lhead=cluster_1];"),
        "{dot}"
    );
    assert!(
        dot.contains("\"crossroads\" -> \"home\" [label=\"otherwise\", arrowhead=empty];"),
        "{dot}"
    );

    let mermaid = graph::render(&story, Format::Mermaid);
    assert!(mermaid.starts_with("flowchart TD\n"));
    assert_eq!(mermaid.matches("subgraph ").count(), 4);
    assert_eq!(mermaid.matches("\n  end\n").count(), 4);
    assert!(mermaid.contains("-.->|\"+ fox<br/>if not saw_fox\"|"));
    assert!(mermaid.contains("==>|\"climb (50% chance)\"|"));
    assert!(
        mermaid.contains("if coins #gt; 0"),
        "`>` is an entity in Mermaid"
    );
    assert!(mermaid.contains("class s7,s8 ending"));
    // The conditional edges, by their place in the list of links, are orange.
    let g = graph::Graph::of(&story);
    let conditional: Vec<String> = g
        .edges
        .iter()
        .enumerate()
        .filter(|(_, e)| e.conditional)
        .map(|(k, _)| k.to_string())
        .collect();
    assert_eq!(conditional.len(), 5, "open, gate_lie, well, fox, if lied");
    assert!(mermaid.contains(&format!(
        "linkStyle {} stroke:#cd6600",
        conditional.join(",")
    )));
}

#[test]
fn graph_labels_cannot_break_out_of_their_quotes() {
    let loaded = load_files(&[
        (
            "h.ron",
            r#"Story(id: "q", title: "Q", start: "a",
                variables: [Int(name: "n", min: 0, max: 9)],
                endings: [Ending(id: "e", title: "The \"End\" [of] {all} <b>")])"#,
        ),
        (
            "c.ron",
            r#"Chapter(title: "Say \"when\" | [now]", date: "D", place: "P", scenes: [
                Scene(id: "a", text: ["a"], choices: [
                    Choice(id: "go", label: "Go", goto: "z", when: "n < 3 and n >= 0", effects: ["n += 1"]),
                ]),
                Scene(id: "z", text: ["z"], ending: "e"),
            ])"#,
        ),
    ]);
    let story = loaded.story.expect("loads");
    let mermaid = graph::render(&story, Format::Mermaid);
    for line in mermaid.lines() {
        assert_eq!(
            line.matches('"').count() % 2,
            0,
            "unbalanced quotes: {line}"
        );
        let without_breaks = line.replace("<br/>", "");
        let inside: String = without_breaks
            .split('"')
            .skip(1)
            .step_by(2)
            .collect::<Vec<_>>()
            .concat();
        for bad in ['<', '>', '[', ']', '{', '}', '|'] {
            assert!(!inside.contains(bad), "`{bad}` inside a label: {line}");
        }
    }
    assert!(mermaid.contains("#quot;End#quot;"));
    let dot = graph::render(&story, Format::Dot);
    assert!(dot.contains(r#"label="1. Say \"when\" | [now]""#), "{dot}");
    assert!(dot.contains(r"if n < 3 and n >= 0"));
}

#[test]
fn graph_of_the_real_story_names_every_scene_and_ending() {
    let Some(story) = real_story() else { return };
    let dot = graph::render(&story, Format::Dot);
    let mermaid = graph::render(&story, Format::Mermaid);
    for s in &story.scenes {
        assert!(
            dot.contains(&format!("\"{}", s.id)),
            "{} missing from dot",
            s.id
        );
        assert!(mermaid.contains(&s.id), "{} missing from mermaid", s.id);
    }
    for e in &story.endings {
        assert!(dot.contains(&format!("ENDING: {}", e.title)), "{}", e.id);
    }
    let edges = graph::Graph::of(&story).edges.len();
    assert_eq!(dot.matches(" -> ").count(), edges);
    // Every scene with text is labelled with how it begins.
    for s in story.scenes.iter().filter(|s| !s.text.is_empty()) {
        let excerpt = graph::excerpt(s);
        assert!(
            !excerpt.is_empty() && excerpt.chars().count() <= graph::EXCERPT_CHARS,
            "{}: {excerpt:?}",
            s.id
        );
    }
    let arrows = ["-->", "-.->", "==>"];
    let drawn: usize = arrows.iter().map(|a| mermaid.matches(a).count()).sum();
    assert_eq!(drawn, edges, "both formats draw every edge");
}

#[test]
fn graph_cli_prints_both_formats() {
    let run = butterfly(&["graph", "tests/fixtures/full"], "");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("digraph story {"));
    let run = butterfly(&["graph", "tests/fixtures/full", "--format", "mermaid"], "");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("flowchart TD"));
    let run = butterfly(&["graph", "tests/fixtures/full", "--format", "svg"], "");
    assert_eq!(run.code, 2, "an unknown format is a usage error");
}

// -------------------------------------------------------------------------- explore

#[test]
fn explore_finds_every_ending_of_the_fixture_and_proves_it_complete() {
    let story = fixture();
    let report = quiet(&story, &small(200));
    let search = report.search.expect("the search ran");
    assert!(search.complete, "the fixture's state space is small");
    assert!(report.unreached_endings().is_empty());
    assert_witnesses_replay(&story, &report);
    let home = &report.endings[0];
    assert!(home.searched);
    assert_eq!(
        home.runs, 200,
        "every random game of the fixture ends at home"
    );
    // Shortest: climb (no fall), then walk home.
    let w = home.witness.as_ref().unwrap();
    assert_eq!(w.steps.len(), 2, "{}", w.describe());
    assert!(report.unvisited_scenes.is_empty());
    assert!(report.unavailable_choices.is_empty());
    assert!(report.stuck.is_empty() && report.no_exit.is_empty() && report.too_long.is_empty());
    // `climb` adds 20 courage to a variable capped at 10.
    let courage = report
        .clamps
        .iter()
        .find(|c| c.name == "courage")
        .expect("courage is clamped");
    assert!(courage.at_max && courage.bound == 10);
    assert_eq!(courage.first, ("gate".to_owned(), "climb".to_owned()));
}

#[test]
fn explore_finds_all_six_endings_of_the_real_story_with_witnesses_that_replay() {
    let Some(story) = real_story() else { return };
    let report = quiet(
        &story,
        &Options {
            runs: 300,
            seed: 0,
            max_steps: 500,
            max_states: 20_000,
            beam: 200,
        },
    );
    assert_eq!(report.endings.len(), 6);
    let missing: Vec<&str> = report
        .unreached_endings()
        .iter()
        .map(|e| e.id.as_str())
        .collect();
    assert!(missing.is_empty(), "unreached: {missing:?}\n{report}");
    assert_witnesses_replay(&story, &report);
    assert!(report.stuck.is_empty(), "{report}");
    assert!(report.too_long.is_empty(), "{report}");

    // Written as saves, the witnesses load and verify like any save.
    let dir = tempfile::tempdir().unwrap();
    for e in &report.endings {
        let w = e.witness.as_ref().unwrap();
        let path = witness::write_witness(dir.path(), &story, &e.id, w.seed, &w.steps).unwrap();
        let loaded = save::load_file(&path, &story).expect("a witness is a valid save");
        assert!(loaded.divergence.is_none());
        assert_eq!(loaded.state.ending.as_deref(), Some(e.id.as_str()));
    }
}

#[test]
fn explore_proves_an_ending_unreachable_and_says_what_blocks_it() {
    let story = load_dir(&root().join("tests/fixtures/unreachable_ending"));
    let report = quiet(&story, &small(100));
    assert!(report.search.unwrap().complete);
    let unreached = report.unreached_endings();
    assert_eq!(unreached.len(), 1);
    assert_eq!(unreached[0].id, "rich");
    assert_eq!(
        unreached[0].blocked,
        ["in door, the route to rich_end needs `coins > 3`, which never held"]
    );
    assert_eq!(report.unvisited_scenes.len(), 1);
    assert_eq!(report.unvisited_scenes[0].scene, "rich_end");
    let text = report.to_string();
    assert!(text.contains("UNREACHABLE"), "{text}");
    assert!(
        text.contains("1 of 2 ending(s) NOT reached: rich"),
        "{text}"
    );
}

#[test]
fn explore_cli_exits_1_when_an_ending_is_unreachable() {
    let run = butterfly(
        &[
            "explore",
            "tests/fixtures/unreachable_ending",
            "--runs",
            "50",
        ],
        "",
    );
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stdout.contains("!! rich"), "{}", run.stdout);
    assert!(
        run.stderr.is_empty(),
        "no progress bar when stderr is not a terminal: {}",
        run.stderr
    );
}

#[test]
fn explore_cli_writes_witnesses_that_replay_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let wdir = dir.path().join("witnesses");
    let wdir_s = wdir.to_str().unwrap();
    let run = butterfly(
        &[
            "explore",
            "tests/fixtures/full",
            "--runs",
            "20",
            "--write-witnesses",
            wdir_s,
        ],
        "",
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let file = wdir.join("home.ron");
    assert!(run.stdout.contains("wrote "), "{}", run.stdout);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.contains("seed: 0") && text.contains("path: ["),
        "{text}"
    );
    let run = butterfly(
        &[
            "--story",
            "tests/fixtures/full",
            "replay",
            file.to_str().unwrap(),
            "--verify",
        ],
        "",
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let steps = save::read_file(&file).unwrap().steps();
    let end = engine::replay(&fixture(), 0, &steps).unwrap();
    assert_eq!(end.ending.as_deref(), Some("home"));
}

#[test]
fn explore_is_deterministic_for_a_seed() {
    let story = fixture();
    let a = quiet(&story, &small(100));
    let b = quiet(&story, &small(100));
    assert_eq!(a, b);
    let c = quiet(
        &story,
        &Options {
            seed: 7,
            ..small(100)
        },
    );
    assert_eq!(c.options.seed, 7);
    assert_eq!(c.endings[0].runs, 100);
}

const TRAPS_HEADER: &str = r#"Story(id: "traps", title: "Traps", start: "start",
    variables: [Int(name: "n", min: 0, max: 2), Flag(name: "never")],
    endings: [Ending(id: "out", title: "Out")])"#;

const TRAPS: &str = r#"Chapter(title: "T", date: "D", place: "P", scenes: [
    Scene(id: "start", text: ["Start."], choices: [
        Choice(id: "leave", label: "Leave", goto: "exit"),
        Choice(id: "loop", label: "Loop", goto: "loop_a"),
        Choice(id: "wall", label: "Wall", goto: "wall"),
        Choice(id: "push", label: "Push", goto: "start", effects: ["n += 5"]),
    ]),
    Scene(id: "loop_a", text: ["A."], next: "loop_b"),
    Scene(id: "loop_b", text: ["B."], choices: [Choice(id: "again", label: "Again", goto: "loop_a")]),
    Scene(id: "wall", text: ["Wall."], choices: [
        Choice(id: "through", label: "Through", goto: "exit", when: "never"),
    ]),
    Scene(id: "exit", text: ["Exit."], ending: "out"),
])"#;

#[test]
fn explore_reports_stuck_scenes_endless_loops_clamps_and_dead_choices() {
    let story = load_files(&[("h.ron", TRAPS_HEADER), ("c.ron", TRAPS)])
        .story
        .expect("loads");
    let report = quiet(
        &story,
        &Options {
            max_steps: 30,
            ..small(200)
        },
    );
    assert!(report.search.unwrap().complete);
    assert!(report.unreached_endings().is_empty());
    let scenes = |v: &[explore::Trap]| v.iter().map(|t| t.scene.clone()).collect::<Vec<_>>();
    assert_eq!(scenes(&report.stuck), ["wall"]);
    assert_eq!(
        report.stuck[0].example,
        [Step {
            scene: "start".into(),
            choice: "wall".into()
        }],
        "a shortest way into the trap"
    );
    assert_eq!(scenes(&report.no_exit), ["loop_a", "loop_b"]);
    assert!(
        scenes(&report.too_long)
            .iter()
            .all(|s| s == "loop_a" || s == "loop_b")
            && !report.too_long.is_empty(),
        "random runs that wander into the loop run out of steps"
    );
    assert_eq!(
        report.unavailable_choices,
        [explore::Unoffered {
            scene: "wall".into(),
            choice: "through".into(),
            condition: Some("never".into()),
        }]
    );
    assert_eq!(report.clamps.len(), 1);
    assert_eq!(report.clamps[0].name, "n");
    assert!(report.clamps[0].at_max);
    let text = report.to_string();
    assert!(text.contains("stuck (no choice available) (1):"), "{text}");
    assert!(text.contains("loops with no exit (search) (2):"), "{text}");
}

/// Ten forks; only taking the right one at every fork opens the door: 1 game in 1024.
fn narrow_story() -> Story {
    let mut scenes = String::new();
    for i in 0..10 {
        let _ = write!(
            scenes,
            r#"Scene(id: "fork{i}", text: ["Fork {i}."], choices: [
                Choice(id: "left", label: "Left", goto: "fork{next}"),
                Choice(id: "right", label: "Right", goto: "fork{next}", effects: ["score += 1"]),
            ]),
            "#,
            next = i + 1
        );
    }
    scenes.push_str(
        r#"Scene(id: "fork10", routes: [Route(when: "score >= 10", goto: "gold"), Route(goto: "dust")]),
        Scene(id: "gold", text: ["Gold."], ending: "gold"),
        Scene(id: "dust", text: ["Dust."], ending: "dust"),"#,
    );
    let header = r#"Story(id: "narrow", title: "N", start: "fork0",
        variables: [Int(name: "score", min: 0, max: 10)],
        endings: [Ending(id: "gold", title: "Gold"), Ending(id: "dust", title: "Dust")])"#;
    let chapter = format!(r#"Chapter(title: "C", date: "D", place: "P", scenes: [{scenes}])"#);
    load_files(&[("h.ron", header), ("c.ron", &chapter)])
        .story
        .expect("loads")
}

#[test]
fn guided_search_finds_an_ending_that_random_runs_miss() {
    let story = narrow_story();
    let blind = Options {
        runs: 20,
        seed: 0,
        max_steps: 100,
        max_states: 0,
        beam: 0,
    };
    let report = quiet(&story, &blind);
    assert_eq!(
        report.endings[0].runs, 0,
        "20 random games miss a 1-in-1024 door"
    );
    assert!(report.endings[0].witness.is_none());

    let report = quiet(&story, &Options { beam: 4, ..blind });
    let gold = &report.endings[0];
    assert!(gold.guided, "{report}");
    assert_eq!(gold.witness.as_ref().unwrap().steps.len(), 10);
    assert!(report.unreached_endings().is_empty());
    assert_witnesses_replay(&story, &report);
}

// ---------------------------------------------------------------------------- stats

#[test]
fn stats_count_the_fixture_and_split_words_by_chapter() {
    let story = fixture();
    let report = quiet(&story, &small(50));
    let s = stats::compute(&story, &report);
    assert_eq!((s.scenes, s.choices, s.endings), (10, 7, 1));
    assert_eq!(s.words, story.word_count());
    let titles: Vec<&str> = s.chapters.iter().map(|c| c.title.as_str()).collect();
    assert_eq!(titles, ["The Gate", "The Yard", "A Detour", "Epilogue"]);
    let by_chapter: usize = s.chapters.iter().map(|c| c.words).sum();
    assert_eq!(by_chapter + s.epilogue_words + s.other_words, s.words);
    assert_eq!(s.chapters.iter().map(|c| c.scenes).sum::<usize>(), 10);
    let (min, mean, max) = s.lengths.expect("runs ended");
    assert!(min == 2 && mean >= 2.0 && max >= min);
    assert_eq!(s.shortest, [("Home Again".to_owned(), Some(2))]);
    let text = s.to_string();
    assert!(
        text.contains("Chapter") && text.contains("The Gate"),
        "{text}"
    );
}

#[test]
fn stats_cli_runs_on_the_fixture() {
    let run = butterfly(&["stats", "tests/fixtures/full"], "");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("scenes:    10"), "{}", run.stdout);
    assert!(
        run.stdout.contains("Home Again  2 choices"),
        "{}",
        run.stdout
    );
}

// ----------------------------------------------------------- play --from / --set

fn set(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect()
}

#[test]
fn start_at_puts_the_player_in_the_scene_with_the_values_asked_for() {
    let story = fixture();
    let (state, _) = engine::start_at(
        &story,
        1,
        "yard",
        &set(&[("coins", "2"), ("has_key", "true")]),
    )
    .unwrap();
    assert_eq!(state.scene, "yard");
    assert_eq!(state.var("coins"), 2);
    assert_eq!(state.var("has_key"), 1);
    assert_eq!(
        state.var("courage"),
        5,
        "the others keep their initial values"
    );
    assert!(state.path.is_empty());
    let ids: Vec<String> = engine::choices(&story, &state)
        .into_iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(
        ids,
        ["well", "crossroads", "fox"],
        "coins > 0 opens the well"
    );

    // Values are set before the scene is entered: its on_enter effects see them.
    let (state, _) = engine::start_at(&story, 1, "gate_lie", &set(&[("courage", "9")])).unwrap();
    assert_eq!(state.var("courage"), 8, "if courage >= 5: courage -= 1");
    assert_eq!(state.var("lied"), 1);

    // A junction routes on them too, straight to an ending.
    let (state, _) = engine::start_at(&story, 1, "crossroads", &set(&[("lied", "true")])).unwrap();
    assert_eq!(state.scene, "home_lied");
    assert_eq!(state.ending.as_deref(), Some("home"));
}

#[test]
fn start_at_refuses_what_the_story_does_not_have() {
    let story = fixture();
    let err = |scene: &str, pairs: &[(&str, &str)]| {
        engine::start_at(&story, 0, scene, &set(pairs))
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        err("yrad", &[]),
        "no scene `yrad` in this story (did you mean `yard`?)"
    );
    assert_eq!(
        err("yard", &[("corage", "3")]),
        "no variable `corage` in this story (did you mean `courage`?)"
    );
    assert_eq!(
        err("yard", &[("courage", "11")]),
        "`courage` must lie between 0 and 10: 11 is out of bounds"
    );
    assert_eq!(
        err("yard", &[("courage", "brave")]),
        "`courage` is a number: `brave` is not a whole number"
    );
    assert_eq!(
        err("yard", &[("lied", "1")]),
        "`lied` is a flag (true/false): `1` is not `true` or `false`"
    );
    assert!(matches!(
        engine::start_at(&story, 0, "nowhere", &[]),
        Err(StartAtError::UnknownScene { .. })
    ));
}

#[test]
fn play_from_a_scene_in_plain_mode() {
    let run = butterfly(
        &[
            "--story",
            "tests/fixtures/full",
            "play",
            "--plain",
            "--seed",
            "3",
            "--from",
            "yard",
            "--set",
            "courage=10",
            "--set",
            "coins=1",
        ],
        "2\n",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("== The Yard =="), "{}", run.stdout);
    assert!(run.stdout.contains("You feel brave."), "{}", run.stdout);
    assert!(run.stdout.contains("1. Drop a coin in the well"));
    assert!(run.stdout.contains("ENDING: Home Again"), "{}", run.stdout);
    assert!(run.stdout.contains("You kept 1 coins."), "{}", run.stdout);
}

#[test]
fn a_game_begun_with_from_saves_nothing() {
    let saves = tempfile::tempdir().unwrap();
    let run = butterfly(
        &[
            "--story",
            "tests/fixtures/full",
            "--saves",
            saves.path().to_str().unwrap(),
            "play",
            "--plain",
            "--from",
            "yard",
        ],
        "1\n",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("ENDING: Home Again"), "{}", run.stdout);
    let left: Vec<_> = std::fs::read_dir(saves.path()).unwrap().collect();
    assert!(left.is_empty(), "no autosave, no profile: {left:?}");
}

#[test]
fn play_with_a_bad_from_or_set_exits_2_with_a_clear_message() {
    let base = ["--story", "tests/fixtures/full", "play", "--plain"];
    let run_with = |extra: &[&str]| {
        let mut args = base.to_vec();
        args.extend_from_slice(extra);
        butterfly(&args, "")
    };
    let run = run_with(&["--from", "yrad"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("did you mean `yard`?"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty(), "nothing is played");
    let run = run_with(&["--set", "courage=-1"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("out of bounds"), "{}", run.stderr);
    let run = run_with(&["--set", "coins"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("expected NAME=VALUE"), "{}", run.stderr);
}

// --------------------------------------------------------------------------- reload

/// The fixture's files with `edit` applied to the one named `file`.
fn edited_fixture(file: &str, edit: impl Fn(&str) -> String) -> Story {
    let dir = root().join("tests/fixtures/full");
    let files = butterfly::source::read_dir(&dir).unwrap();
    let texts: Vec<(String, String)> = files
        .into_iter()
        .map(|f| {
            let text = String::from_utf8(f.bytes).unwrap();
            let text = if f.path.ends_with(file) {
                edit(&text)
            } else {
                text
            };
            (f.path, text)
        })
        .collect();
    let borrowed: Vec<(&str, &str)> = texts
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let loaded = load_files(&borrowed);
    loaded.story.unwrap_or_else(|| {
        panic!(
            "the edited fixture loads: {:?}",
            loaded
                .diagnostics
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
        )
    })
}

/// A game of the fixture: search the grass, open the gate, go to the well.
fn game_in_the_well() -> GameState {
    let story = fixture();
    let (mut state, _) = engine::start(&story, 5).unwrap();
    for id in ["grass", "continue", "open", "well"] {
        engine::choose(&story, &mut state, id).unwrap();
    }
    assert_eq!(state.scene, "well");
    state
}

#[test]
fn reload_keeps_the_player_where_they_were_when_the_path_still_plays() {
    let state = game_in_the_well();
    let story = edited_fixture("b_yard.ron", |t| {
        t.replace("The coin falls a long time.", "The coin falls and falls.")
            .replace("effects: [\"coins -= 1\"]", "effects: [\"coins -= 2\"]")
    });
    let ReloadOutcome::Kept(new) = reload(&story, &state) else {
        panic!("the path still plays");
    };
    assert_eq!(new.scene, "well");
    assert_eq!(new.path, state.path);
    assert_eq!(new.var("coins"), 1, "the edited effect applies: 3 - 2");
    let view = engine::render(&story, &new).unwrap();
    assert_eq!(view.paragraphs, ["The coin falls and falls."]);
}

#[test]
fn reload_reports_the_first_step_that_no_longer_plays() {
    let state = game_in_the_well();
    // The gate now needs courage as well as the key.
    let story = edited_fixture("a_gate.ron", |t| {
        t.replace("when: \"has_key\"", "when: \"has_key and courage > 9\"")
    });
    let ReloadOutcome::Diverged {
        divergence,
        state_at_last_good,
    } = reload(&story, &state)
    else {
        panic!("the gate no longer opens");
    };
    assert_eq!(divergence.step, 2);
    assert_eq!(
        (divergence.scene.as_str(), divergence.choice.as_str()),
        ("gate", "open")
    );
    assert!(divergence.reason.contains("not available"), "{divergence}");
    assert_eq!(state_at_last_good.scene, "gate");
    assert_eq!(state_at_last_good.path.len(), 2);
    assert_eq!(state_at_last_good.var("coins"), 3);
}

#[test]
fn reload_reports_a_path_that_now_ends_elsewhere() {
    let state = game_in_the_well();
    let story = edited_fixture("b_yard.ron", |t| {
        t.replace(
            "Choice(label: \"Drop a coin in the well\", goto: \"well\"",
            "Choice(id: \"well\", label: \"Drop a coin in the well\", goto: \"fox\"",
        )
    });
    let ReloadOutcome::Diverged {
        divergence,
        state_at_last_good,
    } = reload(&story, &state)
    else {
        panic!("the last step leads elsewhere now");
    };
    assert_eq!(divergence.step, 3);
    assert_eq!(divergence.choice, "well");
    assert!(
        divergence
            .reason
            .contains("now leads to `fox` instead of `well`"),
        "{divergence}"
    );
    assert_eq!(state_at_last_good.scene, "fox");
}

#[test]
fn reload_of_an_unplayable_story_keeps_the_old_one() {
    let state = game_in_the_well();
    let story = edited_fixture("header.ron", |t| {
        t.replace("start: \"gate\"", "start: \"yard\"")
    });
    assert!(matches!(
        reload(&story, &state),
        ReloadOutcome::Diverged { .. }
    ));
    let opening = Opening {
        scene: Some("gone".to_owned()),
        overrides: Vec::new(),
    };
    let ReloadOutcome::Unplayable { reason } = reload_from(&fixture(), &state, &opening) else {
        panic!("a --from scene that is gone cannot be replayed");
    };
    assert!(reason.contains("no scene `gone`"), "{reason}");
}

#[test]
fn reload_of_a_game_begun_with_from_begins_it_the_same_way() {
    let story = fixture();
    let opening = Opening {
        scene: Some("yard".to_owned()),
        overrides: set(&[("coins", "2")]),
    };
    let (mut state, _) = engine::start_at(&story, 9, "yard", &opening.overrides).unwrap();
    engine::choose(&story, &mut state, "well").unwrap();
    engine::choose(&story, &mut state, "continue").unwrap();
    engine::choose(&story, &mut state, "well").unwrap();
    assert_eq!(state.var("coins"), 0);
    let ReloadOutcome::Kept(new) = reload_from(&story, &state, &opening) else {
        panic!("the same story replays");
    };
    assert_eq!(new, state);
    // Replayed from the story's start instead, the path cannot even begin.
    assert!(matches!(
        reload(&story, &state),
        ReloadOutcome::Diverged { .. }
    ));
}

// --------------------------------------------------- the "new branch" walk-through

const BRANCH: &str = include_str!("fixtures/branch_walkthrough.ron");
const DOC: &str = include_str!("../docs/writing-a-branch.md");
const BRANCH_FILE: &str = "branches/teahouse.ron";

const NEW_SCENES: [&str; 2] = ["beijing_1964_teahouse", "beijing_1964_teahouse_after"];

#[test]
fn the_walkthrough_shows_the_branch_file_verbatim() {
    assert!(
        DOC.contains(&format!("```ron\n{BRANCH}```")),
        "docs/writing-a-branch.md must quote tests/fixtures/branch_walkthrough.ron exactly"
    );
    assert!(DOC.contains(&format!("story/{BRANCH_FILE}")));
}

/// A directory holding `story/`, a copy of the real story with `branch` added as the
/// walk-through says, so commands print the same paths as in the doc.
fn story_with_branch(branch: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&root().join("story"), &dir.path().join("story"));
    let file = dir.path().join("story").join(BRANCH_FILE);
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, branch).unwrap();
    dir
}

/// The lines of the doc's code block that starts right after `marker`.
fn doc_block_after(marker: &str) -> Vec<&'static str> {
    let at = DOC
        .find(marker)
        .unwrap_or_else(|| panic!("`{marker}` is in the doc"));
    let rest = &DOC[at..];
    let start = rest.find("```text\n").expect("a text block follows") + "```text\n".len();
    let end = rest[start..].find("```").unwrap();
    rest[start..start + end].lines().collect()
}

#[test]
fn the_walkthrough_branch_checks_graphs_explores_and_plays() {
    if real_story().is_none() {
        return;
    }
    let dir = story_with_branch(BRANCH);
    let run = butterfly_in(dir.path(), &["check", "story"], "");
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stdout.contains("; 0 errors, 0 warnings"),
        "{}",
        run.stdout
    );

    // Section 5: the graph holds the new scenes, drawn as the doc shows, in the whole
    // map and in the chapter's own (number 3, as the doc says).
    let run = butterfly_in(dir.path(), &["graph", "story"], "");
    assert_eq!(run.code, 0);
    let chapter = butterfly_in(dir.path(), &["graph", "story", "--chapter", "3"], "");
    assert_eq!(chapter.code, 0, "{}", chapter.stderr);
    assert!(chapter.stdout.contains("label=\"3. The Theatre\""));
    for line in doc_block_after("the branch reads:") {
        assert!(chapter.stdout.contains(line), "--chapter 3 lacks:\n{line}");
    }
    for scene in NEW_SCENES {
        assert!(
            run.stdout.contains(&format!("\"{scene}\" [label=")),
            "{scene}"
        );
    }
    for line in doc_block_after("the branch reads:") {
        assert!(
            run.stdout.contains(line),
            "graph output lacks the doc's line:\n{line}"
        );
    }

    // Section 6: explore reaches every new scene and offers the new choices.
    let story = load_dir(&dir.path().join("story"));
    let report = quiet(&story, &small(300));
    let unvisited: Vec<&str> = report
        .unvisited_scenes
        .iter()
        .map(|u| u.scene.as_str())
        .collect();
    for scene in NEW_SCENES {
        assert!(!unvisited.contains(&scene), "explore reaches {scene}");
    }
    assert!(
        !report
            .unavailable_choices
            .iter()
            .any(|u| u.choice == "teahouse" || u.scene.starts_with("beijing_1964_teahouse")),
        "{:?}",
        report.unavailable_choices
    );
    assert!(report.unreached_endings().is_empty(), "{report}");

    // Section 7: straight into the new scene; hurrying back at 15 goes backstage...
    let play = |extra: &[&str], input: &str| {
        let mut args = vec!["--story", "story", "play", "--plain", "--seed", "1"];
        args.extend_from_slice(extra);
        butterfly_in(dir.path(), &args, input)
    };
    let from = ["--from", "beijing_1964_teahouse"];
    let run = play(&[&from[..], &["--set", "devotion=15"]].concat(), "2\n1\n");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("His name is Fang."), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("Behind the stage is a corridor of racks"),
        "{}",
        run.stdout
    );
    // ...and at 10 it ends with René slipping out.
    let run = play(&[&from[..], &["--set", "devotion=10"]].concat(), "2\n1\n");
    assert!(
        run.stdout.contains("You could not have said what it is."),
        "{}",
        run.stdout
    );
    // With too much devotion, the way in is shown dimmed.
    let run = play(
        &["--from", "beijing_1964_opera_house", "--set", "devotion=25"],
        "quit\n",
    );
    for line in doc_block_after("To see the way in dimmed") {
        assert!(run.stdout.contains(line), "{}", run.stdout);
    }
}

#[test]
fn the_walkthrough_shows_what_check_and_explore_really_say_about_mistakes() {
    if real_story().is_none() {
        return;
    }
    // Section 4: two typos, reported where the doc says.
    let typos = BRANCH
        .replacen(
            "goto: \"beijing_1964_teahouse_after\",\n                    effects: [\"devotion += 5\"]",
            "goto: \"beijing_1964_teahouse_afer\",\n                    effects: [\"devotion += 5\"]",
            1,
        )
        .replace("when: \"devotion < 20\"", "when: \"devoton < 20\"");
    let dir = story_with_branch(&typos);
    let run = butterfly_in(dir.path(), &["check", "story"], "");
    assert_eq!(run.code, 1);
    for line in doc_block_after("checker would have said:") {
        assert!(
            run.stdout.contains(line),
            "check does not say:\n{line}\n\n{}",
            run.stdout
        );
    }
    assert!(
        run.stdout
            .contains("did you mean `beijing_1964_teahouse_after`?")
    );

    // Section 6: a condition that can never hold.
    let shut = BRANCH.replace("when: \"devotion < 20\"", "when: \"devotion > 100\"");
    let dir = story_with_branch(&shut);
    let story = load_dir(&dir.path().join("story"));
    let text = quiet(&story, &small(300)).to_string();
    for line in doc_block_after("the report would say where the branch is shut off") {
        if !line.contains('…') {
            assert!(
                text.contains(line),
                "explore does not say:\n{line}\n\n{text}"
            );
        }
    }
}
