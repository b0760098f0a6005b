//! The player's profile: endings found, scenes seen and settings, across all games.
//!
//! Loading never fails, because a broken profile must not stop anyone playing: a
//! missing file is the default profile, and so is a damaged one, which stays untouched
//! on disk. Only when something changes is the profile written, and a damaged file is
//! first set aside as `profile.ron.damaged-<time>` so nothing is ever silently lost.
//! Every field defaults, so profiles written by older or newer versions still load.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::store::read_bounded;
use super::{SaveError, SaveStore};
use crate::engine::GameState;

/// The profile's file name without `.ron`; no slot may take it.
pub(super) const PROFILE_STEM: &str = "profile";

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

fn parse(bytes: &[u8]) -> Option<Profile> {
    let text = std::str::from_utf8(bytes).ok()?;
    ron::Options::default().from_str(text).ok()
}

/// `profile.ron.damaged-<seconds>`, with a counter if that exists already.
fn aside_name(path: &Path) -> PathBuf {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let base = format!("{PROFILE_STEM}.ron.damaged-{secs}");
    let mut candidate = path.with_file_name(&base);
    let mut n = 1;
    while candidate.exists() || candidate.is_symlink() {
        n += 1;
        candidate = path.with_file_name(format!("{base}-{n}"));
    }
    candidate
}

impl SaveStore {
    /// The profile file.
    #[must_use]
    pub fn profile_path(&self) -> PathBuf {
        self.dir().join(format!("{PROFILE_STEM}.ron"))
    }

    /// The profile; the default when it is missing or damaged (a damaged file is left
    /// as it is). Never fails.
    #[must_use]
    pub fn load_profile(&self) -> Profile {
        read_bounded(&self.profile_path())
            .ok()
            .and_then(|b| parse(&b))
            .unwrap_or_default()
    }

    /// Writes the profile atomically (the previous one kept as `profile.ron.bak`). A
    /// damaged profile file is first renamed to `profile.ron.damaged-<time>`.
    ///
    /// # Errors
    /// A disk error; the old file is then untouched.
    pub fn save_profile(&self, profile: &Profile) -> Result<(), SaveError> {
        let path = self.profile_path();
        match read_bounded(&path) {
            Err(SaveError::NotFound { .. }) => {}
            Ok(bytes) if parse(&bytes).is_some() => {}
            _ => {
                let aside = aside_name(&path);
                fs::rename(&path, &aside).map_err(|source| SaveError::Io {
                    action: "set aside the damaged profile",
                    path: path.clone(),
                    source,
                })?;
            }
        }
        let config = ron::ser::PrettyConfig::new().new_line("\n".to_owned());
        let body = ron::Options::default()
            .to_string_pretty(profile, config)
            .map_err(|e| SaveError::Encode(e.to_string()))?;
        let text = format!("// Butterfly profile: endings found, scenes seen, settings.\n{body}\n");
        self.write_atomic(&path, text.as_bytes())
    }
}
