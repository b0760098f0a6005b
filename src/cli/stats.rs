//! `butterfly stats [DIR]`: words, scenes, choices, endings, game lengths; and over
//! random games, how play feels (decisions, words between them, ending shares).

use std::io::Write;
use std::path::Path;

use super::explore::run_explore;
use super::{CliError, load_story};
use crate::tools::{explore as explorer, playtest, stats as counter};

/// Prints the numbers.
///
/// # Errors
/// The story does not load or start, or random play fails.
pub fn stats(dir: Option<&Path>, games: u32, seed: u64) -> Result<(), CliError> {
    let story = load_story(dir)?;
    // Enough games for honest lengths, and a search big enough for shortest paths in a
    // story of this size, while staying quick.
    let options = explorer::Options {
        runs: 300,
        seed: 0,
        max_steps: 500,
        max_states: 20_000,
        beam: 200,
    };
    let report = run_explore(&story, &options)?;
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
            Err(e) => return Err(CliError::Input(format!("error: random play failed: {e}"))),
        }
    }
    Ok(())
}
