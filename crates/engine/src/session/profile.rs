//! The player's profile: endings found, scenes seen and settings, across all games.
//!
//! Pure data: the session adds what a game discovers ([`Profile::record`]) and says
//! when it is worth writing; reading and writing the file is the save store's job
//! (`src/save/profile.rs`). Every field defaults, so profiles written by older or newer
//! versions still load.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::engine::GameState;

/// What the player has discovered, and how they like to play.
#[derive(Default, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Profile {
    /// Ids of endings reached in any game.
    pub endings_found: BTreeSet<String>,
    /// Ids of scenes entered in any game.
    pub scenes_seen: BTreeSet<String>,
    /// Settings.
    pub settings: Settings,
}

/// Player settings.
#[derive(Default, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// How fast text appears.
    pub text_speed: TextSpeed,
    /// The colour theme.
    pub theme: ThemeName,
    /// Whether the content note was shown once already.
    pub content_note_seen: bool,
}

/// How fast text appears in the terminal interface.
#[derive(Default, Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TextSpeed {
    /// Slowly, letter by letter.
    Slow,
    /// The default pace.
    #[default]
    Normal,
    /// Quickly.
    Fast,
    /// All at once.
    Instant,
}

/// A colour theme.
#[derive(Default, Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ThemeName {
    /// The game's own colours.
    #[default]
    Default,
    /// Warm, paper-like.
    Sepia,
    /// No colour at all.
    Monochrome,
}

impl Profile {
    /// Adds the scenes `state` visited and the ending it reached; true if anything
    /// was new (and the profile is worth writing).
    pub fn record(&mut self, state: &GameState) -> bool {
        let mut changed = false;
        for scene in state.visits.keys() {
            if !self.scenes_seen.contains(scene) {
                self.scenes_seen.insert(scene.clone());
                changed = true;
            }
        }
        if let Some(ending) = &state.ending {
            changed |= self.endings_found.insert(ending.clone());
        }
        changed
    }
}
