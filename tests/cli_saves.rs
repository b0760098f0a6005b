//! Issue 5's acceptance, run as a player would: the real binary in plain mode, and
//! `butterfly replay`.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use butterfly::save;

const STORY: &str = "tests/fixtures/full";

fn butterfly(saves: &Path, story: &str, args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_butterfly"))
        .args(["--story", story, "--saves"])
        .arg(saves)
        .args(args)
        .env_remove("BUTTERFLY_SAVES")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run butterfly");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The last scene shown before a prompt line that starts with `marker`.
fn scene_before<'a>(out: &'a str, marker: &str) -> &'a str {
    let end = out
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} in {out}"));
    let start = out[..end].rfind(" · ").expect("a date/place line");
    let start = out[..start].rfind('\n').map_or(0, |i| i + 1);
    &out[start..end]
}

#[test]
fn issue_5_acceptance_in_plain_mode() {
    let tmp = tempfile::tempdir().unwrap();
    let saves = tmp.path().join("saves");

    // Play a little, `save a`, quit.
    let first = butterfly(
        &saves,
        STORY,
        &["play", "--plain", "--seed", "7"],
        "1\n1\n1\n1\n1\nsave a\nsave ../x\nquit\n",
    );
    let out1 = text(&first.stdout);
    assert!(first.status.success(), "{out1}{}", text(&first.stderr));
    assert!(out1.contains("Saved to slot `a`."), "{out1}");
    // `save ../x` is refused, and nothing appears outside the saves directory.
    assert!(
        out1.contains("Not saved: `../x` is not a valid slot name"),
        "{out1}"
    );
    assert!(!tmp.path().join("x.ron").exists());
    let a = saves.join("a.ron");
    let recorded = save::read_file(&a).unwrap();
    assert_eq!(recorded.path.len(), 5);

    // A new process: `load a` resumes at the same scene with the same variables.
    let second = butterfly(
        &saves,
        STORY,
        &["play", "--plain"],
        "load a\nsave b\nquit\n",
    );
    let out2 = text(&second.stdout);
    assert!(second.status.success(), "{out2}");
    assert!(
        out2.contains("Loaded `a`: The Yard, Noon · A yard with a well"),
        "{out2}"
    );
    let before = scene_before(&out1, "> Saved to slot `a`.");
    let after = scene_before(&out2, "> Saved to slot `b`.");
    assert_eq!(before, after);
    let resaved = save::read_file(&saves.join("b.ron")).unwrap();
    assert_eq!(resaved.seed, recorded.seed);
    assert_eq!(resaved.path, recorded.path);
    assert_eq!(resaved.snapshot, recorded.snapshot);

    // `replay <saves>/a.ron --plain --verify` exits 0.
    let replay = butterfly(
        &saves,
        STORY,
        &["replay", a.to_str().unwrap(), "--plain", "--verify"],
        "",
    );
    let transcript = text(&replay.stdout);
    assert!(
        replay.status.success(),
        "{transcript}{}",
        text(&replay.stderr)
    );
    assert!(
        !transcript.contains("> 1. Search the grass"),
        "{transcript}"
    );
    assert!(
        transcript.contains("replays exactly, 5 choices"),
        "{transcript}"
    );

    // Corrupt it by hand: `load a` says so and leaves it byte-for-byte as it was.
    let mut corrupt = fs::read(&a).unwrap();
    let cut = corrupt.len() * 2 / 3;
    corrupt.truncate(cut);
    corrupt.extend_from_slice(b"\x1b[2J garbage");
    fs::write(&a, &corrupt).unwrap();
    let third = butterfly(
        &saves,
        STORY,
        &["play", "--plain"],
        "load a\nsave a\nquit\n",
    );
    let out3 = text(&third.stdout);
    assert!(third.status.success());
    assert!(out3.contains("Not loaded: `"), "{out3}");
    assert!(
        out3.contains("a.ron` is damaged and cannot be read"),
        "{out3}"
    );
    assert!(out3.contains("will not be overwritten"), "{out3}");
    assert!(
        !out3.contains('\u{1b}'),
        "escape sequence reached the terminal"
    );
    assert_eq!(fs::read(&a).unwrap(), corrupt);

    let verify = butterfly(
        &saves,
        STORY,
        &["replay", a.to_str().unwrap(), "--verify"],
        "",
    );
    assert_eq!(verify.status.code(), Some(1));
    assert!(text(&verify.stderr).contains("is damaged"));
    assert_eq!(fs::read(&a).unwrap(), corrupt);
}

