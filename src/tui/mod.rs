//! The terminal game: the only module that knows ratatui and crossterm.
//!
//! Split the Elm way: [`app`] holds the model, [`update()`] changes it (no I/O), handing
//! each key to its screen's handler in [`screens`]; [`view`] draws it (no changes) with
//! the geometry in [`layout`]; [`input`] turns key presses into messages through the one
//! keymap in [`keys`], which also writes the help screen and the footers; [`theme`]
//! holds every colour.
//! This file is the shell around them: it sets the terminal up and always puts it back
//! (normal exit, error, Ctrl-C, SIGTERM, SIGHUP, SIGINT, SIGQUIT, panic; and while
//! suspended by Ctrl-Z or SIGTSTP), and runs the loop that feeds
//! events to `update` and carries out the [`Command`]s it returns: saving, loading, the
//! play clock.
//!
//! The loop waits in `event::poll`: with the typewriter's tick while it runs, else with
//! a long timeout whose only purpose is to notice SIGTERM and SIGHUP (crossterm cannot
//! be woken otherwise), so an idle game wakes a few times a second and draws nothing.
//! Those signals are handled like Ctrl-C: autosave, restore the terminal, leave.

pub mod app;
pub mod game;
pub mod input;
pub mod keys;
pub mod layout;
pub mod msg;
pub mod screen;
pub mod screens;
pub mod theme;
pub mod update;
pub mod view;
pub mod wrap;

use std::collections::VecDeque;
use std::io::{self, Stdout, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime};

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::{
    cursor, event, execute,
    terminal::{self, EnterAlternateScreen, LeaveAlternateScreen},
};

pub use app::{App, Command, Msg, Relanguage, Screen};
pub use update::update;

use crate::engine::GameState;
use crate::sanitize::for_terminal;
use crate::save::{AUTO_SLOT, SaveError, SaveStore};
use crate::session::Recording;
use crate::session::reload::{self, Opening, ReloadOutcome};
use crate::story::{Reloader, Story};
use crate::tools::watch::{self, StoryWatch};

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

/// How often an idle game looks for a SIGTERM or SIGHUP that did not interrupt the wait.
const SIGNAL_POLL: Duration = Duration::from_millis(250);

/// Set by SIGTERM, SIGHUP, SIGINT, SIGQUIT (a closed terminal window, `kill`, a logout
/// or a shutdown) and the other signals that would end the process by default, while the
/// game runs; registered once per process.
fn stop_requested() -> &'static Arc<AtomicBool> {
    static FLAG: std::sync::OnceLock<Arc<AtomicBool>> = std::sync::OnceLock::new();
    FLAG.get_or_init(|| {
        let flag = Arc::new(AtomicBool::new(false));
        // SIGINT too: in raw mode Ctrl-C is a key, so a SIGINT comes from outside
        // (`kill -INT`, a supervisor) and deserves the same clean exit as SIGTERM.
        for sig in [
            signal_hook::consts::SIGTERM,
            signal_hook::consts::SIGHUP,
            signal_hook::consts::SIGINT,
            // In raw mode Ctrl-\ is a key too; left to its default, a SIGQUIT from
            // outside would end the game with the terminal raw and nothing saved.
            signal_hook::consts::SIGQUIT,
            // Every other signal whose default is to end the process (sent by `kill`,
            // a resource limit, a stray timer) ends it the same clean way instead.
            signal_hook::consts::SIGUSR1,
            signal_hook::consts::SIGUSR2,
            signal_hook::consts::SIGALRM,
            signal_hook::consts::SIGVTALRM,
            signal_hook::consts::SIGPROF,
            signal_hook::consts::SIGXCPU,
            signal_hook::consts::SIGXFSZ,
        ] {
            // A second signal while the first is still being handled (a hung disk, say)
            // ends the process at once, as the signal would have without the game.
            let _ = signal_hook::flag::register_conditional_shutdown(sig, 1, Arc::clone(&flag));
            let _ = signal_hook::flag::register(sig, Arc::clone(&flag));
        }
        // When the terminal itself is gone (the window closed), crossterm can spin
        // inside its read and never come back to see the flag. The game is autosaved
        // on every scene it enters, so after a grace period it is safe to just leave.
        let watched = Arc::clone(&flag);
        std::thread::spawn(move || {
            while !watched.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(200));
            }
            std::thread::sleep(SIGNAL_GRACE);
            restore_terminal();
            std::process::exit(1);
        });
        flag
    })
}

