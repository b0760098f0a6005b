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

use super::store::{PROFILE_STEM, read_bounded_to};
use super::{SaveError, SaveStore};
use crate::limits::MAX_PROFILE_BYTES;
use crate::story::l10n::is_language_tag;

fn encode(profile: &Profile) -> Result<String, SaveError> {
    let config = ron::ser::PrettyConfig::new().new_line("\n".to_owned());
    let body = ron::Options::default()
        .to_string_pretty(profile, config)
        .map_err(|e| SaveError::Encode(e.to_string()))?;
    Ok(format!(
        "// Butterfly profile: endings found, scenes seen, settings.\n{body}\n"
    ))
}

/// Bytes one id takes in the written profile: quotes, comma, newline, indentation, and
/// room for escapes of characters RON may write as `\u{..}`.
fn written_len(id: &str) -> u64 {
    (id.len() + 16 + 8 * id.chars().filter(|c| !c.is_ascii()).count()) as u64
}

/// The profile as written: under [`MAX_PROFILE_BYTES`] whatever the story, so it is
/// always read back. Endings found are kept (a story has at most
/// [`MAX_ENDINGS`](crate::limits::MAX_ENDINGS), which always fit); scenes seen, which
/// only mark scenes as familiar, are cut to the budget left, in id order.
fn bounded(profile: &Profile) -> std::borrow::Cow<'_, Profile> {
    // A language setting is a short tag (the game only ever writes one); anything else
    // came from a hand-edited file and is dropped, so the settings stay within the room
    // kept for them.
    if profile
        .settings
        .language
        .as_ref()
        .is_some_and(|l| !is_language_tag(l))
    {
        let mut tidy = profile.clone();
        tidy.settings.language = None;
        return std::borrow::Cow::Owned(bounded(&tidy).into_owned());
    }
    // Room left for the settings and the comment line.
    let budget = MAX_PROFILE_BYTES - 64 * 1024;
    let endings: u64 = profile.endings_found.iter().map(|e| written_len(e)).sum();
    let mut left = budget.saturating_sub(endings);
    let mut keep = 0;
    for s in &profile.scenes_seen {
        let cost = written_len(s);
        if cost > left {
            break;
        }
        left -= cost;
        keep += 1;
    }
    if keep == profile.scenes_seen.len() {
        return std::borrow::Cow::Borrowed(profile);
    }
    let mut trimmed = profile.clone();
    trimmed.scenes_seen = profile.scenes_seen.iter().take(keep).cloned().collect();
    std::borrow::Cow::Owned(trimmed)
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
        read_bounded_to(&self.profile_path(), MAX_PROFILE_BYTES)
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
        match read_bounded_to(&path, MAX_PROFILE_BYTES) {
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
        let text = encode(&bounded(profile))?;
        self.write_atomic(&path, text.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 18: the language setting reads and writes in both directions: a profile
    /// from before it has no language, and one from a newer build (with a setting this
    /// one does not know) still loads, language and all.
    #[test]
    fn the_language_setting_is_readable_by_older_and_newer_builds() {
        let older = "(settings: (text_speed: Fast, auto_advance: true))";
        let p = parse(older.as_bytes()).expect("an older profile loads");
        assert_eq!(p.settings.language, None);
        assert_eq!(p.settings.text_speed, TextSpeed::Fast);

        let newer = r#"(settings: (language: Some("fr"), a_setting_from_later: 3))"#;
        let p = parse(newer.as_bytes()).expect("a newer profile loads");
        assert_eq!(p.settings.language.as_deref(), Some("fr"));

        let mut p = Profile::default();
        p.settings.language = Some("pt-BR".to_owned());
        let text = encode(&bounded(&p)).unwrap();
        assert!(text.contains("language: Some(\"pt-BR\")"), "{text}");
        assert_eq!(parse(text.as_bytes()), Some(p));

        // A hand-edited setting that is no tag is not written back.
        let mut p = Profile::default();
        p.settings.language = Some("x".repeat(100_000));
        let text = encode(&bounded(&p)).unwrap();
        assert!(text.len() < 1000, "{} bytes", text.len());
        assert_eq!(parse(text.as_bytes()).unwrap().settings.language, None);
    }
}
