//! The TUI's model and the one door through which it changes: [`update`].
//!
//! `update` takes a [`Msg`] (a key, a tick, the result of some I/O) and returns
//! [`Command`]s (save this, load that, quit) for the run loop to carry out; it never
//! touches the disk, the clock or the terminal itself. That keeps every rule of the
//! interface testable as plain function calls. The game itself is a
//! [`Session`]: every game rule (what a choice, an undo or a load does, when to autosave,
//! what the profile learns) is the session's; this file turns keys into session
//! operations and the session's effects into [`Command`]s.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::{Duration, SystemTime};

use ratatui::layout::Rect;

use super::wrap::{self, Block};
use crate::engine::{self, ChoiceView, GameState, SceneView};
use crate::save::{
    AUTO_SLOT, LoadedSave, MANUAL_SLOTS, PREVIOUS_AUTO_SLOT, Profile, QUICK_SLOT, SlotInfo,
    TextSpeed, ThemeName,
};
pub use crate::session::JournalEntry;
use crate::session::{self, Effect, Notice, Recording, Session, SessionError};
use crate::story::Story;

/// Narrowest terminal the game draws in; below it, a "please enlarge" message.
pub const MIN_WIDTH: u16 = 40;
/// Shortest terminal the game draws in.
pub const MIN_HEIGHT: u16 = 12;
/// How often the typewriter advances while it runs.
pub const TICK: Duration = Duration::from_millis(30);
/// Widest the prose column grows: long lines are hard to read.
const MAX_COLUMN: u16 = 78;
/// Lines one notch of the mouse wheel scrolls.
const WHEEL_LINES: isize = 3;

/// Everything that can happen to the interface.
#[derive(Debug, Clone)]
pub enum Msg {
    /// Move up (↑ or k).
    Up,
    /// Move down (↓ or j).
    Down,
    /// Previous value or replay step (←).
    Left,
    /// Next value or replay step (→).
    Right,
    /// Scroll up a page (`PgUp`).
    PageUp,
    /// Scroll down a page (`PgDn` or Space).
    PageDown,
    /// Go to the top (Home).
    Home,
    /// Go to the bottom (End).
    End,
    /// Scroll up a little (mouse wheel).
    WheelUp,
    /// Scroll down a little (mouse wheel).
    WheelDown,
    /// Choose or accept (Enter).
    Confirm,
    /// Close the current screen (Esc).
    Back,
    /// Ask to quit (q).
    Quit,
    /// Show the keys (?).
    Help,
    /// Open or close the journal (Tab or h).
    Journal,
    /// Open the save screen (s).
    Save,
    /// Open the load screen (l).
    Load,
    /// Step back one choice (u).
    Undo,
    /// Answer yes (y).
    Yes,
    /// Answer no (n).
    No,
    /// A digit key, 1–9: pick that entry directly.
    Digit(u8),
    /// Any other key: it still completes the typewriter or dismisses a card.
    OtherKey,
    /// Ctrl-C: save if playing and leave at once.
    Interrupt,
    /// Time passed while the typewriter runs.
    Tick,
    /// The terminal now has this many columns and rows.
    Resize(u16, u16),
    /// The save slots as they are on disk now.
    Slots {
        /// Every slot with a file.
        list: Vec<SlotInfo>,
        /// The newest loadable one.
        latest: Option<SlotInfo>,
        /// The time of the listing, to say how old each save is.
        now: SystemTime,
    },
    /// A [`Command::Save`] finished.
    Saved {
        /// The slot written.
        slot: String,
        /// Why it failed, if it did.
        error: Option<String>,
        /// Whether success goes unannounced (autosaves).
        quiet: bool,
    },
    /// A [`Command::Load`] finished.
    Loaded {
        /// The slot read.
        slot: String,
        /// The game, or why it could not be loaded.
        result: Result<Box<LoadedSave>, String>,
    },
    /// Writing the profile failed.
    ProfileFailed(String),
    /// Reload the story from disk (F5, or a story file changed under `--story`).
    Reload,
    /// Play on with a game carried over from before a reload (or begun mid-story by
    /// `play --from`), with a note saying what happened.
    Resume {
        /// The game.
        state: Box<GameState>,
        /// Time already played.
        played: Duration,
        /// Shown to the player.
        note: String,
    },
    /// Something the shell wants the player to know (a reload that failed, say).
    Notice(String),
}

/// I/O for the run loop to perform on the interface's behalf.
#[derive(Debug, Clone)]
pub enum Command {
    /// Write `state` to `slot`; the loop answers with [`Msg::Saved`] and [`Msg::Slots`].
    Save {
        /// The slot.
        slot: String,
        /// The game to save.
        state: Box<GameState>,
    },
    /// Write `state` to the autosave (the store first keeps a different game's
    /// autosave as the previous one); answered like [`Command::Save`], quietly.
    Autosave(Box<GameState>),
    /// Read `slot`; the loop answers with [`Msg::Loaded`].
    Load {
        /// The slot.
        slot: String,
    },
    /// Write the profile (endings found, settings).
    SaveProfile(Box<Profile>),
    /// A game began (or was loaded) with this much play time behind it.
    StartClock(Duration),
    /// Leave the program (after the commands before this one).
    Quit,
    /// Reload the story from disk, carrying `state` (the game in progress, if any) over.
    Reload(Option<Box<GameState>>),
}

/// A screen. The app keeps a stack of them; the top one gets the keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Screen {
    /// The content note.
    ContentNote,
    /// The title menu.
    Title,
    /// The game itself.
    Play,
    /// History of this playthrough.
    Journal,
    /// Pick a slot to save to.
    SaveSlots,
    /// Pick a slot to load.
    LoadSlots,
    /// Every key.
    Help,
    /// "Quit the game?"
    ConfirmQuit,
    /// "Overwrite this slot?"
    ConfirmOverwrite(String),
    /// Endings found and locked.
    Endings,
    /// Text speed and theme.
    Settings,
    /// Stepping through a recorded game.
    Replay,
}

