//! The command line itself: completion scripts, the manual page, exit codes.

mod common;

use common::butterfly;

#[test]
fn completion_scripts_cover_every_subcommand() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let run = butterfly(&["completions", shell], "");
        assert_eq!(run.code, 0, "{shell}: {}", run.stderr);
        for sub in [
            "play", "check", "graph", "explore", "verify", "stats", "replay",
        ] {
            assert!(run.stdout.contains(sub), "{shell} script lacks `{sub}`");
        }
    }
    let bash = butterfly(&["completions", "bash"], "").stdout;
    assert!(bash.contains("complete -F _butterfly"), "{bash}");
    assert!(bash.contains("--from") && bash.contains("--plain"));
}

#[test]
fn an_unknown_shell_is_a_usage_error() {
    let run = butterfly(&["completions", "nosh"], "");
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("possible values"), "{}", run.stderr);
}

#[test]
fn the_manual_page_is_roff_naming_every_option() {
    let run = butterfly(&["man"], "");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = run.stdout;
    assert!(page.contains(".TH butterfly 1"), "{page}");
    assert!(page.contains(".SH NAME") && page.contains(".SH SYNOPSIS"));
    for option in ["story", "saves"] {
        assert!(page.contains(&format!("\\-\\-{option}")), "no --{option}");
    }
    for sub in ["play", "check", "replay", "completions"] {
        assert!(page.contains(sub), "no `{sub}` in the page");
    }
}

/// One error type, one mapping: 2 when a command cannot run, 1 when its input is wrong.
#[test]
fn exit_codes_follow_one_rule() {
    let missing = butterfly(&["check", "no/such/dir"], "");
    assert_eq!(missing.code, 2, "{}", missing.stderr);
    assert!(missing.stderr.starts_with("butterfly: "));
    let broken = butterfly(&["check", "tests/fixtures/broken/missing_target"], "");
    assert_eq!(broken.code, 1);
    assert_eq!(broken.stderr, "", "check reports on stdout");
    let refused = butterfly(
        &["--story", "tests/fixtures/broken/missing_target", "graph"],
        "",
    );
    assert_eq!(refused.code, 1);
    assert!(
        refused.stderr.contains("run `butterfly check`"),
        "{}",
        refused.stderr
    );
    let unknown = butterfly(
        &[
            "--story",
            "tests/fixtures/full",
            "play",
            "--plain",
            "--from",
            "nowhere",
        ],
        "",
    );
    assert_eq!(unknown.code, 2, "{}", unknown.stderr);
    assert!(
        unknown.stderr.contains("no scene `nowhere`"),
        "{}",
        unknown.stderr
    );
}
