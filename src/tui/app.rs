//! The TUI's model and the one door through which it changes: [`update`](super::update::update).
//!
//! `update` takes a [`Msg`] (a key, a tick, the result of some I/O) and returns
//! [`Command`]s (save this, load that, quit) for the run loop to carry out; it never
//! touches the disk, the clock or the terminal itself. That keeps every rule of the
//! interface testable as plain function calls. The game itself is a
//! [`Session`]: every game rule (what a choice, an undo or a load does, when to autosave,
//! what the profile learns) is the session's; this file turns keys into session
//! operations and the session's effects into [`Command`]s. The keys of each screen are
//! handled in [`screens`](super::screens).

use std::time::{Duration, SystemTime};

use ratatui::layout::Rect;

use super::layout::{self, play_layout};
use super::wrap::Block;
use crate::engine::{self, GameState};
use crate::save::{
    AUTO_SLOT, MANUAL_SLOTS, PREVIOUS_AUTO_SLOT, Profile, QUICK_SLOT, SlotInfo, TextSpeed,
};
pub use crate::session::JournalEntry;
use crate::session::{self, Effect, Notice, Recording, Session, SessionError};
use crate::story::Story;
use crate::story::model::CONTINUE;

pub use super::game::Game;
pub use super::layout::{MIN_HEIGHT, MIN_WIDTH};
pub use super::msg::{Command, Msg, Relanguage};
pub use super::screen::{MenuItem, PauseItem, Screen};
/// How often the typewriter advances while it runs.
pub const TICK: Duration = Duration::from_millis(30);
/// Lines one notch of the mouse wheel scrolls.
pub(crate) const WHEEL_LINES: isize = 3;

/// A text opened to re-read: an earlier scene, or an ending's epilogue.
#[derive(Debug, Clone)]
pub struct Reading {
    /// What it is ("The Gate · Morning · A gate").
    pub title: String,
    /// The text.
    pub blocks: Vec<Block>,
    /// First line shown.
    pub scroll: usize,
}