impl Screen {
    /// Dialogs drawn over the screen beneath them.
    #[must_use]
    pub fn is_dialog(&self) -> bool {
        matches!(self, Screen::ConfirmQuit | Screen::ConfirmOverwrite(_))
    }
}

/// An entry of the title menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MenuItem {
    /// Start from the beginning.
    NewGame,
    /// Load the newest save.
    Continue,
    /// Pick a save.
    Load,
    /// Endings found.
    Endings,
    /// Settings.
    Settings,
    /// Read the content note again.
    ContentNote,
    /// Leave.
    Quit,
}

impl MenuItem {
    /// What the menu shows.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            MenuItem::NewGame => "New game",
            MenuItem::Continue => "Continue",
            MenuItem::Load => "Load",
            MenuItem::Endings => "Endings",
            MenuItem::Settings => "Settings",
            MenuItem::ContentNote => "Content note",
            MenuItem::Quit => "Quit",
        }
    }
}

/// The game being played (or the replayed step being looked at).
#[derive(Debug, Clone)]
pub struct Game {
    /// The engine's state: the only game state there is.
    pub state: GameState,
    /// The current scene, rendered.
    pub scene: SceneView,
    /// The choices offered now.
    pub choices: Vec<ChoiceView>,
    /// The prose to show: the scene, then at an ending its epilogue, afterword, credits.
    pub blocks: Vec<Block>,
    /// Characters in `blocks`.
    pub total: usize,
    /// Index into `choices` of the highlighted one.
    pub selected: usize,
    /// Characters the typewriter has shown.
    pub revealed: usize,
    /// First prose line shown.
    pub scroll: usize,
    /// Showing the chapter card.
    pub card: bool,
    /// `blocks` wrapped at the last width asked for: the prose never changes while the
    /// scene is shown, so a redraw (every typewriter tick) must not wrap it again.
    wrapped: RefCell<Option<(usize, Rc<[wrap::Line]>)>>,
}

impl Game {
    /// The prose laid out `width` columns wide (computed once per width).
    pub fn lines(&self, width: usize) -> Rc<[wrap::Line]> {
        if let Some((w, lines)) = &*self.wrapped.borrow()
            && *w == width
        {
            return Rc::clone(lines);
        }
        let lines: Rc<[wrap::Line]> = wrap::layout(&self.blocks, width).into();
        *self.wrapped.borrow_mut() = Some((width, Rc::clone(&lines)));
        lines
    }

    fn new(story: &Story, state: GameState) -> Result<Self, engine::EngineError> {
        let scene = engine::render(story, &state)?;
        let choices = engine::choices(story, &state);
        let mut blocks: Vec<Block> = scene.paragraphs.iter().map(Block::prose).collect();
        if let Some(ending) = session::ending_pages(story, &state) {
            blocks.push(Block::heading(format!("Ending: {}", ending.title)));
            blocks.extend(ending.epilogue.into_iter().map(Block::prose));
            for (title, texts) in [("Afterword", ending.afterword), ("Credits", ending.credits)] {
                if !texts.is_empty() {
                    blocks.push(Block::heading(title));
                    blocks.extend(texts.into_iter().map(Block::aside));
                }
            }
        }
        let total = wrap::char_count(&blocks);
        let selected = choices.iter().position(|c| c.enabled).unwrap_or(0);
        Ok(Self {
            state,
            scene,
            choices,
            blocks,
            total,
            selected,
            revealed: total,
            scroll: 0,
            card: false,
            wrapped: RefCell::new(None),
        })
    }

    /// Whether the typewriter is still running.
    #[must_use]
    pub fn revealing(&self) -> bool {
        self.revealed < self.total
    }

    /// The id of the `n`-th (1-based) enabled choice, as numbered on screen.
    fn nth_enabled(&self, n: usize) -> Option<usize> {
        self.choices
            .iter()
            .enumerate()
            .filter(|(_, c)| c.enabled)
            .nth(n.checked_sub(1)?)
            .map(|(i, _)| i)
    }

    /// The 1-based number shown beside choice `index`, if it is enabled.
    #[must_use]
    pub fn number_of(&self, index: usize) -> Option<usize> {
        let c = self.choices.get(index)?;
        if !c.enabled {
            return None;
        }
        Some(self.choices[..index].iter().filter(|c| c.enabled).count() + 1)
    }
}

/// A recorded game being stepped through.
#[derive(Debug, Clone)]
pub struct Replay {
    /// Every state of the recording.
    pub recording: Recording,
    /// Which state is shown: the one before step `at`.
    pub at: usize,
}

impl Replay {
    /// The last state's index.
    #[must_use]
    pub fn last(&self) -> usize {
        self.recording.len().saturating_sub(1)
    }
}

/// Where each part of the play screen goes, for the view and for scrolling rules alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlayLayout {
    /// The status bar.
    pub status: Rect,
    /// The prose.
    pub prose: Rect,
    /// The line between prose and choices.
    pub rule: Rect,
    /// The choices.
    pub choices: Rect,
    /// The key hints or the latest notice.
    pub footer: Rect,
}

/// One line of the choice list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChoiceRow {
    /// Index into [`Game::choices`].
    pub choice: usize,
    /// The first line of its label (carries the number).
    pub first: bool,
    /// The text.
    pub line: wrap::Line,
}

/// Cells before a choice's label: "▸ 1. ".
pub const CHOICE_INDENT: u16 = 5;

/// The text column: centred, at most `MAX_COLUMN` wide, with a margin.
#[must_use]
pub fn column(area: Rect) -> Rect {
    let width = area.width.saturating_sub(4).clamp(1, MAX_COLUMN);
    let x = area.x + area.width.saturating_sub(width) / 2;
    Rect::new(x, area.y, width.min(area.width), area.height)
}

