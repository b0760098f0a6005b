//! The command line: parses arguments and runs the chosen command.
//!
//! Exit codes: 0 success, 1 the input was wrong (story errors, a failed check), 2 the
//! command could not run (missing directory, unreadable file, bad arguments).

use std::fmt::Write as _;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::engine;
use crate::plain::PlainPlayer;
use crate::printer::warn;
use crate::replay::{self as replaying, Recording};
use crate::sanitize::for_terminal;
use crate::save::{self, SaveError, SaveStore};
use crate::source;
use crate::story::{self, Loaded, Story};
use crate::tools::{
    explore as explorer, graph as grapher, playtest, stats as counter, verify as prover, witness,
};

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
    /// Print the scene graph (Graphviz dot or Mermaid), grouped by chapter.
    Graph {
        /// The story directory (default: --story, or the built-in story).
        dir: Option<PathBuf>,
        /// Output syntax.
        #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
        format: GraphFormat,
    },
    /// Play many games automatically and report what can and cannot be reached.
    Explore(ExploreArgs),
    /// Prove the story complete: a complete search of its state space (every scene,
    /// choice and ending reachable, no stuck state, no loop without an exit), with
    /// shortest witnesses. Exit 1 when anything is wrong or the search hit its cap.
    Verify {
        /// The story directory (default: --story, or the built-in story).
        dir: Option<PathBuf>,
        /// Cap on distinct abstract states; past it nothing is proved.
        #[arg(long, default_value_t = 5_000_000)]
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
        Some(Command::Graph { dir, format }) => graph(dir.or(cli.story).as_deref(), format),
        Some(Command::Explore(args)) if args.exhaustive => verify(
            args.dir.or(cli.story).as_deref(),
            args.max_states.max(5_000_000),
        ),
        Some(Command::Explore(args)) => {
            let dir = args.dir.clone().or(cli.story);
            explore(dir.as_deref(), &args)
        }
        Some(Command::Verify { dir, max_states }) => {
            verify(dir.or(cli.story).as_deref(), max_states)
        }
        Some(Command::Stats { dir, games, seed }) => {
            stats(dir.or(cli.story).as_deref(), games, seed)
        }
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
            let errors: Vec<_> = loaded
                .diagnostics
                .iter()
                .filter(|d| d.is_error())
                .cloned()
                .collect();
            let (shown, more) = story::diag::capped(&errors, crate::limits::REPORTS_PER_CODE);
            for d in shown {
                msg.push_str(&d.to_string());
            }
            for line in more {
                let _ = writeln!(msg, "{line}");
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
            warn(format_args!("butterfly: {e}"));
            return ExitCode::from(2);
        }
    };
    let loaded = story::load(&files);
    let mut out = crate::printer::stdout();
    let (shown, more) = story::diag::capped(&loaded.diagnostics, crate::limits::REPORTS_PER_CODE);
    for d in shown {
        let _ = writeln!(out, "{d}");
    }
    for line in more {
        let _ = writeln!(out, "{line}");
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

/// The terminal game. With `--story DIR` it reloads the story on F5 and whenever a
/// file changes. A game begun with `--from` is an author's test: it saves into a
/// throwaway directory, never over the player's autosave or profile.
fn play_tui(
    story: Story,
    story_dir: Option<&Path>,
    store: &SaveStore,
    seed: u64,
    args: &PlayArgs,
) -> ExitCode {
    let opening = crate::tools::reload::Opening {
        scene: args.from.clone(),
        overrides: args.set.clone(),
    };
    let mut start = None;
    let mut scratch = None;
    if args.from.is_some() || !args.set.is_empty() {
        let scene = args.from.as_deref().unwrap_or(&story.start);
        match engine::start_at(&story, seed, scene, &args.set) {
            Ok((state, _)) => start = Some(state),
            Err(e @ engine::StartAtError::Engine(_)) => {
                warn(format_args!("butterfly: cannot start in `{scene}`: {e}"));
                return ExitCode::from(1);
            }
            Err(e) => {
                warn(format_args!("butterfly: {e}"));
                return ExitCode::from(2);
            }
        }
        scratch = Some(std::env::temp_dir().join(format!("butterfly-from-{}", std::process::id())));
    }
    let scratch_store = scratch.clone().map(SaveStore::new);
    let live = crate::tui::Live {
        dir: story_dir.map(Path::to_path_buf),
        opening,
    };
    let result = crate::tui::run_live(
        story,
        scratch_store.as_ref().unwrap_or(store),
        seed,
        Some(&live),
        start,
    );
    if let Some(dir) = scratch {
        let _ = std::fs::remove_dir_all(dir);
    }
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            warn(format_args!("butterfly: {e}"));
            ExitCode::from(2)
        }
    }
}

