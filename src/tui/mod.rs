//! The terminal game: the only module that knows ratatui and crossterm.
//!
//! Split the Elm way: [`app`] holds the model and `update` (no I/O), [`view`] draws it
//! (no changes), [`input`] turns key presses into messages, [`theme`] holds every colour.
//! This file is the shell around them: it sets the terminal up and always puts it back
//! (normal exit, error, Ctrl-C, panic), and runs the loop that feeds events to `update`
//! and carries out the [`Command`]s it returns: saving, loading, the play clock.
//!
//! The loop blocks in `event::read()` whenever nothing moves on screen; it polls with a
//! timeout only while the typewriter runs, so an idle game costs no CPU.

pub mod app;
pub mod input;
pub mod theme;
pub mod view;
pub mod wrap;

use std::collections::VecDeque;
use std::io::{self, Stdout, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime};

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::{
    cursor, event, execute,
    terminal::{self, EnterAlternateScreen, LeaveAlternateScreen},
};

pub use app::{App, Command, Msg, Screen, update};

use crate::replay::Recording;
use crate::sanitize::for_terminal;
use crate::save::{AUTO_SLOT, SaveError, SaveStore};
use crate::story::Story;

/// Mouse reporting for the wheel only: button events in SGR encoding. crossterm's
/// `EnableMouseCapture` also asks for every motion, which would wake the loop for
/// nothing each time the pointer moves.
struct WheelCapture(bool);

impl ratatui::crossterm::Command for WheelCapture {
    fn write_ansi(&self, f: &mut impl std::fmt::Write) -> std::fmt::Result {
        if self.0 {
            f.write_str("\x1b[?1000h\x1b[?1006h")
        } else {
            f.write_str("\x1b[?1006l\x1b[?1000l")
        }
    }
}

/// Whether the terminal is in the game's mode, so it is restored exactly once: leaving
/// the alternate screen twice would move the cursor back over a panic message.
static ACTIVE: AtomicBool = AtomicBool::new(false);

/// Puts the terminal back: raw mode off, main screen, cursor shown, no mouse reports.
/// Safe to call more than once.
fn restore_terminal() {
    if !ACTIVE.swap(false, Ordering::SeqCst) {
        return;
    }
    let _ = terminal::disable_raw_mode();
    let _ = execute!(
        io::stdout(),
        WheelCapture(false),
        LeaveAlternateScreen,
        cursor::Show
    );
}

/// Restores the terminal when dropped, so an early `?` return cannot leave it raw.
struct Session {
    terminal: Terminal<CrosstermBackend<Stdout>>,
}

impl Session {
    fn start() -> io::Result<Self> {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore_terminal();
            previous(info);
        }));
        terminal::enable_raw_mode()?;
        ACTIVE.store(true, Ordering::SeqCst);
        let mut out = io::stdout();
        if let Err(e) = execute!(out, EnterAlternateScreen, WheelCapture(true), cursor::Hide) {
            restore_terminal();
            return Err(e);
        }
        match Terminal::new(CrosstermBackend::new(out)) {
            Ok(terminal) => Ok(Self { terminal }),
            Err(e) => {
                restore_terminal();
                Err(e)
            }
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        restore_terminal();
    }
}

/// Time played in the current game: a base (from the save) plus this session's share.
struct Clock {
    base: Duration,
    since: Instant,
}

impl Clock {
    fn played(&self) -> Duration {
        self.base + self.since.elapsed()
    }
}

/// Whether `NO_COLOR` asks for no colour (set and not empty, per no-color.org).
fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// Plays `story` in the terminal, from the title screen. `seed` seeds the first new game.
///
/// # Errors
/// When the terminal cannot be set up or read; the terminal is restored first.
pub fn run(story: &Story, store: &SaveStore, seed: u64) -> io::Result<()> {
    let app = App::new(story, store.load_profile(), seed, no_color());
    event_loop(app, story, store)
}

