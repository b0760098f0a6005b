//! Saves that never lose a game: versioned, verified by replay, written atomically.
//!
//! A save is a recording (story id, seed, every choice) plus a snapshot to check it
//! against, in human-readable RON ([`mod@format`]). [`SaveStore`] owns a directory of slot
//! files and the profile ([`profile`]): it writes through a temporary file and a rename,
//! keeps the previous version as `<slot>.ron.bak`, never overwrites a file it cannot
//! read, and never modifies a file when loading it.
//!
//! The file format is described for players and modders in docs/saves.md.

pub mod format;
pub mod profile;
mod store;

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

use crate::engine::{Divergence, GameState, Migration};
use crate::session::SavedGame;

pub use format::{FORMAT_VERSION, MAX_SAVE_BYTES, MIN_COMPATIBLE, format_utc};
pub use profile::{EndingRecord, Profile, Settings, TextSpeed, ThemeName, paragraph_id};
pub use store::{MAX_NAME_CHARS, SaveStore, load_file, read_file, validate_slot};

/// The quicksave slot.
pub const QUICK_SLOT: &str = "quick";
/// The slot written whenever a scene is entered.
pub const AUTO_SLOT: &str = "auto";
/// Where the autosave of a *different* game goes before the autosave is replaced, so
/// starting a new game (or undoing and choosing otherwise) never costs the old one.
pub const PREVIOUS_AUTO_SLOT: &str = "auto-previous";
/// The numbered manual slots the load screen offers.
pub const MANUAL_SLOTS: [&str; 9] = ["1", "2", "3", "4", "5", "6", "7", "8", "9"];

/// Where a save was made, for the load screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SaveLabel {
    /// Chapter title.
    pub chapter: String,
    /// Date label of the scene.
    pub date: String,
    /// Place label of the scene.
    pub place: String,
}

/// One slot file as the load screen lists it; damaged files are listed too.
#[derive(Debug, Clone, PartialEq)]
pub struct SlotInfo {
    /// The slot name (the file name without `.ron`).
    pub slot: String,
    /// Where it was saved (terminal-safe).
    pub label: Option<SaveLabel>,
    /// The player's name for it (terminal-safe), if they gave one.
    pub name: Option<String>,
    /// When it was saved.
    pub saved_at: Option<SystemTime>,
    /// Time played.
    pub play_time: Option<Duration>,
    /// Choices made.
    pub steps: Option<usize>,
    /// `Some` when the file is damaged, foreign or unreadable: a short reason.
    pub problem: Option<String>,
}

/// A save read back and verified.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedSave {
    /// The state to play on from: the replayed state, or the one after the last good
    /// step when the save diverged.
    pub state: GameState,
    /// Where the recording stopped matching the story, if it did.
    pub divergence: Option<Divergence>,
    /// When it did: where the game resumes and how many choices were lost, with the
    /// sentence to tell the player ([`Migration::notice`]).
    pub migration: Option<Migration>,
    /// When it did and the game was loaded to play on
    /// ([`SaveStore::load_to_play`]): the copy of the file as it was,
    /// `<slot>.ron.pre-update`.
    pub backup: Option<PathBuf>,
    /// Time played before this save.
    pub play_time: Duration,
    /// True when the story's content changed since the save (the replay still held).
    pub story_changed: bool,
    /// Where it was saved (terminal-safe).
    pub label: SaveLabel,
    /// When it was saved.
    pub saved_at: SystemTime,
}

impl LoadedSave {
    /// The game to hand to the session ([`crate::session::Session::load`]).
    #[must_use]
    pub fn into_game(self) -> SavedGame {
        SavedGame {
            state: self.state,
            play_time: self.play_time,
            migration: self.migration,
            backup: self.backup.map(|b| b.display().to_string()),
            story_changed: self.story_changed,
        }
    }
}

/// Why a save or the profile could not be read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SaveError {
    /// The slot name has characters other than letters, digits, `-` and `_`.
    #[error("`{slot}` is not a valid slot name: {reason}")]
    InvalidSlot {
        /// The name as given (terminal-safe).
        slot: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// No file there.
    #[error("there is no save `{}`", path.display())]
    NotFound {
        /// The file looked for.
        path: PathBuf,
    },
    /// Bigger than any save could be; refused before reading it all.
    #[error("`{}` is {size} bytes, more than a save may be ({limit}); it was not read", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size (at least).
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// Not a save this game can parse.
    #[error("`{}` is damaged and cannot be read: {detail}", path.display())]
    Damaged {
        /// The file.
        path: PathBuf,
        /// What the parser said (terminal-safe).
        detail: String,
    },
    /// A save of another story.
    #[error("`{}` is a save of another story (`{found}`), not of `{expected}`", path.display())]
    ForeignStory {
        /// The file.
        path: PathBuf,
        /// The story id it names (terminal-safe).
        found: String,
        /// This story's id.
        expected: String,
    },
    /// Written by a newer version of the game.
    #[error("`{}` was made by a newer Butterfly (save format {found}; this one reads up to {supported}): update the game to load it", path.display())]
    FutureVersion {
        /// The file.
        path: PathBuf,
        /// Its format version.
        found: u32,
        /// The newest version this build reads.
        supported: u32,
    },
    /// Older than the oldest format this build reads.
    #[error("`{}` uses save format {found}, which this version of Butterfly no longer reads (oldest: {minimum})", path.display())]
    TooOld {
        /// The file.
        path: PathBuf,
        /// Its format version.
        found: u32,
        /// The oldest version this build reads.
        minimum: u32,
    },
    /// Saving would replace a file the game cannot read (damaged, foreign, newer).
    #[error("`{}` holds something this game cannot read ({problem}), so it will not be overwritten: move it away or save to another slot", path.display())]
    WontOverwrite {
        /// The file.
        path: PathBuf,
        /// Why it is not a save this game may replace.
        problem: String,
    },
    /// The recording cannot even begin in this story.
    #[error("`{}` cannot be replayed in this story: {divergence}", path.display())]
    Unplayable {
        /// The file.
        path: PathBuf,
        /// Where it failed (terminal-safe ids are not guaranteed; sanitise to print).
        divergence: Box<Divergence>,
    },
    /// The disk said no.
    #[error("cannot {action} `{}`: {source}", path.display())]
    Io {
        /// What was being done ("read", "write", ...).
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// Serialising failed, or what was serialised could not be read back (a save
    /// this game could not load is never written).
    #[error("cannot encode the save: {0}")]
    Encode(String),
}

impl SaveError {
    /// A short reason without the path, for a slot list.
    #[must_use]
    pub fn problem(&self) -> String {
        match self {
            SaveError::InvalidSlot { reason, .. } => format!("invalid name: {reason}"),
            SaveError::NotFound { .. } => "missing".to_owned(),
            SaveError::TooLarge { size, .. } => format!("too large ({size} bytes)"),
            SaveError::Damaged { detail, .. } => format!("damaged: {detail}"),
            SaveError::ForeignStory { found, .. } => format!("a save of another story (`{found}`)"),
            SaveError::FutureVersion { found, .. } => {
                format!("made by a newer Butterfly (format {found})")
            }
            SaveError::TooOld { found, .. } => format!("too old (format {found})"),
            SaveError::WontOverwrite { problem, .. } => problem.clone(),
            SaveError::Unplayable { divergence, .. } => format!("cannot be replayed: {divergence}"),
            SaveError::Io { action, source, .. } => format!("cannot {action}: {source}"),
            SaveError::Encode(e) => e.clone(),
        }
    }
}
