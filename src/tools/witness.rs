//! Witness files: each ending's shortest game found by `explore`, saved so that
//! `butterfly replay` plays it.
//!
//! A witness is a seed and a path of choices, which is exactly what a save records, so
//! a witness *is* a save: the game is replayed to its ending and written through
//! [`SaveStore`] (atomically, one slot per ending, named after the ending's id). The
//! files then go through the same verification as any save when replayed.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::engine::{self, Step};
use crate::save::{SaveError, SaveStore};
use crate::story::Story;

/// Why a witness could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WitnessError {
    /// The path no longer replays (never expected: explore checks every witness).
    #[error("the witness for `{ending}` does not replay: {reason}")]
    Replay {
        /// The ending.
        ending: String,
        /// What the replay said.
        reason: String,
    },
    /// The save store refused or the disk failed.
    #[error(transparent)]
    Save(#[from] SaveError),
}

/// Writes the game `seed` + `steps`, which reaches `ending`, as the save slot
/// `<ending>` in `dir`, and returns the file's path.
///
/// # Errors
/// When the game does not replay, the ending id is not a valid slot name, or the
/// store cannot write (it never replaces a file it cannot read).
pub fn write_witness(
    dir: &Path,
    story: &Story,
    ending: &str,
    seed: u64,
    steps: &[Step],
) -> Result<PathBuf, WitnessError> {
    let state = engine::replay(story, seed, steps).map_err(|d| WitnessError::Replay {
        ending: ending.to_owned(),
        reason: d.to_string(),
    })?;
    let store = SaveStore::new(dir.to_owned());
    store.save(ending, story, &state, Duration::ZERO)?;
    Ok(store.slot_path(ending)?)
}
