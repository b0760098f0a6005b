//! Translation files: a story's lines as gettext PO (`story/l10n/LANG.po`), read back as
//! the plain map the engine translates with ([`crate::story::l10n`]).
//!
//! PO because translators already have the tools (Poedit, Weblate, Lokalize) and they
//! show context, source and translation side by side. Each entry is one line:
//! `msgctxt` is its stable id, `msgid` the source as it was when extracted, `msgstr`
//! the translation, and an extracted comment `#. hash: …` the source's hash, so `check
//! --lang` can tell a translation made from an older source (**stale**). Extracting
//! again keeps every translation: new lines are added, and a line whose source changed
//! gets the new source and hash with its old translation marked `fuzzy` (as gettext's
//! `msgmerge` does) — stale until the translator confirms it by removing the flag.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use polib::catalog::Catalog;
use polib::message::{CatalogMessageMutView, Message, MessageFlags, MessageView};
use polib::metadata::CatalogMetadata;

use crate::story::Story;
use crate::story::l10n::{self, Translated, Translation};

/// Where the translation into `lang` of the story in `dir` lives.
#[must_use]
pub fn po_path(dir: &Path, lang: &str) -> PathBuf {
    dir.join("l10n").join(format!("{lang}.po"))
}

/// Whether `lang` is a plausible language tag (`fr`, `pt-BR`, `zh_Hant`): it becomes
/// a file name, so nothing else is accepted ([`l10n::is_language_tag`]).
#[must_use]
pub fn valid_lang(lang: &str) -> bool {
    l10n::is_language_tag(lang)
}

const HASH_PREFIX: &str = "hash: ";

/// Reads a PO file as a translation.
///
/// # Errors
/// The file cannot be read or is not PO.
pub fn read(path: &Path) -> Result<Translation, String> {
    let catalog = polib::po_file::parse(path)
        .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    Ok(from_catalog(&catalog))
}

/// Reads PO text (a translation built into the game) as a translation.
///
/// # Errors
/// The text is not PO.
pub fn parse(text: &str) -> Result<Translation, String> {
    let catalog = polib::po_file::parse_from_reader(text.as_bytes())
        .map_err(|e| format!("cannot read a built-in translation: {e}"))?;
    Ok(from_catalog(&catalog))
}

/// The tag of the language stories are written in: `--lang en` plays the story
/// untranslated (unless the story has a translation of that name), and the settings
/// call its own language by this tag's name.
pub const SOURCE_LANGUAGE: &str = "en";

/// Whether `lang` means the story as written: the source language's tag, when the
/// story has no translation by that name.
#[must_use]
pub fn is_source(dir: Option<&Path>, lang: &str) -> bool {
    lang == SOURCE_LANGUAGE && !languages(dir).iter().any(|l| l == lang)
}

/// Most languages listed from one folder: a story has a handful of translations, and
/// a folder of thousands of files must not make the settings screen a scroll.
const MAX_LANGUAGES: usize = 64;

/// The languages a story can be played in besides its own, sorted: the translations in
/// `DIR/l10n/` for a story played from `DIR`, else those built into the game. Only
/// regular files named `LANG.po` with a valid tag count (no links, FIFOs or devices,
/// as for story files).
#[must_use]
pub fn languages(dir: Option<&Path>) -> Vec<String> {
    let Some(dir) = dir else {
        return crate::source::embedded_translations()
            .iter()
            .map(|(lang, _)| (*lang).to_owned())
            .collect();
    };
    let mut out: Vec<String> = std::fs::read_dir(dir.join("l10n"))
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let lang = name.strip_suffix(".po")?;
            valid_lang(lang).then(|| lang.to_owned())
        })
        .take(MAX_LANGUAGES)
        .collect();
    out.sort();
    out
}

/// Why a translation could not be had.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    /// The tag is not a language tag (it would name a file).
    #[error("`{0}` is not a language tag (letters, digits, `-` and `_`)")]
    BadTag(String),
    /// There is no such translation.
    #[error("{0}")]
    Missing(String),
    /// The file is not PO.
    #[error("{0}")]
    Unreadable(String),
}

