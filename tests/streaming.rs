//! Chapters compile as they are parsed (`story/passes/stream.rs`, issue 16) when the
//! names they use are known by then, and the classic order of passes runs otherwise.
//! Whatever a story holds, both give the same story, diagnostics (same places, same
//! order) and counts: the shipped story, every fixture (the broken ones included), and
//! the synthetic story bent into each case where the early compile must hold a scene
//! back or give up; and so does `check`'s load of files it hands over, which lets each
//! file's text go once parsed (`tests/owned_load.rs`). (Random edits of the synthetic story: `tests/incremental.rs`.)

mod common;

use butterfly::story::{self, SourceFile};
use butterfly::{source, synth};

/// Both orders, with and without lints, agree on `files`; gives the linted load.
fn agree(what: &str, files: &[SourceFile]) -> story::Loaded {
    for lints in [false, true] {
        let (streamed, classic) = if lints {
            (story::load(files), story::load_classic(files, true))
        } else {
            (
                story::load_unlinted(files),
                story::load_classic(files, false),
            )
        };
        assert_eq!(
            streamed.diagnostics, classic.diagnostics,
            "{what} (lints: {lints}): the diagnostics differ"
        );
        assert_eq!(streamed.stats, classic.stats, "{what} (lints: {lints})");
        assert_eq!(streamed.file_count, classic.file_count, "{what}");
        assert!(
            streamed.story == classic.story,
            "{what} (lints: {lints}): the stories differ"
        );
    }
    let linted = story::load(files);
    // And as `check` loads (each file's text let go once parsed, read again for a
    // diagnostic, or by the classic order when the early compile gives up).
    let (owned, _) = story::load_owned(files.to_vec(), |path| {
        files
            .iter()
            .find(|f| f.path == path)
            .map(|f| f.bytes.clone())
    });
    assert_eq!(owned.diagnostics, linted.diagnostics, "{what} (owned)");
    assert_eq!(owned.stats, linted.stats, "{what} (owned)");
    assert!(
        owned.story == linted.story,
        "{what} (owned): the stories differ"
    );
    linted
}

/// The synthetic story with `edit` applied to the text of file `file`.
fn synth_with(file: usize, edit: impl Fn(&str) -> String) -> Vec<SourceFile> {
    let mut files = synth::generate(300);
    let text = String::from_utf8(files[file].bytes.clone()).expect("synth writes UTF-8");
    let edited = edit(&text);
    assert_ne!(edited, text, "the edit must change file {file}");
    files[file].bytes = edited.into_bytes();
    files
}

/// File 0 is the header; chapters follow, scenes s0..s99 in file 1, and so on.
const FIRST_CHAPTER: usize = 1;
const LAST_CHAPTER: usize = 3;

#[test]
fn the_shipped_story_and_every_fixture_load_alike_both_ways() {
    let loaded = agree("the shipped story", &source::embedded());
    assert!(loaded.story.is_some());
    let fixtures = common::root().join("tests/fixtures");
    let mut dirs = vec![
        fixtures.join("full"),
        fixtures.join("forecast"),
        fixtures.join("detour_branch"),
    ];
    let broken = std::fs::read_dir(fixtures.join("broken")).expect("broken fixtures");
    dirs.extend(
        broken
            .map(|e| e.expect("entry").path())
            .filter(|p| p.is_dir()),
    );
    assert!(dirs.len() > 10, "the broken fixtures are directories");
    let mut with_errors = 0;
    for dir in dirs {
        let files = source::read_dir(&dir).expect("fixture reads");
        let loaded = agree(&dir.display().to_string(), &files);
        with_errors += usize::from(loaded.error_count() > 0);
    }
    assert!(with_errors > 5, "the broken fixtures have errors");
}

#[test]
fn the_synthetic_story_loads_alike_with_its_header_anywhere() {
    let files = synth::generate(300);
    assert_eq!(agree("synth", &files).error_count(), 0);
    // The header last (as `read_dir` orders `chapters/` before `story.ron`).
    let mut last = files.clone();
    last.rotate_left(1);
    assert_eq!(agree("header last", &last).error_count(), 0);
    // Behind comments, or behind an attribute the first-word test does not read.
    for prefix in [
        "// the header\n/* of the story */\n",
        "#![enable(implicit_some)]\n",
    ] {
        let mut f = last.clone();
        let header = f.last_mut().expect("files");
        header.bytes.splice(0..0, prefix.bytes());
        agree(prefix, &f);
    }
}

#[test]
fn names_declared_or_defined_later_give_what_the_classic_order_gives() {
    // A variable declared by a later chapter, used by an earlier one.
    let mut files = synth_with(LAST_CHAPTER, |t| {
        t.replacen(
            "    scenes: [",
            "    variables: [Int(name: \"late\")],\n    scenes: [",
            1,
        )
    });
    let early = String::from_utf8(files[FIRST_CHAPTER].bytes.clone()).expect("UTF-8");
    files[FIRST_CHAPTER].bytes = early
        .replacen("when: \"steps >= 0\"", "when: \"late >= 0\"", 1)
        .into_bytes();
    assert_eq!(agree("a later variable", &files).error_count(), 0);
    // A condition counting visits of a later chapter's scene, and one of no scene.
    let files = synth_with(FIRST_CHAPTER, |t| {
        t.replacen("when: \"steps >= 0\"", "when: \"visits(s250) > 0\"", 1)
    });
    assert_eq!(agree("visits of a later scene", &files).error_count(), 0);
    let files = synth_with(FIRST_CHAPTER, |t| {
        t.replacen("when: \"steps >= 0\"", "when: \"visits(s9999) > 0\"", 1)
    });
    assert!(agree("visits of no scene", &files).error_count() > 0);
    // A named condition of the header.
    let mut files = synth_with(0, |t| {
        t.replacen(
            "    endings:",
            "    conditions: [Named(name: \"rested\", when: \"not tired\")],\n    endings:",
            1,
        )
    });
    let early = String::from_utf8(files[FIRST_CHAPTER].bytes.clone()).expect("UTF-8");
    files[FIRST_CHAPTER].bytes = early
        .replace("when: \"steps >= 0\"", "when: \"rested\"")
        .into_bytes();
    assert_eq!(agree("a named condition", &files).error_count(), 0);
}

/// A broken story: what is broken, the file edited, the edit.
type Case = (&'static str, usize, fn(&str) -> String);

#[test]
fn broken_stories_give_what_the_classic_order_gives() {
    let cases: [Case; 5] = [
        ("a scene id twice", LAST_CHAPTER, |t| {
            t.replacen("id: \"s200\"", "id: \"s5\"", 1)
        }),
        ("an unknown variable in text", FIRST_CHAPTER, |t| {
            t.replacen("Luck holds.", "Luck {nosuch}.", 1)
        }),
        ("a goto to no scene", LAST_CHAPTER, |t| {
            t.replacen("goto: \"s201\"", "goto: \"nowhere\"", 1)
        }),
        ("a syntax error", FIRST_CHAPTER, |t| {
            t.replacen("Scene(", "Scene((", 1)
        }),
        ("an unknown ending", LAST_CHAPTER, |t| {
            t.replacen("choices: [", "ending: \"nope\",\n            choices: [", 1)
        }),
    ];
    for (what, file, edit) in cases {
        let files = synth_with(file, edit);
        let loaded = agree(what, &files);
        assert!(
            !loaded.diagnostics.is_empty(),
            "{what}: the edit must be reported"
        );
    }
}