fn play(story_dir: Option<&Path>, saves: Option<&Path>, args: &PlayArgs) -> ExitCode {
    let story = match load_story(story_dir) {
        Ok(s) => s,
        Err((msg, code)) => {
            warn(format_args!("{msg}"));
            return ExitCode::from(code);
        }
    };
    let seed = args.seed.unwrap_or_else(clock_seed);
    let interactive = io::stdin().is_terminal() && io::stdout().is_terminal();
    let store = SaveStore::new(SaveStore::resolve_dir(saves));
    let from_somewhere = args.from.is_some() || !args.set.is_empty();
    if !args.plain && interactive {
        return play_tui(story, story_dir, &store, seed, args);
    }
    let mut player = if from_somewhere {
        let scene = args.from.as_deref().unwrap_or(&story.start);
        match engine::start_at(&story, seed, scene, &args.set) {
            // A game begun in the middle is an author's test: it must not take the
            // player's autosave or mark endings found in their profile, so it has no
            // saves (and, until the terminal interface can begin there, runs in line
            // mode).
            Ok((state, _)) => PlainPlayer::resume(&story, state),
            Err(e @ engine::StartAtError::Engine(_)) => {
                warn(format_args!("butterfly: cannot start in `{scene}`: {e}"));
                return ExitCode::from(1);
            }
            Err(e) => {
                warn(format_args!("butterfly: {e}"));
                return ExitCode::from(2);
            }
        }
    } else {
        match PlainPlayer::new(&story, seed) {
            Ok(p) => p.with_saves(&store),
            Err(e) => {
                warn(format_args!("butterfly: {e}"));
                return ExitCode::from(1);
            }
        }
    };
    let stdin = io::stdin();
    let mut input = stdin.lock();
    let mut out = crate::printer::stdout();
    match player.run(&mut input, &mut out) {
        Ok(crate::plain::Outcome::Stuck) => ExitCode::from(1),
        Ok(_) => ExitCode::SUCCESS,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            warn(format_args!("butterfly: {e}"));
            ExitCode::from(2)
        }
    }
}

/// Loads a story for a tool, printing the error and giving the exit code on failure.
fn tool_story(dir: Option<&Path>) -> Result<Story, ExitCode> {
    load_story(dir).map_err(|(msg, code)| {
        warn(format_args!("{msg}"));
        ExitCode::from(code)
    })
}

fn graph(dir: Option<&Path>, format: GraphFormat) -> ExitCode {
    let story = match tool_story(dir) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let format = match format {
        GraphFormat::Dot => grapher::Format::Dot,
        GraphFormat::Mermaid => grapher::Format::Mermaid,
    };
    let text = grapher::render(&story, format);
    match crate::printer::stdout().write_all(text.as_bytes()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            warn(format_args!("butterfly: {e}"));
            ExitCode::from(2)
        }
        _ => ExitCode::SUCCESS,
    }
}

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

fn run_explore(story: &Story, options: &explorer::Options) -> Result<explorer::Report, ExitCode> {
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
    report.map_err(|e| {
        warn(format_args!("butterfly: the story cannot start: {e}"));
        ExitCode::from(1)
    })
}

