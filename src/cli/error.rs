//! One error type for every command, and the one place it becomes an exit code.
//!
//! Exit codes: 0 success; 1 the input was wrong or the command found problems (story
//! errors, a failed check, unreached endings, a save that diverges, a stuck game); 2 the
//! command could not run (a missing directory, an unreadable file, a terminal or disk
//! error, bad arguments).

use std::io;
use std::process::ExitCode;

/// Why a command did not succeed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CliError {
    /// The input was wrong: a story with errors, a scene the game cannot start in, a save
    /// that diverges. Exit 1, after the message (printed as it is: it may span lines).
    #[error("{0}")]
    Input(String),
    /// The command ran and found problems it has already reported on stdout (errors in
    /// `check`, unreached endings in `explore`, a stuck plain game). Exit 1, silently.
    #[error("the command found problems")]
    Found,
    /// The command could not run: a missing or unreadable file, a terminal or disk
    /// error. Exit 2, after the message.
    #[error("{0}")]
    CannotRun(String),
}

impl CliError {
    /// The process's exit code for this error.
    #[must_use]
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Input(_) | CliError::Found => 1,
            CliError::CannotRun(_) => 2,
        }
    }

    /// An I/O error while writing output: a closed pipe (`| head`) is not an error.
    pub fn output(e: &io::Error) -> Result<(), CliError> {
        if e.kind() == io::ErrorKind::BrokenPipe {
            Ok(())
        } else {
            Err(CliError::CannotRun(format!("butterfly: {e}")))
        }
    }
}

/// Turns a command's result into the exit code, printing the error's message first.
#[must_use]
pub fn exit(result: Result<(), CliError>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if !matches!(e, CliError::Found) {
                // Messages quote story, save and profile text: the safe printer.
                crate::printer::warn(&e);
            }
            ExitCode::from(e.exit_code())
        }
    }
}
