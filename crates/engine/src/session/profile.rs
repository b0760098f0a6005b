//! The player's profile: endings found, scenes seen and settings, across all games.
//!
//! Pure data: the session adds what a game discovers ([`Profile::record`]) and says
//! when it is worth writing; reading and writing the file is the save store's job
//! (`src/save/profile.rs`). Every field defaults, so profiles written by older or newer
//! versions still load.

use std::collections::{BTreeMap, BTreeSet};

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
    /// For the endings gallery: when each ending was first found, and its epilogue as
    /// it read then (epilogues depend on the game, so they are kept as shown).
    pub endings_record: BTreeMap<String, EndingRecord>,
    /// Paragraphs shown whole in any game, by [`paragraph_id`]: shown at once next
    /// time instead of typed out again.
    pub read_text: BTreeSet<u64>,
    /// Settings.
    pub settings: Settings,
}

/// A paragraph's id for [`Profile::read_text`]: FNV-1a over the scene id, the
/// paragraph's place in the scene and its text as shown. Stable across runs and
/// versions (unlike the standard library's hasher), and a paragraph whose variant or
/// conditional text differs counts as unread.
#[must_use]
pub fn paragraph_id(scene: &str, index: usize, text: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let index = u64::try_from(index).unwrap_or(u64::MAX).to_le_bytes();
    let parts: [&[u8]; 5] = [scene.as_bytes(), &[0], &index, &[0], text.as_bytes()];
    for byte in parts.into_iter().flatten() {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// An ending as first found, for the gallery.
#[derive(Default, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EndingRecord {
    /// When, in seconds since 1970 (UTC); `None` when not known.
    pub first_found: Option<u64>,
    /// The epilogue's paragraphs as they were shown.
    pub epilogue: Vec<String>,
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
    /// Type out again text read in an earlier game (off: it is shown at once).
    pub retype_read_text: bool,
    /// Scenes whose only way on is Continue go on by themselves once read.
    pub auto_advance: bool,
    /// The language the story is played in, as a tag (`fr`); `None`: the story's own.
    /// A tag the game has no translation for is ignored (the story's own language).
    /// Older versions ignore the field; profiles without it read as `None`.
    pub language: Option<String>,
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
        let layout = state.layout();
        for (i, _) in state.visited() {
            let scene = layout.scene_id(i);
            if !self.scenes_seen.contains(scene) {
                self.scenes_seen.insert(scene.to_owned());
                changed = true;
            }
        }
        if let Some(ending) = &state.ending {
            changed |= self.endings_found.insert(ending.clone());
        }
        changed
    }
}
