//! `butterfly graph [DIR] [--format dot|mermaid] [--chapter CHAPTER] [--svg OUT]`: the
//! scene graph on stdout, one chapter of it, or drawn as SVG by Graphviz.

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use super::{CliError, GraphArgs, GraphFormat, load_story};
use crate::tools::graph::{Format, Graph};
use crate::tools::graphviz::{self, SvgError};

/// Prints the graph, or writes it as SVG.
///
/// # Errors
/// `--svg` with `--format mermaid`; the story does not load; `--chapter` names no
/// chapter (exit 2, listing them);
/// `--svg` without Graphviz, or `dot` failing (exit 2, with its message); stdout fails
/// (a closed pipe is fine).
pub fn graph(dir: Option<&Path>, args: &GraphArgs) -> Result<(), CliError> {
    if args.svg.is_some() && args.format == GraphFormat::Mermaid {
        return Err(CliError::CannotRun(
            "butterfly: `--svg` draws the Graphviz source with `dot`; Mermaid is drawn by a Markdown viewer: leave out `--format mermaid`".to_owned(),
        ));
    }
    let story = load_story(dir)?;
    let mut graph = Graph::of(&story);
    if let Some(query) = &args.chapter {
        let Some(k) = graph.find_chapter(query) else {
            return Err(CliError::CannotRun(format!(
                "butterfly: no chapter `{query}`; give its number, title or file:\n{}",
                graph.chapter_list().trim_end()
            )));
        };
        graph = graph.chapter(k).unwrap_or(graph);
    }
    if let Some(out) = &args.svg {
        let timeout = Duration::from_secs(args.dot_timeout);
        return graphviz::write_svg("dot".as_ref(), &graph.dot(), out, timeout).map_err(
            |e| match e {
                SvgError::NotInstalled => CliError::CannotRun(format!("butterfly: {e}")),
                e => CliError::CannotRun(format!(
                    "butterfly: no SVG written to {}: {e}",
                    out.display()
                )),
            },
        );
    }
    let format = match args.format {
        GraphFormat::Dot => Format::Dot,
        GraphFormat::Mermaid => Format::Mermaid,
    };
    let text = graph.render(format);
    match crate::printer::stdout().write_all(text.as_bytes()) {
        Ok(()) => Ok(()),
        Err(e) => CliError::output(&e),
    }
}
