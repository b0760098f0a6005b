//! Plain-mode transcripts that must not change by accident.
//!
//! Three scripted games of `play --plain` (three seeds, three input patterns), played
//! on a frozen copy of the story (`tests/fixtures/transcripts/story`, copied from
//! `story/` when the session layer was introduced), compared byte for byte with what
//! the binary printed before that refactor. The story writers change `story/`; the
//! frozen copy keeps this test about the engine and the front end, not the prose.
//!
//! A deliberate change of output: run with `BUTTERFLY_BLESS=1` to rewrite the
//! expected files, and say in the CHANGELOG which rule changed.

mod common;

use std::path::PathBuf;

use common::{butterfly, root};

const STORY: &str = "tests/fixtures/transcripts/story";

/// `lines` repeated until there are `count` of them, one per input line.
fn script(lines: &[&str], count: usize) -> String {
    lines
        .iter()
        .cycle()
        .take(count)
        .fold(String::new(), |mut s, l| {
            s.push_str(l);
            s.push('\n');
            s
        })
}

fn expected_path(name: &str) -> PathBuf {
    root().join("tests/fixtures/transcripts").join(name)
}

/// Plays `seed` with `input` and compares stdout with `tests/fixtures/transcripts/NAME`.
fn check(name: &str, seed: u64, input: &str) {
    let seed = seed.to_string();
    let run = butterfly(
        &["--story", STORY, "play", "--plain", "--seed", &seed],
        input,
    );
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    assert_eq!(run.stderr, "", "nothing on stderr");
    assert!(
        run.stdout.contains("\nENDING: "),
        "the script reaches an ending"
    );
    let path = expected_path(name);
    if std::env::var_os("BUTTERFLY_BLESS").is_some() {
        std::fs::write(&path, &run.stdout).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (BUTTERFLY_BLESS=1 writes it)", path.display()));
    if run.stdout != expected {
        let at = run
            .stdout
            .bytes()
            .zip(expected.bytes())
            .position(|(a, b)| a != b)
            .unwrap_or(run.stdout.len().min(expected.len()));
        let from = at.saturating_sub(200);
        panic!(
            "{name} differs at byte {at}.\n--- expected ---\n{}\n--- got ---\n{}",
            expected
                .get(from..(at + 200).min(expected.len()))
                .unwrap_or("?"),
            run.stdout
                .get(from..(at + 200).min(run.stdout.len()))
                .unwrap_or("?"),
        );
    }
}

#[test]
fn always_the_first_choice_seed_1() {
    check("seed_1_first.txt", 1, &script(&["1"], 600));
}

#[test]
fn a_mixed_pattern_with_commands_seed_7() {
    let pattern = [
        "2", "1", "look", "3", "1", "undo", "2", "zzz", "1", "help", "4", "2", "1", "0", "",
    ];
    check("seed_7_mixed.txt", 7, &script(&pattern, 1200));
}

#[test]
fn undo_saves_and_late_choices_seed_2026() {
    let pattern = [
        "3",
        "2",
        "1",
        "save",
        "1",
        "undo",
        "undo",
        "2",
        "1",
        "3",
        "save mine",
    ];
    check("seed_2026_undo.txt", 2026, &script(&pattern, 1200));
}