/// The choice list laid out in `width` cells.
#[must_use]
pub fn choice_rows(game: &Game, width: u16) -> Vec<ChoiceRow> {
    let inner = usize::from(width.saturating_sub(CHOICE_INDENT)).max(1);
    let mut rows = Vec::new();
    for (i, c) in game.choices.iter().enumerate() {
        let text = match (&c.reason, c.enabled) {
            (Some(reason), false) => format!("{} — {reason}", c.label),
            _ => c.label.clone(),
        };
        for (n, line) in wrap::layout(&[Block::prose(text)], inner)
            .into_iter()
            .enumerate()
        {
            rows.push(ChoiceRow {
                choice: i,
                first: n == 0,
                line,
            });
        }
    }
    rows
}

/// Divides the play screen.
#[must_use]
pub fn play_layout(game: &Game, area: Rect) -> PlayLayout {
    let col = column(area);
    let rows = choice_rows(game, col.width).len().max(1) as u16;
    let body = area.height.saturating_sub(2);
    let choices_h = rows.min(body / 2);
    // Short prose keeps its choices right under it; long prose pushes them to the
    // bottom and scrolls. The whole text counts, so nothing moves while it types out.
    let needed = game.lines(usize::from(col.width)).len() + 1;
    let prose_h = area
        .height
        .saturating_sub(4 + choices_h)
        .min(u16::try_from(needed).unwrap_or(u16::MAX));
    let clip = |r: Rect| r.intersection(area);
    let status = clip(Rect::new(area.x, area.y, area.width, 1));
    let prose = clip(Rect::new(col.x, area.y + 2, col.width, prose_h));
    let rule = clip(Rect::new(col.x, prose.bottom(), col.width, 1));
    let choices = clip(Rect::new(col.x, rule.bottom(), col.width, choices_h));
    let footer = clip(Rect::new(
        area.x,
        area.bottom().saturating_sub(1),
        area.width,
        1,
    ));
    PlayLayout {
        status,
        prose,
        rule,
        choices,
        footer,
    }
}

/// The whole interface state.
#[derive(Debug, Clone)]
pub struct App<'s> {
    /// The story being played.
    pub story: &'s Story,
    /// The game and the profile (endings found, settings; persisted through
    /// [`Command::SaveProfile`]).
    pub session: Session<'s>,
    /// `NO_COLOR` is set: monochrome whatever the setting.
    pub no_color: bool,
    /// Screens, bottom to top; never empty.
    pub stack: Vec<Screen>,
    /// The game, once one is started, loaded or replayed.
    pub game: Option<Game>,
    /// The recording, in replay mode.
    pub replay: Option<Replay>,
    /// Slots with a file.
    pub slots: Vec<SlotInfo>,
    /// The newest loadable save ("Continue").
    pub latest: Option<SlotInfo>,
    /// When `slots` was listed.
    pub slots_at: Option<SystemTime>,
    /// Highlighted title menu entry.
    pub menu: MenuItem,
    /// Highlighted row on slot and settings screens.
    pub cursor: usize,
    /// The journal, built when opened.
    pub journal: Vec<JournalEntry>,
    /// First journal line shown.
    pub journal_scroll: usize,
    /// First help line shown.
    pub help_scroll: usize,
    /// A one-line message for the player ("Saved to slot 3.").
    pub notice: Option<String>,
    /// Terminal size.
    pub width: u16,
    /// Terminal size.
    pub height: u16,
}

impl<'s> App<'s> {
    /// A fresh interface at the title (with the content note first, the first time).
    /// `seed` seeds the first new game; later ones derive from it.
    #[must_use]
    pub fn new(story: &'s Story, profile: Profile, seed: u64, no_color: bool) -> Self {
        let mut stack = vec![Screen::Title];
        if !profile.settings.content_note_seen && !story.content_note.is_empty() {
            stack.push(Screen::ContentNote);
        }
        Self {
            story,
            session: Session::new(story, profile, seed),
            no_color,
            stack,
            game: None,
            replay: None,
            slots: Vec::new(),
            latest: None,
            slots_at: None,
            menu: MenuItem::NewGame,
            cursor: 0,
            journal: Vec::new(),
            journal_scroll: 0,
            help_scroll: 0,
            notice: None,
            width: 80,
            height: 24,
        }
    }

    /// An interface stepping through a recorded game, from its first step.
    #[must_use]
    pub fn replaying(
        story: &'s Story,
        profile: Profile,
        no_color: bool,
        recording: Recording,
    ) -> Self {
        let seed = recording
            .view_state(0)
            .map_or(0, |s| session::next_seed(s.seed));
        let mut app = Self::new(story, profile, seed, no_color);
        app.stack = vec![Screen::Replay];
        app.replay = Some(Replay { recording, at: 0 });
        app.show_replay_step();
        app
    }

    /// The screen getting the keys.
    #[must_use]
    pub fn screen(&self) -> &Screen {
        self.stack.last().unwrap_or(&Screen::Title)
    }

    /// Whether the run loop should wake up for [`Msg::Tick`] (otherwise it sleeps until
    /// input).
    #[must_use]
    pub fn animating(&self) -> bool {
        *self.screen() == Screen::Play
            && self.game.as_ref().is_some_and(|g| !g.card && g.revealing())
    }

    /// Whether the terminal is big enough to draw in.
    #[must_use]
    pub fn fits(&self) -> bool {
        self.width >= MIN_WIDTH && self.height >= MIN_HEIGHT
    }

    /// The whole terminal.
    #[must_use]
    pub fn area(&self) -> Rect {
        Rect::new(0, 0, self.width, self.height)
    }

