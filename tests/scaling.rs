//! Issue 17, "linear in every dimension": the searches behind `explore` and `stats`
//! respect their caps on the shapes that made them quadratic. Work is asserted by what
//! the reports say was done, never by time (speed is measured in `benches/scaling.rs`).

use butterfly::synth::{self, Shape};
use butterfly::tools::explore::{self, GUIDED_TARGETS};
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
/// GUIDED_TARGETS get one.
#[test]
fn unvisited_scenes_get_a_bounded_number_of_blocked_walks() {
    let locked = 10 * GUIDED_TARGETS;
    let mut chapter = String::from(
        r#"Chapter(title: "C", date: "D", place: "P", scenes: [Scene(id: "a", text: ["A."], choices: [Choice(id: "go", label: "Go", goto: "z"),"#,
    );
    let mut rooms = String::new();
    for i in 0..locked {
        chapter.push_str(&format!(
            r#"Choice(id: "c{i}", label: "Locked", goto: "r{i}", when: "key"),"#
        ));
        rooms.push_str(&format!(
            r#"Scene(id: "r{i}", text: ["R."], choices: [Choice(id: "back", label: "Back", goto: "z")]),"#
        ));
    }
    chapter.push_str("]),");
    chapter.push_str(&rooms);
    chapter.push_str(r#"Scene(id: "z", text: ["Z."], ending: "end")])"#);
    let header = r#"Story(id: "t", title: "T", start: "a", variables: [Flag(name: "key", initial: false)], endings: [Ending(id: "end", title: "End")])"#;
    let files = [("header.ron", header.to_owned()), ("c.ron", chapter)].map(|(p, t)| {
        story::SourceFile {
            path: p.to_owned(),
            bytes: t.into_bytes(),
        }
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
    assert_eq!(search.states, 2_001, "the start, and the ending after each choice");
    assert!(report.unavailable_choices.is_empty());
    assert!(report.endings.iter().all(|e| e.witness.is_some()));
}
