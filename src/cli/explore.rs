//! `butterfly explore [DIR]`: many automatic games, and what they could and could not
//! reach; `--write-witnesses DIR` saves a replayable game for each ending found.

use std::io::{self, IsTerminal, Write};
use std::path::Path;

use super::{CliError, ExploreArgs, load_story};
use crate::story::Story;
use crate::tools::{explore as explorer, witness};

/// A one-line progress bar on stderr, redrawn in place; only used on a terminal.
fn progress_line(p: explorer::Progress) {
    let what = match p.phase {
        explorer::Phase::Runs => "random runs",
        explorer::Phase::Search => "search states",
        explorer::Phase::Guided => "guided search",
    };
    let total = p.total.max(1);
    let filled = (p.done.min(total) * 30 / total) as usize;
    eprint!(
        "\r{what:>13} [{}{}] {}/{}   ",
        "#".repeat(filled),
        " ".repeat(30 - filled),
        p.done,
        p.total
    );
}

/// Explores `story`, with a progress bar when stderr is a terminal (`stats` too).
///
/// # Errors
/// The story cannot start.
pub fn run_explore(
    story: &Story,
    options: &explorer::Options,
) -> Result<explorer::Report, CliError> {
    let tty = io::stderr().is_terminal();
    let mut progress = |p: explorer::Progress| {
        if tty {
            progress_line(p);
        }
    };
    let report = explorer::explore(story, options, &mut progress);
    if tty {
        eprint!("\r{}\r", " ".repeat(60));
    }
    report.map_err(|e| CliError::Input(format!("butterfly: the story cannot start: {e}")))
}

/// Explores and reports: exit 1 when an ending is unreached, or a player can get stuck
/// or trapped.
///
/// # Errors
/// The story does not load or start; a witness cannot be written; problems were found.
pub fn explore(dir: Option<&Path>, args: &ExploreArgs) -> Result<(), CliError> {
    let story = load_story(dir)?;
    let options = explorer::Options {
        runs: args.runs,
        seed: args.seed,
        max_steps: args.max_steps,
        max_states: args.max_states,
        beam: args.beam,
    };
    let report = run_explore(&story, &options)?;
    let mut out = crate::printer::stdout();
    let _ = write!(out, "{report}");
    if let Some(wdir) = &args.write_witnesses {
        // Every witness is tried, each under a slot name made from its ending's id:
        // one that cannot be written does not cost the others.
        let mut failed = Vec::new();
        let mut taken = std::collections::HashSet::new();
        for e in &report.endings {
            let Some(w) = &e.witness else { continue };
            let slot = witness::slot_for(&e.id, &mut taken);
            match witness::write_witness_as(wdir, &story, &e.id, &slot, w.seed, &w.steps) {
                Ok(path) => {
                    let _ = writeln!(out, "wrote {}", path.display());
                }
                Err(err) => failed.push(format!("butterfly: {err}")),
            }
        }
        if !failed.is_empty() {
            return Err(CliError::CannotRun(failed.join("\n")));
        }
    }
    // A player who can get stuck or trapped is as much a failure as a lost ending.
    if report.unreached_endings().is_empty() && report.stuck.is_empty() && report.no_exit.is_empty()
    {
        Ok(())
    } else {
        Err(CliError::Found)
    }
}