    /// The title menu as it stands.
    #[must_use]
    pub fn menu_items(&self) -> Vec<MenuItem> {
        let mut items = vec![MenuItem::NewGame];
        if self.latest.is_some() {
            items.push(MenuItem::Continue);
        }
        items.extend([MenuItem::Load, MenuItem::Endings, MenuItem::Settings]);
        if !self.story.content_note.is_empty() {
            items.push(MenuItem::ContentNote);
        }
        items.push(MenuItem::Quit);
        items
    }

    /// The content note, rendered.
    #[must_use]
    pub fn content_note(&self) -> Vec<Block> {
        session::content_note(self.story)
            .into_iter()
            .map(Block::prose)
            .collect()
    }

    /// Slots listed by the save screen, in order.
    #[must_use]
    pub fn save_rows() -> Vec<&'static str> {
        let mut rows = MANUAL_SLOTS.to_vec();
        rows.push(QUICK_SLOT);
        rows
    }

    /// Slots listed by the load screen, in order.
    #[must_use]
    pub fn load_rows() -> Vec<&'static str> {
        let mut rows = vec![AUTO_SLOT, PREVIOUS_AUTO_SLOT, QUICK_SLOT];
        rows.extend(MANUAL_SLOTS);
        rows
    }

    /// What is in `slot`, if anything.
    #[must_use]
    pub fn slot(&self, slot: &str) -> Option<&SlotInfo> {
        self.slots.iter().find(|s| s.slot == slot)
    }

    /// Characters the typewriter adds per tick, or `None` for instant text.
    fn reveal_step(&self) -> Option<usize> {
        match self.session.profile.settings.text_speed {
            TextSpeed::Slow => Some(1),
            TextSpeed::Normal => Some(3),
            TextSpeed::Fast => Some(8),
            TextSpeed::Instant => None,
        }
    }

    /// Rows of the journal or help visible at this size.
    #[must_use]
    pub fn list_height(&self) -> usize {
        usize::from(self.height.saturating_sub(4))
    }

    fn flash(&mut self, text: impl Into<String>) {
        self.notice = Some(text.into());
    }

    fn save_profile(&self) -> Command {
        Command::SaveProfile(Box::new(self.session.profile.clone()))
    }

    fn autosave(&self) -> Option<Command> {
        let state = self.session.state()?;
        Some(Command::Autosave(Box::new(state.clone())))
    }

    /// The session's effects as commands for the run loop, and the notice to show.
    fn carry_out(&self, effects: Vec<Effect>) -> (Vec<Command>, Option<Notice>) {
        let mut commands = Vec::new();
        let mut notice = None;
        for effect in effects {
            match effect {
                Effect::StartClock(played) => commands.push(Command::StartClock(played)),
                Effect::SaveProfile => commands.push(self.save_profile()),
                Effect::Autosave => commands.extend(self.autosave()),
                Effect::Notice(n) => notice = Some(n),
                // An author's note: the line-mode player prints it on stderr and
                // `explore` finds such paths; the game screen stays the story's.
                Effect::StoryBug(_) => {}
            }
        }
        (commands, notice)
    }

    /// Shows the session's game, then hands back its effects as commands.
    fn show_session(
        &mut self,
        effects: Vec<Effect>,
        card: bool,
        typewriter: bool,
    ) -> Result<(Vec<Command>, Option<Notice>), String> {
        let state = self.session.state().cloned().ok_or("no game")?;
        self.enter(state, card, typewriter)?;
        Ok(self.carry_out(effects))
    }

    /// Whether a game of the player's own is in progress (not a replay).
    fn playing(&self) -> bool {
        self.stack.first() == Some(&Screen::Play) && self.game.is_some()
    }

    /// Shows `state` as the game in play.
    fn enter(&mut self, state: GameState, card: bool, typewriter: bool) -> Result<(), String> {
        let mut game = Game::new(self.story, state).map_err(|e| e.to_string())?;
        game.card = card;
        if typewriter && self.reveal_step().is_some() {
            game.revealed = 0;
        }
        self.game = Some(game);
        self.stack = vec![Screen::Play];
        Ok(())
    }

    fn new_game(&mut self) -> Vec<Command> {
        let shown = self
            .session
            .new_game()
            .map_err(|e| e.to_string())
            .and_then(|effects| self.show_session(effects, true, true));
        match shown {
            Ok((cmds, _)) => cmds,
            Err(e) => {
                self.flash(format!("The story cannot start: {e}"));
                Vec::new()
            }
        }
    }

    fn choose(&mut self, index: usize) -> Vec<Command> {
        let Some(game) = &self.game else {
            return Vec::new();
        };
        let Some(choice) = game.choices.get(index) else {
            return Vec::new();
        };
        if !choice.enabled {
            let why = choice
                .reason
                .clone()
                .unwrap_or_else(|| "Not now.".to_owned());
            self.flash(why);
            return Vec::new();
        }
        let chapter = game.scene.chapter.clone();
        let id = choice.id.clone();
        match self.session.choose(&id) {
            Ok(effects) => {
                let cmds = match self.show_session(effects, false, true) {
                    Ok((cmds, _)) => cmds,
                    Err(e) => {
                        self.flash(format!("That cannot be shown: {e}"));
                        return Vec::new();
                    }
                };
                if let Some(g) = &mut self.game {
                    g.card = g.scene.chapter != chapter;
                }
                cmds
            }
            Err(e) => {
                self.flash(format!("That cannot be done: {e}."));
                Vec::new()
            }
        }
    }

    fn undo(&mut self) -> Vec<Command> {
        if self.game.is_none() {
            return Vec::new();
        }
        match self.session.undo() {
            Ok(effects) => match self.show_session(effects, false, false) {
                Ok((cmds, _)) => {
                    self.flash("Stepped back one choice.");
                    cmds
                }
                Err(e) => {
                    self.flash(format!("Cannot step back: {e}"));
                    Vec::new()
                }
            },
            Err(SessionError::Undo(engine::UndoError::AtStart)) => {
                self.flash("Nothing to undo yet.");
                Vec::new()
            }
            Err(e) => {
                self.flash(format!("Cannot step back: {e}"));
                Vec::new()
            }
        }
    }

    fn show_replay_step(&mut self) {
        let Some(replay) = &self.replay else { return };
        let Some(state) = replay.recording.view_state(replay.at).cloned() else {
            return;
        };
        let recorded = replay.recording.step(replay.at).map(|s| s.choice.clone());
        match Game::new(self.story, state) {
            Ok(mut game) => {
                if let Some(i) =
                    recorded.and_then(|id| game.choices.iter().position(|c| c.id == id))
                {
                    game.selected = i;
                }
                self.game = Some(game);
            }
            Err(e) => self.flash(format!("Cannot show this step: {e}")),
        }
    }

    fn build_journal(&mut self) {
        self.journal = self.session.journal();
        self.journal_scroll = self.journal.len().saturating_sub(self.list_height());
    }

    /// Keeps the prose scrolled so the typewriter's newest line is in view, and never
    /// past the end.
    fn fit_scroll(&mut self) {
        let area = self.area();
        let Some(game) = &mut self.game else { return };
        let layout = play_layout(game, area);
        let height = usize::from(layout.prose.height);
        let lines = game.lines(usize::from(layout.prose.width));
        if game.revealing() {
            let current = lines
                .iter()
                .rposition(|l| l.cells.first().is_some_and(|c| c.index < game.revealed))
                .unwrap_or(0);
            game.scroll = game.scroll.max((current + 1).saturating_sub(height));
        }
        game.scroll = game.scroll.min(lines.len().saturating_sub(height));
    }

    fn scroll_by(&mut self, delta: isize) {
        if let Some(game) = &mut self.game {
            game.scroll = game.scroll.saturating_add_signed(delta);
        }
        self.fit_scroll();
    }

    /// Whether prose lies below the bottom of the prose panel.
    #[must_use]
    pub fn more_below(&self) -> bool {
        self.game.as_ref().is_some_and(|g| {
            let layout = play_layout(g, self.area());
            let lines = g.lines(usize::from(layout.prose.width)).len();
            g.scroll + usize::from(layout.prose.height) < lines
        })
    }

    fn prose_page(&self) -> isize {
        self.game.as_ref().map_or(1, |g| {
            let h = play_layout(g, self.area()).prose.height;
            isize::try_from(h.saturating_sub(1).max(1)).unwrap_or(1)
        })
    }

    fn move_choice(&mut self, down: bool) {
        let Some(game) = &mut self.game else { return };
        let enabled: Vec<usize> = game
            .choices
            .iter()
            .enumerate()
            .filter(|(_, c)| c.enabled)
            .map(|(i, _)| i)
            .collect();
        if enabled.is_empty() {
            return;
        }
        let pos = enabled.iter().position(|&i| i == game.selected);
        let next = match (pos, down) {
            (None, _) => 0,
            (Some(p), true) => (p + 1) % enabled.len(),
            (Some(p), false) => (p + enabled.len() - 1) % enabled.len(),
        };
        game.selected = enabled[next];
    }

    fn back_to_title(&mut self) {
        self.stack = vec![Screen::Title];
        self.game = None;
        self.session.end();
        self.menu = if self.latest.is_some() {
            MenuItem::Continue
        } else {
            MenuItem::NewGame
        };
    }

    fn pop(&mut self) {
        if self.stack.len() > 1 {
            self.stack.pop();
        }
    }
}