fn explore(dir: Option<&Path>, args: &ExploreArgs) -> ExitCode {
    let story = match tool_story(dir) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let options = explorer::Options {
        runs: args.runs,
        seed: args.seed,
        max_steps: args.max_steps,
        max_states: args.max_states,
        beam: args.beam,
    };
    let report = match run_explore(&story, &options) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let mut out = crate::printer::stdout();
    let _ = write!(out, "{report}");
    if let Some(wdir) = &args.write_witnesses {
        // Every witness is tried: one that cannot be written does not cost the others.
        let mut failed = false;
        let mut taken = std::collections::HashSet::new();
        for e in &report.endings {
            let Some(w) = &e.witness else { continue };
            let slot = witness::slot_for(&e.id, &mut taken);
            match witness::write_witness_as(wdir, &story, &e.id, &slot, w.seed, &w.steps) {
                Ok(path) => {
                    let _ = writeln!(out, "wrote {}", path.display());
                }
                Err(err) => {
                    warn(format_args!("butterfly: {err}"));
                    failed = true;
                }
            }
        }
        if failed {
            return ExitCode::from(2);
        }
    }
    // A player who can get stuck or trapped is as much a failure as a lost ending.
    if report.unreached_endings().is_empty() && report.stuck.is_empty() && report.no_exit.is_empty()
    {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// `butterfly verify`: exit 0 only when the complete search proves the story complete.
fn verify(dir: Option<&Path>, max_states: usize) -> ExitCode {
    let story = match tool_story(dir) {
        Ok(s) => s,
        Err(code) => return code,
    };
    match prover::verify(&story, &prover::Options { max_states }) {
        Ok(report) => {
            let _ = write!(crate::printer::stdout(), "{report}");
            if report.is_clean() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(e) => {
            warn(format_args!("error: {e}"));
            ExitCode::from(1)
        }
    }
}

fn stats(dir: Option<&Path>, games: u32, seed: u64) -> ExitCode {
    let story = match tool_story(dir) {
        Ok(s) => s,
        Err(code) => return code,
    };
    // Enough games for honest lengths, and a search big enough for shortest paths in a
    // story of this size, while staying quick.
    let options = explorer::Options {
        runs: 300,
        seed: 0,
        max_steps: 500,
        max_states: 20_000,
        beam: 200,
    };
    let report = match run_explore(&story, &options) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let _ = write!(
        crate::printer::stdout(),
        "{}",
        counter::compute(&story, &report)
    );
    if games > 0 {
        let options = playtest::Options {
            games,
            seed,
            ..playtest::Options::default()
        };
        match playtest::measure(&story, &options) {
            Ok(play) => {
                let _ = write!(crate::printer::stdout(), "\n{}", play.display(&story));
            }
            Err(e) => {
                warn(format_args!("error: random play failed: {e}"));
                return ExitCode::from(1);
            }
        }
    }
    ExitCode::SUCCESS
}

/// `butterfly replay SAVE`: exit 0 when the save replays exactly, 1 when it diverges or
/// is refused, 2 when it cannot be read at all.
fn replay(story_dir: Option<&Path>, saves: Option<&Path>, args: &ReplayArgs) -> ExitCode {
    let story = match load_story(story_dir) {
        Ok(s) => s,
        Err((msg, code)) => {
            warn(format_args!("{msg}"));
            return ExitCode::from(code);
        }
    };
    let loaded = match save::load_file(&args.save, &story) {
        Ok(l) => l,
        Err(e) => {
            warn(format_args!("butterfly: {}", for_terminal(&e.to_string())));
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
                warn(format_args!("butterfly: cannot replay `{shown}`: {e}"));
                return ExitCode::from(1);
            }
        };
        let written = if args.plain {
            replaying::write_transcript(&story, &recording, &mut crate::printer::stdout())
        } else {
            let store = SaveStore::new(SaveStore::resolve_dir(saves));
            replaying::replay_tui(&story, &recording, &store)
        };
        match written {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return ExitCode::SUCCESS,
            Err(e) => {
                warn(format_args!("butterfly: {e}"));
                return ExitCode::from(2);
            }
        }
    }
    if let Some(d) = &loaded.divergence {
        warn(format_args!(
            "butterfly: `{shown}` diverges from the story at {}",
            for_terminal(&d.to_string())
        ));
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
