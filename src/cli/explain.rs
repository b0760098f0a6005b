//! `butterfly explain CODE`: one section of `docs/errors.md`, as `rustc --explain`.

use super::CliError;
use crate::sanitize::for_terminal;

/// Prints the documentation of `code`; an unknown code is an input error listing the
/// codes there are.
///
/// # Errors
/// [`CliError::Input`] when no such code is documented.
pub fn explain(code: &str) -> Result<(), CliError> {
    match crate::explain::section(code) {
        Some(text) => {
            println!("{text}");
            Ok(())
        }
        None => Err(CliError::Input(format!(
            "butterfly: no checker code `{}`; the codes are: {}",
            for_terminal(code),
            crate::explain::codes().collect::<Vec<_>>().join(", ")
        ))),
    }
}
