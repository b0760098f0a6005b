//! Output into a pipe that is already closed (`butterfly explain W0206 | head -1`, a
//! pager quit early): every command stops quietly, as a closed pipe is not an error. It
//! must not panic ("failed printing to stdout", exit 101), as `explain` did when it
//! printed with `println!` instead of through the one printer.

#![cfg(unix)]

mod common;

use std::io::Write;
use std::process::Stdio;

/// Runs the binary with `args` and `stdin`, its stdout a pipe whose reading end is
/// closed before it writes anything; returns its exit code and stderr.
fn into_closed_pipe(args: &[&str], stdin: &str) -> (Option<i32>, String) {
    let saves = tempfile::tempdir().unwrap();
    let mut cmd = common::command();
    cmd.arg("--saves")
        .arg(saves.path())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    drop(child.stdout.take());
    let mut input = child.stdin.take().unwrap();
    // The command may be done (and its stdin closed) before everything is written.
    let _ = input.write_all(stdin.as_bytes());
    drop(input);
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn every_command_stops_quietly_when_its_output_pipe_is_closed() {
    let full = "tests/fixtures/full";
    let many_warnings = "tests/fixtures/broken/unused_variable";
    let save = common::root().join("tests/fixtures/saves/v1_fixture.ron");
    let save = save.to_str().unwrap();
    let cases: Vec<Vec<&str>> = vec![
        vec!["check", "story"],
        vec!["check", many_warnings],
        vec!["graph", full],
        vec!["graph", full, "--format", "mermaid"],
        vec!["stats", full, "--games", "20"],
        vec!["explore", full, "--runs", "5"],
        vec!["verify", full],
        vec!["explain", "W0206"],
        vec!["man"],
        vec!["completions", "bash"],
        vec!["diff", full, full],
        vec!["--story", full, "play", "--plain", "--seed", "1"],
        vec!["--story", full, "replay", save, "--plain"],
        vec!["--help"],
    ];
    for args in cases {
        let (code, stderr) = into_closed_pipe(&args, &"1\n".repeat(50));
        assert!(
            !stderr.contains("panicked"),
            "{args:?} panicked on a closed pipe:\n{stderr}"
        );
        assert!(
            matches!(code, Some(0..=2)),
            "{args:?}: exit {code:?} on a closed pipe:\n{stderr}"
        );
    }
}
