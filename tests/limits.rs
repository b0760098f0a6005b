//! Every bound on story input is a clear, located error, never a hang, an
//! out-of-memory or a stack overflow.
//!
//! Each test feeds one oversized thing to the loader and checks the error code, that it
//! names a file and line, and that it came back quickly. Bounds too large to reach in a
//! test (a million scenes) are proven with `load_limited` and small numbers; a separate
//! test pins the defaults.

mod common;

use std::time::{Duration, Instant};

use butterfly::engine;
use butterfly::story::load::limits::{self, Limits};
use butterfly::story::{self, Diagnostic, Loaded, SourceFile};
use common::file;

/// A debug build on a slow CI machine; a hang or a quadratic blow-up is far beyond it.
/// Three quarters of the smallest stack the game runs on (a test thread has 2 MiB,
/// `main` 8 MiB): a debug build parsing a 64-deep expression needs about 1.2 MiB.
const STACK: usize = 1536 * 1024;

const QUICK: Duration = Duration::from_secs(20);

const HEADER: &str = r#"Story(id: "t", title: "T", start: "a",
    variables: [Int(name: "n", initial: 1), Flag(name: "f", initial: true)],
    endings: [Ending(id: "end", title: "End")])"#;

/// A two-scene story whose first scene holds `text` as a paragraph and `when` as the
/// condition of its one choice.
fn story_with(text: &str, when: &str) -> Vec<SourceFile> {
    let chapter = format!(
        "Chapter(title: \"C\", date: \"D\", place: \"P\", scenes: [\n\
         Scene(id: \"a\", text: [{text:?}], choices: [Choice(label: \"go\", goto: \"b\", when: {when:?})]),\n\
         Scene(id: \"b\", ending: \"end\"),\n])"
    );
    vec![file("header.ron", HEADER), file("chapter.ron", chapter)]
}

/// Loads on a thread with a small (512 KiB) stack, so "no stack overflow" is proven
/// with room to spare, and times it.
fn load_small_stack(files: Vec<SourceFile>, limits: Limits) -> Loaded {
    let started = Instant::now();
    let loaded = std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(move || story::load_limited(&files, limits))
        .expect("spawn")
        .join()
        .expect("the loader must not panic");
    assert!(
        started.elapsed() < QUICK,
        "loading took {:?}",
        started.elapsed()
    );
    loaded
}

/// The one error with `code`, which must be located.
fn located_error<'a>(loaded: &'a Loaded, code: &str) -> &'a Diagnostic {
    assert!(loaded.story.is_none(), "the story was accepted");
    let d = loaded
        .diagnostics
        .iter()
        .find(|d| d.code == code)
        .unwrap_or_else(|| panic!("no {code} among {:#?}", loaded.diagnostics));
    assert!(
        !d.file.is_empty() && d.line > 0,
        "{code} has no location: {d}"
    );
    d
}

#[test]
fn the_default_limits_are_the_documented_constants() {
    let l = Limits::default();
    assert_eq!(l.file_bytes, limits::MAX_FILE_BYTES);
    assert_eq!(l.files, limits::MAX_FILES);
    assert_eq!(l.scenes, limits::MAX_SCENES);
    assert_eq!(l.string_bytes, limits::MAX_STRING_BYTES);
    assert_eq!(l.total_bytes, limits::MAX_TOTAL_BYTES);
    // The helper story itself is fine: the failures below are the limits, not it.
    let ok = story::load(&story_with("hello {n}", "f"));
    assert!(ok.story.is_some(), "{:#?}", ok.diagnostics);
}

#[test]
fn a_20_mb_file_is_refused_by_name() {
    let mut big = story_with("x", "f");
    let mut bytes = big[1].bytes.clone();
    bytes.resize(20 * 1024 * 1024, b' ');
    big[1].bytes = bytes;
    let loaded = load_small_stack(big, Limits::default());
    let d = located_error(&loaded, "E0003");
    assert_eq!(d.file, "chapter.ron");
    assert!(d.message.contains("larger than"), "{d}");
}

#[test]
fn too_many_bytes_in_all_files_together_is_refused() {
    let files = story_with("x", "f");
    let loaded = load_small_stack(
        files,
        Limits {
            total_bytes: 300,
            ..Limits::default()
        },
    );
    let d = located_error(&loaded, "E0006");
    assert_eq!(
        d.file, "chapter.ron",
        "names the file that crossed the limit"
    );
}

