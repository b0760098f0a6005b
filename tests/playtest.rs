//! `stats`' random-play figures measured on stories small enough to count by hand:
//! decisions, words between them, ending shares and forced menus.

mod common;

use butterfly::tools::playtest::{self, Options};

const HEADER: &str = r#"Story(
    id: "t", title: "T", start: "a",
    variables: [Flag(name: "f")],
    endings: [
        Ending(id: "left", title: "Left", epilogue: ["Left."]),
        Ending(id: "right", title: "Right", epilogue: ["Right."]),
    ],
)"#;

/// a (4 words) → menu of two → b or c (3 words each) → Continue → d (2 words) → menu
/// of one enabled and one dimmed → ending scenes (1 word).
const CHAPTER: &str = r#"Chapter(title: "One", date: "1964", place: "Here", scenes: [
    Scene(id: "a", text: ["one two three four"], choices: [
        Choice(id: "go_b", label: "B", goto: "b", effects: ["f = true"]),
        Choice(id: "go_c", label: "C", goto: "c"),
    ]),
    Scene(id: "b", text: ["five six seven"], next: "d"),
    Scene(id: "c", text: ["five six seven"], next: "d"),
    Scene(id: "d", text: ["eight nine"], choices: [
        Choice(id: "to_left", label: "L", goto: "l"),
        Choice(id: "to_right", label: "R", goto: "r", when: "f", disabled: "Not without B."),
    ]),
    Scene(id: "l", text: ["end"], ending: "left"),
    Scene(id: "r", text: ["end"], ending: "right"),
])"#;

#[test]
fn decisions_words_between_them_and_shares_are_counted_as_played() {
    let loaded = common::load_files(&[("story.ron", HEADER), ("one.ron", CHAPTER)]);
    let story = loaded.story.expect("the test story loads");
    let report = playtest::measure(
        &story,
        &Options {
            games: 400,
            seed: 3,
            max_steps: 50,
        },
    )
    .unwrap();
    // Games through b meet two decisions (a, then d with both enabled); through c only
    // one (d shows one enabled option beside a dimmed one: not forced, not a decision).
    assert_eq!(report.decisions.len(), 400);
    assert!(report.decisions.iter().all(|&d| d == 1 || d == 2));
    assert_eq!(report.min_decisions(), 1);
    // The first gap is a's 4 words; the second, after b, is b + d = 5 words.
    assert!(report.gaps.iter().all(|&g| g == 4 || g == 5));
    let via_b = report.decisions.iter().filter(|&&d| d == 2).count();
    assert_eq!(report.gaps.iter().filter(|&&g| g == 5).count(), via_b);
    // Uniform picks: about half the games go through b, and half of those turn right.
    assert!((150..=250).contains(&via_b), "{via_b} of 400 through b");
    let right = report.share("right");
    assert!((0.15..=0.35).contains(&right), "right share {right}");
    assert!((report.share("left") + right - 1.0).abs() < 1e-9);
    assert!(report.forced.is_empty(), "{:?}", report.forced);
    assert_eq!(report.unfinished, 0);
}

#[test]
fn a_menu_with_a_single_option_is_reported_where_it_stands() {
    let chapter = CHAPTER.replace(
        r#"Choice(id: "to_right", label: "R", goto: "r", when: "f", disabled: "Not without B."),"#,
        "",
    );
    let loaded = common::load_files(&[("story.ron", HEADER), ("one.ron", &chapter)]);
    let story = loaded.story.expect("the test story loads");
    let report = playtest::measure(&story, &Options::default()).unwrap();
    assert_eq!(report.forced.len(), 1);
    let (menu, games) = report.forced.iter().next().unwrap();
    assert_eq!(
        (menu.scene.as_str(), menu.choice.as_str()),
        ("d", "to_left")
    );
    assert_eq!(*games, 1000);
    assert_eq!(report.median_decisions(), 1);
}

#[test]
fn the_same_seed_gives_the_same_figures() {
    let story = common::fixture();
    let options = Options {
        games: 50,
        seed: 11,
        max_steps: 500,
    };
    let a = playtest::measure(&story, &options).unwrap();
    let b = playtest::measure(&story, &options).unwrap();
    assert_eq!(a, b);
    assert!(!a.decisions.is_empty());
}
