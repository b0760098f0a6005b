//! Helpers shared by the integration tests: loading the fixtures, running the binary,
//! and (for the hardening tests) a small seeded mutator.
//!
//! The mutator is deliberately dumb and fast: it breaks files the way editors, bad
//! merges and truncated downloads do (flipped bytes, cut-off ends, lost or doubled
//! lines, wrong brackets, broken UTF-8), so the loader sees realistic garbage.

// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use butterfly::source;
use butterfly::story::{self, Diagnostic, Loaded, SourceFile, Story};
use rand::RngExt;

#[cfg(unix)]
pub mod pty;

/// The package root (where `story/` and `tests/` live).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Loads a story directory; panics with every diagnostic if it has errors.
pub fn load_dir(dir: &Path) -> Story {
    let files = source::read_dir(dir).unwrap_or_else(|e| panic!("{e}"));
    let loaded = story::load(&files);
    match loaded.story {
        Some(s) => s,
        None => {
            let all: String = loaded.diagnostics.iter().map(ToString::to_string).collect();
            panic!("{} does not load:\n{all}", dir.display())
        }
    }
}

/// `tests/fixtures/full`: a small story that uses every feature of the format.
pub fn fixture() -> Story {
    load_dir(&root().join("tests/fixtures/full"))
}

/// The shipped story, read from `story/` on disk, or `None` (with a note on stderr)
/// while it does not load yet.
pub fn real_story() -> Option<Story> {
    let files = source::read_dir(&root().join("story")).ok()?;
    let loaded = story::load(&files);
    if loaded.story.is_none() {
        eprintln!(
            "note: story/ does not load yet ({} errors); skipping the real-story checks",
            loaded.error_count()
        );
    }
    loaded.story
}

/// A story from in-memory files: `(path, contents)`.
pub fn load_files(files: &[(&str, &str)]) -> story::Loaded {
    let files: Vec<story::SourceFile> = files
        .iter()
        .map(|(path, text)| story::SourceFile {
            path: (*path).to_owned(),
            bytes: text.as_bytes().to_vec(),
        })
        .collect();
    story::load(&files)
}

/// What one run of the binary printed and returned.
pub struct Run {
    /// Exit code.
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

/// The real `butterfly` binary, run from the package root, with no saves directory
/// inherited from the environment: the one way every test starts it (the pty harness
/// starts it through [`pty::Game`] the same way).
pub fn command() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_butterfly"));
    cmd.current_dir(root()).env_remove("BUTTERFLY_SAVES");
    cmd
}

/// Runs `cmd` with `stdin` piped in and both outputs captured, as raw bytes. Fails the
/// test if the process was killed by a signal.
pub fn output(mut cmd: Command, stdin: &str) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the butterfly binary");
    let mut pipe = child.stdin.take().expect("stdin is piped");
    let input = stdin.as_bytes().to_vec();
    // Written from another thread: a full stdout pipe must not deadlock a long input.
    let writer = std::thread::spawn(move || {
        // The player may stop reading early (an ending, `quit`): a broken pipe is fine.
        let _ = pipe.write_all(&input);
    });
    let out = child.wait_with_output().expect("wait for butterfly");
    writer.join().expect("stdin writer");
    out
}

