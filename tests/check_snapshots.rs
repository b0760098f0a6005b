//! The checker's whole output, as an author sees it, pinned by insta snapshots: one per
//! broken fixture (each fixture is about one rule, so one or a few codes), and one per
//! limit code (those need stories too large to keep as fixtures, so they are built in
//! memory under small limits and drawn by the same renderer `check` uses).
//!
//! The last test holds that every code the checker can emit appears in some snapshot.

mod common;

use std::collections::BTreeSet;

use butterfly::story::load::limits::Limits;
use butterfly::story::{self, SourceFile};

/// Every fixture under tests/fixtures/broken, by name.
fn fixtures() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(common::root().join("tests/fixtures/broken"))
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// `check`'s output on one fixture (paths are relative to the repository, as typed).
fn check_output(name: &str) -> String {
    let run = common::butterfly(&["check", &format!("tests/fixtures/broken/{name}")], "");
    assert_eq!(run.stderr, "", "{name}");
    run.stdout
}

#[test]
fn every_broken_fixture_renders_as_pinned() {
    for name in fixtures() {
        insta::assert_snapshot!(format!("check_{name}"), check_output(&name));
    }
}

/// The smallest story, plus `extra` files.
fn story_with(extra: &[(&str, &str)]) -> Vec<SourceFile> {
    let mut files = vec![
        SourceFile {
            path: "header.ron".into(),
            bytes: br#"Story(id: "s", title: "S", start: "a", endings: [Ending(id: "end", title: "End", epilogue: [])])"#.to_vec(),
        },
        SourceFile {
            path: "one.ron".into(),
            bytes: br#"Chapter(title: "One", date: "Day", place: "Here", scenes: [
    Scene(id: "a", text: ["A long enough paragraph."], next: "b"),
    Scene(id: "b", text: ["B."], ending: "end"),
])"#
            .to_vec(),
        },
    ];
    files.extend(extra.iter().map(|(p, t)| SourceFile {
        path: (*p).into(),
        bytes: t.as_bytes().to_vec(),
    }));
    files
}

/// Loads under `limits` and draws every diagnostic as `check` does.
fn limited_output(files: &[SourceFile], limits: Limits) -> String {
    drawn(&story::load_limited(files, limits), files)
}

/// Every diagnostic of `loaded` drawn as `check` draws it, quoting `files`.
fn drawn(loaded: &story::Loaded, files: &[SourceFile]) -> String {
    let source = |path: &str| {
        files
            .iter()
            .find(|f| f.path == path)
            .and_then(|f| std::str::from_utf8(&f.bytes).ok())
    };
    loaded
        .diagnostics
        .iter()
        .map(|d| butterfly::report::render(d, &source, false))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Each limit, crossed by a small story under a small bound.
fn limit_cases() -> Vec<(&'static str, String)> {
    let small = Limits::default();
    let files = story_with(&[("two.ron", "Chapter(title: \"Two\", scenes: [])")]);
    vec![
        ("E0116", endings_limit_output()),
        (
            "E0001",
            limited_output(&files, Limits { files: 2, ..small }),
        ),
        (
            "E0003",
            limited_output(
                &files,
                Limits {
                    file_bytes: 100,
                    ..small
                },
            ),
        ),
        (
            "E0006",
            limited_output(
                &files,
                Limits {
                    total_bytes: 150,
                    ..small
                },
            ),
        ),
        (
            "E0109",
            limited_output(&files, Limits { scenes: 1, ..small }),
        ),
        (
            "E0114",
            limited_output(
                &files,
                Limits {
                    string_bytes: 10,
                    ..small
                },
            ),
        ),
    ]
}

/// E0116, the endings limit: a constant (the profile's size depends on it), so crossed
/// by a story one ending past it; only the E0116 diagnostic is drawn, not the warnings
/// about so many unreachable endings.
fn endings_limit_output() -> String {
    use std::fmt::Write as _;
    let mut endings = String::new();
    for i in 0..=story::load::limits::MAX_ENDINGS {
        let _ = write!(endings, "Ending(id: \"e{i}\", title: \"E\", epilogue: []),");
    }
    let header = format!(
        "Story(id: \"s\", title: \"S\", start: \"a\", endings: [Ending(id: \"end\", title: \"End\", epilogue: []),\n{endings}])"
    );
    let mut files = story_with(&[]);
    files[0].bytes = header.into_bytes();
    let loaded = story::load(&files);
    let source = |path: &str| {
        files
            .iter()
            .find(|f| f.path == path)
            .and_then(|f| std::str::from_utf8(&f.bytes).ok())
    };
    loaded
        .diagnostics
        .iter()
        .filter(|d| d.code == "E0116")
        .map(|d| butterfly::report::render(d, &source, false))
        .collect()
}

#[test]
fn every_limit_renders_as_pinned() {
    for (code, output) in limit_cases() {
        assert!(output.contains(&format!("[{code}]")), "{code}:\n{output}");
        insta::assert_snapshot!(format!("limit_{code}"), output);
    }
}

/// E0007: `check` lets each file's text go once parsed and reads a file again for a
/// diagnostic that points into it; here the file changed in between (a variable no
/// longer read by the story's only chapter, then the file rewritten), drawn as `check`
/// draws it, with the texts the loader gives back.
fn changed_file_output() -> String {
    let files = story_with(&[(
        "two.ron",
        "Chapter(title: \"Two\", variables: [Flag(name: \"unread\")], scenes: [])",
    )]);
    let (loaded, texts) = story::load_owned(files, |path| {
        (path == "two.ron").then(|| b"Chapter(title: \"Two, rewritten\", scenes: [])".to_vec())
    });
    drawn(&loaded, &texts)
}

#[test]
fn a_file_changed_while_checked_renders_as_pinned() {
    let output = changed_file_output();
    assert!(output.contains("[E0007]"), "{output}");
    insta::assert_snapshot!("changed_E0007", output);
}

#[test]
fn every_code_the_checker_can_emit_has_a_snapshot() {
    let mut shown = changed_file_output();
    for name in fixtures() {
        shown.push_str(&check_output(&name));
    }
    for (_, output) in limit_cases() {
        shown.push_str(&output);
    }
    let missing: BTreeSet<&str> = butterfly::explain::codes()
        .filter(|code| !shown.contains(&format!("[{code}]")))
        .collect();
    assert!(missing.is_empty(), "codes no snapshot shows: {missing:?}");
}
