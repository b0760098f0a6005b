//! The real binary on mutated stories: `check` and `play --plain` end with an exit code
//! the CLI documents (0, 1 or 2), never Rust's panic code 101 and never a signal.
//!
//! The in-process fuzzer (`fuzz_story.rs`) covers far more mutants; this one proves the
//! same holds through the reading of directories, `main`, and the plain player.

mod common;

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

use common::{corpus, is_shipped_story, mutate_story, write_copy};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// Runs the binary and returns its exit code; fails on a signal or a panic.
fn exit_code(args: &[&str], stdin: &str, what: &str) -> i32 {
    let mut child = Command::new(env!("CARGO_BIN_EXE_butterfly"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run the binary");
    // The game may quit before reading everything; a broken pipe here is fine.
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    let out = child.wait_with_output().unwrap();
    let code = out.status.code().unwrap_or_else(|| {
        panic!(
            "{what}: killed by a signal ({:?}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        )
    });
    assert_ne!(
        code,
        101,
        "{what}: the binary panicked:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        [0, 1, 2].contains(&code),
        "{what}: undocumented exit code {code}"
    );
    code
}

#[test]
fn mutated_stories_never_panic_the_binary() {
    let moves = "1\n".repeat(60);
    let mut codes = [0usize; 3];
    for (name, files) in corpus() {
        let count = if is_shipped_story(&name) { 6 } else { 24 };
        for seed in 0..count {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let mut mutant = files.clone();
            let what = format!(
                "{name} seed {seed}: {}",
                mutate_story(&mut mutant, &mut rng)
            );
            let dir = tempfile::tempdir().unwrap();
            write_copy(Path::new(&name), &mutant, dir.path());
            let d = dir.path().to_str().unwrap();
            let code = exit_code(&["check", d], "", &what);
            codes[code as usize] += 1;
            exit_code(
                &["--story", d, "play", "--plain", "--seed", &seed.to_string()],
                &moves,
                &what,
            );
        }
    }
    // The mutator must mostly break stories, or this proves little.
    assert!(codes[1] > codes[0], "exit codes 0/1/2: {codes:?}");
}
