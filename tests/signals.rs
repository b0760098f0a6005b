//! SIGTERM and SIGHUP in the terminal game: the real binary in a pseudo-terminal gets
//! the signal (sent with `kill`, as a shutdown or a closed window would) while a game
//! is in progress; it must write the autosave, put the terminal back and exit.

#![cfg(unix)]

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use butterfly::save::{self, AUTO_SLOT, SaveStore};
use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

/// Generous: a debug build on a busy two-core machine can be slow to draw.
const PATIENCE: Duration = Duration::from_secs(30);

struct Game {
    parser: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    master: Box<dyn MasterPty + Send>,
    reading: std::thread::JoinHandle<()>,
}

impl Game {
    fn start(saves: &Path) -> Self {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: 30,
                cols: 100,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_butterfly"));
        cmd.args(["--story", "tests/fixtures/full", "--saves"]);
        cmd.arg(saves);
        cmd.cwd(env!("CARGO_MANIFEST_DIR"));
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("BUTTERFLY_SAVES");
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        let parser = Arc::new(Mutex::new(vt100::Parser::new(
            NonZeroU16::new(30).unwrap(),
            NonZeroU16::new(100).unwrap(),
            0,
        )));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let mut reader = pair.master.try_clone_reader().unwrap();
        let reading = {
            let (parser, raw) = (parser.clone(), raw.clone());
            std::thread::spawn(move || {
                let mut buf = [0_u8; 4096];
                while let Ok(n) = reader.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    parser.lock().unwrap().process(&buf[..n]);
                    raw.lock().unwrap().extend_from_slice(&buf[..n]);
                }
            })
        };
        Self {
            parser,
            raw,
            writer: pair.master.take_writer().unwrap(),
            child,
            master: pair.master,
            reading,
        }
    }

    fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    fn wait_for(&self, text: &str) {
        let start = Instant::now();
        while !self.screen().contains(text) {
            assert!(
                start.elapsed() < PATIENCE,
                "waited for {text:?}; the screen shows:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn press(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    /// Sends `signal` with the `kill` command and waits for the game to exit.
    fn signal_and_wait(mut self, signal: &str) -> vt100::Screen {
        let pid = self.child.process_id().expect("a running child");
        let sent = Command::new("kill")
            .args([&format!("-{signal}"), &pid.to_string()])
            .status()
            .unwrap();
        assert!(sent.success(), "kill -{signal} {pid}");
        let start = Instant::now();
        let status = loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                break s;
            }
            assert!(
                start.elapsed() < PATIENCE,
                "the game did not exit on SIG{signal}:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        // Not killed by the signal: it handled it and exited by itself.
        assert!(status.success(), "SIG{signal}: {status:?}");
        drop(self.writer);
        drop(self.master);
        let _ = self.reading.join();
        let raw = self.raw.lock().unwrap();
        assert!(
            raw.windows(8).any(|w| w == b"\x1b[?1049l"),
            "SIG{signal}: asked the terminal to leave the alternate screen"
        );
        self.parser.lock().unwrap().screen().clone()
    }
}

/// Starts a new game, makes one choice, and waits for its autosave; returns the game
/// and when that autosave says it was made.
fn one_choice_in(saves: &Path) -> (Game, std::time::SystemTime) {
    let mut g = Game::start(saves);
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
    let auto = save::read_file(&saves.path().join("auto.ron")).unwrap();
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
