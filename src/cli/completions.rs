//! `butterfly completions SHELL`: a completion script for bash, zsh, fish, elvish or
//! PowerShell, generated from the parser itself (`clap_complete`), so it never falls
//! behind the options.

use std::io::{self, Write};

use clap::CommandFactory;
use clap_complete::Shell;

use super::{Cli, CliError};

/// Writes the script for `shell` on stdout.
///
/// # Errors
/// Only when stdout fails (a closed pipe is fine).
pub fn completions(shell: Shell) -> Result<(), CliError> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "butterfly", &mut script);
    match io::stdout().lock().write_all(&script) {
        Ok(()) => Ok(()),
        Err(e) => CliError::output(&e),
    }
}
