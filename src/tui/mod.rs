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

use crate::engine::Step;
use crate::save::SaveStore;
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
pub fn run_replay(story: &Story, store: &SaveStore, seed: u64, steps: &[Step]) -> io::Result<()> {
    let app = App::replaying(story, store.load_profile(), no_color(), seed, steps);
    event_loop(app, story, store)
}

fn slots_msg(store: &SaveStore) -> Msg {
    Msg::Slots {
        list: store.list(),
        latest: store.latest(),
        now: SystemTime::now(),
    }
}

fn event_loop(mut app: App, story: &Story, store: &SaveStore) -> io::Result<()> {
    let mut session = Session::start()?;
    let size = session.terminal.size()?;
    let mut pending: VecDeque<Msg> =
        VecDeque::from([Msg::Resize(size.width, size.height), slots_msg(store)]);
    let mut clock = Clock {
        base: Duration::ZERO,
        since: Instant::now(),
    };
    // Problems worth telling the player after the screen is gone (a failed last save).
    let mut last_words: Vec<String> = Vec::new();
    let mut quitting = false;
    loop {
        while let Some(msg) = pending.pop_front() {
            for command in update(&mut app, msg) {
                match command {
                    Command::Save { slot, state, quiet } => {
                        let error = store
                            .save(&slot, story, &state, clock.played())
                            .err()
                            .map(|e| e.to_string());
                        if let Some(e) = &error {
                            last_words
                                .push(format!("butterfly: could not save to slot {slot}: {e}"));
                        }
                        pending.push_back(Msg::Saved { slot, error, quiet });
                        pending.push_back(slots_msg(store));
                    }
                    Command::Load { slot } => {
                        let result = store
                            .load(&slot, story)
                            .map(Box::new)
                            .map_err(|e| e.to_string());
                        pending.push_back(Msg::Loaded { slot, result });
                    }
                    Command::SaveProfile(profile) => {
                        if let Err(e) = store.save_profile(&profile) {
                            pending.push_back(Msg::ProfileFailed(e.to_string()));
                        }
                    }
                    Command::StartClock(base) => {
                        clock = Clock {
                            base,
                            since: Instant::now(),
                        };
                    }
                    Command::Quit => quitting = true,
                }
            }
        }
        if quitting {
            break;
        }
        // Saves that failed and were then reported on screen need no repeating.
        last_words.clear();
        session.terminal.draw(|f| view::draw(&app, f))?;
        let event = if app.animating() {
            if event::poll(app::TICK)? {
                Some(event::read()?)
            } else {
                pending.push_back(Msg::Tick);
                None
            }
        } else {
            Some(event::read()?)
        };
        if let Some(msg) = event.as_ref().and_then(input::map) {
            pending.push_back(msg);
        }
    }
    drop(session);
    let mut err = io::stderr().lock();
    for line in last_words {
        let _ = writeln!(err, "{line}");
    }
    Ok(())
}