/// Help text: `(keys, what they do)`; an empty `keys` starts a section, a blank
/// `keys` is a gap.
#[must_use]
pub fn help_lines() -> Vec<(&'static str, &'static str)> {
    vec![
        ("", "While playing"),
        ("↑ ↓  or  k j", "highlight a choice"),
        ("Enter", "read on, or take the highlighted choice"),
        ("1 – 9", "take that choice at once"),
        (
            "any key",
            "show all the text at once; dismiss a chapter card",
        ),
        ("PgUp PgDn Space", "scroll the text (the mouse wheel too)"),
        ("Home End", "top or bottom of the text"),
        ("Tab  or  h", "journal: scenes visited and choices made"),
        ("s", "save to a slot"),
        ("l", "load a slot"),
        ("u", "undo: step back one choice"),
        ("q  or  Esc", "quit (asks first, saves automatically)"),
        ("Ctrl-C", "save and quit at once"),
        ("?", "this help"),
        (" ", ""),
        ("", "Menus and lists"),
        ("↑ ↓  or  k j", "move"),
        ("Enter", "select"),
        ("1 – 9", "pick that slot"),
        ("← →", "change a setting"),
        ("y  n", "answer a question"),
        ("Esc  or  q", "go back (on the title, q quits)"),
        (" ", ""),
        ("", "Replay"),
        ("← →", "previous or next step"),
        ("Home End", "first or last step"),
        ("Enter", "play on from this step as a new game"),
        ("q  or  Esc", "leave the replay"),
    ]
}

fn slot_name(slot: &str) -> String {
    match slot {
        AUTO_SLOT => "the autosave".to_owned(),
        PREVIOUS_AUTO_SLOT => "the previous autosave".to_owned(),
        QUICK_SLOT => "the quick slot".to_owned(),
        s => format!("slot {s}"),
    }
}

fn cycle<T: Copy + PartialEq>(all: &[T], now: T, forward: bool) -> T {
    let i = all.iter().position(|x| *x == now).unwrap_or(0);
    let n = all.len();
    all[if forward {
        (i + 1) % n
    } else {
        (i + n - 1) % n
    }]
}

