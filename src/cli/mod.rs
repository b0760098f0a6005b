//! The command line: parses arguments and runs the chosen command.
//!
//! [`args`] is the parser's shape; each command is a file of its own that returns
//! `Result<(), CliError>`; [`error`] turns that into the exit code, in one place: 0
//! success, 1 the input was wrong (story errors, a failed check), 2 the command could
//! not run (missing directory, unreadable file, bad arguments).

pub mod args;
mod check;
mod completions;
pub mod diff;
pub mod error;
mod explain;
mod explore;
mod graph;
mod l10n;
mod man;
mod play;
mod replay;
mod stats;
mod story;
mod verify;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

pub use args::{Cli, Command, ExploreArgs, GraphArgs, GraphFormat, PlayArgs, ReplayArgs};
pub use check::summary;
pub use error::CliError;
pub use story::{load_reloader, load_story};

/// Runs the CLI with the process's arguments.
#[must_use]
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    run(cli)
}

/// Runs a parsed command line.
#[must_use]
pub fn run(cli: Cli) -> ExitCode {
    error::exit(dispatch(cli))
}

fn dispatch(cli: Cli) -> Result<(), CliError> {
    let story = cli.story;
    let saves = cli.saves.as_deref();
    match cli.command {
        Some(Command::Check {
            dir,
            lang: Some(lang),
        }) => {
            let dir = dir.or(story).unwrap_or_else(|| PathBuf::from("story"));
            l10n::check(&dir, &lang)
        }
        Some(Command::Check { dir, lang: None }) => {
            let dir = dir.or(story).unwrap_or_else(|| PathBuf::from("story"));
            check::check(&dir)
        }
        Some(Command::Play(args)) => play::play(story.as_deref(), saves, &args),
        Some(Command::Replay(args)) => replay::replay(story.as_deref(), saves, &args),
        Some(Command::Graph(args)) => {
            let dir = args.dir.clone().or(story);
            graph::graph(dir.as_deref(), &args)
        }
        Some(Command::Explore(args)) if args.exhaustive => verify::verify(
            args.dir.or(story).as_deref(),
            args.max_states.max(crate::tools::verify::MAX_STATES),
        ),
        Some(Command::Explore(args)) => {
            let dir = args.dir.clone().or(story);
            explore::explore(dir.as_deref(), &args)
        }
        Some(Command::Verify { dir, max_states }) => {
            verify::verify(dir.or(story).as_deref(), max_states)
        }
        Some(Command::Stats { dir, games, seed }) => {
            stats::stats(dir.or(story).as_deref(), games, seed)
        }
        Some(Command::Diff(args)) => diff::diff(&args, saves),
        Some(Command::L10n { action }) => l10n::l10n(&action, story.as_deref()),
        Some(Command::Completions { shell }) => completions::completions(shell),
        Some(Command::Man) => man::man(),
        Some(Command::Explain { code }) => explain::explain(&code),
        None => play::play(story.as_deref(), saves, &PlayArgs::default()),
    }
}
