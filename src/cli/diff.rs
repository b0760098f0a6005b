//! `butterfly diff OLD NEW`: the semantic diff of two story directories and the fate of
//! every recording in the new one (see [`crate::tools::diff`]).
//!
//! Exit codes follow the CLI's rule: 0 when no recording loses progress, 1 when one
//! does (so a release script stops), 2 when a story or the saves cannot be read.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

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
#[must_use]
pub fn run(args: &DiffArgs, saves: Option<&Path>) -> ExitCode {
    let (old, new) = match (story(&args.old), story(&args.new)) {
        (Ok(o), Ok(n)) => (o, n),
        (Err(code), _) | (_, Err(code)) => return code,
    };
    let (source, predictions) = match saves {
        Some(dir) => match from_files(dir, &old, &new) {
            Ok(p) => (dir.display().to_string(), p),
            Err(e) => {
                eprintln!("butterfly: cannot read `{}`: {e}", dir.display());
                return ExitCode::from(2);
            }
        },
        None => match from_witnesses(&old, &new) {
            Ok(p) => ("the witnesses `explore` finds in OLD".to_owned(), p),
            Err(e) => {
                eprintln!("butterfly: {e}");
                return ExitCode::from(1);
            }
        },
    };
    let report = Report {
        changes: diff::diff_stories(&old, &new),
        source,
        predictions,
    };
    let text = crate::sanitize::for_terminal(&report.to_string());
    if let Err(e) = io::stdout().lock().write_all(text.as_bytes())
        && e.kind() != io::ErrorKind::BrokenPipe
    {
        eprintln!("butterfly: {e}");
        return ExitCode::from(2);
    }
    if report.losing().is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn story(dir: &Path) -> Result<Story, ExitCode> {
    super::load_story(Some(dir)).map_err(|(msg, code)| {
        eprintln!("{msg}");
        ExitCode::from(code)
    })
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
            if name.ends_with(".ron") && !name.starts_with('.') && name != "profile.ron" {
                paths.push(path);
            }
        }
        paths.sort();
    }
    Ok(paths
        .iter()
        .map(|path| {
            let name = path
                .file_name()
                .map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
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