#[test]
fn plain_undo_saves_and_autosave() {
    let tmp = tempfile::tempdir().unwrap();
    let saves = tmp.path().join("saves");
    let run = butterfly(
        &saves,
        STORY,
        &["play", "--plain", "--seed", "3"],
        "undo\n1\nundo\n1\n1\nsaves\nload\nload nothing\nhelp\nquit\n",
    );
    let out = text(&run.stdout);
    assert!(run.status.success(), "{out}");
    assert!(out.contains("Nothing to undo: this is the start of the game."));
    assert!(out.contains("Undone."));
    assert!(
        out.contains("auto: The Gate, Morning · A gate, 2 choices, saved "),
        "{out}"
    );
    assert!(out.contains("Which slot?"));
    assert!(out.contains("Not loaded: there is no save `"), "{out}");
    assert!(out.contains("save [SLOT]") && out.contains("undo"));
    // Every scene entered is autosaved, the start included: undoing back to the start
    // set the furthest point before it (one choice) aside as the previous autosave, and
    // the autosave then moved on; the profile remembers every scene entered.
    let auto = save::read_file(&saves.join("auto.ron")).unwrap();
    assert_eq!(auto.path.len(), 2);
    let previous = save::read_file(&saves.join("auto-previous.ron")).unwrap();
    assert_eq!(previous.path.len(), 1);
    let profile = fs::read_to_string(saves.join("profile.ron")).unwrap();
    assert!(profile.contains("\"grass\""), "{profile}");
}

#[test]
fn replay_of_a_save_from_an_edited_story_exits_1_at_the_step() {
    let tmp = tempfile::tempdir().unwrap();
    let saves = tmp.path().join("saves");
    let run = butterfly(
        &saves,
        STORY,
        &["play", "--plain", "--seed", "7"],
        "1\n1\n1\n1\n1\nsave a\nquit\n",
    );
    assert!(run.status.success());

    // A copy of the story where the well needs more coins than the player has.
    let story = tmp.path().join("story");
    for rel in [
        "header.ron",
        "chapters/a_gate.ron",
        "chapters/b_yard.ron",
        "chapters/c_extension.ron",
    ] {
        let to = story.join(rel);
        fs::create_dir_all(to.parent().unwrap()).unwrap();
        let mut content = fs::read_to_string(Path::new(STORY).join(rel)).unwrap();
        if rel.ends_with("b_yard.ron") {
            content = content.replace("when: \"coins > 0\"", "when: \"coins > 5\"");
        }
        fs::write(to, content).unwrap();
    }
    let a = saves.join("a.ron");
    let verify = butterfly(
        &saves,
        story.to_str().unwrap(),
        &["replay", a.to_str().unwrap(), "--verify"],
        "",
    );
    assert_eq!(verify.status.code(), Some(1));
    let err = text(&verify.stderr);
    assert!(
        err.contains("diverges from the story at step 4 (scene `yard`, choice `well`)"),
        "{err}"
    );

    // The transcript goes as far as the story allows, then says where it stopped.
    let plain = butterfly(
        &saves,
        story.to_str().unwrap(),
        &["replay", a.to_str().unwrap(), "--plain"],
        "",
    );
    assert_eq!(plain.status.code(), Some(1));
    assert!(text(&plain.stdout).contains("> 1. Open the gate"));
    assert!(
        text(&plain.stdout).ends_with("(The recording ends here, after 3 choices.)\n"),
        "{}",
        text(&plain.stdout)
    );

    // Loading it in play resumes at the last good step and says why.
    let load = butterfly(
        &saves,
        story.to_str().unwrap(),
        &["play", "--plain"],
        "load a\nquit\n",
    );
    let out = text(&load.stdout);
    assert!(
        out.contains(
            "This save no longer matches the story at step 4 (scene `yard`, choice `well`)"
        ),
        "{out}"
    );

    let missing = butterfly(
        &saves,
        STORY,
        &["replay", "no/such/file.ron", "--verify"],
        "",
    );
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn an_unwritable_saves_directory_never_changes_the_story_output() {
    let tmp = tempfile::tempdir().unwrap();
    let good = tmp.path().join("saves");
    // A file where the directory should be: every autosave fails.
    let blocked = tmp.path().join("blocked");
    fs::write(&blocked, "not a directory").unwrap();
    let input = "1\n1\n1\n1\n1\n2\n";
    let args = ["play", "--plain", "--seed", "11"];
    let fine = butterfly(&good, STORY, &args, input);
    let failing = butterfly(&blocked, STORY, &args, input);
    assert!(fine.status.success() && failing.status.success());
    assert_eq!(text(&fine.stdout), text(&failing.stdout));
    assert!(text(&fine.stdout).contains("ENDING: Home Again"));
    assert_eq!(text(&fine.stderr), "");
    let warned = text(&failing.stderr);
    assert_eq!(warned.matches("(Autosave failed:").count(), 1, "{warned}");
    assert_eq!(fs::read_to_string(&blocked).unwrap(), "not a directory");
    assert!(
        save::read_file(&good.join("auto.ron"))
            .unwrap()
            .snapshot
            .ending
            .is_some()
    );
}