/// Set by SIGTSTP (`kill -TSTP`, a job-control shell; in raw mode Ctrl-Z is a key and
/// reaches the game as [`Msg::Suspend`] instead). Caught rather than left to its default,
/// which would stop the game with the terminal still raw and on the alternate screen.
fn suspend_requested() -> &'static Arc<AtomicBool> {
    static FLAG: std::sync::OnceLock<Arc<AtomicBool>> = std::sync::OnceLock::new();
    FLAG.get_or_init(|| {
        let flag = Arc::new(AtomicBool::new(false));
        let _ = signal_hook::flag::register(signal_hook::consts::SIGTSTP, Arc::clone(&flag));
        flag
    })
}

/// How long the game has, after SIGTERM or SIGHUP, to save and leave by itself.
const SIGNAL_GRACE: Duration = Duration::from_secs(3);

/// The next message: a key, a tick while the typewriter runs, an interrupt when
/// SIGTERM or SIGHUP arrived, or a reload when a watched story file changed. `None` for
/// events that mean nothing to the game.
fn next_msg(animating: bool, typing: bool, watch: Option<&StoryWatch>) -> io::Result<Option<Msg>> {
    let stop = stop_requested();
    let suspend = suspend_requested();
    let started = Instant::now();
    let mut empty_wakeups = 0u32;
    loop {
        if stop.load(Ordering::SeqCst) {
            return Ok(Some(Msg::Interrupt));
        }
        if suspend.swap(false, Ordering::SeqCst) {
            return Ok(Some(Msg::Suspend));
        }
        if watch.is_some_and(StoryWatch::changed) {
            return Ok(Some(Msg::Reload));
        }
        let timeout = if animating {
            app::TICK.saturating_sub(started.elapsed())
        } else {
            SIGNAL_POLL
        };
        let asked_at = Instant::now();
        if event::poll(timeout)? {
            if let Some(msg) = input::map(&event::read()?, typing) {
                return Ok(Some(msg));
            }
        } else if animating && started.elapsed() >= app::TICK {
            return Ok(Some(Msg::Tick));
        }
        // A wake-up that brought nothing, long before the time asked for, thousands of
        // times in a row: the terminal is gone (its window closed without the hangup
        // reaching us), and waiting on it would spin a core forever.
        if timeout >= Duration::from_millis(2) && asked_at.elapsed() < Duration::from_millis(1) {
            empty_wakeups += 1;
            if empty_wakeups > DEAD_TERMINAL_WAKEUPS {
                return Err(io::Error::new(
                    io::ErrorKind::BrokenPipe,
                    "the terminal went away",
                ));
            }
        } else {
            empty_wakeups = 0;
        }
    }
}

/// Empty, instant wake-ups in a row after which the terminal is taken to be gone.
const DEAD_TERMINAL_WAKEUPS: u32 = 10_000;

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

impl Session {
    /// Gives the terminal back to the shell and stops the process (what SIGTSTP would
    /// have done by default); once continued (`fg`, SIGCONT), takes the terminal again
    /// and clears it so the next frame is drawn whole.
    fn suspend(&mut self) -> io::Result<()> {
        restore_terminal();
        let _ = io::stdout().flush();
        // Stops here until continued.
        let _ = signal_hook::low_level::raise(signal_hook::consts::SIGSTOP);
        terminal::enable_raw_mode()?;
        ACTIVE.store(true, Ordering::SeqCst);
        execute!(
            io::stdout(),
            EnterAlternateScreen,
            terminal::Clear(terminal::ClearType::All),
            WheelCapture(true),
            cursor::Hide
        )?;
        // Both of ratatui's buffers emptied, so the next frame is drawn whole.
        // (`Terminal::clear` would do it too, but asks the terminal where its cursor is
        // and waits for an answer some terminals never give.)
        self.terminal.swap_buffers();
        self.terminal.swap_buffers();
        Ok(())
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
    run_live(story.clone(), store, seed, None, None)
}

/// Where a live game's story comes from, for reloading (F5, or when a file changes).
#[derive(Debug, Clone, Default)]
pub struct Live {
    /// The story directory (`--story DIR`); `None` for the built-in story.
    pub dir: Option<PathBuf>,
    /// How the game began when not at the story's start (`play --from`), so a reload
    /// can begin it the same way.
    pub opening: Opening,
    /// Saves go to a scratch folder deleted on exit (`play --from`): the game must not
    /// say they are kept.
    pub scratch: bool,
    /// The language asked for on the command line (`--lang`): it wins over the
    /// profile's setting for this run.
    pub language: Option<String>,
}

/// The story in a language: the untranslated story, where its translations come from,
/// and the language it is played in now.
struct Language {
    base: Story,
    dir: Option<PathBuf>,
    current: Option<String>,
}

impl Language {
    /// The story to play: `base` translated into the current language (lines a
    /// translation lacks stay in the story's own language), and a note for the player
    /// when that translation cannot be had (the story's own language is played then).
    fn story(&self) -> (Story, Option<String>) {
        let Some(lang) = self
            .current
            .as_deref()
            .filter(|l| !crate::tools::l10n::is_source(self.dir.as_deref(), l))
        else {
            return (self.base.clone(), None);
        };
        match crate::tools::l10n::load(self.dir.as_deref(), lang) {
            Ok(translation) => (
                crate::story::l10n::translate(&self.base, &translation).0,
                None,
            ),
            Err(e) => (
                self.base.clone(),
                Some(for_terminal(&format!(
                    "Playing in the story's own language: {e}."
                ))),
            ),
        }
    }

