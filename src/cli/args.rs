//! The command line's shape: every subcommand and option, and nothing that runs them.
//!
//! Kept apart from the commands so the completion scripts and the manual page
//! (`completions`, `man`) are generated from exactly what the parser accepts.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// Butterfly: a branching retelling of *M. Butterfly* (Beijing 1964 – Paris 1968),
/// and the story engine under it.
#[derive(Debug, Parser)]
#[command(name = "butterfly", version, about, long_about = None)]
pub struct Cli {
    /// Load the story from this directory instead of the one built into the game.
    #[arg(long, global = true, value_name = "DIR")]
    pub story: Option<PathBuf>,

    /// Keep saves in this directory (default: `$BUTTERFLY_SAVES`, else `./saves` when it
    /// exists, else the platform's data directory).
    #[arg(long, global = true, value_name = "DIR")]
    pub saves: Option<PathBuf>,

    /// What to do (default: play).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Play the game (the terminal interface, or line mode with --plain).
    Play(PlayArgs),
    /// Check a story directory and report every problem.
    Check {
        /// The story directory (default: --story, or ./story).
        dir: Option<PathBuf>,
        /// Check the translation `DIR/l10n/LANG.po` instead: missing and stale lines,
        /// markup that differs from the source.
        #[arg(long)]
        lang: Option<String>,
    },
    /// Print the scene graph (Graphviz dot or Mermaid), grouped by chapter, or draw it
    /// as SVG with Graphviz.
    Graph(GraphArgs),
    /// Play many games automatically and report what can and cannot be reached.
    Explore(ExploreArgs),
    /// Prove the story complete: a complete search of its state space (every scene,
    /// choice and ending reachable, no stuck state, no loop without an exit), with
    /// shortest witnesses. Exit 1 when anything is wrong or the search hit its cap.
    Verify {
        /// The story directory (default: --story, or the built-in story).
        dir: Option<PathBuf>,
        /// Cap on distinct abstract states; past it nothing is proved.
        #[arg(long, default_value_t = crate::tools::verify::MAX_STATES)]
        max_states: usize,
    },
    /// Count words, scenes, choices and endings, and measure game lengths.
    Stats {
        /// The story directory (default: --story, or the built-in story).
        dir: Option<PathBuf>,
        /// Random games to play for decisions, words between decisions and ending shares.
        #[arg(long, default_value_t = 1000)]
        games: u32,
        /// The first random game's seed (game i uses seed + i).
        #[arg(long, default_value_t = 0)]
        seed: u64,
    },
    /// Replay a save file: check it, print its transcript, or step through it.
    Replay(ReplayArgs),
    /// Compare two versions of a story: what changed, and which saves (--saves DIR,
    /// default: each ending's witness in OLD) still replay. Exit 1 if any loses progress.
    Diff(super::diff::DiffArgs),
    /// Translations: `l10n extract --lang LANG` writes `story/l10n/LANG.po`.
    L10n {
        /// What to do.
        #[command(subcommand)]
        action: super::l10n::L10nAction,
    },
    /// Print a shell completion script: `butterfly completions bash > /etc/bash_completion.d/butterfly`.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff): `butterfly man > butterfly.1`, then `man ./butterfly.1`.
    Man,
    /// Explain a checker code (E0202, W0401...): what it means, a wrong and a right example.
    Explain {
        /// The code, as `check` prints it.
        code: String,
    },
}

/// Options of `graph`.
#[derive(Debug, Clone, clap::Args)]
pub struct GraphArgs {
    /// The story directory (default: --story, or the built-in story).
    pub dir: Option<PathBuf>,
    /// Output syntax.
    #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
    pub format: GraphFormat,
    /// Only this chapter (its number in the graph, its title, or its file), with the
    /// scenes just outside it as small stubs.
    #[arg(long, value_name = "CHAPTER")]
    pub chapter: Option<String>,
    /// Draw it as SVG into this file by running Graphviz's `dot` (which must be on the
    /// PATH) instead of printing the source.
    #[arg(long, value_name = "OUT")]
    pub svg: Option<PathBuf>,
    /// Seconds `dot` may run for `--svg` before it is stopped.
    #[arg(long, value_name = "SECS", default_value_t = 120, requires = "svg")]
    pub dot_timeout: u64,
}

/// Output syntax of `graph`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GraphFormat {
    /// Graphviz: `butterfly graph | dot -Tsvg > story.svg`.
    Dot,
    /// Mermaid: paste into a `mermaid` code block of any Markdown file.
    Mermaid,
}

/// Options of `explore`.
#[derive(Debug, Clone, clap::Args)]
pub struct ExploreArgs {
    /// The story directory (default: --story, or the built-in story).
    pub dir: Option<PathBuf>,
    /// Random playthroughs to make.
    #[arg(long, default_value_t = 1000)]
    pub runs: u32,
    /// Seed of the first run; the same seed gives the same report.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Stop a run after this many choices and report it as a possible endless loop.
    #[arg(long, default_value_t = 500)]
    pub max_steps: usize,
    /// Cap on distinct states for the exhaustive search (0 turns it off).
    #[arg(long, default_value_t = 200_000)]
    pub max_states: usize,
    /// States kept per round by the guided search that looks for endings the random
    /// runs and the capped search missed (0 turns it off).
    #[arg(long, default_value_t = 500)]
    pub beam: usize,
    /// Write a replayable file for each ending's shortest witness into this directory.
    #[arg(long, value_name = "DIR")]
    pub write_witnesses: Option<PathBuf>,
    /// Run the complete search of `butterfly verify` instead of sampling.
    #[arg(long)]
    pub exhaustive: bool,
}

/// Options of `replay`.
#[derive(Debug, Clone, clap::Args)]
pub struct ReplayArgs {
    /// The save file (for example saves/quick.ron).
    pub save: PathBuf,
    /// Print the transcript (each scene and the choice taken) and exit.
    #[arg(long)]
    pub plain: bool,
    /// Only check that the save replays exactly: exit 0 if it does, 1 if not.
    #[arg(long)]
    pub verify: bool,
}

/// Options of `play`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct PlayArgs {
    /// Line mode on stdin/stdout, for screen readers, pipes and scripts.
    #[arg(long)]
    pub plain: bool,
    /// Seed for the game's random generator (default: from the clock).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Start in this scene instead of the story's beginning (to try a branch at once).
    #[arg(long, value_name = "SCENE")]
    pub from: Option<String>,
    /// Set a variable before the game starts (repeatable): `--set devotion=70 --set lie=true`.
    #[arg(long = "set", value_name = "NAME=VALUE", value_parser = parse_assignment)]
    pub set: Vec<(String, String)>,
    /// Line mode: also print the story's tags, as `# tags: ...` lines.
    #[arg(long)]
    pub tags: bool,
    /// Play in this language, from `STORY/l10n/LANG.po` (lines it lacks stay in the
    /// story's own language).
    #[arg(long, value_name = "LANG")]
    pub lang: Option<String>,
}

/// Splits `NAME=VALUE`; the values are checked against the story later.
fn parse_assignment(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() && !value.trim().is_empty() => {
            Ok((name.trim().to_owned(), value.trim().to_owned()))
        }
        _ => Err(format!("expected NAME=VALUE, found `{s}`")),
    }
}
