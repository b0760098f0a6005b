//! The command line: parses arguments and runs the chosen command.
//!
//! Exit codes: 0 success, 1 the input was wrong (story errors, a failed check), 2 the
//! command could not run (missing directory, unreadable file, bad arguments).

use std::fmt::Write as _;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::plain::PlainPlayer;
use crate::replay::{self as replaying, Recording};
use crate::sanitize::for_terminal;
use crate::save::{self, SaveError, SaveStore};
use crate::source;
use crate::story::{self, Loaded, Story};

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
    },
    /// Replay a save file: check it, print its transcript, or step through it.
    Replay(ReplayArgs),
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
}

/// Runs the CLI with the process's arguments.
#[must_use]
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    run(cli)
}

/// Runs a parsed command line.
#[must_use]
pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Some(Command::Check { dir }) => {
            let dir = dir.or(cli.story).unwrap_or_else(|| PathBuf::from("story"));
            check(&dir)
        }
        Some(Command::Play(args)) => play(cli.story.as_deref(), cli.saves.as_deref(), &args),
        Some(Command::Replay(args)) => replay(cli.story.as_deref(), cli.saves.as_deref(), &args),
        None => play(
            cli.story.as_deref(),
            cli.saves.as_deref(),
            &PlayArgs::default(),
        ),
    }
}

/// Loads the story from `dir`, or the embedded one.
///
/// # Errors
/// A message for the user and the exit code to use.
pub fn load_story(dir: Option<&Path>) -> Result<Story, (String, u8)> {
    let files = match dir {
        Some(d) => source::read_dir(d).map_err(|e| (format!("butterfly: {e}"), 2))?,
        None => source::embedded(),
    };
    // Playing needs every error found, but not the warnings: `check` runs those.
    let loaded = story::load_unlinted(&files);
    match loaded.story {
        Some(s) => Ok(s),
        None => {
            let mut msg = String::new();
            for d in loaded.diagnostics.iter().filter(|d| d.is_error()) {
                msg.push_str(&d.to_string());
            }
            let _ = write!(
                msg,
                "butterfly: the story has {} error(s); run `butterfly check` for details",
                loaded.error_count()
            );
            Err((msg, 1))
        }
    }
}

fn check(dir: &Path) -> ExitCode {
    let files = match source::read_dir(dir) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("butterfly: {e}");
            return ExitCode::from(2);
        }
    };
    let loaded = story::load(&files);
    let mut out = io::stdout().lock();
    for d in &loaded.diagnostics {
        let _ = writeln!(out, "{d}");
    }
    let _ = writeln!(out, "{}", summary(&loaded));
    let code = if loaded.error_count() > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    };
    // The process ends now: freeing a large story piece by piece would only delay it.
    std::mem::forget(loaded);
    code
}

/// The checker's one-line summary.
#[must_use]
pub fn summary(loaded: &Loaded) -> String {
    let story::load::Stats {
        scenes,
        choices,
        words,
        endings,
    } = loaded.stats;
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!(
        "checked {}: {}, {}, {}, {}; {}, {}",
        plural(loaded.file_count, "file"),
        plural(scenes, "scene"),
        plural(choices, "choice"),
        plural(words, "word"),
        plural(endings, "ending"),
        plural(loaded.error_count(), "error"),
        plural(loaded.warning_count(), "warning"),
    )
}

fn clock_seed() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() ^ u64::from(d.subsec_nanos()))
}

fn play(story_dir: Option<&Path>, saves: Option<&Path>, args: &PlayArgs) -> ExitCode {
    let story = match load_story(story_dir) {
        Ok(s) => s,
        Err((msg, code)) => {
            eprintln!("{msg}");
            return ExitCode::from(code);
        }
    };
    let seed = args.seed.unwrap_or_else(clock_seed);
    let interactive = io::stdin().is_terminal() && io::stdout().is_terminal();
    let store = SaveStore::new(SaveStore::resolve_dir(saves));
    if !args.plain && interactive {
        return match crate::tui::run(&story, &store, seed) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("butterfly: {e}");
                ExitCode::from(2)
            }
        };
    }
    let mut player = match PlainPlayer::new(&story, seed) {
        Ok(p) => p.with_saves(&store),
        Err(e) => {
            eprintln!("butterfly: {e}");
            return ExitCode::from(1);
        }
    };
    let stdin = io::stdin();
    let mut input = stdin.lock();
    let mut out = io::stdout().lock();
    match player.run(&mut input, &mut out) {
        Ok(crate::plain::Outcome::Stuck) => ExitCode::from(1),
        Ok(_) => ExitCode::SUCCESS,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("butterfly: {e}");
            ExitCode::from(2)
        }
    }
}

/// `butterfly replay SAVE`: exit 0 when the save replays exactly, 1 when it diverges or
/// is refused, 2 when it cannot be read at all.
fn replay(story_dir: Option<&Path>, saves: Option<&Path>, args: &ReplayArgs) -> ExitCode {
    let story = match load_story(story_dir) {
        Ok(s) => s,
        Err((msg, code)) => {
            eprintln!("{msg}");
            return ExitCode::from(code);
        }
    };
    let loaded = match save::load_file(&args.save, &story) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("butterfly: {}", for_terminal(&e.to_string()));
            let code = if matches!(e, SaveError::NotFound { .. } | SaveError::Io { .. }) {
                2
            } else {
                1
            };
            return ExitCode::from(code);
        }
    };
    let shown = args.save.display();
    // `--verify` only checks, whatever else is asked: scripts want one line and a code.
    if !args.verify {
        let recording = match Recording::of_loaded(&story, &loaded) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("butterfly: cannot replay `{shown}`: {e}");
                return ExitCode::from(1);
            }
        };
        let written = if args.plain {
            replaying::write_transcript(&story, &recording, &mut io::stdout().lock())
        } else {
            let store = SaveStore::new(SaveStore::resolve_dir(saves));
            replaying::replay_tui(&story, &recording, &store)
        };
        match written {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("butterfly: {e}");
                return ExitCode::from(2);
            }
        }
    }
    if let Some(d) = &loaded.divergence {
        eprintln!(
            "butterfly: `{shown}` diverges from the story at {}",
            for_terminal(&d.to_string())
        );
        return ExitCode::from(1);
    }
    if args.verify {
        let steps = loaded.state.path.len();
        let note = if loaded.story_changed {
            " (the story has changed since, but the replay holds)"
        } else {
            ""
        };
        println!("ok: `{shown}` replays exactly, {steps} choices{note}");
    }
    ExitCode::SUCCESS
}