    /// The languages offered besides the story's own.
    fn available(&self) -> Vec<String> {
        crate::tools::l10n::languages(self.dir.as_deref())
    }
}

/// Plays `story` in the terminal. With a story directory in `live`, F5 (and any change
/// to a file under it) reloads the story: with errors the old version plays on and the
/// first error is shown; without, the game in progress is replayed on the new story and
/// the player stays where they were, or is told where their path stopped fitting.
/// `start`, when given, is a game to begin in (`play --from`).
///
/// # Errors
/// When the terminal cannot be set up or read; the terminal is restored first.
pub fn run_live(
    story: Story,
    store: &SaveStore,
    seed: u64,
    live: Option<&Live>,
    start: Option<GameState>,
) -> io::Result<()> {
    // Before the terminal changes: from here on a SIGTERM cannot leave it raw.
    stop_requested();
    let dir = live.and_then(|l| l.dir.clone());
    let watch = dir.as_deref().and_then(|d| watch::watch(d).ok());
    let opening = live.map(|l| l.opening.clone()).unwrap_or_default();
    let scratch = live.is_some_and(|l| l.scratch);
    let mut profile = store.load_profile();
    let mut language = Language {
        base: story,
        dir: dir.clone(),
        // `--lang` for this run, else the player's setting (if the game has it).
        current: live.and_then(|l| l.language.clone()).or_else(|| {
            profile
                .settings
                .language
                .clone()
                .filter(|l| crate::tools::l10n::languages(dir.as_deref()).contains(l))
        }),
    };
    let mut session = Session::start()?;
    let (mut story, mut language_note) = language.story();
    // Made at the first reload and kept: later ones recompile only the edited files.
    let mut reloader = None;
    let mut pending: Vec<Msg> = start
        .map(|state| Msg::Resume {
            note: if scratch {
                format!(
                    "Started in `{}`. Saves go to a scratch folder, deleted on exit.",
                    state.scene
                )
            } else {
                format!("Started in `{}`.", state.scene)
            },
            state: Box::new(state),
            played: Duration::ZERO,
        })
        .into_iter()
        .collect();
    loop {
        let mut app = App::new(&story, profile, seed, no_color());
        app.scratch = scratch;
        app.languages = language.available();
        if let Some(note) = language_note.take() {
            pending.push(Msg::Notice(note));
        }
        let end = event_loop(&mut session, app, &story, store, watch.as_ref(), pending)?;
        match end {
            LoopEnd::Quit(last_words) => {
                drop(session);
                let mut err = crate::printer::Safe::new(io::stderr().lock());
                for line in last_words {
                    let _ = writeln!(err, "{line}");
                }
                return Ok(());
            }
            LoopEnd::Reload(state, played) => {
                let (next, msgs) = reloaded(dir.as_deref(), &opening, state, played, &mut reloader);
                if let Some(next) = next {
                    language.base = next;
                    (story, language_note) = language.story();
                }
                profile = store.load_profile();
                pending = msgs;
            }
            LoopEnd::Language(relanguage, played) => {
                let Relanguage {
                    language: lang,
                    state,
                    stack,
                    cursor,
                    profile: kept,
                } = *relanguage;
                language.current = lang;
                (story, language_note) = language.story();
                profile = *kept;
                pending = reopened(state, played, stack, cursor, &language);
            }
        }
    }
}

/// What brings the player back after the story switched language: the game, then
/// the screens they were on, and a word saying which language it is now.
fn reopened(
    state: Option<Box<GameState>>,
    played: Duration,
    stack: Vec<Screen>,
    cursor: usize,
    language: &Language,
) -> Vec<Msg> {
    let name = crate::tools::l10n::language_name(
        language
            .current
            .as_deref()
            .unwrap_or(crate::tools::l10n::SOURCE_LANGUAGE),
    );
    let note = format!("Language: {name}.");
    let mut msgs: Vec<Msg> = state
        .map(|state| Msg::Resume {
            state,
            played,
            note: note.clone(),
        })
        .into_iter()
        .collect();
    msgs.push(Msg::Restore {
        stack,
        cursor,
        note,
    });
    msgs
}

/// Loads the story again from `dir` and carries `state` over; the new story (if it
/// loaded) and what to tell the app. `reloader` keeps the last load, so that only the
/// files that changed since are compiled again.
fn reloaded(
    dir: Option<&Path>,
    opening: &Opening,
    state: Option<Box<GameState>>,
    played: Duration,
    reloader: &mut Option<Reloader>,
) -> (Option<Story>, Vec<Msg>) {
    let resume = |state: Box<GameState>, note: String| Msg::Resume {
        state,
        played,
        note,
    };
    let keep_old = |state: Option<Box<GameState>>, note: String| match state {
        Some(s) => vec![resume(s, note)],
        None => vec![Msg::Notice(note)],
    };
    let Some(dir) = dir else {
        return (
            None,
            keep_old(
                state,
                "F5 reloads a story played with --story DIR; this is the built-in one.".into(),
            ),
        );
    };
    let loaded = match crate::source::read_dir(dir) {
        Ok(files) => match reloader {
            Some(r) => {
                r.replace(files);
                r.loaded()
            }
            None => reloader.insert(Reloader::new(files, false)).loaded(),
        },
        Err(e) => {
            let note = for_terminal(&format!("Cannot reload: {e}"));
            return (None, keep_old(state, note));
        }
    };
    // The game keeps its own copy: the reloader's is patched by the next edit.
    let Some(new) = loaded.story.clone() else {
        let first = loaded
            .diagnostics
            .iter()
            .find(|d| d.is_error())
            .map(|d| {
                let at = d.location();
                let at = crate::source::story_relative(dir, &at);
                format!(" First: {at}: {}", d.message)
            })
            .unwrap_or_default();
        let note = format!(
            "The edited story has {} error(s); still playing the old version.{first}",
            loaded.error_count()
        );
        // Diagnostics are terminal-safe since the load.
        return (None, keep_old(state, note));
    };
    let Some(state) = state else {
        return (Some(new), vec![Msg::Notice("Story reloaded.".into())]);
    };
    let outcome = reload::reload_from(&new, &state, opening);
    let msgs = match outcome {
        ReloadOutcome::Kept(s) => vec![resume(
            Box::new(s),
            "Story reloaded; your game still fits it.".into(),
        )],
        ReloadOutcome::Diverged {
            divergence,
            state_at_last_good,
        } => vec![resume(
            Box::new(state_at_last_good),
            format!(
                "Story reloaded. Your path no longer fits at {divergence}; you are at the last step that does."
            ),
        )],
        ReloadOutcome::Unplayable { reason } => {
            let note =
                format!("The edited story cannot start ({reason}); still playing the old version.");
            return (None, keep_old(Some(state), note));
        }
    };
    (Some(new), msgs)
}

/// The game in progress when a reload was asked for (none at the title).
struct Carry(Option<Box<GameState>>);

/// How one run of the event loop ended.
enum LoopEnd {
    /// The player left; lines to print once the terminal is restored.
    Quit(Vec<String>),
    /// Reload the story, carrying this game (and its play time) over.
    Reload(Option<Box<GameState>>, Duration),
    /// Translate the story into another language and come back (with the play time).
    Language(Box<Relanguage>, Duration),
}

/// Steps through a recorded game (→ next, ← back); Enter plays on from the step shown
/// as a new game, saving to the usual slots.
///
/// # Errors
/// When the terminal cannot be set up or read; the terminal is restored first.
pub fn run_replay(story: &Story, store: &SaveStore, recording: &Recording) -> io::Result<()> {
    stop_requested();
    let mut session = Session::start()?;
    let mut app = App::replaying(story, store.load_profile(), no_color(), recording.clone());
    let mut pending = Vec::new();
    loop {
        match event_loop(&mut session, app, story, store, None, pending)? {
            LoopEnd::Quit(last_words) => {
                drop(session);
                let mut err = crate::printer::Safe::new(io::stderr().lock());
                for line in last_words {
                    let _ = writeln!(err, "{line}");
                }
                return Ok(());
            }
            // A replay shows the story it was opened with: the setting is kept for the
            // next start, and the replay goes on.
            LoopEnd::Language(relanguage, _) => {
                app = App::replaying(story, *relanguage.profile, no_color(), recording.clone());
                pending = vec![Msg::Notice(
                    "The language applies from the next start; a replay keeps its own.".into(),
                )];
            }
            // A replay plays the story it was opened with: F5 has nothing to reload,
            // so the game taken over (if any) simply goes on.
            LoopEnd::Reload(state, played) => {
                app = App::new(story, store.load_profile(), 0, no_color());
                let note = "Replays do not reload the story.".to_owned();
                pending = vec![match state {
                    Some(state) => Msg::Resume {
                        state,
                        played,
                        note,
                    },
                    None => Msg::Notice(note),
                }];
            }
        }
    }
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
    /// Set by [`Command::Reload`]: leave the loop to reload, carrying this game.
    reload: Option<Carry>,
    /// Set by [`Command::SetLanguage`]: leave the loop to switch language.
    relanguage: Option<Box<Relanguage>>,
    /// A failed save is also printed after the terminal is restored, in case the game
    /// was quitting and the message on screen vanished with it.
    last_words: Vec<String>,
    quitting: bool,
    /// Set by [`Command::Suspend`]: stop once the commands before it are carried out.
    suspending: bool,
}

impl Shell<'_> {
    fn execute(&mut self, command: Command) {
        match command {
            Command::Save { slot, state, name } => {
                let played = self.clock.played();
                let result =
                    self.store
                        .save_named(&slot, self.story, &state, played, name.as_deref());
                self.saved(slot, result, false);
            }
            Command::Autosave(state) => {
                let result = self.store.autosave(self.story, &state, self.clock.played());
                self.saved(AUTO_SLOT.to_owned(), result, true);
            }
            Command::Load { slot } => {
                let result = self
                    .store
                    .load_to_play(&slot, self.story)
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
            Command::ListSlots => self.pending.push_back(slots_msg(self.story, self.store)),
            Command::Quit => self.quitting = true,
            Command::Suspend => self.suspending = true,
            Command::Reload(state) => self.reload = Some(Carry(state)),
            Command::SetLanguage(relanguage) => self.relanguage = Some(relanguage),
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

fn event_loop(
    session: &mut Session,
    mut app: App,
    story: &Story,
    store: &SaveStore,
    watch: Option<&StoryWatch>,
    first: Vec<Msg>,
) -> io::Result<LoopEnd> {
    let size = session.terminal.size()?;
    let mut shell = Shell {
        story,
        store,
        clock: Clock {
            base: Duration::ZERO,
            since: Instant::now(),
        },
        pending: [
            Msg::Resize(size.width, size.height),
            slots_msg(story, store),
        ]
        .into_iter()
        .chain(first)
        .collect(),
        reload: None,
        relanguage: None,
        last_words: Vec::new(),
        quitting: false,
        suspending: false,
    };
    loop {
        while let Some(msg) = shell.pending.pop_front() {
            for command in update(&mut app, msg) {
                shell.execute(command);
            }
        }
        if shell.quitting {
            return Ok(LoopEnd::Quit(shell.last_words));
        }
        if std::mem::take(&mut shell.suspending) {
            session.suspend()?;
            // The window may have been resized while the game was stopped.
            let size = session.terminal.size()?;
            shell
                .pending
                .push_back(Msg::Resize(size.width, size.height));
            continue;
        }
        if let Some(Carry(state)) = shell.reload.take() {
            return Ok(LoopEnd::Reload(state, shell.clock.played()));
        }
        if let Some(relanguage) = shell.relanguage.take() {
            return Ok(LoopEnd::Language(relanguage, shell.clock.played()));
        }
        // Failures shown on screen and survived need no repeating at exit.
        shell.last_words.clear();
        session.terminal.draw(|f| view::draw(&app, f))?;
        match next_msg(app.animating(), app.typing(), watch) {
            Ok(Some(msg)) => shell.pending.push_back(msg),
            Ok(None) => {}
            Err(e) => {
                // The terminal is gone (a hangup can end it before the signal is seen):
                // keep the game, as Ctrl-C would, then report.
                for command in update(&mut app, Msg::Interrupt) {
                    shell.execute(command);
                }
                return Err(e);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap().flatten() {
            let target = to.join(e.file_name());
            if e.path().is_dir() {
                copy(&e.path(), &target);
            } else {
                std::fs::copy(e.path(), target).unwrap();
            }
        }
    }

    fn note(msgs: &[Msg]) -> &str {
        match msgs {
            [Msg::Resume { note, .. } | Msg::Notice(note)] => note,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn reloading_keeps_the_game_reports_errors_and_divergence() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("story");
        copy(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/full"),
            &dir,
        );
        let files = crate::source::read_dir(&dir).unwrap();
        let story = crate::story::load(&files).story.unwrap();
        let (mut state, _) = crate::engine::start(&story, 3).unwrap();
        crate::engine::choose(&story, &mut state, "grass").unwrap();
        let carried = || Some(Box::new(state.clone()));
        let opening = Opening::default();
        let mut kept = None;

        let (new, msgs) = reloaded(Some(&dir), &opening, carried(), Duration::ZERO, &mut kept);
        assert!(new.is_some());
        assert_eq!(note(&msgs), "Story reloaded; your game still fits it.");

        let gate = dir.join("chapters/a_gate.ron");
        let text = std::fs::read_to_string(&gate).unwrap();
        std::fs::write(&gate, text.replace("goto: \"grass\"", "goto: \"gras\"")).unwrap();
        let (new, msgs) = reloaded(Some(&dir), &opening, carried(), Duration::ZERO, &mut kept);
        assert!(new.is_none(), "the old story plays on");
        assert!(
            note(&msgs).starts_with("The edited story has 1 error(s)"),
            "{}",
            note(&msgs)
        );
        // The path is the story's own, not the (long, absolute) one of its directory.
        assert!(
            note(&msgs).contains(" First: chapters/a_gate.ron:"),
            "{}",
            note(&msgs)
        );
        // On screen, at the smallest size, the whole message (issue 15): wrapped, not cut.
        let whole = note(&msgs).split_whitespace().collect::<Vec<_>>().join(" ");
        let mut app = App::new(&story, crate::save::Profile::default(), 1, true);
        app.stack = vec![Screen::Title];
        update(&mut app, Msg::Resize(40, 12));
        for msg in msgs.clone() {
            update(&mut app, msg);
        }
        let mut terminal =
            ratatui::Terminal::new(ratatui::backend::TestBackend::new(40, 12)).unwrap();
        terminal.draw(|f| view::draw(&app, f)).unwrap();
        let buffer = terminal.backend().buffer();
        let shown: Vec<&str> = buffer
            .content()
            .iter()
            .map(ratatui::buffer::Cell::symbol)
            .collect();
        let shown = shown
            .concat()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(shown.contains(&whole), "{whole}\n---\n{shown}");

        std::fs::write(
            &gate,
            text.replace(
                "Choice(label: \"Search the grass\", goto: \"grass\"",
                "Choice(id: \"search\", label: \"Search the grass\", goto: \"grass\"",
            ),
        )
        .unwrap();
        let (new, msgs) = reloaded(Some(&dir), &opening, carried(), Duration::ZERO, &mut kept);
        assert!(new.is_some());
        assert!(
            note(&msgs).contains("no longer fits at step 1"),
            "{}",
            note(&msgs)
        );
        match &msgs[0] {
            Msg::Resume { state, .. } => assert_eq!(state.scene, "gate"),
            other => panic!("{other:?}"),
        }

        // An edit of a paragraph only: recompiled alone, and the game plays the new text.
        let edited = std::fs::read_to_string(&gate)
            .unwrap()
            .replace("{{braces}} stay *literal*.", "Rain on the gate.");
        std::fs::write(&gate, edited).unwrap();
        let (new, msgs) = reloaded(Some(&dir), &opening, carried(), Duration::ZERO, &mut kept);
        let new = new.expect("the edited story loads");
        assert!(
            format!("{:?}", new.scene("gate").unwrap().text).contains("Rain on the gate."),
            "the edit is in the story"
        );
        assert_eq!(
            Some(&new),
            crate::story::load_unlinted(&crate::source::read_dir(&dir).unwrap())
                .story
                .as_ref(),
            "the same story as a full load"
        );
        assert!(!msgs.is_empty());

        let (new, msgs) = reloaded(None, &opening, None, Duration::ZERO, &mut kept);
        assert!(new.is_none());
        assert!(note(&msgs).contains("--story DIR"));
    }
}
