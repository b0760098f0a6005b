//! Translation files: a story's lines as gettext PO (`story/l10n/LANG.po`), read back as
//! the plain map the engine translates with ([`crate::story::l10n`]).
//!
//! PO because translators already have the tools (Poedit, Weblate, Lokalize) and they
//! show context, source and translation side by side. Each entry is one line:
//! `msgctxt` is its stable id, `msgid` the source as it was when extracted, `msgstr`
//! the translation, and an extracted comment `#. hash: …` the source's hash, so `check
//! --lang` can tell a translation made from an older source (**stale**). Extracting
//! again keeps every entry already in the file as it is and adds the new lines, so no
//! translation, stale or not, is ever lost.

use std::path::{Path, PathBuf};

use polib::catalog::Catalog;
use polib::message::Message;
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

fn from_catalog(catalog: &Catalog) -> Translation {
    let mut out = Translation::new();
    for m in catalog.messages() {
        let Some(id) = m.msgctxt() else { continue };
        let hash = m
            .extracted_comments()
            .lines()
            .find_map(|l| l.trim().strip_prefix(HASH_PREFIX))
            .unwrap_or_default()
            .to_owned();
        // A fuzzy entry is a guess the translator has not confirmed: not a translation.
        let text = if m.is_fuzzy() {
            String::new()
        } else {
            m.msgstr().unwrap_or_default().to_owned()
        };
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
    let have = from_catalog(&catalog);
    for line in l10n::lines(story) {
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
