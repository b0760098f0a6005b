//! `butterfly graph [DIR] [--format dot|mermaid]`: the scene graph on stdout.

use std::io::Write;
use std::path::Path;

use super::{CliError, GraphFormat, load_story};
use crate::tools::graph as grapher;

/// Prints the graph.
///
/// # Errors
/// The story does not load, or stdout fails (a closed pipe is fine).
pub fn graph(dir: Option<&Path>, format: GraphFormat) -> Result<(), CliError> {
    let story = load_story(dir)?;
    let format = match format {
        GraphFormat::Dot => grapher::Format::Dot,
        GraphFormat::Mermaid => grapher::Format::Mermaid,
    };
    let text = grapher::render(&story, format);
    match crate::printer::stdout().write_all(text.as_bytes()) {
        Ok(()) => Ok(()),
        Err(e) => CliError::output(&e),
    }
}
