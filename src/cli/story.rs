//! The story a command works on: from `--story DIR` (or a command's own directory), or
//! the one built into the binary.

use std::fmt::Write as _;
use std::path::Path;

use super::CliError;
use crate::source;
use crate::story::{self, Loaded, Reloader, SourceFile, Story};

/// Loads the story from `dir`, or the embedded one. Every error is found, but not the
/// warnings: `check` runs those.
///
/// # Errors
/// The directory cannot be read ([`CliError::CannotRun`]), or the story has errors
/// ([`CliError::Input`], listing them).
pub fn load_story(dir: Option<&Path>) -> Result<Story, CliError> {
    let files = match dir {
        Some(d) => read(d)?,
        None => source::embedded(),
    };
    let loaded = story::load_unlinted(&files);
    match loaded.story {
        Some(s) => Ok(s),
        None => Err(errors(&files, &loaded)),
    }
}

/// Loads the story folder `dir` into a [`Reloader`], for a game that reloads it as the
/// author edits (the first edit then recompiles only the saved file). The same errors
/// as [`load_story`].
///
/// # Errors
/// As [`load_story`].
pub fn load_reloader(dir: &Path) -> Result<Reloader, CliError> {
    let reloader = Reloader::new(read(dir)?, false);
    match reloader.story() {
        Some(_) => Ok(reloader),
        None => Err(errors(reloader.files(), reloader.loaded())),
    }
}

fn read(dir: &Path) -> Result<Vec<SourceFile>, CliError> {
    source::read_dir(dir).map_err(|e| CliError::CannotRun(format!("butterfly: {e}")))
}

/// A story that did not load: its errors (capped per code) and a pointer to `check`.
fn errors(files: &[SourceFile], loaded: &Loaded) -> CliError {
    let mut msg = String::new();
    let source = |path: &str| {
        files
            .iter()
            .find(|f| f.path == path)
            .and_then(|f| std::str::from_utf8(&f.bytes).ok())
    };
    let errors: Vec<_> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .cloned()
        .collect();
    let (shown, more) = story::diag::capped(&errors, crate::limits::REPORTS_PER_CODE);
    for d in shown {
        msg.push_str(&crate::report::render(d, &source, false));
    }
    for line in more {
        let _ = writeln!(msg, "{line}");
    }
    let _ = write!(
        msg,
        "butterfly: the story has {} error(s); run `butterfly check` for details",
        loaded.error_count()
    );
    CliError::Input(msg)
}
