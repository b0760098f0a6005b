//! SIGTERM, SIGHUP, SIGINT and SIGQUIT in the terminal game: the real binary in a
//! pseudo-terminal gets the signal (sent with `kill`, as a shutdown or a closed window
//! would) while a game is in progress; it must write the autosave, put the terminal back
//! and exit. SIGTSTP and Ctrl-Z suspend it with the terminal given back, and SIGCONT
//! brings it back whole.

#![cfg(unix)]

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use butterfly::save::{self, AUTO_SLOT, SaveStore};
use common::pty::{Game, PATIENCE};

/// Starts a new game, makes one choice, and waits for its autosave; returns the game
/// and when that autosave says it was made.
fn one_choice_in(saves: &Path) -> (Game, std::time::SystemTime) {
    one_choice_in_story(saves, "tests/fixtures/full")
}

fn one_choice_in_story(saves: &Path, story: &str) -> (Game, std::time::SystemTime) {
    let mut g = Game::start(&["--story", story], saves);
    g.wait_for("A note shown before play.");
    g.press("\r");
    g.wait_for("New game");
    g.press("\r");
    g.wait_for("press any key");
    g.press("x");
    g.wait_for("You stand at a");
    g.press("x");
    g.wait_for("Search the grass");
    g.press("1");
    g.wait_for("The grass is wet");
    // Finish the typewriter: the signal must also be seen by an idle game.
    g.press("x");
    g.wait_for("Continue");
    let store = SaveStore::new(saves.to_owned());
    let auto = store.slot_path(AUTO_SLOT).unwrap();
    let start = Instant::now();
    let first = loop {
        if let Ok(f) = save::read_file(&auto) {
            break f;
        }
        assert!(start.elapsed() < PATIENCE, "no autosave after a choice");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(first.path.len(), 1);
    // Let the clock move on, so the autosave written on the signal is told apart.
    std::thread::sleep(Duration::from_millis(50));
    (g, first.saved_at())
}

fn check_signal(signal: &str) {
    let saves = tempfile::tempdir().unwrap();
    let (game, first_saved) = one_choice_in(saves.path());
    check_clean_exit(game, first_saved, saves.path(), signal);
}

fn check_clean_exit(game: Game, first_saved: std::time::SystemTime, saves: &Path, signal: &str) {
    assert!(game.parser.lock().unwrap().screen().alternate_screen());
    let screen = game.signal_and_wait(signal);
    assert!(
        !screen.alternate_screen(),
        "SIG{signal}: left the alternate screen"
    );
    assert!(
        !screen.hide_cursor(),
        "SIG{signal}: the cursor is visible again"
    );
    assert_eq!(
        screen.mouse_protocol_mode(),
        vt100::MouseProtocolMode::None,
        "SIG{signal}: mouse reports off"
    );
    let auto = save::read_file(&saves.join("auto.ron")).unwrap();
    assert_eq!(auto.path.len(), 1, "SIG{signal}: the game so far");
    assert!(
        auto.saved_at() > first_saved,
        "SIG{signal}: the autosave was written again on the signal"
    );
}

#[test]
fn sigterm_autosaves_and_restores_the_terminal() {
    check_signal("TERM");
}

#[test]
fn sighup_autosaves_and_restores_the_terminal() {
    check_signal("HUP");
}

/// Issue 17: a FIFO created in the watched story folder froze the game (the reload
/// opened it and blocked), which then ignored SIGTERM's autosave. Now the reload
/// refuses it without opening it, and the game goes on answering keys and signals.
#[test]
fn issue_17_a_fifo_in_the_watched_story_folder_does_not_freeze_the_game() {
    let saves = tempfile::tempdir().unwrap();
    let story = tempfile::tempdir().unwrap();
    common::copy_dir(&common::root().join("tests/fixtures/full"), story.path());
    let (mut game, first_saved) = one_choice_in_story(saves.path(), story.path().to_str().unwrap());
    let fifo = story.path().join("pipe.ron");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    // The watcher reports the change after a quiet moment, and the reload is refused.
    game.wait_for("FIFO");
    game.press("?");
    std::thread::sleep(Duration::from_millis(300));
    check_clean_exit(game, first_saved, saves.path(), "TERM");
}

/// Issue 17: `kill -INT` left the alternate screen, a hidden cursor and mouse reports
/// on, and no autosave.
#[test]
fn issue_17_sigint_autosaves_and_restores_the_terminal() {
    check_signal("INT");
}

/// A closed terminal window must end the game: it once kept running on the vanished
/// terminal, spinning a core (found as orphans of earlier test runs).
#[test]
fn closing_the_terminal_ends_the_game() {
    let saves = tempfile::tempdir().unwrap();
    let (mut child, master) = common::pty::spawn(&["--story", "tests/fixtures/full"], saves.path());
    // Let it start and draw (into a terminal nobody reads), then close the window.
    std::thread::sleep(Duration::from_millis(1500));
    drop(master);
    let start = Instant::now();
    let ended = loop {
        if let Ok(Some(_)) = child.try_wait() {
            break true;
        }
        if start.elapsed() > PATIENCE {
            break false;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(ended, "the game outlived its terminal");
}

/// Issue 17: SIGQUIT (`kill -QUIT`; in raw mode Ctrl-\\ is only a key) ended the game by
/// its default action: exit 131, the terminal left raw on the alternate screen, nothing
/// saved.
#[test]
fn issue_17_sigquit_autosaves_and_restores_the_terminal() {
    check_signal("QUIT");
}

/// Issue 17: every other signal whose default action ends the process (`kill -USR1`, a
/// CPU-time limit's SIGXCPU, a stray SIGALRM) also left the terminal raw and the game
/// unsaved; they now end it like SIGTERM.
#[test]
fn issue_17_other_terminating_signals_autosave_and_restore_the_terminal() {
    for signal in ["USR1", "USR2", "ALRM", "XCPU"] {
        check_signal(signal);
    }
}

/// The process state letter from `/proc/PID/stat` (`T` when stopped).
#[cfg(target_os = "linux")]
fn process_state(pid: u32) -> char {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // The command name is in parentheses and may hold spaces: the state follows it.
    let after = &stat[stat.rfind(')').unwrap() + 1..];
    after.trim_start().chars().next().unwrap()
}

#[cfg(target_os = "linux")]
fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < PATIENCE, "waited too long: {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The terminal as a shell needs it back: main screen, cursor shown, no mouse reports.
#[cfg(target_os = "linux")]
fn handed_back(game: &Game) -> bool {
    let parser = game.parser.lock().unwrap();
    let screen = parser.screen();
    !screen.alternate_screen()
        && !screen.hide_cursor()
        && screen.mouse_protocol_mode() == vt100::MouseProtocolMode::None
}

/// Issue 17: SIGTSTP from outside stopped the game with the terminal raw and on the
/// alternate screen. Now SIGTSTP, and Ctrl-Z as a key, save the game, give the
/// terminal back and stop; SIGCONT (`fg`) takes the terminal again and redraws it.
#[cfg(target_os = "linux")]
#[test]
fn issue_17_sigtstp_and_ctrl_z_suspend_with_the_terminal_given_back() {
    let saves = tempfile::tempdir().unwrap();
    let (mut game, first_saved) = one_choice_in(saves.path());
    let pid = game.pid();
    for (how, suspend) in [("SIGTSTP", None), ("Ctrl-Z", Some("\x1a"))] {
        match suspend {
            None => game.signal("TSTP"),
            Some(key) => game.press(key),
        }
        wait_until(&format!("{how}: stopped"), || process_state(pid) == 'T');
        wait_until(&format!("{how}: the terminal handed back"), || {
            handed_back(&game)
        });
        let auto = save::read_file(&saves.path().join("auto.ron")).unwrap();
        assert_eq!(auto.path.len(), 1, "{how}: the game so far");
        assert!(
            auto.saved_at() > first_saved,
            "{how}: saved before stopping"
        );
        // What the shell printed meanwhile must not survive the redraw.
        game.parser
            .lock()
            .unwrap()
            .process(b"$ jobs\r\n[1]+ Stopped\r\n");
        game.signal("CONT");
        wait_until(&format!("{how}: back on the alternate screen"), || {
            game.parser.lock().unwrap().screen().alternate_screen()
        });
        let start = Instant::now();
        loop {
            let screen = game.screen();
            if screen.contains("Continue") && !screen.contains("Stopped") {
                break;
            }
            assert!(start.elapsed() < PATIENCE, "{how}: not redrawn:\n{screen}");
            std::thread::sleep(Duration::from_millis(20));
        }
        assert_ne!(process_state(pid), 'T', "{how}: running again");
    }
    // And it still plays, and still leaves cleanly.
    check_clean_exit(game, first_saved, saves.path(), "TERM");
}
