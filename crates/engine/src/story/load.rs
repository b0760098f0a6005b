//! Story files → checked [`Story`], collecting every problem instead of stopping.
//!
//! The loader takes file contents (not paths: reading the disk is the caller's job, so
//! this stays pure and testable) and runs the compiler's passes over them (see
//! `story/passes/`: read, parse, declare, index, compile, extend, lint). A
//! story is returned only when there are no errors; diagnostics are returned always.

use super::diag::Diagnostic;
use super::model::Story;
use super::passes::{self, Ctx};
use super::safe;

pub use super::site::Site;

/// Bounds that keep a hostile or broken story from exhausting memory or time.
pub mod limits {
    /// Largest story file accepted.
    pub const MAX_FILE_BYTES: usize = 16 * 1024 * 1024;
    /// Most files in one story.
    pub const MAX_FILES: usize = 20_000;
    /// Most scenes in one story.
    pub const MAX_SCENES: usize = 1_000_000;
    /// Longest single string (paragraph, label, expression), in bytes.
    pub const MAX_STRING_BYTES: usize = 64 * 1024;
    /// Most bytes in all of a story's files together: many files each under
    /// [`MAX_FILE_BYTES`] must still not add up to more memory than a machine has.
    pub const MAX_TOTAL_BYTES: usize = 1024 * 1024 * 1024;

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
}

/// One story file's contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Path relative to the story directory, with `/` separators.
    pub path: String,
    /// The raw bytes (checked for UTF-8 here).
    pub bytes: Vec<u8>,
}

/// The result of loading: the story when there were no errors, and every diagnostic.
#[derive(Debug)]
pub struct Loaded {
    /// The checked story, if it has no errors.
    pub story: Option<Story>,
    /// Errors and warnings, in file order.
    pub diagnostics: Vec<Diagnostic>,
    /// Files read.
    pub file_count: usize,
    /// Counts for the summary line (of what compiled, even when there were errors;
    /// words are counted only by the linting [`load`]).
    pub stats: Stats,
}

/// What a story holds, for the checker's summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Scenes.
    pub scenes: usize,
    /// Choices, extensions included.
    pub choices: usize,
    /// Words of player-visible prose.
    pub words: usize,
    /// Declared endings.
    pub endings: usize,
}

impl Loaded {
    /// Number of errors.
    #[must_use]
    pub fn error_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }
    /// Number of warnings.
    #[must_use]
    pub fn warning_count(&self) -> usize {
        self.diagnostics.len() - self.error_count()
    }
}

/// Loads and checks a story from its files.
#[must_use]
pub fn load(files: &[SourceFile]) -> Loaded {
    load_with(files, true)
}

/// Loads without the whole-story lints (reachability, unused variables): what the game
/// itself needs at start-up. Every error is still found; only warnings are skipped.
#[must_use]
pub fn load_unlinted(files: &[SourceFile]) -> Loaded {
    load_with(files, false)
}

/// Loads and checks under other bounds than the default ones (tests prove each bound
/// with small inputs this way).
#[must_use]
pub fn load_limited(files: &[SourceFile], limits: limits::Limits) -> Loaded {
    let mut cx = Ctx::new(files);
    cx.limits = limits;
    finish(cx)
}

fn load_with(files: &[SourceFile], lints: bool) -> Loaded {
    let mut cx = Ctx::new(files);
    cx.lints = lints;
    finish(cx)
}

fn finish(mut cx: Ctx<'_>) -> Loaded {
    let files = cx.files;
    let mut story = passes::run(&mut cx);
    let lints = cx.lints;
    let mut diagnostics = cx.diags;
    // Sanitise once, here: nothing downstream neutralises story text again.
    if let Some(s) = &mut story {
        safe::story(s);
    }
    safe::diagnostics(&mut diagnostics);
    let has_errors = diagnostics.iter().any(Diagnostic::is_error);
    // Counting every word of a large story is real work: only the checker's summary
    // needs it, and the checker is the caller that asks for the lints.
    let words = |s: &Story| if lints { s.word_count() } else { 0 };
    let stats = story.as_ref().map_or_else(Stats::default, |s| Stats {
        scenes: s.scenes.len(),
        choices: s.choice_count(),
        words: words(s),
        endings: s.endings.len(),
    });
    diagnostics.sort_by(|a, b| {
        (a.file.is_empty(), &a.file, a.line, a.col).cmp(&(
            b.file.is_empty(),
            &b.file,
            b.line,
            b.col,
        ))
    });
    Loaded {
        story: if has_errors { None } else { story },
        diagnostics,
        file_count: files.len(),
        stats,
    }
}

/// A stable hash of every file's path and bytes (unlike `DefaultHasher`, fixed across
/// Rust versions and platforms, so saves can compare it later). Eight bytes per step:
/// hashing 100 MB must not cost a noticeable part of loading it.
pub(crate) fn content_hash(files: &[SourceFile]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let w = u64::from_le_bytes(c.try_into().expect("chunks of 8"));
            h = (h ^ w).wrapping_mul(K).rotate_left(29);
        }
        for &b in chunks.remainder() {
            h = (h ^ u64::from(b)).wrapping_mul(K).rotate_left(29);
        }
        h = (h ^ bytes.len() as u64).wrapping_mul(K);
    };
    for f in files {
        eat(f.path.as_bytes());
        eat(&f.bytes);
    }
    h ^ (h >> 32)
}