/// Steps through a recorded game (→ next, ← back); Enter plays on from the step shown
/// as a new game, saving to the usual slots.
///
/// # Errors
/// When the terminal cannot be set up or read; the terminal is restored first.
pub fn run_replay(story: &Story, store: &SaveStore, recording: &Recording) -> io::Result<()> {
    let app = App::replaying(story, store.load_profile(), no_color(), recording.clone());
    event_loop(app, story, store)
}

/// The slots of this story (another story's saves are listed as not loadable).
fn slots_msg(story: &Story, store: &SaveStore) -> Msg {
    Msg::Slots {
        list: store.list_for(story),
        latest: store.latest_for(story),
        now: SystemTime::now(),
    }
}

/// What the loop keeps besides the app: the store, the play clock, replies for
/// `update`, and problems to repeat once the screen is gone.
struct Shell<'a> {
    story: &'a Story,
    store: &'a SaveStore,
    clock: Clock,
    pending: VecDeque<Msg>,
    /// A failed save is also printed after the terminal is restored, in case the game
    /// was quitting and the message on screen vanished with it.
    last_words: Vec<String>,
    quitting: bool,
}

impl Shell<'_> {
    fn execute(&mut self, command: Command) {
        match command {
            Command::Save { slot, state } => {
                let result = self
                    .store
                    .save(&slot, self.story, &state, self.clock.played());
                self.saved(slot, result, false);
            }
            Command::Autosave(state) => {
                let result = self.store.autosave(self.story, &state, self.clock.played());
                self.saved(AUTO_SLOT.to_owned(), result, true);
            }
            Command::Load { slot } => {
                let result = self
                    .store
                    .load(&slot, self.story)
                    .map(Box::new)
                    .map_err(|e| for_terminal(&e.to_string()));
                self.pending.push_back(Msg::Loaded { slot, result });
            }
            Command::SaveProfile(profile) => {
                if let Err(e) = self.store.save_profile(&profile) {
                    let e = for_terminal(&e.to_string());
                    self.pending.push_back(Msg::ProfileFailed(e));
                }
            }
            Command::StartClock(base) => {
                self.clock = Clock {
                    base,
                    since: Instant::now(),
                };
            }
            Command::Quit => self.quitting = true,
        }
    }

    fn saved(&mut self, slot: String, result: Result<(), SaveError>, quiet: bool) {
        let error = result.err().map(|e| for_terminal(&e.to_string()));
        if let Some(e) = &error {
            self.last_words
                .push(format!("butterfly: could not save to `{slot}`: {e}"));
        }
        self.pending.push_back(Msg::Saved { slot, error, quiet });
        self.pending.push_back(slots_msg(self.story, self.store));
    }
}

fn event_loop(mut app: App, story: &Story, store: &SaveStore) -> io::Result<()> {
    let mut session = Session::start()?;
    let size = session.terminal.size()?;
    let mut shell = Shell {
        story,
        store,
        clock: Clock {
            base: Duration::ZERO,
            since: Instant::now(),
        },
        pending: VecDeque::from([
            Msg::Resize(size.width, size.height),
            slots_msg(story, store),
        ]),
        last_words: Vec::new(),
        quitting: false,
    };
    loop {
        while let Some(msg) = shell.pending.pop_front() {
            for command in update(&mut app, msg) {
                shell.execute(command);
            }
        }
        if shell.quitting {
            break;
        }
        // Failures shown on screen and survived need no repeating at exit.
        shell.last_words.clear();
        session.terminal.draw(|f| view::draw(&app, f))?;
        let event = if app.animating() {
            if event::poll(app::TICK)? {
                Some(event::read()?)
            } else {
                shell.pending.push_back(Msg::Tick);
                None
            }
        } else {
            Some(event::read()?)
        };
        if let Some(msg) = event.as_ref().and_then(input::map) {
            shell.pending.push_back(msg);
        }
    }
    drop(session);
    let mut err = io::stderr().lock();
    for line in shell.last_words {
        let _ = writeln!(err, "{line}");
    }
    Ok(())
}
