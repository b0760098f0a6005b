//! `butterfly verify [DIR]` (and `explore --exhaustive`): a complete search that proves
//! the story complete, with shortest witnesses.

use std::io::Write;
use std::path::Path;

use super::{CliError, load_story};
use crate::tools::verify as prover;

/// Verifies: exit 0 only when the complete search proves the story complete.
///
/// # Errors
/// The story does not load; the search fails, finds problems or hits its cap.
pub fn verify(dir: Option<&Path>, max_states: usize) -> Result<(), CliError> {
    let story = load_story(dir)?;
    match prover::verify(&story, &prover::Options { max_states }) {
        Ok(report) => {
            let _ = write!(crate::printer::stdout(), "{report}");
            if report.is_clean() {
                Ok(())
            } else {
                Err(CliError::Found)
            }
        }
        Err(e) => Err(CliError::Input(format!("error: {e}"))),
    }
}
