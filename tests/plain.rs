//! `butterfly play --plain`, driven as a subprocess through piped stdin.
//!
//! The plain player's output is a contract for screen readers and scripts: the
//! date/place line, the paragraphs, `N. label` lines, a `> ` prompt; a number chooses;
//! `help` and `quit`; anything else gets one line and the prompt again; `ENDING: <title>`
//! then the epilogue; exit 0 at an ending and at the end of input; no escape sequences.

mod common;

use common::{Run, butterfly, butterfly_in, copy_dir, root};

const FIXTURE: &[&str] = &[
    "--story",
    "tests/fixtures/full",
    "play",
    "--plain",
    "--seed",
    "1",
];

fn play_fixture(input: &str) -> Run {
    let run = butterfly(FIXTURE, input);
    assert_eq!(run.stderr, "", "nothing on stderr");
    assert!(
        !run.stdout.contains('\u{1b}'),
        "no escape sequences:\n{}",
        run.stdout
    );
    run
}

/// Input that plays the fixture to its ending with seed 1 (search the grass, open the
/// gate, follow the fox, drop a coin, walk home).
const TO_THE_END: &str = "1\n1\n1\n3\n1\n1\n1\n2\n";

#[test]
fn a_scripted_game_reaches_its_ending() {
    let run = play_fixture(TO_THE_END);
    assert_eq!(run.code, 0);
    insta::assert_snapshot!("fixture_to_the_end", run.stdout);
    let lines: Vec<&str> = run.stdout.lines().collect();
    // The shape of the first screen.
    assert_eq!(lines[0], "The Fixture — A story for tests");
    assert!(lines.contains(&"Morning · A gate"));
    assert!(lines.contains(&"You stand at a crooked gate with courage 5."));
    assert!(lines.contains(&"1. Search the grass"));
    assert!(lines.contains(&"-. Open the gate (unavailable: It is locked.)"));
    assert!(lines.contains(&"3. Lie about having a key"));
    // Emphasis markers are not read aloud; literal braces stay.
    assert!(lines.contains(&"{braces} stay literal."));
    // The ending: its title on a line of its own, then the epilogue, and nothing is
    // asked any more.
    let end = lines
        .iter()
        .position(|l| *l == "ENDING: Home Again")
        .expect("an ENDING line");
    assert_eq!(lines[end - 2], "You are home.");
    assert_eq!(
        &lines[end + 1..end + 5],
        ["", "You kept 2 coins.", "", "Nothing follows you."]
    );
    assert!(!run.stdout[run.stdout.find("ENDING: ").unwrap()..].contains("> "));
    assert_eq!(
        run.stdout.matches("> ").count(),
        8,
        "one prompt per choice made"
    );
}

#[test]
fn the_same_seed_and_input_print_the_same_thing() {
    let a = play_fixture(TO_THE_END);
    let b = play_fixture(TO_THE_END);
    assert_eq!(a.stdout, b.stdout);
    // And another seed picks other words for the same scenes.
    let other: Vec<&str> = FIXTURE
        .iter()
        .map(|a| if *a == "1" { "2" } else { a })
        .collect();
    let c = butterfly(&other, TO_THE_END);
    assert_ne!(a.stdout, c.stdout);
}

#[test]
fn junk_input_gets_one_line_and_the_prompt_again() {
    let run = play_fixture("xyzzy\n0\n4\n-1\n\n1\n");
    assert_eq!(run.code, 0);
    let after_choices = &run.stdout[run.stdout.find("3. Lie about having a key\n").unwrap()..];
    let expected = "\
3. Lie about having a key
> Type a number from 1 to 3 and press Enter (or help).
> Type a number from 1 to 3 and press Enter (or help).
> Type a number from 1 to 3 and press Enter (or help).
> Type a number from 1 to 3 and press Enter (or help).
> > 
Morning · A gate

The grass is wet. Something glints.

1. Continue
> 
";
    assert_eq!(after_choices, expected);
}

#[test]
fn a_single_choice_asks_for_1() {
    let run = play_fixture("1\n2\n");
    assert!(
        run.stdout
            .contains("1. Continue\n> Type 1 and press Enter to go on (or help).\n> \n"),
        "{}",
        run.stdout
    );
}

#[test]
fn help_look_and_quit() {
    let run = play_fixture("help\nlook\nquit\n2\n");
    assert_eq!(run.code, 0);
    assert!(
        run.stdout
            .contains(&format!("> {}\n> ", butterfly::plain::HELP)),
        "{}",
        run.stdout
    );
    // `look` shows the scene again, chapter heading included.
    assert_eq!(run.stdout.matches("== The Gate ==").count(), 2);
    assert_eq!(run.stdout.matches("1. Search the grass").count(), 2);
    assert!(
        run.stdout.ends_with("> Goodbye.\n"),
        "quit stops reading: {}",
        run.stdout
    );
    assert!(!run.stdout.contains("Climb over\n> \n"));
}

#[test]
fn end_of_input_exits_cleanly() {
    for input in ["", "1\n", "1\n1\n1"] {
        let run = play_fixture(input);
        assert_eq!(run.code, 0, "input {input:?}");
        assert!(
            run.stdout.ends_with("> \n"),
            "input {input:?}: {}",
            run.stdout
        );
        assert!(!run.stdout.contains("ENDING:"));
    }
}