/// Whether a message comes from a key press (these complete the typewriter).
fn is_key(msg: &Msg) -> bool {
    !matches!(
        msg,
        Msg::Tick
            | Msg::Resize(..)
            | Msg::Slots { .. }
            | Msg::Saved { .. }
            | Msg::Loaded { .. }
            | Msg::ProfileFailed(_)
            | Msg::Interrupt
            | Msg::Reload
            | Msg::Resume { .. }
            | Msg::Notice(_)
    )
}

/// Applies one message. All interface logic lives here; the returned commands are the
/// only way it reaches the outside world.
pub fn update(app: &mut App, msg: Msg) -> Vec<Command> {
    match msg {
        Msg::Tick => {
            tick(app);
            return Vec::new();
        }
        Msg::Resize(w, h) => {
            app.width = w;
            app.height = h;
            app.fit_scroll();
            app.journal_scroll = app
                .journal_scroll
                .min(app.journal.len().saturating_sub(app.list_height()));
            return Vec::new();
        }
        Msg::Slots { list, latest, now } => {
            let first = app.slots_at.is_none();
            app.slots = list;
            app.latest = latest;
            app.slots_at = Some(now);
            if first && app.latest.is_some() && app.menu == MenuItem::NewGame {
                app.menu = MenuItem::Continue;
            }
            if app.latest.is_none() && app.menu == MenuItem::Continue {
                app.menu = MenuItem::NewGame;
            }
            return Vec::new();
        }
        Msg::Saved { slot, error, quiet } => {
            match error {
                Some(e) => app.flash(format!("Could not save to {}: {e}", slot_name(&slot))),
                None if !quiet => app.flash(format!("Saved to {}.", slot_name(&slot))),
                None => {}
            }
            return Vec::new();
        }
        Msg::Loaded { slot, result } => return loaded(app, &slot, result),
        Msg::ProfileFailed(e) => {
            app.flash(format!("Could not save settings: {e}"));
            return Vec::new();
        }
        Msg::Reload => {
            // A replay is a recording of the story it was opened with.
            if app.replay.is_some() {
                app.flash("Replays do not reload the story.");
                return Vec::new();
            }
            let state = app.game.as_ref().map(|g| Box::new(g.state.clone()));
            return vec![Command::Reload(state)];
        }
        Msg::Resume {
            state,
            played,
            note,
        } => {
            app.replay = None;
            let effects = app.session.resume(*state, played);
            return match app.show_session(effects, false, false) {
                Ok((cmds, _)) => {
                    app.flash(note);
                    cmds
                }
                Err(e) => {
                    app.session.end();
                    app.flash(format!("Cannot go on with this game: {e}"));
                    Vec::new()
                }
            };
        }
        Msg::Notice(text) => {
            app.flash(text);
            return Vec::new();
        }
        Msg::Interrupt => {
            let mut cmds = Vec::new();
            if app.playing() {
                cmds.extend(app.autosave());
            }
            cmds.push(Command::Quit);
            return cmds;
        }
        _ => {}
    }
    debug_assert!(is_key(&msg));
    app.notice = None;
    match app.screen().clone() {
        Screen::ContentNote => {
            app.pop();
            if app.session.profile.settings.content_note_seen {
                Vec::new()
            } else {
                app.session.profile.settings.content_note_seen = true;
                vec![app.save_profile()]
            }
        }
        Screen::Title => title(app, &msg),
        Screen::Play => play(app, &msg),
        Screen::Journal => {
            let max = app.journal.len().saturating_sub(app.list_height());
            let page = app.list_height().max(1);
            scroll_list(&mut app.journal_scroll, max, page, &msg);
            if matches!(msg, Msg::Journal | Msg::Back | Msg::Quit) {
                app.pop();
            } else if matches!(msg, Msg::Help) {
                app.stack.push(Screen::Help);
            }
            Vec::new()
        }
        Screen::Help => {
            let max = help_lines().len().saturating_sub(app.list_height());
            let page = app.list_height().max(1);
            let scrolled = scroll_list(&mut app.help_scroll, max, page, &msg);
            if !scrolled {
                app.pop();
            }
            Vec::new()
        }
        Screen::SaveSlots => save_slots(app, &msg),
        Screen::LoadSlots => load_slots(app, &msg),
        Screen::ConfirmOverwrite(slot) => match msg {
            Msg::Yes | Msg::Confirm => save_to(app, &slot),
            Msg::No | Msg::Back | Msg::Quit => {
                app.pop();
                Vec::new()
            }
            _ => Vec::new(),
        },
        Screen::ConfirmQuit => match msg {
            Msg::Yes | Msg::Confirm => {
                let mut cmds: Vec<Command> = app.autosave().into_iter().collect();
                cmds.push(Command::Quit);
                cmds
            }
            Msg::No | Msg::Back | Msg::Quit => {
                app.pop();
                Vec::new()
            }
            _ => Vec::new(),
        },
        Screen::Endings => {
            if matches!(msg, Msg::Back | Msg::Quit | Msg::Confirm) {
                app.pop();
            } else if matches!(msg, Msg::Help) {
                app.stack.push(Screen::Help);
            }
            Vec::new()
        }
        Screen::Settings => settings(app, &msg),
        Screen::Replay => replay(app, &msg),
    }
}

fn tick(app: &mut App) {
    if !app.animating() {
        return;
    }
    let step = app.reveal_step().unwrap_or(usize::MAX);
    if let Some(g) = &mut app.game {
        g.revealed = g.revealed.saturating_add(step).min(g.total);
    }
    app.fit_scroll();
}

