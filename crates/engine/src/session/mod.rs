//! A playthrough: the one place the rules of "a game in progress" live, for every
//! front end.
//!
//! The terminal interface, the plain player and the replay viewer are thin adapters over
//! a [`Session`]: they turn keys or typed lines into its operations (new game, choose,
//! undo, load, resume, reload) and carry out the [`Effect`]s each returns (restart the
//! play clock, write the autosave, write the profile, tell the player something). The
//! session does no I/O and reads no clock, so every rule here is a plain function call
//! in tests, and both front ends obey the same ones:
//!
//! - **Autosave**: every scene entered is autosaved: the first scene of a new game, each
//!   choice, an undo, a load, a game resumed or taken over. So "continue" always means
//!   the game played last, in both front ends; the save store keeps a different game's
//!   autosave (or the furthest point before an undo) as `auto-previous`, so this never
//!   costs an older game.
//! - **Profile**: every scene entered is recorded; the profile is written only when it
//!   learnt something.
//! - **Endings**: the epilogue, then the afterword and credits, each text trimmed and
//!   dropped when empty ([`pages`]).
//! - **Emphasis**: one parser ([`crate::story::emphasis`]).
//!
//! Also here: the [`journal()`], the plain [`transcript`], a [`Recording`] of a game for
//! the replay viewer, and carrying a game over to an edited story ([`reload`]).

pub mod journal;
pub mod pages;
pub mod profile;
mod recording;
pub mod reload;
pub mod transcript;

use std::time::Duration;

pub use journal::{JournalEntry, journal};
pub use pages::{EndingPages, content_note, ending_pages};
pub use profile::{EndingRecord, Profile, Settings, TextSpeed, ThemeName, paragraph_id};
pub use recording::Recording;
pub use reload::{Opening, ReloadOutcome};

use crate::engine::{self, ChoiceView, EngineError, GameState, Migration, SceneView, UndoError};
use crate::story::Story;

/// Something the front end must do after an operation, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// A game began (or was loaded, resumed, taken over) with this much play time
    /// behind it: restart the play clock from it.
    StartClock(Duration),
    /// The profile learnt something: write [`Session::profile`].
    SaveProfile,
    /// Write the game in progress ([`Session::state`]) to the autosave.
    Autosave,
    /// Tell the player.
    Notice(Notice),
    /// The story has a bug the player cannot help (an expression divided by zero,
    /// see [`engine::Event::DivisionByZero`]): play went on, and this says what
    /// happened, for the author. Front ends show it apart from the story.
    StoryBug(String),
}

/// What the player should be told about a game that was loaded.
#[derive(Debug, Clone, PartialEq)]
pub enum Notice {
    /// The save no longer fits the story: the game resumes after the last step that
    /// still does ([`Migration::notice`] says where, and what it cost).
    Migrated {
        /// Where the game resumes, what was kept and lost, and why.
        migration: Box<Migration>,
        /// Where the save as it was is kept, when the front end kept a copy.
        backup: Option<String>,
    },
    /// The story changed since the save, but the game still replays exactly.
    StoryChanged,
}

