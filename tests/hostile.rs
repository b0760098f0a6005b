//! Issue 17: hostile stories that are legal, or nearly so, but shaped to blow up output,
//! memory or time. Each test feeds one such shape to the real loader or the real binary
//! and checks that what comes back is bounded by the input, not by its square.

mod common;

use std::fmt::Write as _;
use std::path::Path;

use butterfly::limits::{QUOTE_COLUMNS, REPORTS_PER_CODE};
use butterfly::story::{self, SourceFile};
use common::butterfly;

fn file(path: &str, text: impl Into<Vec<u8>>) -> SourceFile {
    SourceFile {
        path: path.to_owned(),
        bytes: text.into(),
    }
}

/// A whole story on one line, declaring `vars` variables that nothing uses: each is
/// two warnings (never changed, never read), each pointing into that one long line.
fn one_line_unused_vars(vars: usize) -> String {
    let mut s = String::from(r#"Story(id: "t", title: "T", start: "a", variables: ["#);
    for i in 0..vars {
        let _ = write!(s, r#"Int(name: "unused_{i}", initial: 0), "#);
    }
    s.push_str(r#"], endings: [Ending(id: "end", title: "End")]) "#);
    s
}

const CHAPTER: &str = r#"Chapter(title: "C", date: "D", place: "P", scenes: [Scene(id: "a", text: ["x"], ending: "end")])"#;

fn write_story(dir: &Path, header: &str) {
    std::fs::write(dir.join("header.ron"), header).unwrap();
    std::fs::write(dir.join("chapter.ron"), CHAPTER).unwrap();
}

#[test]
fn issue_17_each_diagnostic_quotes_a_window_of_its_line_not_the_line() {
    let header = one_line_unused_vars(2_000);
    let loaded = story::load(&[
        file("header.ron", header.clone()),
        file("chapter.ron", CHAPTER),
    ]);
    assert!(loaded.story.is_some(), "only warnings");
    assert_eq!(loaded.warning_count(), 4_000);
    for d in &loaded.diagnostics {
        let quoted = d
            .source_line
            .as_deref()
            .expect("a located warning quotes its line");
        // The window plus a `…` marker at each cut end.
        assert!(
            quoted.chars().count() <= QUOTE_COLUMNS + 2,
            "{} chars quoted",
            quoted.chars().count()
        );
        // The caret still points at the variable's name in the window.
        let at: String = quoted.chars().skip(d.quote_col - 1).take(8).collect();
        assert_eq!(at, "\"unused_", "{d}");
        let rendered = d.to_string();
        assert!(rendered.len() < 1_000, "{rendered}");
    }
    // The window is cut with markers in the middle of the line, not at its ends.
    let middle = &loaded.diagnostics[2_000];
    let quoted = middle.source_line.as_deref().unwrap();
    assert!(quoted.starts_with('…') && quoted.ends_with('…'), "{quoted}");
    assert!(
        middle.col > 10_000,
        "the column is the file's, not the window's"
    );
}

#[test]
fn issue_17_check_output_is_bounded_however_many_warnings_of_one_kind() {
    // 5,000 unused variables on one line printed 1.48 GB before the fix.
    let sizes: Vec<usize> = [500, 5_000]
        .iter()
        .map(|&vars| {
            let dir = tempfile::tempdir().unwrap();
            write_story(dir.path(), &one_line_unused_vars(vars));
            let run = butterfly(&["check", dir.path().to_str().unwrap()], "");
            assert_eq!(run.code, 0, "{}", run.stderr);
            assert!(
                run.stdout.contains(&format!(
                    "… and {} more warnings of this kind [W0404]",
                    vars - REPORTS_PER_CODE
                )),
                "{}",
                &run.stdout[run.stdout.len().saturating_sub(600)..]
            );
            assert!(run.stdout.contains(&format!("{} warnings", 2 * vars)));
            run.stdout.len()
        })
        .collect();
    // Ten times the warnings prints (about) the same: the cap, and one line per kind.
    assert!(sizes[1] < 64 * 1024, "{} bytes", sizes[1]);
    assert!(sizes[1] < sizes[0] + 200, "{sizes:?}");
}

#[test]
fn issue_17_a_long_message_is_clipped() {
    let name = "v".repeat(100_000);
    let header = format!(
        r#"Story(id: "t", title: "T", start: "a", variables: [Int(name: "{name}", initial: 0)], endings: [Ending(id: "end", title: "End")])"#
    );
    let loaded = story::load(&[file("header.ron", header), file("chapter.ron", CHAPTER)]);
    assert!(!loaded.diagnostics.is_empty());
    for d in &loaded.diagnostics {
        assert!(d.to_string().len() < 2_000, "{} bytes", d.to_string().len());
    }
}
