//! Faults while saving: the game killed mid-write, a read-only saves directory, a full
//! disk. No slot is ever left half-written, and play goes on with a clear message.
//!
//! These run the real binary in plain mode (`play --plain --saves DIR`).

mod common;

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use butterfly::save::{self, SaveStore};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

const FIXTURE: &str = "tests/fixtures/full";

fn bin() -> Command {
    common::command()
}

/// Every file a save directory can hold after a crash is complete: slots and their
/// backups are saves that replay, the profile and its backup parse, and temporary
/// files (which may remain) are hidden, so no listing takes them for slots.
fn check_every_file(dir: &Path, story: &butterfly::story::Story, round: usize) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let shown = path.display();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if name.starts_with('.') && ext == "tmp" {
            continue;
        }
        if name == "profile.ron" || name == "profile.ron.bak" {
            let text = fs::read_to_string(&path).unwrap();
            ron::from_str::<save::Profile>(&text)
                .unwrap_or_else(|e| panic!("round {round}: {shown} is not a profile: {e}"));
        } else if ext == "ron"
            || (ext == "bak" && path.with_extension("").extension() == Some("ron".as_ref()))
        {
            let loaded = save::load_file(&path, story)
                .unwrap_or_else(|e| panic!("round {round}: {shown} is not a save: {e}"));
            assert!(
                loaded.divergence.is_none(),
                "round {round}: {shown} does not replay"
            );
        } else {
            panic!("round {round}: unexpected file {shown}");
        }
    }
}

/// SIGKILL at random moments while the game saves again and again: afterwards every
/// slot on disk (and every backup) is a complete save, old or new, and the listing
/// never shows a temporary file as a slot.
#[test]
fn killed_while_saving_no_slot_is_ever_half_written() {
    let story = common::fixture();
    let tmp = tempfile::tempdir().unwrap();
    let saves = tmp.path().join("saves");
    let store = SaveStore::new(saves.clone());
    let mut rng = ChaCha8Rng::seed_from_u64(0xDEAD_5A7E);
    let started = Instant::now();
    let mut kills = 0;
    let mut iterations = 0;
    // Both slots exist from the start, so every kill lands on an old version to keep
    // (and a slow machine cannot leave the test with nothing on disk to check).
    let first = run(&saves, "save a\nsave b\nquit\n");
    assert!(first.status.success(), "{first:?}");
    check_every_file(&saves, &story, 0);
    // A few hundred kills, but never more than ~15 s of a slow machine.
    while iterations < 250 && started.elapsed() < Duration::from_secs(15) {
        iterations += 1;
        // Each round plays a different game, so a slot's old and new contents differ.
        let seed = rng.random_range(0..1000u64);
        let mut script = String::new();
        for i in 0..200 {
            script.push_str(match i % 5 {
                0 | 3 => "save a\n",
                1 => "save b\n",
                2 => "1\n",
                _ => "undo\n",
            });
        }
        let mut child = bin()
            .args(["play", "--plain", "--story", FIXTURE, "--seed"])
            .arg(seed.to_string())
            .arg("--saves")
            .arg(&saves)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let _ = stdin.write_all(script.as_bytes());
        std::thread::sleep(Duration::from_micros(rng.random_range(0..25_000)));
        if child.try_wait().unwrap().is_none() {
            kills += 1;
        }
        // SIGKILL on Unix: no destructor, no flush, nothing runs.
        let _ = child.kill();
        drop(stdin);
        let status = child.wait().unwrap();
        assert_ne!(status.code(), Some(101), "the game panicked");
        check_every_file(&saves, &story, iterations);
        for info in store.list_for(&story) {
            assert!(
                !info.slot.starts_with('.') && info.problem.is_none(),
                "round {iterations}: {info:?}"
            );
        }
    }
    eprintln!("{iterations} rounds, {kills} killed while running");
    assert!(iterations >= 50, "only {iterations} rounds ran");
    assert!(
        kills * 2 >= iterations,
        "most rounds must be killed while running: {kills} of {iterations}"
    );
    assert!(saves.join("a.ron").is_file() && saves.join("b.ron").is_file());
}

