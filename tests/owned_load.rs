//! `check` hands its files to the loader (`story::load_owned`), which lets each file's
//! text go once parsed and reads a file again only when a diagnostic points into it
//! (issue 16: the source is no longer held beside the compiled story). Whatever the
//! story, the result is that of a load of borrowed files: same story, same diagnostics
//! at the same places in the same order; a clean story is never read twice; a file
//! that changed before it was read again is reported (E0007), never quoted wrongly.

mod common;

use std::cell::RefCell;
use std::collections::HashMap;

use butterfly::story::{self, SourceFile};
use butterfly::{source, synth};

/// Loads `files` both ways (re-reading from an in-memory copy, as it was); gives the
/// owned load's result, its texts, and the paths it read again.
fn both_ways(what: &str, files: &[SourceFile]) -> (story::Loaded, Vec<SourceFile>, Vec<String>) {
    let borrowed = story::load(files);
    let on_disk: HashMap<String, Vec<u8>> = files
        .iter()
        .map(|f| (f.path.clone(), f.bytes.clone()))
        .collect();
    let reread = RefCell::new(Vec::new());
    let (owned, texts) = story::load_owned(files.to_vec(), |path| {
        reread.borrow_mut().push(path.to_owned());
        on_disk.get(path).cloned()
    });
    assert_eq!(
        owned.diagnostics, borrowed.diagnostics,
        "{what}: the diagnostics differ"
    );
    assert_eq!(owned.stats, borrowed.stats, "{what}");
    assert_eq!(owned.file_count, borrowed.file_count, "{what}");
    assert!(owned.story == borrowed.story, "{what}: the stories differ");
    // Every diagnostic's file can be quoted from what the owned load gave back.
    for d in &owned.diagnostics {
        if d.line > 0 && d.span.is_some() {
            let text = texts.iter().find(|t| t.path == d.file);
            let original = files
                .iter()
                .find(|f| f.path == d.file)
                .expect("a story file");
            assert_eq!(
                text.map(|t| &t.bytes),
                Some(&original.bytes),
                "{what}: {} is not given back to be quoted",
                d.file
            );
        }
    }
    (owned, texts, reread.into_inner())
}

#[test]
fn the_shipped_story_and_every_fixture_load_alike_owned_or_borrowed() {
    let fixtures = common::root().join("tests/fixtures");
    let mut dirs = vec![
        common::root().join("story"),
        fixtures.join("full"),
        fixtures.join("forecast"),
        fixtures.join("detour_branch"),
    ];
    let broken = std::fs::read_dir(fixtures.join("broken")).expect("broken fixtures");
    let mut broken: Vec<_> = broken.map(|e| e.expect("entry").path()).collect();
    broken.sort();
    dirs.extend(broken.into_iter().filter(|p| p.is_dir()));
    let mut with_errors = 0;
    for dir in &dirs {
        let files = source::read_dir(dir).expect("fixture reads");
        let (loaded, _, _) = both_ways(&dir.display().to_string(), &files);
        with_errors += usize::from(loaded.error_count() > 0);
    }
    assert!(with_errors > 5, "the broken fixtures have errors");
}

#[test]
fn a_clean_story_is_read_once_and_none_of_its_text_is_kept() {
    for files in [source::embedded(), synth::generate(300)] {
        let (loaded, texts, reread) = both_ways("clean", &files);
        assert!(loaded.story.is_some());
        assert_eq!(loaded.error_count() + loaded.warning_count(), 0);
        assert!(reread.is_empty(), "read again: {reread:?}");
        assert!(
            texts.is_empty(),
            "kept: {:?}",
            texts.iter().map(|t| &t.path).collect::<Vec<_>>()
        );
    }
}