#[test]
fn too_many_files_is_refused() {
    let mut files = story_with("x", "f");
    files.push(file("extra.ron", "Chapter(title: \"E\", scenes: [])"));
    let loaded = load_small_stack(
        files,
        Limits {
            files: 2,
            ..Limits::default()
        },
    );
    assert_eq!(located_error(&loaded, "E0001").file, "extra.ron");
}

#[test]
fn too_many_scenes_is_refused_at_the_first_scene_past_the_limit() {
    let files = story_with("x", "f");
    let loaded = load_small_stack(
        files,
        Limits {
            scenes: 1,
            ..Limits::default()
        },
    );
    let d = located_error(&loaded, "E0109");
    assert_eq!((d.file.as_str(), d.line), ("chapter.ron", 3), "{d}");
}

#[test]
fn an_overlong_paragraph_is_refused() {
    let long = "word ".repeat(limits::MAX_STRING_BYTES / 5 + 10);
    let loaded = load_small_stack(story_with(&long, "f"), Limits::default());
    let d = located_error(&loaded, "E0114");
    assert_eq!(d.line, 2, "{d}");
}

#[test]
fn an_overlong_condition_is_refused() {
    let long = format!("{}true", "f and ".repeat(limits::MAX_STRING_BYTES / 6 + 10));
    let loaded = load_small_stack(story_with("x", &long), Limits::default());
    located_error(&loaded, "E0114");
}

#[test]
fn a_100_000_deep_if_in_text_is_refused() {
    let deep = format!("{}x{}", "{if f: ".repeat(100_000), "}".repeat(100_000));
    let loaded = load_small_stack(story_with(&deep, "f"), Limits::default());
    // Far past the string limit, so that is what stops it.
    located_error(&loaded, "E0114");
}

#[test]
fn deep_if_within_the_string_limit_is_refused_as_too_deep() {
    let n = 5_000;
    let deep = format!("{}x{}", "{if f: ".repeat(n), "}".repeat(n));
    assert!(deep.len() < limits::MAX_STRING_BYTES);
    let loaded = load_small_stack(story_with(&deep, "f"), Limits::default());
    let d = located_error(&loaded, "E0204");
    assert!(d.message.contains("nested too deeply"), "{d}");
}

#[test]
fn deep_alternatives_in_text_are_refused_as_too_deep() {
    let n = 5_000;
    let deep = format!("{}x{}", "{~a|".repeat(n), "}".repeat(n));
    let loaded = load_small_stack(story_with(&deep, "f"), Limits::default());
    located_error(&loaded, "E0204");
}

#[test]
fn deeply_nested_expressions_are_refused() {
    for deep in [
        format!("{}f{}", "(".repeat(20_000), ")".repeat(20_000)),
        format!("{}f", "not ".repeat(10_000)),
        format!("{}1 > 0", "- ".repeat(20_000)),
        format!("{}1{} > 0", "(1 + ".repeat(5_000), ")".repeat(5_000)),
    ] {
        let loaded = load_small_stack(story_with("x", &deep), Limits::default());
        let d = located_error(&loaded, "E0201");
        assert!(d.message.contains("nested"), "{d}");
    }
}

/// Long flat chains (`1 + 1 + ... + 1`) are not nesting in the source, but they parse
/// into a tree as deep as the chain is long, and evaluating or dropping that tree
/// recurses that deep; so chains count towards the depth limit.
#[test]
fn long_flat_chains_are_refused_not_a_stack_overflow() {
    for chain in [
        format!("{}1 > 0", "1 + ".repeat(limits::MAX_STRING_BYTES / 4 - 10)),
        format!("{}f", "f and ".repeat(limits::MAX_STRING_BYTES / 6 - 10)),
        format!("{}f", "f or ".repeat(limits::MAX_STRING_BYTES / 5 - 10)),
        format!("{}1 == 1", "n * ".repeat(limits::MAX_STRING_BYTES / 4 - 10)),
    ] {
        let loaded = load_small_stack(story_with("x", &chain), Limits::default());
        let d = located_error(&loaded, "E0201");
        assert!(d.message.contains("chained"), "{d}");
    }
}

