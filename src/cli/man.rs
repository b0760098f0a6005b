//! `butterfly man`: the manual page in roff, generated from the parser (`clap_mangen`)
//! at run time rather than kept as a file, so it always matches the binary:
//! `butterfly man > butterfly.1 && man ./butterfly.1`.

use std::io::{self, Write};

use clap::CommandFactory;

use super::{Cli, CliError};

/// Writes the page on stdout.
///
/// # Errors
/// Only when stdout fails (a closed pipe is fine).
pub fn man() -> Result<(), CliError> {
    let mut page = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut page)
        .map_err(|e| CliError::CannotRun(format!("butterfly: {e}")))?;
    match io::stdout().lock().write_all(&page) {
        Ok(()) => Ok(()),
        Err(e) => CliError::output(&e),
    }
}