/// Scrolls a list for the usual keys; false when `msg` is not a scrolling key.
fn scroll_list(scroll: &mut usize, max: usize, page: usize, msg: &Msg) -> bool {
    let new = match msg {
        Msg::Up => scroll.saturating_sub(1),
        Msg::Down => *scroll + 1,
        Msg::WheelUp => scroll.saturating_sub(WHEEL_LINES.unsigned_abs()),
        Msg::WheelDown => *scroll + WHEEL_LINES.unsigned_abs(),
        Msg::PageUp => scroll.saturating_sub(page),
        Msg::PageDown => *scroll + page,
        Msg::Home => 0,
        Msg::End => max,
        _ => return false,
    };
    *scroll = new.min(max);
    true
}

fn title(app: &mut App, msg: &Msg) -> Vec<Command> {
    let items = app.menu_items();
    let pos = items.iter().position(|i| *i == app.menu).unwrap_or(0);
    match msg {
        Msg::Up => app.menu = items[(pos + items.len() - 1) % items.len()],
        Msg::Down => app.menu = items[(pos + 1) % items.len()],
        Msg::Home => app.menu = items[0],
        Msg::End => app.menu = items[items.len() - 1],
        Msg::Digit(n) => {
            if let Some(item) = items.get(usize::from(*n).saturating_sub(1)) {
                app.menu = *item;
                return activate(app, *item);
            }
        }
        Msg::Confirm => return activate(app, items[pos]),
        Msg::Load => return activate(app, MenuItem::Load),
        Msg::Help => app.stack.push(Screen::Help),
        Msg::Quit => return vec![Command::Quit],
        // Esc only points at Quit: pressing it twice to leave a sub-screen should not
        // close the game.
        Msg::Back => app.menu = MenuItem::Quit,
        _ => {}
    }
    Vec::new()
}

fn activate(app: &mut App, item: MenuItem) -> Vec<Command> {
    match item {
        MenuItem::NewGame => return app.new_game(),
        MenuItem::Continue => {
            if let Some(latest) = &app.latest {
                return vec![Command::Load {
                    slot: latest.slot.clone(),
                }];
            }
        }
        MenuItem::Load => {
            app.cursor = 0;
            app.stack.push(Screen::LoadSlots);
        }
        MenuItem::Endings => app.stack.push(Screen::Endings),
        MenuItem::Settings => {
            app.cursor = 0;
            app.stack.push(Screen::Settings);
        }
        MenuItem::ContentNote => app.stack.push(Screen::ContentNote),
        MenuItem::Quit => return vec![Command::Quit],
    }
    Vec::new()
}

fn play(app: &mut App, msg: &Msg) -> Vec<Command> {
    let Some(game) = &mut app.game else {
        app.back_to_title();
        return Vec::new();
    };
    if game.card {
        game.card = false;
        return Vec::new();
    }
    if game.revealing() {
        game.revealed = game.total;
        app.fit_scroll();
        return Vec::new();
    }
    let at_ending = game.state.is_over();
    let selected = game.selected;
    let numbered = match msg {
        Msg::Digit(n) => game.nth_enabled(usize::from(*n)),
        _ => None,
    };
    match msg {
        Msg::Up => app.move_choice(false),
        Msg::Down => app.move_choice(true),
        // Enter reads on before it chooses, so no one skips text they have not seen.
        Msg::Confirm if app.more_below() => app.scroll_by(app.prose_page()),
        Msg::Confirm if at_ending => app.back_to_title(),
        Msg::Confirm => return app.choose(selected),
        Msg::Digit(n) => match numbered {
            Some(i) => return app.choose(i),
            None if !at_ending => app.flash(format!("There is no choice {n}.")),
            None => {}
        },
        Msg::PageUp => app.scroll_by(-app.prose_page()),
        Msg::PageDown => app.scroll_by(app.prose_page()),
        Msg::WheelUp => app.scroll_by(-WHEEL_LINES),
        Msg::WheelDown => app.scroll_by(WHEEL_LINES),
        Msg::Home => app.scroll_by(isize::MIN / 2),
        Msg::End => app.scroll_by(isize::MAX / 2),
        Msg::Journal => {
            app.build_journal();
            app.stack.push(Screen::Journal);
        }
        Msg::Save => {
            app.cursor = 0;
            app.stack.push(Screen::SaveSlots);
        }
        Msg::Load => {
            app.cursor = 0;
            app.stack.push(Screen::LoadSlots);
        }
        Msg::Help => {
            app.help_scroll = 0;
            app.stack.push(Screen::Help);
        }
        Msg::Undo => return app.undo(),
        Msg::Quit | Msg::Back => app.stack.push(Screen::ConfirmQuit),
        _ => {}
    }
    Vec::new()
}

fn save_to(app: &mut App, slot: &str) -> Vec<Command> {
    app.stack.retain(|s| *s == Screen::Play);
    let Some(game) = &app.game else {
        return Vec::new();
    };
    vec![Command::Save {
        slot: slot.to_owned(),
        state: Box::new(game.state.clone()),
    }]
}

fn save_slots(app: &mut App, msg: &Msg) -> Vec<Command> {
    let rows = App::save_rows();
    let pick = |app: &mut App, slot: &str| -> Vec<Command> {
        if app.slot(slot).is_some() {
            app.stack.push(Screen::ConfirmOverwrite(slot.to_owned()));
            Vec::new()
        } else {
            save_to(app, slot)
        }
    };
    if let Some(slot) = slot_cursor(app, &rows, msg) {
        return pick(app, slot);
    }
    match msg {
        Msg::Save | Msg::Back | Msg::Quit => app.pop(),
        Msg::Help => app.stack.push(Screen::Help),
        _ => {}
    }
    Vec::new()
}

