//! `butterfly verify` / `explore --exhaustive`: the complete search proves a sound story
//! complete, and names the trap, the stuck scene or the lost ending in a broken one.

mod common;

use butterfly::tools::verify::{self, Options};

const HEADER: &str = r#"Story(
    id: "t", title: "T", start: "hall",
    variables: [Int(name: "keys", min: 0, max: 3), Flag(name: "lamp")],
    endings: [
        Ending(id: "out", title: "Out"),
        Ending(id: "lit", title: "Lit"),
    ],
)"#;

/// A sound little maze: keys gather until the door opens; the lamp needs luck.
const SOUND: &str = r#"Chapter(title: "Maze", date: "1964", place: "A house", scenes: [
    Scene(id: "hall", text: ["A hall."], choices: [
        Choice(id: "search", label: "Search", goto: "hall", effects: ["keys += 1"], when: "keys < 3"),
        Choice(id: "door", label: "Door", goto: "yard", when: "keys >= 2", disabled: "Locked."),
        Choice(id: "lamp", label: "Lamp", goto: "hall", once: true,
            chance: (percent: 10, goto: "lamp_room", effects: ["lamp = true"])),
    ]),
    Scene(id: "lamp_room", text: ["A lamp."], next: "hall"),
    Scene(id: "yard", text: ["A yard."], routes: [
        Route(when: "lamp", goto: "lit_end"),
        Route(goto: "out_end"),
    ]),
    Scene(id: "out_end", text: ["Out."], ending: "out"),
    Scene(id: "lit_end", text: ["Lit."], ending: "lit"),
])"#;

fn story_of(chapter: &str) -> butterfly::story::Story {
    common::load_files(&[("story.ron", HEADER), ("maze.ron", chapter)])
        .story
        .expect("the test story loads")
}

#[test]
fn a_sound_story_is_proved_complete_with_shortest_witnesses() {
    let report = verify::verify(&story_of(SOUND), &Options::default()).unwrap();
    assert!(report.is_clean(), "{report}");
    let (ending, witness) = &report.witnesses[0];
    assert_eq!(ending, "out");
    let ids: Vec<&str> = witness
        .as_ref()
        .unwrap()
        .iter()
        .map(|s| s.choice.as_str())
        .collect();
    // Shortest: two searches, the door, and the yard's automatic route.
    assert_eq!(ids, ["search", "search", "door", "continue"]);
    // The lit ending needs the 10% chance: the search takes it both ways.
    let lit = report.witnesses[1]
        .1
        .as_ref()
        .expect("the lamp ending is found");
    assert!(lit.iter().any(|s| s.chance == Some(true)), "{lit:?}");
}

#[test]
fn a_planted_trap_is_named_and_fails() {
    // The lamp room now leads only down to a cellar and back: a way on that never
    // leads to an ending.
    let trapped = SOUND.replace(
        r#"Scene(id: "lamp_room", text: ["A lamp."], next: "hall"),"#,
        r#"Scene(id: "lamp_room", text: ["A lamp."], choices: [
                Choice(id: "pace", label: "Pace", goto: "cellar"),
                Choice(id: "wait", label: "Wait", goto: "cellar"),
            ]),
            Scene(id: "cellar", text: ["A cellar."], next: "lamp_room"),"#,
    );
    let report = verify::verify(&story_of(&trapped), &Options::default()).unwrap();
    assert!(!report.is_clean());
    assert!(report.inescapable > 0, "{report}");
    assert!(
        report
            .loops
            .iter()
            .any(|t| t.scene == "lamp_room" || t.scene == "cellar"),
        "{report}"
    );
    assert_eq!(report.unreachable_endings, ["lit"]);
}

#[test]
fn a_stuck_state_and_a_capped_search_fail() {
    let stuck = SOUND.replace(
        r#"Choice(id: "search", label: "Search", goto: "hall", effects: ["keys += 1"], when: "keys < 3"),"#,
        r#"Choice(id: "search", label: "Search", goto: "hall", effects: ["keys += 1"], when: "keys < 1"),"#,
    );
    let report = verify::verify(&story_of(&stuck), &Options::default()).unwrap();
    // After one search and the lamp, nothing is open in the hall.
    assert!(report.stuck.iter().any(|t| t.scene == "hall"), "{report}");
    assert!(!report.is_clean());

    let capped = verify::verify(&story_of(SOUND), &Options { max_states: 2 }).unwrap();
    assert!(!capped.complete);
    assert!(!capped.is_clean());
    assert!(capped.to_string().contains("nothing is proved"));
}

#[test]
fn the_binary_exits_one_on_a_trap_and_zero_on_a_sound_story() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("story.ron"), HEADER).unwrap();
    std::fs::write(dir.path().join("maze.ron"), SOUND).unwrap();
    let path = dir.path().to_str().unwrap();
    let ok = common::butterfly(&["verify", path], "");
    assert_eq!(ok.code, 0, "{}{}", ok.stdout, ok.stderr);
    assert!(ok.stdout.contains("verified"), "{}", ok.stdout);
    let same = common::butterfly(&["explore", "--exhaustive", path], "");
    assert_eq!(same.stdout, ok.stdout);

    let stuck = SOUND.replace("when: \"keys < 3\"", "when: \"keys < 1\"");
    std::fs::write(dir.path().join("maze.ron"), stuck).unwrap();
    let bad = common::butterfly(&["verify", path], "");
    assert_eq!(bad.code, 1, "{}", bad.stdout);
    assert!(bad.stdout.contains("stuck in hall"), "{}", bad.stdout);
    // Sampling explore fails on it as well now.
    let sampled = common::butterfly(&["explore", "--runs", "50", path], "");
    assert_eq!(sampled.code, 1, "{}", sampled.stdout);
}
