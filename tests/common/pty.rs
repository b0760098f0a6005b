//! The real binary in a pseudo-terminal, read back through a vt100 parser and kept as
//! raw bytes too (for tests that must see exactly what reached the terminal).

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

/// Generous: a debug build on a busy two-core machine can be slow to draw.
pub const PATIENCE: Duration = Duration::from_secs(30);

/// Owns the game's process and kills it when dropped, so a failing test cannot leave a
/// game running (and spinning on a terminal that no longer exists).
pub struct Reaper(pub Box<dyn Child + Send + Sync>);

impl std::ops::Deref for Reaper {
    type Target = Box<dyn Child + Send + Sync>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::ops::DerefMut for Reaper {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl Drop for Reaper {
    fn drop(&mut self) {
        if matches!(self.0.try_wait(), Ok(None)) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// Starts the binary with `args` in a 100×30 pseudo-terminal, from the package root,
/// saving to `saves`: the game's process, and the terminal's master end (nobody reads
/// it; dropping it is closing the terminal window).
pub fn spawn(args: &[&str], saves: &Path) -> (Reaper, Box<dyn MasterPty + Send>) {
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 30,
            cols: 100,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_butterfly"));
    cmd.args(args);
    cmd.arg("--saves");
    cmd.arg(saves);
    cmd.cwd(env!("CARGO_MANIFEST_DIR"));
    cmd.env("TERM", "xterm-256color");
    cmd.env_remove("BUTTERFLY_SAVES");
    cmd.env_remove("NO_COLOR");
    let child = Reaper(pair.slave.spawn_command(cmd).unwrap());
    drop(pair.slave);
    (child, pair.master)
}

/// A running game in a 100×30 pseudo-terminal.
pub struct Game {
    /// The screen as a terminal would show it.
    pub parser: Arc<Mutex<vt100::Parser>>,
    /// Every byte the game wrote.
    pub raw: Arc<Mutex<Vec<u8>>>,
    writer: Box<dyn Write + Send>,
    child: Reaper,
    master: Box<dyn MasterPty + Send>,
    reading: std::thread::JoinHandle<()>,
}

impl Game {
    /// Runs the binary with `args` in the package root, saving to `saves`.
    pub fn start(args: &[&str], saves: &Path) -> Self {
        let (child, master) = spawn(args, saves);
        let parser = Arc::new(Mutex::new(vt100::Parser::new(
            NonZeroU16::new(30).unwrap(),
            NonZeroU16::new(100).unwrap(),
            0,
        )));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let mut reader = master.try_clone_reader().unwrap();
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
            writer: master.take_writer().unwrap(),
            child,
            master,
            reading,
        }
    }

    /// The screen's text.
    pub fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// Waits until `text` is on screen.
    pub fn wait_for(&self, text: &str) {
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

    /// Types `keys`.
    pub fn press(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    /// Waits for the game to exit by itself; the exit status and the final screen.
    pub fn wait_exit(mut self) -> (portable_pty::ExitStatus, vt100::Screen) {
        let start = Instant::now();
        let status = loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                break s;
            }
            assert!(
                start.elapsed() < PATIENCE,
                "the game did not exit:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        drop(self.writer);
        drop(self.master);
        let _ = self.reading.join();
        let screen = self.parser.lock().unwrap().screen().clone();
        (status, screen)
    }

    /// Sends `signal` with the `kill` command, without waiting for anything.
    pub fn signal(&self, signal: &str) {
        let pid = self.child.process_id().expect("a running child");
        let sent = Command::new("kill")
            .args([&format!("-{signal}"), &pid.to_string()])
            .status()
            .unwrap();
        assert!(sent.success(), "kill -{signal} {pid}");
    }

    /// The game's process id.
    pub fn pid(&self) -> u32 {
        self.child.process_id().expect("a running child")
    }

    /// Sends `signal` with the `kill` command and waits for the game to exit.
    pub fn signal_and_wait(self, signal: &str) -> vt100::Screen {
        self.signal(signal);
        let raw = Arc::clone(&self.raw);
        let (status, screen) = self.wait_exit();
        // Not killed by the signal: it handled it and exited by itself.
        assert!(status.success(), "SIG{signal}: {status:?}");
        let raw = raw.lock().unwrap();
        assert!(
            raw.windows(8).any(|w| w == b"\x1b[?1049l"),
            "SIG{signal}: asked the terminal to leave the alternate screen"
        );
        screen
    }
}
