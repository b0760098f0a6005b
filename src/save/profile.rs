//! The player's profile on disk. The profile itself (endings found, scenes seen,
//! settings) is pure data owned by the session layer ([`Profile`]); this file reads and
//! writes it.
//!
//! Loading never fails, because a broken profile must not stop anyone playing: a
//! missing file is the default profile, and so is a damaged one, which stays untouched
//! on disk. Only when something changes is the profile written, and a damaged file is
//! first set aside as `profile.ron.damaged-<time>` so nothing is ever silently lost.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

pub use butterfly_engine::session::profile::{
    EndingRecord, Profile, Settings, TextSpeed, ThemeName, paragraph_id,
};

use super::store::{PROFILE_STEM, read_bounded};
use super::{SaveError, SaveStore};

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
