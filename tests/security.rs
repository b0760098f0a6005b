//! A story file cannot drive the terminal: escape sequences, control characters and
//! bidirectional overrides in any text a story holds are neutralised before they reach
//! stdout, in `play --plain` and in `check` diagnostics alike.
//!
//! These run the real binary and inspect the raw bytes it writes: a test on the string
//! functions alone would miss a field some front end forgot to pass through
//! `sanitize::for_terminal`.

mod common;

use std::path::Path;
use std::process::Output;

/// Clear the screen, retitle the window, write the clipboard (OSC 52), ring the bell,
/// C1 CSI, a DCS string, and bidi overrides that reorder the line. "pwned" marks each
/// copy so the test can count that every field was shown.
const EVIL: &str = "pwned\u{1b}[2J\u{1b}[H\u{1b}]0;owned title\u{7}\u{1b}]52;c;aGVsbG8=\u{7}\u{9b}31m\u{202e}desrever\u{202c}\u{2066}iso\u{2069}\u{1b}P1$q\u{1b}\\\u{8}\r\u{7f}\u{85}end";

/// The payload as a RON string literal: Rust's `Debug` escapes (`\u{1b}`) are RON's.
fn lit(s: &str) -> String {
    format!("{s:?}")
}

/// The payload as a RON string literal with the control characters left raw in the file.
fn raw_lit(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// A valid story with the payload in every field a player can see. The scene `b` text
/// holds the payload as raw bytes rather than escapes, in case a loader path treats
/// the two differently.
fn evil_story(dir: &Path) {
    let e = lit(EVIL);
    write(
        dir,
        "header.ron",
        &format!(
            "Story(id: \"evil\", title: {e}, subtitle: {e}, start: \"a\",\n\
             content_note: [{e}],\n\
             variables: [Flag(name: \"f\")],\n\
             endings: [Ending(id: \"end\", title: {e}, epilogue: [{e}])],\n\
             afterword: [{e}], credits: [{e}])"
        ),
    );
    let cond = lit(&format!("{{if not f: {EVIL}}}"));
    let raw = raw_lit(EVIL);
    write(
        dir,
        "chapter.ron",
        &format!(
            "Chapter(title: {e}, date: {e}, place: {e}, scenes: [\n\
             Scene(id: \"a\", text: [{e}, {cond}], choices: [\n\
               Choice(label: {e}, goto: \"b\"),\n\
               Choice(id: \"x\", label: {e}, goto: \"b\", when: \"f\", disabled: {e}),\n\
             ]),\n\
             Scene(id: \"b\", chapter: {e}, date: {e}, place: {e}, text: [{raw}], next: \"c\"),\n\
             Scene(id: \"c\", text: [{e}], ending: \"end\"),\n])"
        ),
    );
}

/// The binary's raw output (throwaway saves): escape sequences must be seen as bytes.
fn run(args: &[&str], stdin: &str) -> Output {
    common::butterfly_bytes(args, stdin)
}

/// Fails on any byte or character that a terminal would act on rather than print.
fn assert_terminal_safe(bytes: &[u8], what: &str) {
    let text = std::str::from_utf8(bytes).unwrap_or_else(|e| panic!("{what}: not UTF-8: {e}"));
    for (i, c) in text.char_indices() {
        let bad = (c.is_control() && c != '\n')
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
        assert!(
            !bad,
            "{what}: {c:?} at byte {i}, in …{:?}…",
            &text[i.saturating_sub(40)..(i + 20).min(text.len())]
        );
    }
}

#[test]
fn plain_play_neutralises_every_field() {
    let dir = tempfile::tempdir().unwrap();
    evil_story(dir.path());
    let story = dir.path().to_str().unwrap();
    let out = run(
        &["--story", story, "play", "--plain", "--seed", "1"],
        "look\n1\n1\n1\n",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_terminal_safe(&out.stdout, "stdout");
    assert_terminal_safe(&out.stderr, "stderr");
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        shown.contains("ENDING: pwned"),
        "the game reached its end:\n{shown}"
    );
    // title, subtitle, note, chapter, date, place, 2 paragraphs, 2 labels, reason (and
    // again for `look`), scene b's chapter/date/place/text, c's text, the ending title,
    // epilogue, afterword, credits: every one of them printed, none of them raw.
    let copies = shown.matches("pwned").count();
    assert!(copies >= 20, "only {copies} fields shown:\n{shown}");
    // Text survives, minus the controls: the reader still sees the words.
    assert!(shown.contains("desrever"), "{shown}");
}

#[test]
fn check_diagnostics_neutralise_story_content() {
    let dir = tempfile::tempdir().unwrap();
    let e = lit(EVIL);
    let raw = raw_lit(EVIL);
    let raw_if = raw_lit(&format!("{{if {EVIL}: x}}"));
    write(
        dir.path(),
        "header.ron",
        &format!(
            "Story(id: \"evil\", title: \"T\", start: {e},\n\
             variables: [Flag(name: {e})],\n\
             endings: [Ending(id: \"end\", title: \"E\")])"
        ),
    );
    write(
        dir.path(),
        "chapter.ron",
        &format!(
            "Chapter(title: \"C\", date: \"D\", place: \"P\", scenes: [\n\
             Scene(id: {e}, text: [\"x\"], next: {e}),\n\
             Scene(id: \"b\", text: [{raw}, {raw_if}], ending: {e}),\n])"
        ),
    );
    // A file whose very name is an escape sequence: paths are quoted in every diagnostic.
    write(
        dir.path(),
        "\u{1b}]0;title\u{7}.ron",
        "Chapter(title: \u{1b}[2J)",
    );
    let out = run(&["check", dir.path().to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(1), "the story has errors");
    assert_terminal_safe(&out.stdout, "check stdout");
    assert_terminal_safe(&out.stderr, "check stderr");
    let shown = String::from_utf8_lossy(&out.stdout);
    for code in ["E0103", "E0304", "E0201"] {
        assert!(shown.contains(code), "{code} missing:\n{shown}");
    }
    // The same diagnostics on `play`'s refusal path.
    let out = run(
        &["--story", dir.path().to_str().unwrap(), "play", "--plain"],
        "",
    );
    assert_eq!(out.status.code(), Some(1));
    assert_terminal_safe(&out.stdout, "play stdout");
    assert_terminal_safe(&out.stderr, "play stderr");
}

/// A story names scenes, variables and endings, never a path: nothing in the format is
/// read as a file name or a command. The loader's only inputs are the bytes it is
/// given, so a story that tries gets ordinary errors and the file stays untouched.
#[test]
fn a_story_cannot_name_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("victim.txt");
    std::fs::write(&target, "keep me").unwrap();
    let victim = lit(target.to_str().unwrap());
    let story = dir.path().join("story");
    write(
        &story,
        "header.ron",
        &format!("Story(id: {victim}, title: {victim}, start: {victim}, include: {victim})"),
    );
    let out = run(&["check", story.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(1));
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(shown.contains("unknown field `include`"), "{shown}");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep me");
}

/// The terminal interface draws the same fields (and the title screen, the journal and
/// the endings list) without passing on any of the payload's controls. ratatui drops
/// C0/C1 controls itself, but not bidi overrides; and an OSC, a DCS or a BEL in the raw
/// output would mean some text reached the terminal unfiltered.
#[cfg(unix)]
#[test]
fn the_terminal_interface_neutralises_every_field() {
    use std::time::Duration;
    let dir = tempfile::tempdir().unwrap();
    evil_story(dir.path());
    let saves = tempfile::tempdir().unwrap();
    let story = dir.path().to_str().unwrap();
    let mut g = common::pty::Game::start(&["--story", story, "play", "--seed", "1"], saves.path());
    g.wait_for("desrever");
    g.press("\r");
    g.wait_for("New game");
    g.press("\r");
    // Through the chapter card, the typewriter and the one choice of each scene.
    for _ in 0..20 {
        if g.screen().contains("Ending: pwned") {
            break;
        }
        g.press("x");
        std::thread::sleep(Duration::from_millis(100));
        g.press("1");
        std::thread::sleep(Duration::from_millis(100));
    }
    g.wait_for("Ending: pwned");
    g.press("\t");
    g.wait_for("Journal");
    // A pause after Esc, or it and the next key read as one Alt chord.
    g.press("\x1b");
    std::thread::sleep(Duration::from_millis(300));
    g.press("\r");
    g.wait_for("New game");
    for _ in 0..8 {
        if g.screen().contains("▸ Endings") {
            break;
        }
        g.press("\x1b[B");
        std::thread::sleep(Duration::from_millis(100));
    }
    g.press("\r");
    g.wait_for("1 of 1 found");
    let raw = g.raw.lock().unwrap().clone();
    g.press("\x03");
    let (status, _) = g.wait_exit();
    assert!(status.success(), "{status:?}");

    let text = String::from_utf8_lossy(&raw);
    let copies = text.matches("pwned").count();
    assert!(
        copies >= 15,
        "only {copies} copies of the payload were drawn"
    );
    for (name, bad) in [
        ("OSC", "\u{1b}]"),
        ("DCS", "\u{1b}P"),
        ("BEL", "\u{7}"),
        ("C1 CSI", "\u{9b}"),
        ("RLO", "\u{202e}"),
        ("PDF", "\u{202c}"),
        ("FSI", "\u{2066}"),
        ("PDI", "\u{2069}"),
        ("payload's CSI", "pwned\u{1b}"),
    ] {
        if let Some(at) = text.find(bad) {
            panic!(
                "{name} reached the terminal: …{:?}…",
                &text[at.saturating_sub(60)..(at + 20).min(text.len())]
            );
        }
    }
    assert!(
        !text.chars().any(|c| ('\u{80}'..='\u{9f}').contains(&c)),
        "a C1 control reached the terminal"
    );
}

/// Issue 17: `stats` and `explore` printed ending and chapter titles raw (a story
/// retitled the pane and wrote the clipboard), and `graph` passed U+202E through. Now
/// every command writes through one neutralising printer; this runs each of them over
/// the payload story and inspects every byte of stdout and stderr.
#[test]
fn issue_17_every_subcommand_neutralises_every_field() {
    let dir = tempfile::tempdir().unwrap();
    let story_dir = dir.path().join("story");
    evil_story(&story_dir);
    let saves = dir.path().join("saves");
    let witnesses = dir.path().join("witnesses");
    let story = story_dir.to_str().unwrap();
    let saves_arg = saves.to_str().unwrap();
    let checked = |args: &[&str], stdin: &str, what: &str| {
        let mut all = vec!["--saves", saves_arg];
        all.extend_from_slice(args);
        let out = run(&all, stdin);
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{what}: {:?}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        assert_terminal_safe(&out.stdout, &format!("{what} stdout"));
        assert_terminal_safe(&out.stderr, &format!("{what} stderr"));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let shown = checked(&["check", story], "", "check");
    assert!(shown.contains("0 errors"), "{shown}");
    for format in ["dot", "mermaid"] {
        let shown = checked(&["graph", story, "--format", format], "", format);
        assert!(
            shown.contains("pwned"),
            "{format}: the titles are shown:\n{shown}"
        );
    }
    // `graph --svg` hands the source to Graphviz, which writes it into the picture:
    // a stand-in `dot` that answers with its input shows what it was given.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let bin = dir.path().join("bin");
        std::fs::create_dir(&bin).unwrap();
        std::fs::write(bin.join("dot"), "#!/bin/sh\nexec /bin/cat\n").unwrap();
        std::fs::set_permissions(bin.join("dot"), std::fs::Permissions::from_mode(0o755)).unwrap();
        let svg = dir.path().join("map.svg");
        for chapter in [None, Some("1")] {
            let mut cmd = common::command();
            cmd.args(["graph", story, "--svg"])
                .arg(&svg)
                .env("PATH", &bin);
            if let Some(c) = chapter {
                cmd.args(["--chapter", c]);
            }
            let out = common::output(cmd, "");
            assert_eq!(out.status.code(), Some(0), "{out:?}");
            let given = std::fs::read(&svg).unwrap();
            assert_terminal_safe(&given, "the source given to dot");
            assert!(String::from_utf8_lossy(&given).contains("pwned"));
        }
    }
    let shown = checked(&["verify", story], "", "verify");
    assert!(shown.contains("complete"), "{shown}");
    let shown = checked(&["stats", story], "", "stats");
    assert!(
        shown.contains("pwned"),
        "stats shows the ending title:\n{shown}"
    );
    let shown = checked(
        &[
            "explore",
            story,
            "--runs",
            "20",
            "--write-witnesses",
            witnesses.to_str().unwrap(),
        ],
        "",
        "explore",
    );
    assert!(
        shown.contains("pwned"),
        "explore shows the ending title:\n{shown}"
    );
    let shown = checked(
        &["--story", story, "play", "--plain", "--seed", "3"],
        "1\nsave evil\n1\n1\n",
        "play --plain",
    );
    assert!(shown.contains("Saved to slot `evil`"), "{shown}");
    let save = saves.join("evil.ron");
    let save = save.to_str().unwrap();
    let shown = checked(
        &["--story", story, "replay", save, "--plain"],
        "",
        "replay --plain",
    );
    assert!(
        shown.contains("pwned"),
        "the transcript shows the story:\n{shown}"
    );
    checked(
        &["--story", story, "replay", save, "--verify"],
        "",
        "replay --verify",
    );
    checked(
        &["--story", story, "play", "--plain"],
        "saves\nload evil\nlook\n",
        "saves list",
    );
    // The witness files are saves: they replay, and the replay is as safe.
    let written: Vec<_> = std::fs::read_dir(&witnesses).unwrap().flatten().collect();
    assert!(!written.is_empty(), "explore wrote its witnesses");
    for w in written {
        let path = w.path();
        checked(
            &[
                "--story",
                story,
                "replay",
                path.to_str().unwrap(),
                "--plain",
            ],
            "",
            "witness replay",
        );
    }
}
