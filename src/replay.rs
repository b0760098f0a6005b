//! `butterfly replay` without a terminal: the transcript of a recorded playthrough.
//!
//! The recording ([`Recording`]) and the transcript format are the session layer's;
//! this only writes the transcript out. Stepping through a recording on screen is the
//! terminal interface's replay viewer (`tui::run_replay`); the CLI picks one.

use std::io::{self, Write};

pub use crate::session::Recording;
use crate::session::transcript;
use crate::story::Story;

/// Writes the transcript: each scene as the plain player shows it, then `> N. label`
/// for the choice taken; at the end, the ending if one was reached.
///
/// # Errors
/// Only I/O errors on `out`.
pub fn write_transcript(
    story: &Story,
    recording: &Recording,
    out: &mut dyn Write,
) -> io::Result<()> {
    out.write_all(transcript::transcript(story, recording).as_bytes())
}
