//! The story a command works on: from `--story DIR` (or a command's own directory), or
//! the one built into the binary.

use std::fmt::Write as _;
use std::path::Path;

use super::CliError;
use crate::source;
use crate::story::{self, Story};

/// Loads the story from `dir`, or the embedded one. Every error is found, but not the
/// warnings: `check` runs those.
///
/// # Errors
/// The directory cannot be read ([`CliError::CannotRun`]), or the story has errors
/// ([`CliError::Input`], listing them).
pub fn load_story(dir: Option<&Path>) -> Result<Story, CliError> {
    let files = match dir {
        Some(d) => {
            source::read_dir(d).map_err(|e| CliError::CannotRun(format!("butterfly: {e}")))?
        }
        None => source::embedded(),
    };
    let loaded = story::load_unlinted(&files);
    match loaded.story {
        Some(s) => Ok(s),
        None => {
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
            Err(CliError::Input(msg))
        }
    }
}
