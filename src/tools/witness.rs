//! Witness files: a game explore found, written so that it can be replayed.
//!
//! A witness is a seed and a path of `(scene, choice)` steps, the same recording a save
//! keeps. Until the save format (`crate::save`) lands, witnesses are written here, in one
//! place, as RON with the fields a save will also carry (version, story id, content hash,
//! seed, path), so switching them over to the save encoder is a change to this file only.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::engine::Step;
use crate::story::Story;

/// Version of the witness layout written by [`encode`].
pub const WITNESS_VERSION: u32 = 1;

/// What a witness file holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WitnessFile {
    /// Layout version ([`WITNESS_VERSION`]).
    pub version: u32,
    /// The story's id.
    pub story: String,
    /// The story's content hash when the witness was found.
    pub content_hash: u64,
    /// The game's seed.
    pub seed: u64,
    /// The ending it reaches, for people reading the file.
    pub ending: String,
    /// Every choice, in order.
    pub path: Vec<Step>,
}

/// The text of a witness file.
#[must_use]
pub fn encode(story: &Story, ending: &str, seed: u64, steps: &[Step]) -> String {
    let file = WitnessFile {
        version: WITNESS_VERSION,
        story: story.id.clone(),
        content_hash: story.content_hash,
        seed,
        ending: ending.to_owned(),
        path: steps.to_vec(),
    };
    let pretty = ron::ser::PrettyConfig::new().depth_limit(3);
    // Serialising plain strings and numbers cannot fail.
    ron::ser::to_string_pretty(&file, pretty).unwrap_or_default() + "\n"
}

/// Reads the text of a witness file.
///
/// # Errors
/// When it is not a witness file.
pub fn decode(text: &str) -> Result<WitnessFile, ron::error::SpannedError> {
    ron::from_str(text)
}

/// Writes a witness to `path`, replacing it atomically (temporary file, then rename).
///
/// # Errors
/// I/O errors.
pub fn write_witness(
    path: &Path,
    story: &Story,
    ending: &str,
    seed: u64,
    steps: &[Step],
) -> std::io::Result<()> {
    let text = encode(story, ending, seed, steps);
    let tmp = path.with_extension("ron.tmp");
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path)
}