fn run(saves: &Path, input: &str) -> Output {
    let mut child = bin()
        .args([
            "play", "--plain", "--story", FIXTURE, "--seed", "11", "--saves",
        ])
        .arg(saves)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// A script that saves, plays to the fixture's ending, and saves again on the way.
const SAVE_AND_PLAY: &str = "save a\n1\n1\nsave b\n1\n1\n1\n2\n";

/// Plays with saves that cannot be written: the game tells the player why, once per
/// problem, and still reaches the same ending as with a working directory.
fn assert_play_goes_on(saves: &Path, what: &str) {
    let good = tempfile::tempdir().unwrap();
    let fine = run(good.path(), SAVE_AND_PLAY);
    let out = run(saves, SAVE_AND_PLAY);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{what}: {stderr}");
    assert!(
        stdout.contains("ENDING: Home Again"),
        "{what}: play did not go on:\n{stdout}"
    );
    assert_eq!(
        stdout.matches("Not saved: ").count(),
        2,
        "{what}: each failed save says so:\n{stdout}"
    );
    // Same story text as a working run, apart from the save confirmations.
    let strip = |s: &str| {
        s.lines()
            .filter(|l| !l.contains("Saved to slot") && !l.contains("Not saved"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(
        strip(&stdout),
        strip(&String::from_utf8_lossy(&fine.stdout))
    );
    assert!(stderr.contains("(Autosave failed:"), "{what}: {stderr}");
    assert_eq!(
        stderr.matches("(Autosave failed:").count(),
        1,
        "{what}: {stderr}"
    );
}

/// True when this process can create files in a directory it made read-only (root can).
fn permissions_are_bypassed(dir: &Path) -> bool {
    let probe = dir.join("probe");
    let bypassed = fs::write(&probe, b"x").is_ok();
    let _ = fs::remove_file(probe);
    bypassed
}

#[cfg(unix)]
fn set_mode(dir: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(dir, fs::Permissions::from_mode(mode)).unwrap();
}

/// A tmpfs mounted for the test and unmounted when dropped; `None` where mounting is
/// not allowed (any unprivileged run).
struct Mount(PathBuf);

impl Mount {
    fn tmpfs(at: &Path, options: &str) -> Option<Self> {
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", options, "tmpfs"])
            .arg(at)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Self(at.to_owned()))
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[cfg(unix)]
#[test]
fn a_read_only_saves_directory_gives_a_message_and_play_goes_on() {
    let tmp = tempfile::tempdir().unwrap();
    let saves = tmp.path().join("saves");
    fs::create_dir(&saves).unwrap();
    set_mode(&saves, 0o555);
    if !permissions_are_bypassed(&saves) {
        assert_play_goes_on(&saves, "chmod 555");
        set_mode(&saves, 0o755);
        return;
    }
    set_mode(&saves, 0o755);
    // Root ignores permissions: a read-only filesystem stops even root.
    if let Some(_mount) = Mount::tmpfs(&saves, "ro,size=64k") {
        assert_play_goes_on(&saves, "read-only tmpfs");
        return;
    }
    // No mounting either: a regular file where the directory should be.
    let blocked = tmp.path().join("blocked");
    fs::write(&blocked, "not a directory").unwrap();
    assert_play_goes_on(&blocked, "a file in the way");
    assert_eq!(fs::read_to_string(&blocked).unwrap(), "not a directory");
}

#[cfg(unix)]
#[test]
fn a_full_disk_gives_a_message_keeps_the_old_save_and_play_goes_on() {
    let tmp = tempfile::tempdir().unwrap();
    let saves = tmp.path().join("saves");
    fs::create_dir(&saves).unwrap();
    let Some(_mount) = Mount::tmpfs(&saves, "size=64k") else {
        eprintln!("note: cannot mount a small tmpfs here; the full-disk test is skipped");
        return;
    };
    // An existing save, then fill the disk to the last byte.
    let story = common::fixture();
    let store = SaveStore::new(saves.clone());
    let (state, _) = butterfly::engine::start(&story, 11).unwrap();
    store.save("a", &story, &state, Duration::ZERO).unwrap();
    let before = fs::read(saves.join("a.ron")).unwrap();
    let mut filler = fs::File::create(saves.join("filler")).unwrap();
    let chunk = vec![0u8; 4096];
    while filler.write_all(&chunk).is_ok() {}
    let _ = filler.write_all(&[0]);
    let _ = filler.sync_all();
    assert_play_goes_on(&saves, "full tmpfs");
    assert_eq!(
        fs::read(saves.join("a.ron")).unwrap(),
        before,
        "the old save survived"
    );
    for name in fs::read_dir(&saves).unwrap().flatten() {
        let n = name.file_name().to_string_lossy().into_owned();
        assert!(
            name.path().extension().is_none_or(|e| e != "tmp"),
            "a temporary file was left: {n}"
        );
    }
}
