//! `butterfly diff OLD NEW`: the semantic diff of two story directories and the fate of
//! every recording in the new one (see [`crate::tools::diff`]).
//!
//! Exit codes follow the CLI's rule: 0 when no recording loses progress, 1 when one
//! does (so a release script stops), 2 when a story or the saves cannot be read.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::{CliError, load_story};
use crate::save;
use crate::story::Story;
use crate::tools::diff::{self, Fate, Prediction, Report};
use crate::tools::explore as explorer;

/// Options of `diff`.
#[derive(Debug, Clone, clap::Args)]
pub struct DiffArgs {
    /// The story directory as released (the one players' saves were made in).
    pub old: PathBuf,
    /// The edited story directory.
    pub new: PathBuf,
}

/// Runs `diff`. `saves` is the global `--saves`: a directory of save or witness files
/// (or one file) made in OLD; without it, each ending's witness that `explore` finds
/// in OLD is computed in memory and checked instead.
///
/// # Errors
/// A story does not load or the saves cannot be listed; [`CliError::Found`] when a
/// recording would lose progress (the report is printed first).
pub fn diff(args: &DiffArgs, saves: Option<&Path>) -> Result<(), CliError> {
    let old = load_story(Some(&args.old))?;
    let new = load_story(Some(&args.new))?;
    let (source, predictions) = match saves {
        Some(dir) => {
            let p = from_files(dir, &old, &new).map_err(|e| {
                CliError::CannotRun(format!("butterfly: cannot read `{}`: {e}", dir.display()))
            })?;
            (dir.display().to_string(), p)
        }
        None => (
            "the witnesses `explore` finds in OLD".to_owned(),
            from_witnesses(&old, &new).map_err(|e| CliError::Input(format!("butterfly: {e}")))?,
        ),
    };
    let report = Report {
        changes: diff::diff_stories(&old, &new),
        source,
        predictions,
    };
    // Save file names and ids read from saves are not story text: neutralise them.
    let text = crate::sanitize::for_terminal(&report.to_string());
    if let Err(e) = io::stdout().lock().write_all(text.as_bytes()) {
        CliError::output(&e)?;
    }
    if report.losing().is_empty() {
        Ok(())
    } else {
        Err(CliError::Found)
    }
}

/// Every `*.ron` save in `dir` (or `dir` itself when it is a file), by name.
fn from_files(dir: &Path, old: &Story, new: &Story) -> io::Result<Vec<Prediction>> {
    let mut paths = Vec::new();
    if dir.is_file() {
        paths.push(dir.to_owned());
    } else {
        for entry in fs::read_dir(dir)? {
            let path = entry?.path();
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
            let Some(name) = name else { continue };
            // Slots only: not the profile, backups or temporary files.
            // The game writes `.ron` in lower case; so does it read slots.
            let slot = path.extension().is_some_and(|e| e == "ron");
            if slot && !name.starts_with('.') && name != "profile.ron" {
                paths.push(path);
            }
        }
        paths.sort();
    }
    Ok(paths
        .iter()
        .map(|path| {
            let name = path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            match save::read_file(path) {
                Ok(file) => diff::predict(&name, &file, old, new),
                Err(e) => Prediction {
                    name,
                    fate: Fate::Skipped {
                        reason: e.problem(),
                    },
                },
            }
        })
        .collect())
}

/// The shortest game `explore` finds to each ending of OLD, checked in NEW.
fn from_witnesses(old: &Story, new: &Story) -> Result<Vec<Prediction>, String> {
    let report = explorer::explore(old, &explorer::Options::default(), &mut |_| {})
        .map_err(|e| format!("the old story cannot start: {e}"))?;
    let mut out = Vec::new();
    for ending in &report.endings {
        let Some(w) = &ending.witness else { continue };
        let file = diff::recording(old, w.seed, &w.steps)?;
        out.push(diff::predict(&ending.id, &file, old, new));
    }
    Ok(out)
}
