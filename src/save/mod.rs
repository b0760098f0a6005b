//! STUB for the `tui` branch only: the saves engineer's real `crate::save` replaces this
//! file wholesale. It offers exactly the agreed API, backed by the simplest thing that
//! works (one RON file per slot holding seed and path, replayed on load), so the TUI can be played and
//! tested end to end before the real module lands.

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

use crate::engine::{self, GameState};
use crate::story::Story;

/// The slot written by the quick-save key.
pub const QUICK_SLOT: &str = "quick";
/// The slot written automatically on every scene and on quit.
pub const AUTO_SLOT: &str = "auto";

/// Where saves and the profile live.
#[derive(Debug, Clone)]
pub struct SaveStore {
    dir: PathBuf,
}

/// What a slot holds, for slot lists (read without replaying the game).
#[derive(Debug, Clone, PartialEq)]
pub struct SlotInfo {
    /// The slot name.
    pub slot: String,
    /// Where the save was made.
    pub label: Option<SaveLabel>,
    /// When it was written.
    pub saved_at: Option<SystemTime>,
    /// Time played.
    pub play_time: Option<Duration>,
    /// Choices made.
    pub steps: Option<usize>,
    /// Why the slot cannot be loaded, if it cannot.
    pub problem: Option<String>,
}

/// Where a save was made, as the player reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaveLabel {
    /// Chapter title.
    pub chapter: String,
    /// Date label.
    pub date: String,
    /// Place label.
    pub place: String,
}

/// A loaded game.
#[derive(Debug, Clone)]
pub struct LoadedSave {
    /// The state to resume.
    pub state: GameState,
    /// Set when the story changed and the path was cut short.
    pub divergence: Option<engine::Divergence>,
    /// Time played so far.
    pub play_time: Duration,
}

/// Why a save could not be written or read.
#[derive(Debug)]
#[non_exhaustive]
pub enum SaveError {
    /// Reading or writing failed.
    Io(std::io::Error),
    /// The file is not a save.
    Corrupt(String),
    /// The slot is empty.
    Missing(String),
}

impl fmt::Display for SaveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SaveError::Io(e) => write!(f, "{e}"),
            SaveError::Corrupt(why) => write!(f, "the save is damaged: {why}"),
            SaveError::Missing(slot) => write!(f, "slot {slot} is empty"),
        }
    }
}

impl std::error::Error for SaveError {}

impl From<std::io::Error> for SaveError {
    fn from(e: std::io::Error) -> Self {
        SaveError::Io(e)
    }
}

/// What persists across games.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    /// Ending ids reached in any game.
    pub endings_found: BTreeSet<String>,
    /// Scene ids entered in any game.
    pub scenes_seen: BTreeSet<String>,
    /// Player settings.
    pub settings: Settings,
}

/// Player settings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// Typewriter speed.
    pub text_speed: TextSpeed,
    /// Colour theme.
    pub theme: ThemeName,
    /// Whether the content note has been shown once.
    pub content_note_seen: bool,
}

/// Typewriter speed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum TextSpeed {
    /// Slow.
    Slow,
    /// Normal.
    #[default]
    Normal,
    /// Fast.
    Fast,
    /// No animation.
    Instant,
}

/// Colour theme.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ThemeName {
    /// Terminal colours with accents.
    #[default]
    Default,
    /// Warm paper tones.
    Sepia,
    /// No colour at all.
    Monochrome,
}

#[derive(Serialize, Deserialize)]
struct File {
    story: String,
    label: SaveLabel,
    saved_at: u64,
    play_time: u64,
    seed: u64,
    path: Vec<engine::Step>,
}

impl SaveStore {
    /// A store in `dir` (created on first write).
    #[must_use]
    pub fn new(dir: PathBuf) -> Self {
        Self { dir }
    }

    /// The saves directory: the flag, else `$BUTTERFLY_SAVES`, else the platform's data dir.
    #[must_use]
    pub fn resolve_dir(flag: Option<&Path>) -> PathBuf {
        if let Some(f) = flag {
            return f.to_owned();
        }
        if let Some(env) = std::env::var_os("BUTTERFLY_SAVES").filter(|v| !v.is_empty()) {
            return PathBuf::from(env);
        }
        directories::ProjectDirs::from("", "", "butterfly")
            .map_or_else(|| PathBuf::from("saves"), |d| d.data_dir().join("saves"))
    }