/// The synthetic story with a warning in one chapter: a variable declared there and
/// never used.
fn synth_with_an_unused_variable() -> (Vec<SourceFile>, String) {
    let mut files = synth::generate(300);
    let at = files
        .iter()
        .position(|f| f.path.starts_with("chapters/"))
        .expect("a chapter");
    let text = String::from_utf8(files[at].bytes.clone()).expect("UTF-8");
    let text = text.replacen(
        "Chapter(\n",
        "Chapter(\n    variables: [Flag(name: \"never_read\")],\n",
        1,
    );
    assert!(text.contains("never_read"), "the edit applies");
    files[at].bytes = text.into_bytes();
    let path = files[at].path.clone();
    (files, path)
}

#[test]
fn only_a_file_a_diagnostic_points_into_is_read_again_and_kept() {
    let (files, chapter) = synth_with_an_unused_variable();
    let (loaded, texts, reread) = both_ways("unused variable", &files);
    assert!(loaded.warning_count() > 0, "{:?}", loaded.diagnostics);
    assert!(loaded.diagnostics.iter().all(|d| d.file == chapter));
    assert_eq!(
        reread,
        vec![chapter.clone()],
        "read again once, that file only"
    );
    let kept: Vec<_> = texts.iter().map(|t| t.path.as_str()).collect();
    assert_eq!(kept, vec![chapter.as_str()]);
}

/// The one E0007 `loaded` reports (a file changed before it was read again).
fn the_e0007(loaded: &story::Loaded) -> &story::Diagnostic {
    let e0007: Vec<_> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.code == "E0007")
        .collect();
    assert_eq!(e0007.len(), 1, "{:?}", loaded.diagnostics);
    e0007[0]
}

#[test]
fn a_file_changed_before_it_is_read_again_is_reported_not_misquoted() {
    let (files, chapter) = synth_with_an_unused_variable();
    for changed in [Some(b"Chapter(title: \"Other\")".to_vec()), None] {
        let (loaded, texts) = story::load_owned(files.clone(), |_| changed.clone());
        assert_eq!(the_e0007(&loaded).file, chapter);
        assert!(loaded.story.is_none(), "an error: no story");
        // The warning is still reported, in its file, without a place or a quote.
        let warning = loaded
            .diagnostics
            .iter()
            .find(|d| !d.is_error())
            .expect("the warning");
        assert_eq!(
            (warning.file.as_str(), warning.line, warning.span.clone()),
            (chapter.as_str(), 0, None)
        );
        assert!(texts.is_empty(), "nothing of the changed file is kept");
    }
}

#[test]
fn a_file_changed_before_the_classic_order_parses_it_again_is_reported() {
    // A chapter declaring a variable its predecessor uses: the early compile gives up
    // after letting the first chapters' text go, and the classic order reads them
    // again, from a disk where the first chapter is now gone.
    let mut files = synth::generate(300);
    let chapters: Vec<usize> = (0..files.len())
        .filter(|&i| files[i].path.starts_with("chapters/"))
        .collect();
    let (first, last) = (chapters[0], *chapters.last().expect("chapters"));
    let late = String::from_utf8(files[last].bytes.clone())
        .expect("UTF-8")
        .replacen(
            "    scenes: [",
            "    variables: [Int(name: \"late\")],\n    scenes: [",
            1,
        );
    files[last].bytes = late.into_bytes();
    let early = String::from_utf8(files[first].bytes.clone()).expect("UTF-8");
    files[first].bytes = early
        .replacen("when: \"steps >= 0\"", "when: \"late >= 0\"", 1)
        .into_bytes();
    let (clean, _, reread) = both_ways("a later variable", &files);
    assert_eq!(clean.error_count(), 0);
    assert!(
        reread.contains(&files[first].path),
        "the give-up reads again: {reread:?}"
    );
    let gone = files[first].path.clone();
    let (loaded, _) = story::load_owned(files.clone(), |path| {
        (path != gone).then(|| {
            files
                .iter()
                .find(|f| f.path == path)
                .map(|f| f.bytes.clone())
        })?
    });
    assert_eq!(the_e0007(&loaded).file, gone);
    assert!(loaded.story.is_none());
}