/// Runs `cmd` like [`output`], as text (UTF-8 is part of the contract).
pub fn run(cmd: Command, stdin: &str) -> Run {
    let out = output(cmd, stdin);
    Run {
        code: out.status.code().expect("exited, not killed by a signal"),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

/// The binary with `args`, run in `dir`, saving into a throwaway directory (games
/// autosave: never into the repo's `saves/`); the directory lives as long as the guard.
fn in_temp_saves(dir: &Path, args: &[&str]) -> (Command, tempfile::TempDir) {
    let saves = tempfile::tempdir().expect("a temporary saves directory");
    let mut cmd = command();
    cmd.args(args)
        .env("BUTTERFLY_SAVES", saves.path())
        .current_dir(dir);
    (cmd, saves)
}

/// Runs the real `butterfly` binary in the package root with `stdin` piped in.
pub fn butterfly(args: &[&str], stdin: &str) -> Run {
    butterfly_in(&root(), args, stdin)
}

/// Runs the real `butterfly` binary in `dir` with `stdin` piped in.
pub fn butterfly_in(dir: &Path, args: &[&str], stdin: &str) -> Run {
    let (cmd, _saves) = in_temp_saves(dir, args);
    run(cmd, stdin)
}

/// A scripted plain-mode game of the story in `story`: `butterfly --saves SAVES play
/// --plain --seed SEED --story STORY` with `stdin` piped in. The saves folder is the
/// caller's, so a later run can load what this one saved.
pub fn play_plain(story: &str, saves: &Path, seed: u64, stdin: &str) -> Run {
    let seed = seed.to_string();
    let saves = saves.to_str().expect("a UTF-8 temporary path");
    let args = [
        "--saves", saves, "play", "--plain", "--seed", &seed, "--story", story,
    ];
    butterfly(&args, stdin)
}

/// Like [`butterfly`], the raw bytes: for tests that inspect exactly what was written.
pub fn butterfly_bytes(args: &[&str], stdin: &str) -> Output {
    let (cmd, _saves) = in_temp_saves(&root(), args);
    output(cmd, stdin)
}

/// Copies a story directory, subdirectories included.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Reads a story directory as the game does.
pub fn read_story(dir: &Path) -> Vec<SourceFile> {
    butterfly::source::read_dir(dir).expect("story directory readable")
}

/// The story directories the fuzzers mutate: the shipped story and every fixture, by
/// the path they were read from (each file's `path` starts with it).
pub fn corpus() -> Vec<(String, Vec<SourceFile>)> {
    let mut out = Vec::new();
    let story = root().join("story");
    if story.is_dir() {
        out.push((story.display().to_string(), read_story(&story)));
    }
    let fixtures = root().join("tests/fixtures");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&fixtures)
        .expect("tests/fixtures exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        // A frozen copy of the shipped story (for the transcript test): fuzzing it again
        // would only double the time spent on the large story.
        .filter(|p| !p.ends_with("transcripts"))
        .collect();
    dirs.sort();
    for d in dirs {
        let files = read_story(&d);
        if !files.is_empty() {
            out.push((d.display().to_string(), files));
        }
    }
    out
}

/// Whether `name` (from [`corpus`]) is the shipped story, which is large.
pub fn is_shipped_story(name: &str) -> bool {
    Path::new(name) == root().join("story")
}

/// Writes a (mutated) copy of the story read from `from` into `to`. Refuses any file
/// that would land outside `to`: a test must never write into the real story.
pub fn write_copy(from: &Path, files: &[SourceFile], to: &Path) {
    for f in files {
        let rel = Path::new(&f.path)
            .strip_prefix(from)
            .expect("every file was read from `from`");
        assert!(
            rel.is_relative() && !rel.components().any(|c| c.as_os_str() == ".."),
            "{} would leave the copy",
            rel.display()
        );
        let p = to.join(rel);
        std::fs::create_dir_all(p.parent().expect("a file has a parent")).unwrap();
        std::fs::write(p, &f.bytes).unwrap();
    }
}

/// One kind of damage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mutation {
    /// XOR one byte with a random non-zero value.
    FlipByte,
    /// Cut the file at a random point.
    Truncate,
    /// Remove one line.
    DeleteLine,
    /// Repeat one line.
    DuplicateLine,
    /// Swap two lines.
    SwapLines,
    /// Replace one bracket with a different bracket.
    SwapBracket,
    /// Insert bytes that are not UTF-8 (a lone continuation byte, a cut sequence, 0xFF).
    InvalidUtf8,
    /// Insert one RON-significant character: quote, colon, comma, bracket, backslash.
    InsertPunct,
}

/// Every mutation kind.
pub const MUTATIONS: [Mutation; 8] = [
    Mutation::FlipByte,
    Mutation::Truncate,
    Mutation::DeleteLine,
    Mutation::DuplicateLine,
    Mutation::SwapLines,
    Mutation::SwapBracket,
    Mutation::InvalidUtf8,
    Mutation::InsertPunct,
];

/// Applies `m` at the position picked by `at` (any number: it is reduced modulo the
/// length), with `byte` as the random material. Pure, so proptest can shrink its inputs.
pub fn apply(bytes: &mut Vec<u8>, m: Mutation, at: usize, byte: u8) {
    if bytes.is_empty() {
        bytes.push(byte);
        return;
    }
    let pos = at % bytes.len();
    match m {
        Mutation::FlipByte => bytes[pos] ^= byte.max(1),
        Mutation::Truncate => bytes.truncate(pos),
        Mutation::DeleteLine | Mutation::DuplicateLine | Mutation::SwapLines => {
            let mut lines: Vec<Vec<u8>> = bytes
                .split_inclusive(|&b| b == b'\n')
                .map(<[u8]>::to_vec)
                .collect();
            let n = lines.len();
            let i = at % n;
            match m {
                Mutation::DeleteLine => {
                    lines.remove(i);
                }
                Mutation::DuplicateLine => {
                    let l = lines[i].clone();
                    lines.insert(i, l);
                }
                _ if n < 2 => lines.push(lines[0].clone()),
                _ => lines.swap(i, (i + 1 + usize::from(byte) % (n - 1)) % n),
            }
            *bytes = lines.concat();
        }
        Mutation::SwapBracket => {
            const BRACKETS: &[u8] = b"()[]{}";
            let found: Vec<usize> = bytes
                .iter()
                .enumerate()
                .filter(|(_, b)| BRACKETS.contains(b))
                .map(|(i, _)| i)
                .collect();
            if let Some(&i) = found.get(at % found.len().max(1)) {
                let others: Vec<u8> = BRACKETS
                    .iter()
                    .copied()
                    .filter(|&b| b != bytes[i])
                    .collect();
                bytes[i] = others[usize::from(byte) % others.len()];
            }
        }
        Mutation::InvalidUtf8 => {
            const BAD: [&[u8]; 4] = [b"\x80", b"\xC3", b"\xE2\x82", b"\xFF\xFE"];
            let bad = BAD[usize::from(byte) % BAD.len()];
            bytes.splice(pos..pos, bad.iter().copied());
        }
        Mutation::InsertPunct => {
            const PUNCT: &[u8] = b"\":,()[]{}\\#r/*";
            bytes.insert(pos, PUNCT[usize::from(byte) % PUNCT.len()]);
        }
    }
}

/// Applies one to three random mutations to a random file of `files`; returns what was
/// done, for the failure message.
pub fn mutate_story(files: &mut [SourceFile], rng: &mut impl rand::Rng) -> String {
    let f = rng.random_range(0..files.len());
    let mut what = format!("{}:", files[f].path);
    for _ in 0..rng.random_range(1..=3) {
        let m = MUTATIONS[rng.random_range(0..MUTATIONS.len())];
        let at: usize = rng.random_range(0..usize::MAX);
        let byte: u8 = rng.random();
        apply(&mut files[f].bytes, m, at, byte);
        let _ = write!(what, " {m:?}(at={at}, byte={byte})");
    }
    what
}

/// A diagnostic the author can act on: it names a file and a line in it.
pub fn is_located(d: &Diagnostic) -> bool {
    !d.file.is_empty() && d.line > 0
}

/// The promise checked on every mutant: when the original story was clean and the
/// mutant is not, every error says where (a file and a line in it). Returns the
/// complaint, if any.
pub fn located_problem(loaded: &Loaded) -> Option<String> {
    let errors: Vec<&Diagnostic> = loaded.diagnostics.iter().filter(|d| d.is_error()).collect();
    if loaded.story.is_some() {
        return None;
    }
    if errors.is_empty() {
        return Some("no story and no error".to_owned());
    }
    let unlocated: Vec<String> = errors
        .iter()
        .filter(|d| !is_located(d))
        .map(|d| format!("[{}] {} @ {:?}:{}", d.code, d.message, d.file, d.line))
        .collect();
    (!unlocated.is_empty()).then(|| format!("errors without a location: {}", unlocated.join("; ")))
}

/// A story file named `path` holding `text`.
pub fn file(path: &str, text: impl Into<Vec<u8>>) -> SourceFile {
    SourceFile {
        path: path.to_owned(),
        bytes: text.into(),
    }
}

/// A story whose ids are `scene`, `choice`, `ending` and `var`, each as given.
pub fn ids_story(scene: &str, choice: &str, ending: &str, var: &str) -> Vec<SourceFile> {
    let header = format!(
        r#"Story(id: "t", title: "T", start: "a", variables: [Int(name: {var:?}, initial: 0)], endings: [Ending(id: {ending:?}, title: "End")])"#
    );
    let chapter = format!(
        r#"Chapter(title: "C", date: "D", place: "P", scenes: [
            Scene(id: "a", text: ["{{{var}}}"], choices: [Choice(id: {choice:?}, label: "go", goto: {scene:?}, effects: ["{var} += 1"])]),
            Scene(id: {scene:?}, text: ["x"], ending: {ending:?}),
        ])"#
    );
    vec![file("header.ron", header), file("chapter.ron", chapter)]
}
