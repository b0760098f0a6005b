//! Issue 17, "linear in every dimension": the searches behind `explore` and `stats`
//! respect their caps on the shapes that made them quadratic. Work is asserted by what
//! the reports say was done, never by time (speed is measured in `benches/scaling.rs`).

use std::fmt::Write as _;

use butterfly::synth::{self, Shape};
use butterfly::tools::explore::{self, GUIDED_TARGETS};
use butterfly::tools::{playtest, verify};
use butterfly::{engine, story};

fn loaded(shape: Shape, n: usize) -> story::Story {
    story::load_unlinted(&synth::shaped(shape, n))
        .story
        .expect("the synthetic story loads")
}

/// A story with hundreds of scenes no game can enter, each behind a condition that
/// never holds: every one is reported unvisited. Each "blocked by" explanation is a
/// walk over the whole story; one per unvisited scene made `stats` on a 70,000-scene
/// tree explored in part quadratic (it never finished). Only the first
/// `GUIDED_TARGETS` get one.
#[test]
fn unvisited_scenes_get_a_bounded_number_of_blocked_walks() {
    let locked = 10 * GUIDED_TARGETS;
    let mut chapter = String::from(
        r#"Chapter(title: "C", date: "D", place: "P", scenes: [Scene(id: "a", text: ["A."], choices: [Choice(id: "go", label: "Go", goto: "z"),"#,
    );
    let mut rooms = String::new();
    for i in 0..locked {
        let _ = write!(
            chapter,
            r#"Choice(id: "c{i}", label: "Locked", goto: "r{i}", when: "key"),"#
        );
        let _ = write!(
            rooms,
            r#"Scene(id: "r{i}", text: ["R."], choices: [Choice(id: "back", label: "Back", goto: "z")]),"#
        );
    }
    chapter.push_str("]),");
    chapter.push_str(&rooms);
    chapter.push_str(r#"Scene(id: "z", text: ["Z."], ending: "end")])"#);
    let header = r#"Story(id: "t", title: "T", start: "a", variables: [Flag(name: "key", initial: false)], endings: [Ending(id: "end", title: "End")])"#;
    let files =
        [("header.ron", header.to_owned()), ("c.ron", chapter)].map(|(p, t)| story::SourceFile {
            path: p.to_owned(),
            bytes: t.into_bytes(),
        });
    let loaded = story::load_unlinted(&files);
    let problems: Vec<String> = loaded.diagnostics.iter().map(ToString::to_string).collect();
    let story = loaded.story.unwrap_or_else(|| panic!("{problems:?}"));
    let options = explore::Options {
        runs: 5,
        seed: 0,
        max_steps: 50,
        max_states: 100,
        beam: 0,
    };
    let report = explore::explore(&story, &options, &mut |_| {}).expect("explores");
    let unvisited = &report.unvisited_scenes;
    assert_eq!(unvisited.len(), locked, "every locked room is unvisited");
    let walked: Vec<&str> = unvisited
        .iter()
        .filter(|u| !u.blocked.is_empty())
        .map(|u| u.scene.as_str())
        .collect();
    assert_eq!(
        walked.len(),
        GUIDED_TARGETS,
        "the first unvisited scenes, and only they, say what blocked them"
    );
    assert!(
        unvisited[0].blocked.iter().any(|b| b.contains("key")),
        "{:?}",
        unvisited[0].blocked
    );
}

/// One scene with a choice per variable, each setting its own: every successor of the
/// start differs in another variable, so a search that built every successor before
/// looking at one held `choices × variables` numbers at once. The search now applies
/// one choice at a time, and still finds every ending and every choice.
#[test]
fn a_search_over_many_choices_and_variables_still_finds_everything() {
    let story = loaded(Shape::Variables, 2_000);
    let (state, _) = engine::start(&story, 1).expect("starts");
    assert_eq!(state.values().len(), 2_000, "a dense value per variable");
    let options = explore::Options {
        runs: 3,
        seed: 0,
        max_steps: 10,
        max_states: 5_000,
        beam: 0,
    };
    let report = explore::explore(&story, &options, &mut |_| {}).expect("explores");
    let search = report.search.as_ref().expect("an exhaustive search ran");
    assert!(search.complete, "2,001 states fit the cap of 5,000");
    assert_eq!(
        search.states, 2_001,
        "the start, and the ending after each choice"
    );
    assert!(report.unavailable_choices.is_empty());
    assert!(report.endings.iter().all(|e| e.witness.is_some()));
}

/// Random runs look at every choice of every scene they pass: a scene with millions of
/// choices, met by every run, made `explore` cost runs × millions. Past the work cap
/// (`explore::RUN_WORK`, here made small) no further run starts, and the report says
/// how many were made.
#[test]
fn random_runs_stop_at_their_work_cap_and_say_so() {
    let story = loaded(Shape::ChoicesInOneScene, 1_000);
    let options = explore::Options {
        max_states: 0,
        beam: 0,
        ..explore::Options::default()
    };
    let full = explore::explore(&story, &options, &mut |_| {}).expect("explores");
    assert_eq!(
        full.runs_made, 1_000,
        "1,000 runs of 1,000 choices fit RUN_WORK"
    );
    assert!(!full.to_string().contains("work cap"));
    let capped = explore::explore_capped(&story, &options, 20_000, &mut |_| {}).expect("explores");
    assert!(
        (1..1_000).contains(&capped.runs_made),
        "{} runs",
        capped.runs_made
    );
    let text = capped.to_string();
    assert!(
        text.contains(&format!("{} of 1000 random run(s)", capped.runs_made))
            && text.contains("work cap"),
        "{text}"
    );
}

/// `stats`' random play rendered every label of a menu at every step; it now looks at
/// positions only, and stops at its own work cap (`playtest::WORK`, here made small),
/// saying how many games it played.
#[test]
fn random_play_stops_at_its_work_cap_and_says_so() {
    let story = loaded(Shape::ChoicesInOneScene, 1_000);
    let options = playtest::Options::default();
    let full = playtest::measure(&story, &options).expect("plays");
    assert_eq!((full.games, full.asked), (1_000, 1_000));
    assert_eq!(full.endings.values().sum::<u32>(), 1_000);
    let capped = playtest::measure_capped(&story, &options, 20_000).expect("plays");
    assert!((1..1_000).contains(&capped.games), "{}", capped.games);
    assert_eq!(capped.endings.values().sum::<u32>(), capped.games);
    let text = capped.display(&story).to_string();
    assert!(
        text.contains(&format!("{} of 1000 games", capped.games)) && text.contains("work cap"),
        "{text}"
    );
}

/// A scene whose text is fixed is counted once and its words reused: the figures are
/// those of rendering it every time (a scene with `{if}` text is still rendered).
#[test]
fn random_play_counts_the_same_words_whether_text_is_fixed_or_not() {
    let story = loaded(Shape::Paragraphs, 300);
    let play = playtest::measure(&story, &playtest::Options::default()).expect("plays");
    let (state, _) = engine::start(&story, 0).expect("starts");
    let view = engine::render(&story, &state).expect("renders");
    let words: usize = view
        .paragraphs
        .iter()
        .map(|p| p.split_whitespace().count())
        .sum();
    assert!(words > 300 * 10);
    assert!(
        play.words.iter().all(|&w| w == words),
        "{:?}",
        &play.words[..3]
    );
}

/// The path to the thousandth ending of a chain is a thousand steps: keeping one per
/// ending made `verify` quadratic (10,000 endings: 5.8 GB). Past the witness budget
/// (`verify::WITNESS_STEPS`, here made small) an ending's shortest game is reported by
/// its length alone, and it is still reachable.
#[test]
fn verify_keeps_witnesses_within_a_budget_and_still_reports_every_length() {
    let story = loaded(Shape::Endings, 200);
    let caps = verify::Caps {
        witness_steps: 500,
        ..verify::Caps::default()
    };
    let report =
        verify::verify_capped(&story, &verify::Options::default(), caps).expect("verifies");
    assert!(report.complete && report.unreachable_endings.is_empty());
    let kept: usize = report
        .witnesses
        .iter()
        .flat_map(|(_, w)| w)
        .map(Vec::len)
        .sum();
    assert!(kept <= 500, "{kept} steps kept");
    assert!(report.witnesses.iter().any(|(_, w)| w.is_none()));
    for (k, (_, w)) in report.witnesses.iter().enumerate() {
        let n = report.shortest[k].expect("every ending is reachable");
        assert_eq!(n, k + 1, "ending {k} is k + 1 steps down the chain");
        if let Some(w) = w {
            assert_eq!(w.len(), n);
        }
    }
    assert!(report.to_string().contains("path not shown"));
}

/// The search stops at its memory cap (`verify::MEMORY_BYTES`, here made small) as at
/// the state cap, and says which stopped it; past the cap on the abstraction's size
/// (`verify::FUTURE_WORK`) it does not start. Either way nothing is proved.
#[test]
fn verify_stops_at_its_memory_and_abstraction_caps_and_says_so() {
    let story = loaded(Shape::Tree, 1_000);
    let options = verify::Options::default();
    let full = verify::verify(&story, &options).expect("verifies");
    assert!(full.complete && !full.memory_cap && !full.too_large);
    let small = verify::Caps {
        memory_bytes: 64 * 1024,
        ..verify::Caps::default()
    };
    let capped = verify::verify_capped(&story, &options, small).expect("verifies");
    assert!(!capped.complete && capped.memory_cap && !capped.is_clean());
    assert!(capped.states < full.states);
    assert!(capped.to_string().contains("STOPPED at the memory cap"));

    let story = loaded(Shape::Variables, 100);
    let tiny = verify::Caps {
        future_work: 10,
        ..verify::Caps::default()
    };
    let refused = verify::verify_capped(&story, &options, tiny).expect("verifies");
    assert!(refused.too_large && !refused.is_clean());
    assert!(refused.to_string().contains("NOT RUN"));
    let fine = verify::verify(&story, &options).expect("verifies");
    assert!(!fine.too_large);
}
