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
/// a file name, so nothing else is accepted.
#[must_use]
pub fn valid_lang(lang: &str) -> bool {
    !lang.is_empty()
        && lang.len() <= 16
        && lang
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
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
