//! Witness files: each ending's shortest game found by `explore`, saved so that
//! `butterfly replay` plays it.
//!
//! A witness is a seed and a path of choices, which is exactly what a save records, so
//! a witness *is* a save: the game is replayed to its ending and written through
//! [`SaveStore`] (atomically, one slot per ending, named after the ending's id). The
//! files then go through the same verification as any save when replayed.
//!
//! Ending ids are any printable text, slot names only ASCII letters, digits, `-` and
//! `_`: [`slot_for`] turns one into the other (and tells collisions apart), so every
//! ending with a witness gets a file.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::engine::{self, Step};
use crate::save::{SaveError, SaveStore, validate_slot};
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

/// A valid slot name for `ending`, not in `taken` (and then added to it): the id itself
/// when it is one; otherwise its letters and digits with `_` for the rest, cut to fit,
/// with `-2`, `-3`... when two endings come out the same.
pub fn slot_for<S: std::hash::BuildHasher>(ending: &str, taken: &mut HashSet<String, S>) -> String {
    let base = if validate_slot(ending).is_ok() {
        ending.to_owned()
    } else {
        let cleaned: String = ending
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .take(48)
            .collect();
        // A prefix keeps it clear of empty and reserved names (`profile`, `con`...).
        format!("ending-{cleaned}")
    };
    let mut slot = base.clone();
    let mut n = 1;
    while taken.contains(&slot.to_ascii_lowercase()) || validate_slot(&slot).is_err() {
        n += 1;
        slot = format!("ending-{n}-{}", &base[..base.len().min(40)]);
        if n > 1_000_000 {
            slot = format!("ending-{}", taken.len() + 1);
            break;
        }
    }
    taken.insert(slot.to_ascii_lowercase());
    slot
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
    write_witness_as(dir, story, ending, ending, seed, steps)
}

/// [`write_witness`] into the slot `slot` (see [`slot_for`]).
///
/// # Errors
/// As [`write_witness`].
pub fn write_witness_as(
    dir: &Path,
    story: &Story,
    ending: &str,
    slot: &str,
    seed: u64,
    steps: &[Step],
) -> Result<PathBuf, WitnessError> {
    let state = engine::replay(story, seed, steps).map_err(|d| WitnessError::Replay {
        ending: ending.to_owned(),
        reason: d.to_string(),
    })?;
    let store = SaveStore::new(dir.to_owned());
    store.save(slot, story, &state, Duration::ZERO)?;
    Ok(store.slot_path(slot)?)
}