/// The bound is not so tight that a long but sane condition is refused, and such a
/// condition evaluates.
#[test]
fn a_chain_of_forty_is_accepted_and_evaluates() {
    let when = format!("{}n >= 41", "n + ".repeat(40));
    let files = story_with("x", &when);
    let loaded = story::load(&files);
    let story = loaded.story.expect("accepted");
    let (state, _) = engine::start(&story, 1).expect("starts");
    let choices = engine::choices(&story, &state);
    assert!(choices[0].enabled, "41 * 1 >= 41 holds");
}

#[test]
fn deeply_nested_ron_is_refused_not_a_stack_overflow() {
    let n = 100_000;
    for (open, close) in [("[", "]"), ("(", ")"), ("{", "}"), ("Some(", ")")] {
        let chapter = format!(
            "Chapter(title: \"C\", date: \"D\", place: \"P\", scenes: {}{}\n)",
            open.repeat(n),
            close.repeat(n)
        );
        let files = vec![file("header.ron", HEADER), file("chapter.ron", chapter)];
        let loaded = load_small_stack(files, Limits::default());
        let d = loaded
            .diagnostics
            .iter()
            .find(|d| d.is_error() && d.file == "chapter.ron")
            .unwrap_or_else(|| panic!("{open}: no error in chapter.ron"));
        assert!(d.line > 0, "{d}");
    }
}

/// Through the real binary and the directory reader: the oversized file is refused by
/// name, and the process does not read it whole.
#[test]
fn check_refuses_a_20_mb_file_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    for f in story_with("x", "f") {
        std::fs::write(dir.path().join(&f.path), &f.bytes).unwrap();
    }
    let big = dir.path().join("zz_big.ron");
    let mut text = b"Chapter(title: \"Big\", scenes: [])".to_vec();
    text.resize(20 * 1024 * 1024, b'\n');
    std::fs::write(&big, text).unwrap();
    let started = Instant::now();
    let mut cmd = common::command();
    cmd.arg("check").arg(dir.path());
    let out = common::output(cmd, "");
    assert!(started.elapsed() < QUICK);
    assert_eq!(out.status.code(), Some(1));
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        shown.contains("zz_big.ron:1:1: error: file is larger than 16777216 bytes"),
        "{shown}"
    );
}

/// A slot name is at most `limits::MAX_SLOT_BYTES` bytes: one more is refused before
/// anything is written, with the reason.
#[test]
fn a_slot_name_longer_than_the_limit_is_refused() {
    use butterfly::save::validate_slot;
    let longest = "s".repeat(limits::MAX_SLOT_BYTES);
    assert!(validate_slot(&longest).is_ok());
    let e = validate_slot(&format!("{longest}s")).unwrap_err();
    assert!(e.to_string().contains("longer than 64"), "{e}");
}

/// "Did you mean" compares a wrong name with every name the story has: only the first
/// 100 errors of a load get a suggestion, so 150 misspelt targets stay linear; the rest
/// get the plain hint.
#[test]
fn only_the_first_hundred_errors_get_a_did_you_mean() {
    use std::fmt::Write as _;
    let mut chapter = String::from(
        "Chapter(title: \"C\", date: \"D\", place: \"P\", scenes: [\nScene(id: \"hall\", text: [\"x\"], ending: \"end\"),\n",
    );
    for i in 0..150 {
        let _ = writeln!(
            chapter,
            "Scene(id: \"s{i}\", text: [\"x\"], choices: [Choice(label: \"go\", goto: \"hal\")]),"
        );
    }
    chapter.push_str("])");
    let loaded = load_small_stack(
        vec![
            file(
                "header.ron",
                HEADER.replace("start: \"a\"", "start: \"hall\""),
            ),
            file("chapter.ron", chapter),
        ],
        Limits::default(),
    );
    let missing: Vec<&Diagnostic> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.message.contains("`hal`"))
        .collect();
    assert_eq!(missing.len(), 150);
    let suggested = missing
        .iter()
        .filter(|d| {
            d.hint
                .as_deref()
                .is_some_and(|h| h.contains("did you mean `hall`"))
        })
        .count();
    assert_eq!(suggested, 100);
}
