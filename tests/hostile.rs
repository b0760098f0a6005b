//! Issue 17: hostile stories that are legal, or nearly so, but shaped to blow up output,
//! memory or time. Each test feeds one such shape to the real loader or the real binary
//! and checks that what comes back is bounded by the input, not by its square.

mod common;

use std::fmt::Write as _;
use std::path::Path;

use butterfly::limits::{QUOTE_COLUMNS, REPORTS_PER_CODE};
use butterfly::story;
use common::{butterfly, file, ids_story};

/// A whole story on one line, declaring `vars` variables that nothing uses: each is
/// one warning (W0407, never used), each pointing into that one long line.
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
    assert_eq!(loaded.warning_count(), 2_000);
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
    let middle = &loaded.diagnostics[1_000];
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
                    "… and {} more warnings of this kind [W0407]",
                    vars - REPORTS_PER_CODE
                )),
                "{}",
                &run.stdout[run.stdout.len().saturating_sub(600)..]
            );
            assert!(run.stdout.contains(&format!("{vars} warnings")));
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

/// Runs the binary with a deadline: a special file once blocked every command forever.
fn run_with_deadline(args: &[&str]) -> (i32, String, String) {
    use std::process::{Command, Stdio};
    let saves = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_butterfly"))
        .args(args)
        .env("BUTTERFLY_SAVES", saves.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > std::time::Duration::from_secs(20) {
            let _ = child.kill();
            panic!("`butterfly {}` hung", args.join(" "));
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().expect("exited, not killed"),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A valid two-file story in `dir`.
fn valid_story(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    write_story(dir, &one_line_unused_vars(0));
}

/// Every command that reads the story refuses `dir`, naming `name` and saying why.
fn refused_everywhere(dir: &Path, name: &str, why: &str) {
    let d = dir.to_str().unwrap();
    for args in [
        vec!["check", d],
        vec!["stats", d],
        vec!["graph", d],
        vec!["--story", d, "play", "--plain"],
    ] {
        let (code, _, err) = run_with_deadline(&args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(name) && err.contains(why), "{args:?}: {err}");
    }
}

#[cfg(unix)]
#[test]
fn issue_17_a_fifo_among_the_story_files_is_refused_not_opened() {
    let dir = tempfile::tempdir().unwrap();
    valid_story(dir.path());
    let fifo = dir.path().join("pipe.ron");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    refused_everywhere(dir.path(), "pipe.ron", "a FIFO");
}

#[cfg(unix)]
#[test]
fn issue_17_a_socket_among_the_story_files_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    valid_story(dir.path());
    let _listener = std::os::unix::net::UnixListener::bind(dir.path().join("sock.ron")).unwrap();
    refused_everywhere(dir.path(), "sock.ron", "a socket");
}

#[cfg(unix)]
#[test]
fn issue_17_links_in_the_story_folder_are_refused_not_followed() {
    // A link to a file outside the folder was read and quoted in diagnostics; a link to
    // a terminal device blocked. Links to a file, a device and a folder are all refused.
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("secret.ron"),
        "Chapter(title: \"secret\")",
    )
    .unwrap();
    for (name, target) in [
        ("secret.ron", outside.path().join("secret.ron")),
        ("tty.ron", std::path::PathBuf::from("/dev/tty")),
        ("more", outside.path().to_owned()),
    ] {
        let dir = tempfile::tempdir().unwrap();
        valid_story(dir.path());
        std::os::unix::fs::symlink(&target, dir.path().join(name)).unwrap();
        refused_everywhere(dir.path(), name, "a symbolic link");
    }
    // The story folder itself may be a link.
    let dir = tempfile::tempdir().unwrap();
    valid_story(&dir.path().join("real"));
    std::os::unix::fs::symlink(dir.path().join("real"), dir.path().join("link")).unwrap();
    let (code, out, err) = run_with_deadline(&["check", dir.path().join("link").to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn issue_17_files_too_deep_are_reported_not_ignored() {
    let dir = tempfile::tempdir().unwrap();
    valid_story(dir.path());
    let mut deep = dir.path().to_owned();
    for i in 0..=butterfly::limits::MAX_FOLDER_DEPTH {
        deep.push(format!("d{i}"));
    }
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::write(deep.join("lost.ron"), CHAPTER).unwrap();
    let (code, _, err) = run_with_deadline(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("nested more than 32 folders deep"), "{err}");
    // At the limit itself, the file is read.
    std::fs::remove_dir_all(dir.path().join("d0")).unwrap();
    let mut deep = dir.path().to_owned();
    for i in 0..butterfly::limits::MAX_FOLDER_DEPTH {
        deep.push(format!("d{i}"));
    }
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::write(deep.join("found.ron"), "Chapter(title: \"C\", date: \"D\", place: \"P\", scenes: [Scene(id: \"z\", text: [\"x\"], ending: \"end\")])").unwrap();
    let (code, out, err) = run_with_deadline(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("3 files"), "{out}");
}

/// Issue 17: `check` accepted ids the save reader refuses, so a game saved
/// "successfully" and could never load. The checker now applies the save reader's own
/// rule (`limits::id_problem`), and ids at the limit save and load.
#[test]
fn issue_17_every_id_the_checker_accepts_can_be_saved_and_loaded() {
    use butterfly::limits::MAX_ID_BYTES;
    use butterfly::save::{self, SaveStore};
    let long = |c: char| c.to_string().repeat(MAX_ID_BYTES);
    // At the limit: accepted, played, saved, loaded, and the profile keeps the ending.
    let files = ids_story(&long('s'), &long('c'), &long('e'), &long('v'));
    let loaded = story::load(&files);
    let story = loaded
        .story
        .unwrap_or_else(|| panic!("{:#?}", loaded.diagnostics));
    let (mut state, _) = butterfly::engine::start(&story, 1).unwrap();
    butterfly::engine::choose(&story, &mut state, &long('c')).unwrap();
    assert!(state.ending.is_some());
    let dir = tempfile::tempdir().unwrap();
    let store = SaveStore::new(dir.path().to_owned());
    store
        .save("s", &story, &state, std::time::Duration::ZERO)
        .unwrap();
    let back = save::load_file(&store.slot_path("s").unwrap(), &story).unwrap();
    assert_eq!(back.state.path, state.path);
    let mut profile = store.load_profile();
    assert!(profile.record(&state));
    store.save_profile(&profile).unwrap();
    assert!(store.load_profile().endings_found.contains(&long('e')));
    // One byte over, or a line break: refused by the checker, located, for every
    // kind of id.
    for bad in [format!("{}x", long('z')), "a\nb".to_owned()] {
        for (what, files) in [
            ("scene id", ids_story(&bad, "c", "e", "v")),
            ("choice id", ids_story("b", &bad, "e", "v")),
            ("ending id", ids_story("b", "c", &bad, "v")),
            ("variable name", ids_story("b", "c", "e", &bad)),
        ] {
            let loaded = story::load(&files);
            assert!(loaded.story.is_none(), "{what} {bad:?} accepted");
            // Scene ids and variable names have a narrower alphabet of their own
            // (E0304, E0103); the length limit and the other ids are E0115.
            let d = loaded
                .diagnostics
                .iter()
                .find(|d| ["E0115", "E0304", "E0103"].contains(&d.code))
                .unwrap_or_else(|| panic!("{what} {bad:?}: {:#?}", loaded.diagnostics));
            assert!(d.line > 0, "{d}");
            if bad.len() > MAX_ID_BYTES || what.contains("choice") || what.contains("ending") {
                assert!(d.code == "E0115" && d.message.contains(what), "{d}");
            }
        }
    }
    // Control characters and bidi overrides in a choice or ending id are neutralised
    // at load: the story plays, saves and loads again.
    let files = ids_story("b", "c\u{1b}]0;x\u{7}", "e\u{202e}", "v");
    let loaded = story::load(&files);
    let story = loaded
        .story
        .unwrap_or_else(|| panic!("{:#?}", loaded.diagnostics));
    let (mut state, _) = butterfly::engine::start(&story, 1).unwrap();
    let id = butterfly::engine::choices(&story, &state)[0].id.clone();
    butterfly::engine::choose(&story, &mut state, &id).unwrap();
    store
        .save("c", &story, &state, std::time::Duration::ZERO)
        .unwrap();
    save::load_file(&store.slot_path("c").unwrap(), &story).unwrap();
}

#[test]
fn issue_17_more_endings_than_the_profile_can_hold_are_refused() {
    let many = butterfly::limits::MAX_ENDINGS + 1;
    let mut header = String::from(r#"Story(id: "t", title: "T", start: "a", endings: ["#);
    for i in 0..many {
        let _ = writeln!(header, "Ending(id: \"e{i}\", title: \"E\"),");
    }
    header.push_str("])");
    let loaded = story::load(&[
        file("header.ron", header),
        file("chapter.ron", CHAPTER.replace("\"end\"", "\"e0\"")),
    ]);
    let d = loaded
        .diagnostics
        .iter()
        .find(|d| d.code == "E0116")
        .unwrap_or_else(|| panic!("{:#?}", &loaded.diagnostics[..3]));
    assert_eq!(d.line, many, "at the first ending past the limit: {d}");
}

/// Issue 17: a profile that grew past its size limit was written, then read as
/// damaged on every start, losing the endings found. The writer now keeps it under
/// the reader's limit, keeping every ending and as many scenes seen as fit.
#[test]
fn issue_17_a_huge_profile_stays_readable_and_keeps_its_endings() {
    use butterfly::limits::{MAX_ENDINGS, MAX_ID_BYTES, MAX_PROFILE_BYTES};
    use butterfly::save::{Profile, SaveStore};
    let mut profile = Profile::default();
    for i in 0..MAX_ENDINGS {
        let id = format!("{i:0>MAX_ID_BYTES$}");
        profile.endings_found.insert(id);
    }
    for i in 0..200_000 {
        profile
            .scenes_seen
            .insert(format!("scène-with-a-long-name-{i}"));
    }
    let dir = tempfile::tempdir().unwrap();
    let store = SaveStore::new(dir.path().to_owned());
    store.save_profile(&profile).unwrap();
    let size = std::fs::metadata(store.profile_path()).unwrap().len();
    assert!(size <= MAX_PROFILE_BYTES, "{size} bytes written");
    let back = store.load_profile();
    assert_eq!(
        back.endings_found, profile.endings_found,
        "every ending kept"
    );
    assert!(!back.scenes_seen.is_empty() && back.scenes_seen.is_subset(&profile.scenes_seen));
}

/// Issue 17: a condition that divided by zero passed `check` (the value was 0) and
/// stranded the player. A constant zero divisor is now a checker error; one that is
/// zero only at run time saturates, is reported, and play goes on to the ending.
#[test]
fn issue_17_division_by_zero_is_refused_when_constant_and_reported_when_not() {
    let story_with = |when: &str, effect: &str| {
        let header = r#"Story(id: "t", title: "T", start: "a", variables: [Int(name: "zero", initial: 0, min: -1000, max: 1000), Int(name: "n", initial: 0, min: -1000, max: 1000)], endings: [Ending(id: "end", title: "End")])"#;
        let chapter = format!(
            r#"Chapter(title: "C", date: "D", place: "P", scenes: [
                Scene(id: "a", text: ["{{n}}"], choices: [Choice(label: "go", goto: "b", when: {when:?}, effects: [{effect:?}])]),
                Scene(id: "b", text: ["n is {{n}}"], routes: [Route(when: "1 / zero > 0", goto: "c"), Route(goto: "a")]),
                Scene(id: "c", text: ["x"], ending: "end"),
            ])"#
        );
        vec![file("header.ron", header), file("chapter.ron", chapter)]
    };
    for (when, effect) in [("1 / 0 > 0", "n += 1"), ("true", "n = 5 / (3 - 3)")] {
        let loaded = story::load(&story_with(when, effect));
        assert!(loaded.story.is_none(), "{when} / {effect} accepted");
        assert!(
            loaded
                .diagnostics
                .iter()
                .any(|d| d.message.contains("division by zero") && d.line > 0),
            "{:#?}",
            loaded.diagnostics
        );
    }
    let files = story_with("10 / zero > 1", "n = 0 - 10 / zero");
    let loaded = story::load(&files);
    let story = loaded
        .story
        .unwrap_or_else(|| panic!("{:#?}", loaded.diagnostics));
    let (mut state, _) = butterfly::engine::start(&story, 1).unwrap();
    let choices = butterfly::engine::choices(&story, &state);
    assert!(
        choices[0].enabled,
        "10 / 0 is the largest number, not 0: the player is not stranded"
    );
    let mut events = butterfly::engine::choose(&story, &mut state, &choices[0].id).unwrap();
    let next = butterfly::engine::choices(&story, &state);
    events.extend(butterfly::engine::choose(&story, &mut state, &next[0].id).unwrap());
    let faults = events
        .iter()
        .filter(|e| matches!(e, butterfly::engine::Event::DivisionByZero { .. }))
        .count();
    assert_eq!(
        faults, 3,
        "condition, effect and route each reported: {events:?}"
    );
    assert_eq!(
        state.var("n"),
        -1000,
        "saturated, then clamped to the bounds"
    );
    assert!(
        state.ending.is_some(),
        "1 / 0 > 0 holds: the route to the ending is taken"
    );
    // The real binary: play goes on, the author is told on stderr, stdout is clean.
    let dir = tempfile::tempdir().unwrap();
    for f in &files {
        std::fs::write(dir.path().join(&f.path), &f.bytes).unwrap();
    }
    let run = butterfly(
        &[
            "--story",
            dir.path().to_str().unwrap(),
            "play",
            "--plain",
            "--seed",
            "1",
        ],
        "1\n1\n",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("ENDING"), "{}", run.stdout);
    assert!(run.stderr.contains("divided by zero"), "{}", run.stderr);
}

/// Issue 17: `--write-witnesses` stopped at the first ending id that is not a valid
/// slot name. Every ending with a witness now gets a file, under a slot name made from
/// its id, and each file replays to its ending.
#[test]
fn issue_17_every_witness_is_written_whatever_the_ending_ids() {
    let ids = [
        "plain",
        "with space",
        "profile",
        "émigré",
        "con",
        "with space!",
    ];
    let mut endings = String::new();
    let mut scenes = String::new();
    let mut choices = String::new();
    for (i, id) in ids.iter().enumerate() {
        let _ = write!(endings, "Ending(id: {id:?}, title: \"E{i}\"),");
        let _ = writeln!(
            scenes,
            "Scene(id: \"e{i}\", text: [\"x\"], ending: {id:?}),"
        );
        let _ = write!(choices, "Choice(label: \"{i}\", goto: \"e{i}\"),");
    }
    let dir = tempfile::tempdir().unwrap();
    let story = dir.path().join("story");
    std::fs::create_dir_all(&story).unwrap();
    std::fs::write(
        story.join("header.ron"),
        format!(r#"Story(id: "t", title: "T", start: "a", endings: [{endings}])"#),
    )
    .unwrap();
    std::fs::write(
        story.join("chapter.ron"),
        format!(
            r#"Chapter(title: "C", date: "D", place: "P", scenes: [Scene(id: "a", text: ["A"], choices: [{choices}]),
{scenes}])"#
        ),
    )
    .unwrap();
    let out = dir.path().join("witnesses");
    let run = butterfly(
        &[
            "explore",
            story.to_str().unwrap(),
            "--runs",
            "50",
            "--write-witnesses",
            out.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let written: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .collect();
    assert_eq!(written.len(), ids.len(), "{written:?}");
    for w in written {
        let run = butterfly(
            &[
                "--story",
                story.to_str().unwrap(),
                "replay",
                w.to_str().unwrap(),
                "--verify",
            ],
            "",
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
}

/// Issue 17: temporary files left by a process killed mid-save were never removed.
/// Old ones go on the next write; a young one (another process writing now) stays.
#[test]
fn issue_17_orphan_temporary_files_are_cleaned_and_live_ones_kept() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join(".auto.ron.new.999999.0.tmp");
    let young = dir.path().join(".auto.ron.new.999998.0.tmp");
    let other = dir.path().join("notes.tmp");
    for p in [&old, &young, &other] {
        std::fs::write(p, "half a save").unwrap();
    }
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_hours(1);
    for p in [&old, &other] {
        std::fs::File::options()
            .write(true)
            .open(p)
            .unwrap()
            .set_modified(hour_ago)
            .unwrap();
    }
    let store = butterfly::save::SaveStore::new(dir.path().to_owned());
    let loaded = story::load(&[
        file("header.ron", one_line_unused_vars(0)),
        file("chapter.ron", CHAPTER),
    ]);
    let s = loaded.story.unwrap();
    let (state, _) = butterfly::engine::start(&s, 1).unwrap();
    store
        .save("one", &s, &state, std::time::Duration::ZERO)
        .unwrap();
    assert!(!old.exists(), "the orphan was removed");
    assert!(young.exists(), "a write in progress is left alone");
    assert!(
        other.exists(),
        "only the game's own temporary files are touched"
    );
}
