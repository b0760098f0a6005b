//! `butterfly explain CODE`: one section of `docs/errors.md`, as `rustc --explain`.

use std::io::Write;

use super::CliError;
use crate::sanitize::for_terminal;

/// Prints the documentation of `code`; an unknown code is an input error listing the
/// codes there are.
///
/// # Errors
/// [`CliError::Input`] when no such code is documented.
pub fn explain(code: &str) -> Result<(), CliError> {
    match crate::explain::section(code) {
        // Through the one printer, like every command: `println!` would panic on a
        // closed pipe (`butterfly explain W0206 | head -3`).
        Some(text) => {
            writeln!(crate::printer::stdout(), "{text}").or_else(|e| CliError::output(&e))
        }
        None => Err(CliError::Input(format!(
            "butterfly: no checker code `{}`; the codes are: {}",
            for_terminal(code),
            crate::explain::codes().collect::<Vec<_>>().join(", ")
        ))),
    }
}
