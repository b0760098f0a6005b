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
pub mod header;
pub mod input;
pub mod keys;
pub mod layout;
mod live;
pub mod msg;
pub mod paint;
pub mod screen;
pub mod screens;
pub mod theme;
pub mod update;
pub mod view;
pub mod wrap;

use std::collections::VecDeque;
use std::io::{self, Stdout, Write};
use std::path::PathBuf;
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
use crate::session::reload::Opening;
use crate::story::Story;
use crate::tools::watch::{self, StoryWatch};
pub use live::Begin;
use live::{Language, Source};

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
    run_live_loading(None, || Some(story.into()), store, seed, live, start)
}

/// [`run_live`] for a story still being compiled (on another thread): the first
/// frame is drawn from `header` (see [`header::header_story`]) when the game starts in
/// the story's own language, then `story` is waited for before the first key is
/// handled. When `story` gives `None` (it did not load) the terminal is restored and
/// this returns, for the caller to report why.
///
/// # Errors
/// When the terminal cannot be set up or read; the terminal is restored first.
pub fn run_live_loading(
    header: Option<&Story>,
    story: impl FnOnce() -> Option<Begin>,
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
    if let Some(header) = header.filter(|_| language.current.is_none()) {
        first_frame(&mut session, header, &profile, seed, store)?;
    }
    let Some(begin) = story().filter(|b| b.story().is_some()) else {
        return Ok(());
    };
    // The game borrows the story for each run of the loop: a reload patches it in place.
    let mut source = Source::new(begin);
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
        let (story, language_note) = language.story(source.story());
        let mut app = App::new(&story, profile, seed, no_color());
        app.scratch = scratch;
        app.languages = language.available();
        if let Some(note) = language_note {
            pending.push(Msg::Notice(note));
        }
        let end = event_loop(&mut session, app, &story, store, watch.as_ref(), pending)?;
        drop(story);
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
                // The files a watch saw saved since the last reload (none after F5).
                let changed = watch
                    .as_ref()
                    .map(StoryWatch::take_paths)
                    .unwrap_or_default();
                let (msgs, _) = live::reloaded(
                    &mut source,
                    dir.as_deref(),
                    &changed,
                    &opening,
                    state,
                    played,
                );
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
                profile = *kept;
                pending = reopened(state, played, stack, cursor, &language);
            }
        }
    }
}

/// Draws the title screen (or the content note before it) of a story known only by its
/// header, as the game's first frame: the same frame the whole story draws (the tests
/// of [`header`] compare them), so the loop's first draw, once the story is compiled,
/// changes nothing on screen.
fn first_frame(
    session: &mut Session,
    header: &Story,
    profile: &crate::save::Profile,
    seed: u64,
    store: &SaveStore,
) -> io::Result<()> {
    let mut app = App::new(header, profile.clone(), seed, no_color());
    let size = session.terminal.size()?;
    for msg in [
        Msg::Resize(size.width, size.height),
        slots_msg(header, store),
    ] {
        // Neither asks for anything (no save, no load) at the title.
        let _ = update(&mut app, msg);
    }
    session.terminal.draw(|f| view::draw(&app, f))?;
    Ok(())
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
