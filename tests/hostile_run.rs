//! Issue 17's acceptance, as a test: hostile stories run through every subcommand of
//! the real binary under a 2 GB address-space cap (`RLIMIT_AS`, set in the child before
//! it runs), and each run must end by itself — no panic (exit 101), no death by a
//! signal (an allocation refused under the cap aborts), no hang — print no raw control
//! byte (other than `\n` and `\t`) or bidi override, and leave any save it wrote
//! loadable.
//!
//! In `cargo test` the stories are 10,000 large in their dimension, `stats` and
//! `explore` play 20 games, and the deadline is a generous hang guard for a debug
//! build, not a speed test. `.ci/hostile` runs the
//! same test on the release binary with `BUTTERFLY_HOSTILE=full`: every shape at its
//! largest legal size, a story just under the whole-story limit, and a 10-second
//! deadline per command (docs/guarantees.md, "The hostile run").

mod common;

use std::fmt::Write as _;
use std::io::{Read, Write as _};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use butterfly::limits;
use butterfly::story::SourceFile;
use butterfly::synth::{self, SHAPES, Shape};
use common::file;

/// The memory a command may use: the acceptance's cap.
const ADDRESS_SPACE: u64 = 2 * 1024 * 1024 * 1024;

/// The payload of `tests/security.rs`: screen clear, window title, clipboard (OSC 52),
/// bell, C1 CSI, bidi overrides, DCS, backspace, carriage return, DEL, NEL.
const EVIL: &str = "pwned\u{1b}[2J\u{1b}[H\u{1b}]0;owned title\u{7}\u{1b}]52;c;aGVsbG8=\u{7}\u{9b}31m\u{202e}desrever\u{202c}\u{2066}iso\u{2069}\u{1b}P1$q\u{1b}\\\u{8}\r\u{7f}\u{85}end";

/// How big the stories are and how long a command may take.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scale {
    /// `cargo test`: 10,000 per dimension, a debug build, a hang guard.
    Suite,
    /// `.ci/hostile`: the largest legal sizes, the release build, 10 seconds.
    Full,
}

impl Scale {
    fn from_env() -> Self {
        match std::env::var("BUTTERFLY_HOSTILE").as_deref() {
            Ok("full") => Scale::Full,
            _ => Scale::Suite,
        }
    }

    fn deadline(self) -> Duration {
        match self {
            Scale::Suite => Duration::from_mins(5),
            Scale::Full => Duration::from_secs(10),
        }
    }
}

fn write_files(dir: &Path, files: &[SourceFile]) {
    for f in files {
        let p = dir.join(&f.path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, &f.bytes).unwrap();
    }
}

/// A large `n` at which `shape`'s biggest file stays under the per-file limit (within
/// 3% of it), or its own limit (endings).
fn largest(shape: Shape) -> (usize, Vec<SourceFile>) {
    let biggest = |n| {
        synth::shaped(shape, n)
            .iter()
            .map(|f| f.bytes.len())
            .max()
            .unwrap()
    };
    // Ids grow a digit now and then, so estimate from a probe, then step down.
    let probe = 100_000;
    let mut n = limits::MAX_FILE_BYTES * probe / biggest(probe);
    if shape == Shape::Endings {
        n = n.min(limits::MAX_ENDINGS);
    }
    loop {
        let files = synth::shaped(shape, n);
        if files
            .iter()
            .all(|f| f.bytes.len() <= limits::MAX_FILE_BYTES)
        {
            return (n, files);
        }
        n = n / 100 * 97;
    }
}