#[test]
fn a_story_with_errors_is_refused() {
    let run = butterfly(
        &[
            "--story",
            "tests/fixtures/broken/missing_start",
            "play",
            "--plain",
        ],
        "",
    );
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr
            .contains("error: the start scene `strat` does not exist [E0113]"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .ends_with("butterfly: the story has 1 error(s); run `butterfly check` for details\n")
    );
    let run = butterfly(
        &["--story", "tests/fixtures/nothing_here", "play", "--plain"],
        "",
    );
    assert_eq!(run.code, 2);
}

#[test]
fn a_scene_with_no_available_choice_ends_the_session() {
    // Loads with warnings only, but the only choice's condition can never hold.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("h.ron"),
        r#"Story(id: "s", title: "Stuck", start: "a", variables: [Flag(name: "never")],
            endings: [Ending(id: "e", title: "E")])"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("c.ron"),
        r#"Chapter(title: "C", date: "D", place: "P", scenes: [
            Scene(id: "a", text: ["A locked room."], choices: [
                Choice(label: "Leave", goto: "z", when: "never"),
            ]),
            Scene(id: "z", text: ["Out."], ending: "e"),
        ])"#,
    )
    .unwrap();
    let run = butterfly_in(
        dir.path(),
        &["--story", ".", "play", "--plain", "--seed", "3"],
        "1\n1\n1\n",
    );
    assert_eq!(run.code, 1);
    assert!(run.stdout.ends_with(
        "A locked room.\n\nNo choice is available here, so the story cannot go on (a mistake in the story).\n"
    ), "{}", run.stdout);
}

#[test]
fn ones_all_the_way_reach_an_ending_of_the_shipped_story() {
    if common::real_story().is_none() {
        return;
    }
    let input = "1\n".repeat(300);
    // The embedded story (no --story), as a player would run it.
    let a = butterfly(&["play", "--plain", "--seed", "1"], &input);
    assert_eq!(a.code, 0, "{}", a.stderr);
    assert!(!a.stdout.contains('\u{1b}'));
    let ending = a
        .stdout
        .lines()
        .find(|l| l.starts_with("ENDING: "))
        .expect("an ENDING line");
    assert!(ending.len() > "ENDING: ".len());
    // The epilogue follows the title.
    let after = &a.stdout[a.stdout.find(ending).unwrap() + ending.len()..];
    assert!(after.trim().len() > 20, "an epilogue after {ending:?}");
    let b = butterfly(&["play", "--plain", "--seed", "1"], &input);
    assert_eq!(a.stdout, b.stdout, "same seed, same input, same output");
    // The story on disk is the story that was embedded.
    let c = butterfly(
        &["--story", "story", "play", "--plain", "--seed", "1"],
        &input,
    );
    assert_eq!(a.stdout, c.stdout);
}

#[test]
fn the_readme_example_branch_can_be_added_and_reached() {
    // The example branch file (also shown in the README): a new chapter that adds a
    // scene and hooks a choice into `beijing_1964_home` without touching its file.
    if common::real_story().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let story = dir.path().join("story");
    copy_dir(&root().join("story"), &story);
    std::fs::create_dir_all(story.join("branches")).unwrap();
    std::fs::copy(
        root().join("tests/fixtures/example_branch.ron"),
        story.join("branches/cigarettes.ron"),
    )
    .unwrap();

    let check = butterfly_in(dir.path(), &["check", "story"], "");
    assert_eq!(check.code, 0, "{}", check.stdout);
    assert!(!check.stdout.contains(": error: "), "{}", check.stdout);
    assert!(
        !check.stdout.contains("cigarettes.ron"),
        "no warnings about the branch:\n{}",
        check.stdout
    );

    // Play with "1" until the extended scene shows up, then take the new choice by
    // the number printed in front of it.
    let args = ["--story", "story", "play", "--plain", "--seed", "1"];
    let mut input = String::new();
    let screen = loop {
        let run = butterfly_in(dir.path(), &args, &input);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let last_screen = run.stdout.rsplit("> ").nth(1).unwrap_or("").to_owned();
        if let Some(line) = last_screen
            .lines()
            .find(|l| l.ends_with(". Go out for cigarettes instead"))
        {
            let number = line.split('.').next().unwrap();
            input.push_str(number);
            input.push('\n');
            break butterfly_in(dir.path(), &args, &input).stdout;
        }
        assert!(
            input.len() < 200,
            "never offered the new choice:\n{}",
            run.stdout
        );
        input.push_str("1\n");
    };
    let last = screen.rsplit("> ").nth(1).unwrap();
    assert!(last.contains("The night air"), "the new scene:\n{last}");
    // And it rejoins the story: the next scene is the opera house.
    let mut more = input.clone();
    more.push_str("1\n");
    let run = butterfly_in(dir.path(), &args, &more);
    let last = run.stdout.rsplit("> ").nth(1).unwrap();
    assert!(
        last.contains("November 1964 · A theatre near Qianmen"),
        "rejoined:\n{last}"
    );
}

#[test]
fn the_readme_shows_the_example_branch_verbatim() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let file = std::fs::read_to_string(root().join("tests/fixtures/example_branch.ron")).unwrap();
    let section = readme
        .split("### A new branch in a new file")
        .nth(1)
        .expect("the README has the example-branch section");
    let block = section
        .split("```ron\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("a ```ron block in that section");
    assert_eq!(
        block.trim(),
        file.trim(),
        "README and tests/fixtures/example_branch.ron differ"
    );
}
