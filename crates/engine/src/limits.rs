//! Every bound the game puts on its input, in one place.
//!
//! A hostile or broken story, save or profile must never exhaust memory or time, and
//! anything the checker accepts must be something the save and profile writers can
//! write and read again. Keeping the numbers together is what keeps those two sides
//! agreeing: the checker and the writers both read them from here.

/// Largest story file accepted.
pub const MAX_FILE_BYTES: usize = 16 * 1024 * 1024;
/// Most files in one story.
pub const MAX_FILES: usize = 20_000;
/// Deepest folder nesting read under a story directory; a file deeper is an error.
pub const MAX_FOLDER_DEPTH: usize = 32;
/// Most scenes in one story. A scene costs about a kilobyte loaded whatever its size
/// in the source, and `check` may hold a warning for each (a million unreachable
/// one-line scenes, 48 MB of source, took 2.3 GB to check): this keeps the worst
/// case near 500 MB, under the 2 GB every command must stay within.
pub const MAX_SCENES: usize = 200_000;
/// Longest single string (paragraph, label, expression), in bytes.
pub const MAX_STRING_BYTES: usize = 64 * 1024;
/// Most bytes in all of a story's files together: many files each under
/// [`MAX_FILE_BYTES`] must still not add up to more memory than a machine has.
/// Loading peaks at about four times the source (`examples/peak_memory.rs`), and a
/// story at 256 MiB took about 1 GB and 5–8 CPU seconds to check, play or graph: at
/// this limit every command stays near 500 MB and a few seconds, under the 2 GB and
/// 10 seconds `.ci/hostile` holds it to. 128 MiB is a hundred novels.
pub const MAX_TOTAL_BYTES: usize = 128 * 1024 * 1024;

/// Longest id or name a story may use (scene, choice, ending and variable ids), in
/// bytes. Saves and the profile record these ids, and their readers refuse longer ones,
/// so the checker refuses them too: whatever a story names can be saved and loaded.
pub const MAX_ID_BYTES: usize = 200;

/// Most endings a story may declare. The profile records each ending found and is
/// bounded by [`MAX_PROFILE_BYTES`]; this many ids of [`MAX_ID_BYTES`] fit in it with
/// room to spare, so finding every ending can never make the profile unreadable.
pub const MAX_ENDINGS: usize = 10_000;

/// Largest save file written or read; a save of even a very long game is far smaller.
pub const MAX_SAVE_BYTES: u64 = 1024 * 1024;

/// Largest profile written or read. The writer keeps it under this by forgetting
/// scenes seen (never endings found) when a huge story would push it over.
pub const MAX_PROFILE_BYTES: u64 = 4 * 1024 * 1024;

/// Longest save slot name, in bytes (slot names become file names).
pub const MAX_SLOT_BYTES: usize = 64;

// Every ending found, each with the longest id, quoted and indented, fits in a profile.
const _: () = assert!(MAX_ENDINGS * (MAX_ID_BYTES + 16) < MAX_PROFILE_BYTES as usize);

/// What is wrong with an id or name that saves could not hold, if anything: longer
/// than [`MAX_ID_BYTES`], or holding a line break. (Control characters and
/// bidirectional overrides are neutralised at load, ids included, so they never reach
/// a save; a line break survives that, and the save reader refuses it.) The checker
/// and the save reader both ask this one function.
#[must_use]
pub fn id_problem(id: &str) -> Option<String> {
    if id.len() > MAX_ID_BYTES {
        return Some(format!(
            "it is {} bytes long; the limit is {MAX_ID_BYTES}",
            id.len()
        ));
    }
    if id.contains('\n') {
        return Some("it holds a line break".to_owned());
    }
    None
}

/// [`id_problem`], and what the save reader adds for ids it reads from a file anyone
/// can edit: no control characters or bidirectional overrides (a story's ids never
/// have them after the load).
#[must_use]
pub fn saved_id_problem(id: &str) -> Option<String> {
    id_problem(id).or_else(|| {
        (!crate::sanitize::is_terminal_safe(id))
            .then(|| "it holds control characters or bidirectional overrides".to_owned())
    })
}

/// Most detours open at once (a detour taken inside a detour, and so on). The checker
/// refuses a story whose detours can nest deeper (E0603) or re-enter themselves
/// (E0602), so a checked story never meets it; the engine refuses the step past it
/// rather than grow without bound on a story loaded without checks.
pub const MAX_DETOUR_DEPTH: usize = 16;

/// Columns of a source line quoted under a diagnostic: the window around the column
/// it points at, so a story written on one long line cannot make every report as long
/// as the file.
pub const QUOTE_COLUMNS: usize = 120;
/// Longest message of one diagnostic, in characters (a message may quote an id).
pub const MESSAGE_CHARS: usize = 400;
/// Diagnostics of one code printed by `check` before the rest are only counted
/// ("and N more").
pub const REPORTS_PER_CODE: usize = 50;

/// The bounds as values, so tests can prove each one with a small story instead of
/// a million scenes. [`Limits::default`] is the constants above.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// See [`MAX_FILE_BYTES`].
    pub file_bytes: usize,
    /// See [`MAX_FILES`].
    pub files: usize,
    /// See [`MAX_SCENES`].
    pub scenes: usize,
    /// See [`MAX_STRING_BYTES`].
    pub string_bytes: usize,
    /// See [`MAX_TOTAL_BYTES`].
    pub total_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            file_bytes: MAX_FILE_BYTES,
            files: MAX_FILES,
            scenes: MAX_SCENES,
            string_bytes: MAX_STRING_BYTES,
            total_bytes: MAX_TOTAL_BYTES,
        }
    }
}
