//! A story's input: its files' contents, the bounds they must keep, and their hash.
//!
//! Apart from the loader so that the compiler's passes can use these without depending
//! on the loader that runs them.

/// Bounds that keep a hostile or broken story from exhausting memory or time: the
/// one set of limits, shared with the save and profile writers.
pub use crate::limits;

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
    let mut h = Hash::new();
    for f in files {
        h.eat(f.path.as_bytes());
        h.eat(&f.bytes);
    }
    h.finish()
}

/// The same hash over one run of bytes: the loader's check that a file it let go and
/// reads again is the file it parsed.
pub(crate) fn bytes_hash(bytes: &[u8]) -> u64 {
    let mut h = Hash::new();
    h.eat(bytes);
    h.finish()
}

/// The hash's state.
struct Hash(u64);

impl Hash {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;

    fn new() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }

    fn eat(&mut self, bytes: &[u8]) {
        let mut h = self.0;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let w = u64::from_le_bytes(c.try_into().expect("chunks of 8"));
            h = (h ^ w).wrapping_mul(Self::K).rotate_left(29);
        }
        for &b in chunks.remainder() {
            h = (h ^ u64::from(b)).wrapping_mul(Self::K).rotate_left(29);
        }
        self.0 = (h ^ bytes.len() as u64).wrapping_mul(Self::K);
    }

    fn finish(&self) -> u64 {
        self.0 ^ (self.0 >> 32)
    }
}