/// Why an operation could not be done; the session is unchanged.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SessionError {
    /// No game is in progress (the front end is at its title, say).
    #[error("no game is in progress")]
    NoGame,
    /// The engine refused: the story cannot start, or the choice cannot be taken.
    #[error(transparent)]
    Engine(#[from] EngineError),
    /// Undo is not possible: at the start, or the story changed under the game.
    #[error(transparent)]
    Undo(#[from] UndoError),
}

/// A game read back from a save (decoding and verifying it is the save module's job).
#[derive(Debug, Clone, PartialEq)]
pub struct SavedGame {
    /// The state to play on from.
    pub state: GameState,
    /// Time played before the save.
    pub play_time: Duration,
    /// Where the save stopped fitting the story, if it did, and what that costs
    /// (made by [`engine::migrate`]).
    pub migration: Option<Migration>,
    /// When it did: where the front end kept the save as it was, for the notice.
    pub backup: Option<String>,
    /// The story changed since the save (the replay still held).
    pub story_changed: bool,
}

/// The seed of the game after one begun from `seed`: a session's games differ without
/// reading the clock, and the same first seed always gives the same sequence.
#[must_use]
pub fn next_seed(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A player's session with a story: the profile, and the game in progress if any.
#[derive(Debug, Clone)]
pub struct Session<'s> {
    story: &'s Story,
    /// Endings found, scenes seen and settings. Front ends change settings directly
    /// (and write the profile); discoveries come in through the operations.
    pub profile: Profile,
    game: Option<GameState>,
    next_seed: u64,
}

impl<'s> Session<'s> {
    /// A session with no game yet; `seed` seeds the first new game.
    #[must_use]
    pub fn new(story: &'s Story, profile: Profile, seed: u64) -> Self {
        Self {
            story,
            profile,
            game: None,
            next_seed: seed,
        }
    }

    /// The story played.
    #[must_use]
    pub fn story(&self) -> &'s Story {
        self.story
    }

    /// The game in progress.
    #[must_use]
    pub fn state(&self) -> Option<&GameState> {
        self.game.as_ref()
    }

    /// The current scene of the game in progress, rendered.
    ///
    /// # Errors
    /// With no game, or when the state names a scene the story lacks.
    pub fn scene(&self) -> Result<SceneView, SessionError> {
        let state = self.game.as_ref().ok_or(SessionError::NoGame)?;
        Ok(engine::render(self.story, state)?)
    }

    /// The choices offered now (none with no game or at an ending).
    #[must_use]
    pub fn choices(&self) -> Vec<ChoiceView> {
        self.game
            .as_ref()
            .map(|s| engine::choices(self.story, s))
            .unwrap_or_default()
    }

    /// Every variable with its value and what last changed it (plain `vars`, the TUI's
    /// variables panel); empty with no game.
    #[must_use]
    pub fn variables(&self) -> Vec<engine::VariableView> {
        self.game
            .as_ref()
            .map(|s| engine::variables(self.story, s))
            .unwrap_or_default()
    }

    /// The ending reached, as every front end shows it.
    #[must_use]
    pub fn ending(&self) -> Option<EndingPages> {
        ending_pages(self.story, self.game.as_ref()?)
    }

    /// The history of the game in progress.
    #[must_use]
    pub fn journal(&self) -> Vec<JournalEntry> {
        self.game
            .as_ref()
            .map(|s| journal(self.story, s))
            .unwrap_or_default()
    }

    /// Starts a new game from the session's next seed.
    ///
    /// # Errors
    /// When the story cannot start; the game in progress (if any) is kept.
    pub fn new_game(&mut self) -> Result<Vec<Effect>, SessionError> {
        let seed = self.next_seed;
        self.next_seed = next_seed(seed);
        let (state, _) = engine::start(self.story, seed)?;
        Ok(self.enter(state, Duration::ZERO, None))
    }

    /// Plays on from `state` with `played` behind it: a game begun mid-story
    /// (`play --from`), carried over a reload, or taken over from a replay.
    pub fn resume(&mut self, state: GameState, played: Duration) -> Vec<Effect> {
        self.enter(state, played, None)
    }

    /// Plays on from a game read back from a save.
    pub fn load(&mut self, saved: SavedGame) -> Vec<Effect> {
        let notice = match saved.migration {
            Some(m) => Some(Notice::Migrated {
                migration: Box::new(m),
                backup: saved.backup,
            }),
            None if saved.story_changed => Some(Notice::StoryChanged),
            None => None,
        };
        self.enter(saved.state, saved.play_time, notice)
    }

    /// Takes the enabled choice `id`.
    ///
    /// # Errors
    /// With no game, or when the choice cannot be taken; the game is then unchanged.
    pub fn choose(&mut self, id: &str) -> Result<Vec<Effect>, SessionError> {
        let state = self.game.as_mut().ok_or(SessionError::NoGame)?;
        let mut next = state.clone();
        let events = engine::choose(self.story, &mut next, id)?;
        *state = next;
        let bugs = events.into_iter().filter_map(|e| match e {
            engine::Event::DivisionByZero { scene, expression } => Some(Effect::StoryBug(format!(
                "`{expression}` divided by zero in scene `{scene}`; play goes on with the value saturated"
            ))),
            _ => None,
        });
        let mut effects: Vec<Effect> = bugs.collect();
        effects.extend(self.entered());
        Ok(effects)
    }

    /// Takes back the last choice.
    ///
    /// # Errors
    /// With no game, at the start, or when the path no longer replays.
    pub fn undo(&mut self) -> Result<Vec<Effect>, SessionError> {
        let state = self.game.as_ref().ok_or(SessionError::NoGame)?;
        let earlier = engine::undo(self.story, state)?;
        self.game = Some(earlier);
        Ok(self.entered())
    }

    /// The game in progress carried over to `new_story` (an edited version of this
    /// one), begun as `opening` says; `None` with no game. The front end makes a new
    /// session over the new story and resumes the outcome's state in it.
    #[must_use]
    pub fn reload(&self, new_story: &Story, opening: &Opening) -> Option<ReloadOutcome> {
        Some(reload::reload_from(new_story, self.game.as_ref()?, opening))
    }

    /// Ends the game in progress (back to the title); the profile stays.
    pub fn end(&mut self) {
        self.game = None;
    }

    fn enter(&mut self, state: GameState, played: Duration, notice: Option<Notice>) -> Vec<Effect> {
        self.game = Some(state);
        let mut effects = vec![Effect::StartClock(played)];
        effects.extend(notice.map(Effect::Notice));
        effects.extend(self.entered());
        effects
    }

    /// The rule for every scene entered: record it in the profile (an ending reached
    /// for the first time with its epilogue as shown, for the endings gallery), then
    /// autosave.
    fn entered(&mut self) -> Vec<Effect> {
        let mut effects = Vec::new();
        if let Some(state) = &self.game {
            let mut learnt = self.profile.record(state);
            if let Some(ending) = ending_pages(self.story, state)
                && !self.profile.endings_record.contains_key(&ending.id)
            {
                let record = EndingRecord {
                    first_found: None,
                    epilogue: ending.epilogue,
                };
                self.profile.endings_record.insert(ending.id, record);
                learnt = true;
            }
            if learnt {
                effects.push(Effect::SaveProfile);
            }
        }
        if self.game.is_some() {
            effects.push(Effect::Autosave);
        }
        effects
    }
}