/// `n` one-line scenes no game can enter, a warning each, spread over files under the
/// per-file limit.
fn unreachable_scenes(n: usize) -> Vec<SourceFile> {
    let mut files = vec![file(
        "header.ron",
        r#"Story(id: "t", title: "T", start: "a", endings: [Ending(id: "end", title: "End")])"#,
    )];
    let per_file = 200_000;
    for (k, from) in (0..n).step_by(per_file).enumerate() {
        let mut s = String::from("Chapter(title: \"C\", date: \"D\", place: \"P\", scenes: [\n");
        if k == 0 {
            s.push_str("Scene(id: \"a\", text: [\"x\"], ending: \"end\"),\n");
        }
        for i in from..n.min(from + per_file) {
            let _ = writeln!(s, r#"Scene(id: "u{i}", text: ["x"], ending: "end"),"#);
        }
        s.push_str("])");
        files.push(file(&format!("c{k}.ron"), s));
    }
    files
}

/// A story on one line that declares `vars` unused variables: a warning each, all
/// quoting that line (issue 17: it printed 1.48 GB at 5,000).
fn one_line_warnings(vars: usize) -> Vec<SourceFile> {
    let mut s = String::from(r#"Story(id: "t", title: "T", start: "a", variables: ["#);
    for i in 0..vars {
        let _ = write!(s, r#"Int(name: "unused_{i}", initial: 0), "#);
    }
    s.push_str(r#"], endings: [Ending(id: "end", title: "End")])"#);
    vec![
        file("header.ron", s),
        file(
            "chapter.ron",
            r#"Chapter(title: "C", date: "D", place: "P", scenes: [Scene(id: "a", text: ["x"], ending: "end")])"#,
        ),
    ]
}

/// The payload in every field a story has, ids and names included, escaped in one
/// scene and raw bytes in another.
fn control_characters() -> Vec<SourceFile> {
    let e = format!("{EVIL:?}");
    let raw = format!("\"{}\"", EVIL.replace('\\', "\\\\").replace('"', "\\\""));
    let cond = format!("{:?}", format!("{{if not f: {EVIL}}}"));
    let header = format!(
        "Story(id: {e}, title: {e}, subtitle: {e}, start: \"a\",\n\
         content_note: [{e}],\n\
         variables: [Flag(name: \"f\")],\n\
         endings: [Ending(id: {e}, title: {e}, epilogue: [{e}]), Ending(id: \"end\", title: {e})],\n\
         afterword: [{e}], credits: [{e}])"
    );
    let chapter = format!(
        "Chapter(title: {e}, date: {e}, place: {e}, scenes: [\n\
         Scene(id: \"a\", text: [{e}, {cond}], choices: [\n\
           Choice(id: {e}, label: {e}, goto: \"b\"),\n\
           Choice(id: \"x\", label: {e}, goto: \"c\", when: \"f\", disabled: {e}),\n\
           Choice(id: \"y\", label: {raw}, goto: \"d\"),\n\
         ]),\n\
         Scene(id: \"b\", chapter: {e}, date: {e}, place: {e}, text: [{raw}], next: \"c\"),\n\
         Scene(id: \"c\", text: [{e}], ending: {e}),\n\
         Scene(id: \"d\", text: [{raw}], ending: \"end\"),\n])"
    );
    vec![file("header.ron", header), file("chapter.ron", chapter)]
}

/// Scene, choice, ending and variable ids of exactly the longest length allowed.
fn longest_ids() -> Vec<SourceFile> {
    let id = |c: char| std::iter::repeat_n(c, limits::MAX_ID_BYTES).collect::<String>();
    common::ids_story(&id('s'), &id('c'), &id('e'), &id('v'))
}

/// A small valid story with a FIFO, a socket, a link to a device and a link out of the
/// folder among its files.
fn special_files(dir: &Path) {
    write_files(dir, &synth::shaped(Shape::Tree, 7));
    let made = Command::new("mkfifo")
        .arg(dir.join("fifo.ron"))
        .status()
        .expect("mkfifo");
    assert!(made.success(), "mkfifo");
    let socket = std::os::unix::net::UnixListener::bind(dir.join("socket.ron")).unwrap();
    // The socket file stays when the listener is dropped.
    drop(socket);
    std::os::unix::fs::symlink("/dev/zero", dir.join("zero.ron")).unwrap();
    std::os::unix::fs::symlink("/etc/hostname", dir.join("outside.ron")).unwrap();
}

/// How one command ended.
struct Ended {
    status: Option<ExitStatus>,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    took: Duration,
}

/// Runs the binary with `args` and `stdin` under [`ADDRESS_SPACE`] (the shell's
/// `ulimit -v`, then `exec`: the crate forbids the `unsafe` a `setrlimit` in
/// `pre_exec` would need), killing it at `deadline` (then `status` is `None`).
fn run_capped(args: &[&str], stdin: &str, deadline: Duration) -> Ended {
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!(
            "ulimit -v {} && exec \"$0\" \"$@\"",
            ADDRESS_SPACE / 1024
        ))
        .arg(env!("CARGO_BIN_EXE_butterfly"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = cmd.spawn().expect("spawn butterfly");
    let mut input = child.stdin.take().unwrap();
    let stdin = stdin.to_owned();
    let feeder = std::thread::spawn(move || {
        let _ = input.write_all(stdin.as_bytes());
    });
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = r.read_to_end(&mut buf);
            buf
        })
    };
    let out = drain(Box::new(child.stdout.take().unwrap()));
    let err = drain(Box::new(child.stderr.take().unwrap()));
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break Some(s);
        }
        if started.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let took = started.elapsed();
    let _ = feeder.join();
    Ended {
        status,
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
        took,
    }
}

/// The first character a terminal would act on rather than print, with its place.
fn unsafe_char(bytes: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(bytes);
    text.char_indices()
        .find(|&(_, c)| {
            (c.is_control() && c != '\n' && c != '\t')
                || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        })
        .map(|(i, c)| {
            let around: String = text[..i]
                .chars()
                .rev()
                .take(40)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .chain(text[i..].chars().take(20))
                .collect();
            format!("{c:?} at byte {i}, in …{around:?}…")
        })
}

/// Everything wrong with one run, or nothing.
fn problems(what: &str, e: &Ended) -> Vec<String> {
    let mut out = Vec::new();
    match e.status {
        None => out.push(format!("{what}: still running after {:?}", e.took)),
        Some(s) => {
            if let Some(sig) = s.signal() {
                out.push(format!("{what}: killed by signal {sig}"));
            }
            if let Some(c @ (101 | 134 | 137 | 139)) = s.code() {
                out.push(format!("{what}: exit {c} (a panic or an abort)"));
            }
        }
    }
    for (stream, bytes) in [("stdout", &e.stdout), ("stderr", &e.stderr)] {
        if let Some(c) = unsafe_char(bytes) {
            out.push(format!("{what}: {stream} holds {c}"));
        }
        if stream == "stderr" && String::from_utf8_lossy(bytes).contains("panicked") {
            out.push(format!("{what}: a panic message on stderr"));
        }
    }
    out
}

/// Runs every subcommand on the story in `dir`; returns what went wrong and a line per
/// command with its time.
fn run_all(name: &str, dir: &Path, scale: Scale, log: &std::cell::RefCell<String>) -> Vec<String> {
    let deadline = scale.deadline();
    let saves = tempfile::tempdir().unwrap();
    let d = dir.to_str().unwrap();
    let s = saves.path().to_str().unwrap();
    let script = "save hostile\n1\nquit\n";
    let found = std::cell::RefCell::new(Vec::new());
    let go = |label: &str, args: &[&str], stdin: &str| -> Ended {
        let e = run_capped(args, stdin, deadline);
        let _ = writeln!(
            log.borrow_mut(),
            "{name:<28} {label:<16} {:>7.2}s  {}",
            e.took.as_secs_f64(),
            e.status
                .map_or_else(|| "TIMEOUT".to_owned(), |s| s.to_string())
        );
        found
            .borrow_mut()
            .extend(problems(&format!("{name}: {label}"), &e));
        e
    };
    go("check", &["check", d], "");
    let played = go(
        "play --plain",
        &["--saves", s, "play", "--plain", "--seed", "1", "--story", d],
        script,
    );
    // The suite's debug build plays fewer random games (the searches' work is what the
    // scale tests and benchmarks measure); the full run uses the defaults.
    match scale {
        Scale::Suite => {
            go("stats", &["stats", "--games", "20", d], "");
            go(
                "explore",
                &[
                    "explore",
                    "--runs",
                    "20",
                    "--max-states",
                    "2000",
                    "--beam",
                    "20",
                    d,
                ],
                "",
            );
        }
        Scale::Full => {
            go("stats", &["stats", d], "");
            go("explore", &["explore", d], "");
        }
    }
    go("graph", &["graph", d], "");
    go("verify", &["verify", d], "");
    let slot = saves.path().join("hostile.ron");
    if String::from_utf8_lossy(&played.stdout).contains("Saved to slot") {
        let save = slot.to_str().unwrap();
        go(
            "replay --plain",
            &["--saves", s, "replay", "--plain", "--story", d, save],
            "",
        );
        let verified = go(
            "replay --verify",
            &["--saves", s, "replay", "--verify", "--story", d, save],
            "",
        );
        if verified.status.and_then(|s| s.code()) != Some(0) {
            found.borrow_mut().push(format!(
                "{name}: the save play wrote does not replay: {}",
                String::from_utf8_lossy(&verified.stderr)
            ));
        }
        let loaded = go(
            "play: load",
            &["--saves", s, "play", "--plain", "--story", d],
            "load hostile\nquit\n",
        );
        let said = String::from_utf8_lossy(&loaded.stdout).to_lowercase();
        if said.contains("cannot") || said.contains("unusable") || said.contains("damaged") {
            found
                .borrow_mut()
                .push(format!("{name}: the save play wrote does not load: {said}"));
        }
    } else if slot.exists() {
        found
            .borrow_mut()
            .push(format!("{name}: play wrote a save without saying so"));
    }
    found.into_inner()
}

#[test]
fn hostile_stories_under_a_2_gb_cap_never_crash_hang_or_leak_control_bytes() {
    let scale = Scale::from_env();
    let root = tempfile::tempdir().unwrap();
    let mut stories: Vec<(String, PathBuf)> = Vec::new();
    let mut add = |name: String, files: &[SourceFile]| {
        let dir = root.path().join(&name);
        write_files(&dir, files);
        stories.push((name, dir));
    };
    for shape in SHAPES {
        let (n, files) = match scale {
            Scale::Suite => (10_000, synth::shaped(shape, 10_000)),
            Scale::Full => largest(shape),
        };
        add(format!("{shape:?} {n}"), &files);
    }
    match scale {
        Scale::Suite => {
            add("one-line warnings 10000".into(), &one_line_warnings(10_000));
            add(
                "unreachable scenes 10000".into(),
                &unreachable_scenes(10_000),
            );
        }
        Scale::Full => {
            // One file at the per-file limit (about 30 bytes a variable).
            let vars = limits::MAX_FILE_BYTES / 100 * 95 / 40;
            add(
                format!("one-line warnings {vars}"),
                &one_line_warnings(vars),
            );
            // As many scenes as a story may have, each a warning.
            let n = limits::MAX_SCENES - 1;
            add(format!("unreachable scenes {n}"), &unreachable_scenes(n));
            // Just under the whole-story limit: synth's scenes are about 1,210 bytes.
            let scenes = limits::MAX_TOTAL_BYTES / 1220;
            let files = synth::generate(scenes);
            let total: usize = files.iter().map(|f| f.bytes.len()).sum();
            assert!(total <= limits::MAX_TOTAL_BYTES, "{total} bytes");
            add(format!("{total} bytes, {scenes} scenes"), &files);
        }
    }
    add("control characters".into(), &control_characters());
    add("longest ids".into(), &longest_ids());
    let special = root.path().join("special files");
    special_files(&special);
    stories.push(("special files".into(), special));

    let log = std::cell::RefCell::new(String::new());
    let mut found = Vec::new();
    for (name, dir) in &stories {
        found.extend(run_all(name, dir, scale, &log));
    }
    eprintln!("{}", log.into_inner());
    assert!(found.is_empty(), "{}", found.join("\n"));
}
