//! A story's input: its files' contents, the bounds they must keep, and their hash.
//!
//! Apart from the loader so that the compiler's passes can use these without depending
//! on the loader that runs them.

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