/// The translation into `lang` of the story in `dir` (`DIR/l10n/LANG.po`), or of the
/// built-in story when `dir` is `None`.
///
/// # Errors
/// A bad tag, no such translation, or one that is not PO.
pub fn load(dir: Option<&Path>, lang: &str) -> Result<Translation, LoadError> {
    if !valid_lang(lang) {
        return Err(LoadError::BadTag(crate::sanitize::for_terminal(lang)));
    }
    let missing = |place: String| {
        let have = languages(dir);
        let have = if have.is_empty() {
            "none".to_owned()
        } else {
            have.join(", ")
        };
        LoadError::Missing(format!(
            "there is no translation `{lang}` {place} (available: {have}; make one with `butterfly l10n extract --lang {lang}`)"
        ))
    };
    match dir {
        Some(dir) => {
            let path = po_path(dir, lang);
            let regular = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file());
            if !regular {
                return Err(missing(format!("(`{}`)", path.display())));
            }
            read(&path).map_err(LoadError::Unreadable)
        }
        None => match crate::source::embedded_translations()
            .iter()
            .find(|(l, _)| *l == lang)
        {
            Some((_, text)) => parse(text).map_err(LoadError::Unreadable),
            None => Err(missing("built into the game".to_owned())),
        },
    }
}

/// How a language is called in its own language, for the settings screen: the
/// tag itself for languages this table does not know.
#[must_use]
pub fn language_name(lang: &str) -> String {
    let primary = lang.split(['-', '_']).next().unwrap_or(lang);
    let name = match primary.to_ascii_lowercase().as_str() {
        "en" => "English",
        "fr" => "Français",
        "de" => "Deutsch",
        "es" => "Español",
        "it" => "Italiano",
        "pt" => "Português",
        "nl" => "Nederlands",
        "zh" => "中文",
        "ja" => "日本語",
        _ => return lang.to_owned(),
    };
    if primary == lang {
        name.to_owned()
    } else {
        format!("{name} ({lang})")
    }
}

fn stored_hash(comments: &str) -> &str {
    comments
        .lines()
        .find_map(|l| l.trim().strip_prefix(HASH_PREFIX))
        .unwrap_or_default()
}

fn from_catalog(catalog: &Catalog) -> Translation {
    let mut out = Translation::new();
    for m in catalog.messages() {
        let Some(id) = m.msgctxt() else { continue };
        let hash = stored_hash(m.extracted_comments()).to_owned();
        // A fuzzy entry (its source changed when extracting again) is an old translation
        // the translator has not confirmed: shown, but stale until the flag is removed.
        let hash = if m.is_fuzzy() { String::new() } else { hash };
        let text = m.msgstr().unwrap_or_default().to_owned();
        out.insert(id.to_owned(), Translated { text, hash });
    }
    out
}

/// The PO text for `story` in `lang`: the entries of `existing` (its text, if the file
/// exists) kept as they are, then an untranslated entry for every line not in it.
///
/// # Errors
/// `existing` is not PO.
pub fn extract(story: &Story, lang: &str, existing: Option<&Path>) -> Result<String, String> {
    let mut catalog = match existing {
        Some(path) => polib::po_file::parse(path)
            .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?,
        None => {
            let metadata = CatalogMetadata {
                project_id_version: format!("{} ({})", story.title, story.id),
                language: lang.to_owned(),
                mime_version: "1.0".to_owned(),
                content_type: "text/plain; charset=UTF-8".to_owned(),
                content_transfer_encoding: "8bit".to_owned(),
                ..CatalogMetadata::new()
            };
            Catalog::new(metadata)
        }
    };
    let lines = l10n::lines(story);
    let sources: HashMap<&str, &l10n::Line> = lines.iter().map(|l| (l.id.as_str(), l)).collect();
    // Entries whose source changed since: as gettext's msgmerge does, the new source
    // with the old translation, marked fuzzy for the translator to confirm.
    let mut changed = Vec::new();
    for mut m in catalog.messages_mut() {
        let Some(line) = m.msgctxt().and_then(|id| sources.get(id)) else {
            continue;
        };
        if stored_hash(m.extracted_comments()) != line.hash {
            changed.push((m.detach(), *line));
        }
    }
    for (old, line) in changed {
        let mut flags = MessageFlags::new();
        flags.add_flag("fuzzy");
        let message = Message::build_singular()
            .with_msgctxt(line.id.clone())
            .with_msgid(line.source.clone())
            .with_msgstr(old.msgstr().unwrap_or_default().to_owned())
            .with_translator_comments(old.translator_comments().to_owned())
            .with_extracted_comments(format!("{HASH_PREFIX}{}", line.hash))
            .with_flags(flags)
            .done();
        catalog.append_or_update(message);
    }
    let have = from_catalog(&catalog);
    for line in lines {
        if have.contains_key(&line.id) {
            continue;
        }
        let message = Message::build_singular()
            .with_msgctxt(line.id)
            .with_msgid(line.source)
            .with_msgstr(String::new())
            .with_extracted_comments(format!("{HASH_PREFIX}{}", line.hash))
            .done();
        catalog.append_or_update(message);
    }
    let mut buf = std::io::BufWriter::new(Vec::new());
    polib::po_file::write(&catalog, &mut buf).map_err(|e| e.to_string())?;
    let bytes = buf.into_inner().map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| e.to_string())
}