    /// The directory.
    #[must_use]
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, slot: &str) -> PathBuf {
        self.dir.join(format!("{slot}.ron"))
    }

    fn write(&self, path: &Path, text: &str) -> Result<(), SaveError> {
        std::fs::create_dir_all(&self.dir)?;
        let tmp = path.with_extension("ron.tmp");
        std::fs::write(&tmp, text)?;
        std::fs::rename(&tmp, path)?;
        Ok(())
    }

    /// Saves a game to `slot`.
    pub fn save(
        &self,
        slot: &str,
        story: &Story,
        state: &GameState,
        play_time: Duration,
    ) -> Result<(), SaveError> {
        let view = engine::render(story, state).map_err(|e| SaveError::Corrupt(e.to_string()))?;
        let file = File {
            story: story.id.clone(),
            label: SaveLabel {
                chapter: view.chapter,
                date: view.date,
                place: view.place,
            },
            saved_at: SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs()),
            play_time: play_time.as_secs(),
            seed: state.seed,
            path: state.path.clone(),
        };
        let text = ron::to_string(&file).map_err(|e| SaveError::Corrupt(e.to_string()))?;
        self.write(&self.path(slot), &text)
    }

    fn read(&self, slot: &str) -> Result<File, SaveError> {
        let text = std::fs::read_to_string(self.path(slot)).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                SaveError::Missing(slot.to_owned())
            } else {
                SaveError::Io(e)
            }
        })?;
        ron::from_str(&text).map_err(|e| SaveError::Corrupt(e.to_string()))
    }

    /// Loads `slot`, replaying its path against `story`.
    pub fn load(&self, slot: &str, story: &Story) -> Result<LoadedSave, SaveError> {
        let file = self.read(slot)?;
        let (state, divergence) = match engine::replay(story, file.seed, &file.path) {
            Ok(s) => (s, None),
            Err(d) => (*d.last_good.clone(), Some(d)),
        };
        Ok(LoadedSave {
            state,
            divergence,
            play_time: Duration::from_secs(file.play_time),
        })
    }

    /// Every slot that has a file.
    #[must_use]
    pub fn list(&self) -> Vec<SlotInfo> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let mut names: Vec<String> = entries
            .flatten()
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                name.strip_suffix(".ron").map(str::to_owned)
            })
            .filter(|n| n != "profile")
            .collect();
        names.sort();
        names
            .into_iter()
            .map(|slot| match self.read(&slot) {
                Ok(f) => SlotInfo {
                    slot,
                    label: Some(f.label),
                    saved_at: Some(SystemTime::UNIX_EPOCH + Duration::from_secs(f.saved_at)),
                    play_time: Some(Duration::from_secs(f.play_time)),
                    steps: Some(f.path.len()),
                    problem: None,
                },
                Err(e) => SlotInfo {
                    slot,
                    label: None,
                    saved_at: None,
                    play_time: None,
                    steps: None,
                    problem: Some(e.to_string()),
                },
            })
            .collect()
    }

    /// The most recently written loadable slot.
    #[must_use]
    pub fn latest(&self) -> Option<SlotInfo> {
        self.list()
            .into_iter()
            .filter(|s| s.problem.is_none())
            .max_by_key(|s| s.saved_at)
    }

    /// The profile, or a fresh one.
    #[must_use]
    pub fn load_profile(&self) -> Profile {
        std::fs::read_to_string(self.dir.join("profile.ron"))
            .ok()
            .and_then(|t| ron::from_str(&t).ok())
            .unwrap_or_default()
    }

    /// Writes the profile.
    pub fn save_profile(&self, profile: &Profile) -> Result<(), SaveError> {
        let text = ron::to_string(profile).map_err(|e| SaveError::Corrupt(e.to_string()))?;
        self.write(&self.dir.join("profile.ron"), &text)
    }
}
