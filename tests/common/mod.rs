//! Helpers shared by the integration tests: loading the fixtures, running the binary.

// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use butterfly::source;
use butterfly::story::{self, Story};

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

/// Runs the real `butterfly` binary in the package root with `stdin` piped in.
pub fn butterfly(args: &[&str], stdin: &str) -> Run {
    butterfly_in(&root(), args, stdin)
}

/// Runs the real `butterfly` binary in `dir` with `stdin` piped in.
pub fn butterfly_in(dir: &Path, args: &[&str], stdin: &str) -> Run {
    // Games autosave: keep every run's saves in a throwaway directory, never the repo's.
    let saves = tempfile::tempdir().expect("a temporary saves directory");
    let mut child = Command::new(env!("CARGO_BIN_EXE_butterfly"))
        .args(args)
        .env("BUTTERFLY_SAVES", saves.path())
        .current_dir(dir)
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
    Run {
        code: out.status.code().expect("exited, not killed by a signal"),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
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