fn load_slots(app: &mut App, msg: &Msg) -> Vec<Command> {
    let rows = App::load_rows();
    let pick = |app: &mut App, slot: &str| -> Vec<Command> {
        match app.slot(slot) {
            None => {
                app.flash(format!("{} is empty.", capitalise(&slot_name(slot))));
                Vec::new()
            }
            Some(SlotInfo {
                problem: Some(p), ..
            }) => {
                let p = p.clone();
                app.flash(format!(
                    "{} cannot be loaded: {p}",
                    capitalise(&slot_name(slot))
                ));
                Vec::new()
            }
            Some(_) => vec![Command::Load {
                slot: slot.to_owned(),
            }],
        }
    };
    if let Some(slot) = slot_cursor(app, &rows, msg) {
        return pick(app, slot);
    }
    match msg {
        Msg::Load | Msg::Back | Msg::Quit => app.pop(),
        Msg::Help => app.stack.push(Screen::Help),
        _ => {}
    }
    Vec::new()
}

/// The keys both slot screens share: the cursor moves over `rows`, and Enter or a
/// digit picks a slot (returned, with the cursor left on it).
fn slot_cursor(app: &mut App, rows: &[&'static str], msg: &Msg) -> Option<&'static str> {
    let last = rows.len() - 1;
    match msg {
        Msg::Up => app.cursor = (app.cursor + last) % rows.len(),
        Msg::Down => app.cursor = (app.cursor + 1) % rows.len(),
        Msg::Home => app.cursor = 0,
        Msg::End => app.cursor = last,
        Msg::Confirm => return Some(rows[app.cursor.min(last)]),
        Msg::Digit(n) => {
            let slot = manual_slot(*n)?;
            app.cursor = rows.iter().position(|r| *r == slot).unwrap_or(0);
            return Some(slot);
        }
        _ => {}
    }
    None
}

fn manual_slot(n: u8) -> Option<&'static str> {
    MANUAL_SLOTS.get(usize::from(n).checked_sub(1)?).copied()
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

fn loaded(app: &mut App, slot: &str, result: Result<Box<LoadedSave>, String>) -> Vec<Command> {
    match result {
        Ok(save) => {
            let effects = app.session.load(save.into_game());
            let (cmds, notice) = match app.show_session(effects, true, false) {
                Ok(shown) => shown,
                Err(e) => {
                    app.session.end();
                    app.flash(format!("Could not load {}: {e}", slot_name(slot)));
                    return Vec::new();
                }
            };
            app.replay = None;
            match notice {
                Some(Notice::Diverged(d)) => app.flash(format!(
                    "The story changed since this save; resumed before {d}."
                )),
                Some(Notice::StoryChanged) => app.flash(format!(
                    "Loaded {}. The story has changed since, but this game still fits it.",
                    slot_name(slot)
                )),
                None => app.flash(format!("Loaded {}.", slot_name(slot))),
            }
            cmds
        }
        Err(e) => {
            app.flash(format!("Could not load {}: {e}", slot_name(slot)));
            Vec::new()
        }
    }
}

fn settings(app: &mut App, msg: &Msg) -> Vec<Command> {
    const SPEEDS: [TextSpeed; 4] = [
        TextSpeed::Slow,
        TextSpeed::Normal,
        TextSpeed::Fast,
        TextSpeed::Instant,
    ];
    const THEMES: [ThemeName; 3] = [ThemeName::Default, ThemeName::Sepia, ThemeName::Monochrome];
    let forward = match msg {
        Msg::Up | Msg::Down => {
            app.cursor = usize::from(app.cursor == 0);
            return Vec::new();
        }
        Msg::Right | Msg::Confirm => true,
        Msg::Left => false,
        Msg::Back | Msg::Quit => {
            app.pop();
            return Vec::new();
        }
        Msg::Help => {
            app.stack.push(Screen::Help);
            return Vec::new();
        }
        _ => return Vec::new(),
    };
    let s = &mut app.session.profile.settings;
    if app.cursor == 0 {
        s.text_speed = cycle(&SPEEDS, s.text_speed, forward);
    } else {
        s.theme = cycle(&THEMES, s.theme, forward);
    }
    vec![app.save_profile()]
}

fn replay(app: &mut App, msg: &Msg) -> Vec<Command> {
    let Some(r) = &app.replay else {
        return vec![Command::Quit];
    };
    let (now, last) = (r.at, r.last());
    let at = match msg {
        Msg::Right | Msg::Down => (now + 1).min(last),
        Msg::Left | Msg::Up => now.saturating_sub(1),
        Msg::Home => 0,
        Msg::End => last,
        Msg::PageUp => {
            app.scroll_by(-app.prose_page());
            return Vec::new();
        }
        Msg::PageDown => {
            app.scroll_by(app.prose_page());
            return Vec::new();
        }
        Msg::WheelUp => {
            app.scroll_by(-WHEEL_LINES);
            return Vec::new();
        }
        Msg::WheelDown => {
            app.scroll_by(WHEEL_LINES);
            return Vec::new();
        }
        Msg::Confirm => return take_over(app),
        Msg::Help => {
            app.stack.push(Screen::Help);
            return Vec::new();
        }
        Msg::Quit | Msg::Back => return vec![Command::Quit],
        _ => return Vec::new(),
    };
    if at != now {
        if let Some(r) = &mut app.replay {
            r.at = at;
        }
        app.show_replay_step();
    }
    Vec::new()
}

/// Leaves the replay and plays on from the step shown, as a new game.
fn take_over(app: &mut App) -> Vec<Command> {
    let Some(r) = app.replay.take() else {
        return Vec::new();
    };
    let Some(state) = r.recording.state_at(r.at) else {
        return Vec::new();
    };
    let effects = app.session.resume(state, Duration::ZERO);
    match app.show_session(effects, false, false) {
        Ok((cmds, _)) => {
            app.flash(format!("Playing on from step {} as a new game.", r.at));
            cmds
        }
        Err(e) => {
            app.session.end();
            app.flash(format!("Cannot play on: {e}"));
            Vec::new()
        }
    }
}
