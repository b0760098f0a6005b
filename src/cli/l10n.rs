//! `butterfly l10n extract --lang LANG [DIR]`, `check --lang LANG` and `play --lang
//! LANG`: a story's translation in `DIR/l10n/LANG.po` (see [`crate::tools::l10n`]).

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::{CliError, load_story};
use crate::story::Story;
use crate::story::l10n::{self, Problem};
use crate::tools::l10n as po;

/// What `l10n` does.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum L10nAction {
    /// Write (or complete) `DIR/l10n/LANG.po`: every line of the story, keyed by a
    /// stable id, with its source's hash; lines already in the file are kept as they are.
    Extract {
        /// The story directory (default: --story, or ./story).
        dir: Option<PathBuf>,
        /// The language, as a tag (`fr`, `pt-BR`).
        #[arg(long)]
        lang: String,
    },
}

fn lang_ok(lang: &str) -> Result<(), CliError> {
    if po::valid_lang(lang) {
        Ok(())
    } else {
        Err(CliError::Input(format!(
            "butterfly: `{}` is not a language tag (letters, digits, `-` and `_`)",
            crate::sanitize::for_terminal(lang)
        )))
    }
}

/// Runs `l10n extract`.
///
/// # Errors
/// A bad language tag or story; a translation file that is not PO; a disk error.
pub fn l10n(action: &L10nAction, story_dir: Option<&Path>) -> Result<(), CliError> {
    let L10nAction::Extract { dir, lang } = action;
    lang_ok(lang)?;
    let dir = dir
        .clone()
        .or_else(|| story_dir.map(Path::to_owned))
        .unwrap_or_else(|| PathBuf::from("story"));
    let story = load_story(Some(&dir))?;
    let path = po::po_path(&dir, lang);
    let existing = path.is_file().then_some(path.as_path());
    let text = po::extract(&story, lang, existing)
        .map_err(|e| CliError::Input(format!("butterfly: {e}")))?;
    let cannot = |e: io::Error| {
        CliError::CannotRun(format!("butterfly: cannot write `{}`: {e}", path.display()))
    };
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(cannot)?;
    }
    // Through a temporary file and a rename: a translator's file is never half written.
    let tmp = path.with_extension("po.tmp");
    fs::write(&tmp, text)
        .and_then(|()| fs::rename(&tmp, &path))
        .map_err(|e| {
            let _ = fs::remove_file(&tmp);
            cannot(e)
        })?;
    let lines = l10n::lines(&story).len();
    let _ = writeln!(
        io::stdout().lock(),
        "wrote {} ({lines} lines)",
        path.display()
    );
    Ok(())
}

/// The story in `dir` translated into `lang` (from `DIR/l10n/LANG.po`; with no `dir`,
/// the built-in story with its built-in translation), with every problem of the
/// translation.
///
/// # Errors
/// A bad tag, or no readable translation.
pub fn translated(
    story: &Story,
    dir: Option<&Path>,
    lang: &str,
) -> Result<(Story, Vec<Problem>), CliError> {
    lang_ok(lang)?;
    if po::is_source(dir, lang) {
        return Ok((story.clone(), Vec::new()));
    }
    let translation = po::load(dir, lang).map_err(|e| {
        let text = crate::sanitize::for_terminal(&format!("butterfly: {e}"));
        match e {
            po::LoadError::Missing(_) => CliError::CannotRun(text),
            po::LoadError::BadTag(_) | po::LoadError::Unreadable(_) => CliError::Input(text),
        }
    })?;
    Ok(l10n::translate(story, &translation))
}

/// `check --lang LANG`: every missing, stale, broken and unknown line; exit 1 if any.
///
/// # Errors
/// As [`translated`]; [`CliError::Found`] when there are problems.
pub fn check(dir: &Path, lang: &str) -> Result<(), CliError> {
    let story = load_story(Some(dir))?;
    let (_, problems) = translated(&story, Some(dir), lang)?;
    let mut out = io::stdout().lock();
    let path = po::po_path(dir, lang);
    for p in &problems {
        let kind = match p {
            Problem::Missing(_) => "missing",
            Problem::Stale(_) => "stale",
            Problem::Markup { .. } => "markup",
            Problem::Unknown(_) => "unknown",
        };
        let line = crate::sanitize::for_terminal(&format!("{}: {kind}: {p}", path.display()));
        let _ = writeln!(out, "{line}");
    }
    let count = |f: fn(&Problem) -> bool| problems.iter().filter(|p| f(p)).count();
    let _ = writeln!(
        out,
        "{} lines; {} missing, {} stale, {} with markup that differs, {} unknown",
        l10n::lines(&story).len(),
        count(|p| matches!(p, Problem::Missing(_))),
        count(|p| matches!(p, Problem::Stale(_))),
        count(|p| matches!(p, Problem::Markup { .. })),
        count(|p| matches!(p, Problem::Unknown(_))),
    );
    if problems.is_empty() {
        Ok(())
    } else {
        Err(CliError::Found)
    }
}
