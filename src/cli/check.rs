//! `butterfly check [DIR]`: every problem of a story directory, then a summary line.

use std::io::{self, IsTerminal, Write};
use std::path::Path;

use super::CliError;
use crate::source;
use crate::story::{self, Loaded};

/// Checks `dir`: exit 1 when it has errors (warnings alone pass).
///
/// # Errors
/// The directory cannot be read, or the story has errors.
pub fn check(dir: &Path) -> Result<(), CliError> {
    let (files, on_disk) = source::read_dir_to_read_again(dir)
        .map_err(|e| CliError::CannotRun(format!("butterfly: {e}")))?;
    // The loader owns the files and lets each file's text go once it is parsed (the
    // source of a large story is not held beside the story compiled from it); a file
    // a diagnostic points into is read again from disk.
    let (loaded, files) = story::load_owned(files, |path| on_disk.read_again(path));
    let color = crate::report::use_color(io::stdout().is_terminal());
    let source = |path: &str| {
        files
            .iter()
            .find(|f| f.path == path)
            .and_then(|f| std::str::from_utf8(&f.bytes).ok())
    };
    // Plain output passes the one safe printer. Coloured output carries the renderer's
    // own escape sequences, which that printer would neutralise: there the renderer
    // neutralises the quoted source itself, and the load made every field safe.
    let mut out: Box<dyn Write> = if color {
        Box::new(io::stdout().lock())
    } else {
        Box::new(crate::printer::stdout())
    };
    // At most REPORTS_PER_CODE of each kind, then how many more: a story with 100,000
    // unused variables gets a report, not a copy of itself.
    let (shown, more) = story::diag::capped(&loaded.diagnostics, crate::limits::REPORTS_PER_CODE);
    for d in shown {
        let _ = writeln!(out, "{}", crate::report::render(d, &source, color));
    }
    for line in more {
        let _ = writeln!(out, "{line}");
    }
    let _ = writeln!(out, "{}", summary(&loaded));
    let failed = loaded.error_count() > 0;
    // The process ends now: freeing a large story piece by piece would only delay it.
    std::mem::forget(loaded);
    if failed { Err(CliError::Found) } else { Ok(()) }
}

/// The checker's one-line summary.
#[must_use]
pub fn summary(loaded: &Loaded) -> String {
    let story::load::Stats {
        scenes,
        choices,
        words,
        endings,
    } = loaded.stats;
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!(
        "checked {}: {}, {}, {}, {}; {}, {}",
        plural(loaded.file_count, "file"),
        plural(scenes, "scene"),
        plural(choices, "choice"),
        plural(words, "word"),
        plural(endings, "ending"),
        plural(loaded.error_count(), "error"),
        plural(loaded.warning_count(), "warning"),
    )
}