/// An ending found, for the gallery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundEnding {
    /// Its title.
    pub title: String,
    /// When it was first found, in seconds since 1970 (UTC).
    pub first_found: Option<u64>,
    /// Its epilogue.
    pub epilogue: Vec<String>,
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
    /// The journal entry highlighted (always a scene).
    pub journal_at: usize,
    /// First help line shown.
    pub help_scroll: usize,
    /// First content note line shown.
    pub note_scroll: usize,
    /// First line of the variables panel shown.
    pub vars_scroll: usize,
    /// Highlighted pause menu entry.
    pub pause: PauseItem,
    /// The text being re-read.
    pub reading: Option<Reading>,
    /// The name being typed for a save.
    pub save_name: String,
    /// Saves go to a scratch folder thrown away on exit (`play --from`): nothing the
    /// game says may promise they are kept.
    pub scratch: bool,
    /// A message for the player ("Saved to slot 3."), in the footer (wrapped above it
    /// when longer than a line).
    pub notice: Option<String>,
    /// The languages the story can be played in besides its own (the settings screen
    /// offers them), as tags; filled in by the run loop.
    pub languages: Vec<String>,
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
            journal_at: 0,
            help_scroll: 0,
            note_scroll: 0,
            vars_scroll: 0,
            pause: PauseItem::Resume,
            reading: None,
            save_name: String::new(),
            scratch: false,
            notice: None,
            languages: Vec::new(),
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
            && self
                .game
                .as_ref()
                .is_some_and(|g| !g.card && (g.revealing() || self.auto_advancing()))
    }

    /// Whether the scene on screen will go on by itself: auto-advance is on, its only
    /// way on is Continue, and all its text is shown.
    #[must_use]
    pub fn auto_advancing(&self) -> bool {
        self.session.profile.settings.auto_advance
            && self.replay.is_none()
            && self.game.as_ref().is_some_and(|g| {
                !g.card
                    && !g.revealing()
                    && !g.state.is_over()
                    && matches!(&g.choices[..], [only] if only.enabled && only.id == CONTINUE)
            })
            && !self.more_below()
    }

    /// Whether keys are text now (a save is being named), for the input mapping.
    #[must_use]
    pub fn typing(&self) -> bool {
        matches!(self.screen(), Screen::NameSave(_))
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

    /// The endings found in any game, in the story's order: title and epilogue.
    #[must_use]
    pub fn found_endings(&self) -> Vec<FoundEnding> {
        self.story
            .endings
            .iter()
            .filter(|e| self.session.profile.endings_found.contains(&e.id))
            .map(|e| {
                let record = self.session.profile.endings_record.get(&e.id);
                FoundEnding {
                    title: e.title.clone(),
                    first_found: record.and_then(|r| r.first_found),
                    // Found before the profile kept epilogues as shown: nothing to
                    // re-read until the ending is reached again.
                    epilogue: record.map(|r| r.epilogue.clone()).unwrap_or_default(),
                }
            })
            .collect()
    }

    /// Earlier scene `step` of this game (0: the first), rendered exactly as it was
    /// shown by replaying the path to it, with the choice made there.
    #[must_use]
    pub fn scene_at(&self, step: usize) -> Option<Reading> {
        let game = self.game.as_ref()?;
        let recording = Recording::of_game(self.story, &game.state).ok()?;
        let state = recording.view_state(step)?.clone();
        let shown = Game::new(self.story, state.clone()).ok()?;
        let mut blocks = shown.blocks;
        if let Some(next) = game.state.path.get(step) {
            let label = engine::choices(self.story, &state)
                .into_iter()
                .find(|c| c.id == next.choice)
                .map_or_else(|| next.choice.clone(), |c| c.label);
            blocks.push(Block::heading(self.story.words.you_chose.as_str()));
            blocks.push(Block::aside(format!("▸ {label}")));
        }
        Some(Reading {
            title: format!(
                "{} · {} · {}",
                shown.scene.chapter, shown.scene.date, shown.scene.place
            ),
            blocks,
            scroll: 0,
        })
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

    /// Opens the save or load screen (`screen`), asking the run loop to list the saves
    /// folder again: a save may have appeared, changed or gone since it was last read
    /// (another game running, a file copied in).
    pub(crate) fn open_slots(&mut self, screen: Screen) -> Vec<Command> {
        self.cursor = 0;
        self.stack.push(screen);
        vec![Command::ListSlots]
    }

    /// What is in `slot`, if anything.
    #[must_use]
    pub fn slot(&self, slot: &str) -> Option<&SlotInfo> {
        self.slots.iter().find(|s| s.slot == slot)
    }

    /// Characters the typewriter adds per tick, or `None` for instant text.
    pub(crate) fn reveal_step(&self) -> Option<usize> {
        match self.session.profile.settings.text_speed {
            TextSpeed::Slow => Some(1),
            TextSpeed::Normal => Some(3),
            TextSpeed::Fast => Some(8),
            TextSpeed::Instant => None,
        }
    }

    /// Every variable of the game on screen, its value and what last changed it: the
    /// session's list (the rows plain `vars` prints), or in a replay the same list for
    /// the step shown.
    #[must_use]
    pub fn variables(&self) -> Vec<engine::VariableView> {
        match &self.replay {
            // With its path, so each change is named by the step that made it.
            Some(r) => r
                .recording
                .state_at(r.at)
                .map(|state| engine::variables(self.story, &state))
                .unwrap_or_default(),
            None => self.session.variables(),
        }
    }

    /// The variables panel laid out for this size.
    #[must_use]
    pub fn variable_rows(&self) -> Vec<layout::VariableRow> {
        let width = layout::column(layout::body(self.area())).width;
        layout::variable_rows(&self.variables(), width)
    }

    /// Rows of the journal or help visible at this size.
    #[must_use]
    pub fn list_height(&self) -> usize {
        layout::list_height(self.area())
    }

    pub(crate) fn flash(&mut self, text: impl Into<String>) {
        self.notice = Some(text.into());
    }

    pub(crate) fn save_profile(&self) -> Command {
        Command::SaveProfile(Box::new(self.session.profile.clone()))
    }

    pub(crate) fn autosave(&self) -> Option<Command> {
        let state = self.session.state()?;
        Some(Command::Autosave(Box::new(state.clone())))
    }

    /// The session's effects as commands for the run loop, and the notice to show.
    /// A story bug (an expression that divided by zero) is shown at once: play has
    /// gone on, but the player should know why a number may look wrong, and the
    /// author reading a bug report needs the words.
    fn carry_out(&mut self, effects: Vec<Effect>) -> (Vec<Command>, Option<Notice>) {
        let mut commands = Vec::new();
        let mut notice = None;
        let mut bugs = Vec::new();
        for effect in effects {
            match effect {
                Effect::StartClock(played) => commands.push(Command::StartClock(played)),
                Effect::SaveProfile => commands.push(self.save_profile()),
                Effect::Autosave => commands.extend(self.autosave()),
                Effect::Notice(n) => notice = Some(n),
                Effect::StoryBug(bug) => bugs.push(bug),
            }
        }
        if !bugs.is_empty() {
            self.flash(story_bug_notice(&bugs));
        }
        (commands, notice)
    }

    /// Shows the session's game, then hands back its effects as commands.
    pub(crate) fn show_session(
        &mut self,
        mut effects: Vec<Effect>,
        card: bool,
        typewriter: bool,
    ) -> Result<(Vec<Command>, Option<Notice>), String> {
        let state = self.session.state().cloned().ok_or("no game")?;
        self.enter(state, card, typewriter)?;
        if self.date_new_ending() && !effects.contains(&Effect::SaveProfile) {
            effects.push(Effect::SaveProfile);
        }
        Ok(self.carry_out(effects))
    }

    /// Dates an ending the session has just recorded: the time of the last save
    /// listing, which the autosave at every scene keeps at most one scene old (the
    /// model reads no clock). Whether it dated one.
    fn date_new_ending(&mut self) -> bool {
        let Some(id) = self.game.as_ref().and_then(|g| g.scene.ending.as_ref()) else {
            return false;
        };
        let when = self
            .slots_at
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| d.as_secs());
        match self.session.profile.endings_record.get_mut(&id.id) {
            Some(record) if record.first_found.is_none() && when.is_some() => {
                record.first_found = when;
                true
            }
            _ => false,
        }
    }

    /// Whether a game of the player's own is in progress (not a replay).
    pub(crate) fn playing(&self) -> bool {
        self.stack.first() == Some(&Screen::Play) && self.game.is_some()
    }

    /// Marks the paragraphs of the scene on screen as read (the player is leaving it);
    /// whether any were new.
    pub(crate) fn mark_read(&mut self) -> bool {
        let Some(game) = &self.game else { return false };
        let mut new = false;
        for (id, ..) in game.read_ranges() {
            new |= self.session.profile.read_text.insert(id);
        }
        new
    }

    /// Shows `state` as the game in play.
    pub(crate) fn enter(
        &mut self,
        state: GameState,
        card: bool,
        typewriter: bool,
    ) -> Result<(), String> {
        let mut game = Game::new(self.story, state).map_err(|e| e.to_string())?;
        game.card = card;
        if typewriter && self.reveal_step().is_some() {
            if !self.session.profile.settings.retype_read_text {
                game.read = game
                    .read_ranges()
                    .into_iter()
                    .filter(|(id, ..)| self.session.profile.read_text.contains(id))
                    .map(|(_, start, end)| (start, end))
                    .collect();
            }
            game.revealed = game.skip_read(0);
        }
        self.game = Some(game);
        self.stack = vec![Screen::Play];
        Ok(())
    }

    pub(crate) fn new_game(&mut self) -> Vec<Command> {
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

    pub(crate) fn choose(&mut self, index: usize) -> Vec<Command> {
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
        let read = self.mark_read();
        match self.session.choose(&id) {
            Ok(mut effects) => {
                if read && !effects.contains(&Effect::SaveProfile) {
                    let at = effects
                        .iter()
                        .position(|e| *e == Effect::Autosave)
                        .unwrap_or(effects.len());
                    effects.insert(at, Effect::SaveProfile);
                }
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

    pub(crate) fn undo(&mut self) -> Vec<Command> {
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

    pub(crate) fn show_replay_step(&mut self) {
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

    pub(crate) fn build_journal(&mut self) {
        self.journal = self.session.journal();
        self.journal_at = self
            .journal
            .iter()
            .rposition(|e| matches!(e, JournalEntry::Scene { .. }))
            .unwrap_or(0);
    }

    /// Keeps the prose scrolled no further than its end. The typewriter never scrolls:
    /// it stops where the first page ends (see [`layout::first_page_end`]).
    pub(crate) fn fit_scroll(&mut self) {
        let area = self.area();
        let Some(game) = &mut self.game else { return };
        let layout = play_layout(game, area);
        let height = usize::from(layout.prose.height);
        let lines = game.lines(usize::from(layout.prose.width));
        game.scroll = game.scroll.min(lines.len().saturating_sub(height));
    }

    pub(crate) fn scroll_by(&mut self, delta: isize) {
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

    pub(crate) fn prose_page(&self) -> isize {
        self.game.as_ref().map_or(1, |g| {
            let h = play_layout(g, self.area()).prose.height;
            isize::try_from(h.saturating_sub(1).max(1)).unwrap_or(1)
        })
    }

    pub(crate) fn move_choice(&mut self, down: bool) {
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

    /// Leaves the game for the title. After an ending the cursor rests on New game:
    /// Continue would only reopen the ending just finished.
    pub(crate) fn back_to_title(&mut self) {
        let ended = self.game.as_ref().is_some_and(|g| g.state.is_over());
        self.stack = vec![Screen::Title];
        self.game = None;
        self.session.end();
        self.menu = if self.latest.is_some() && !ended {
            MenuItem::Continue
        } else {
            MenuItem::NewGame
        };
    }

    pub(crate) fn pop(&mut self) {
        if self.stack.len() > 1 {
            self.stack.pop();
        }
    }
}

/// How the TUI words the session's story bugs: the first, and how many more.
fn story_bug_notice(bugs: &[String]) -> String {
    let more = match bugs.len() {
        0 | 1 => String::new(),
        n => format!(" (and {} more)", n - 1),
    };
    format!(
        "A bug in the story, not your doing: {}{more}. Please tell its author.",
        bugs.first().map_or("", String::as_str)
    )
}

pub(crate) fn slot_name(slot: &str) -> String {
    match slot {
        AUTO_SLOT => "the autosave".to_owned(),
        PREVIOUS_AUTO_SLOT => "the previous autosave".to_owned(),
        QUICK_SLOT => "the quick slot".to_owned(),
        s => format!("slot {s}"),
    }
}

pub(crate) fn cycle<T: Copy + PartialEq>(all: &[T], now: T, forward: bool) -> T {
    let i = all.iter().position(|x| *x == now).unwrap_or(0);
    let n = all.len();
    all[if forward {
        (i + 1) % n
    } else {
        (i + n - 1) % n
    }]
}

/// `s` with its first letter in upper case.
pub(crate) fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}
