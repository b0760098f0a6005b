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

/// [`content_hash`] with the hash's state before each file kept, so that after an edit
/// it is taken again from the first edited file on, not over the whole story (at
/// 100,000 scenes, hashing every file was most of an incremental reload's time).
#[derive(Debug, Clone)]
pub(crate) struct ContentHash {
    /// The state before file `k`, for every `k`, then the state after the last file.
    states: Vec<u64>,
}

impl ContentHash {
    pub(crate) fn new(files: &[SourceFile]) -> Self {
        let mut marked = Self {
            states: vec![Hash::new().0; files.len() + 1],
        };
        marked.again_from(files, 0);
        marked
    }

    /// [`content_hash`] of the files this was made or last updated with.
    pub(crate) fn value(&self) -> u64 {
        Hash(*self.states.last().expect("one state at least")).finish()
    }

    /// [`content_hash`] of `files`, which differ from the ones this was made with only
    /// from file `from` on (the same number of files, the same paths).
    pub(crate) fn again_from(&mut self, files: &[SourceFile], from: usize) -> u64 {
        assert_eq!(files.len() + 1, self.states.len(), "the same files");
        let mut h = Hash(self.states[from]);
        for (k, f) in files.iter().enumerate().skip(from) {
            self.states[k] = h.0;
            h.eat(f.path.as_bytes());
            h.eat(&f.bytes);
        }
        self.states[files.len()] = h.0;
        self.value()
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn files(texts: &[&str]) -> Vec<SourceFile> {
        texts
            .iter()
            .enumerate()
            .map(|(k, t)| SourceFile {
                path: format!("f{k}.ron"),
                bytes: t.as_bytes().to_vec(),
            })
            .collect()
    }

    #[test]
    fn the_kept_hash_is_the_content_hash_before_and_after_an_edit() {
        let mut story = files(&["Story()", "Chapter(a)", "Chapter(b, longer than eight)", ""]);
        let mut kept = ContentHash::new(&story);
        assert_eq!(kept.value(), content_hash(&story));
        for (file, text) in [(2, "Chapter(c)"), (0, "Story(x)"), (3, "Chapter(d)")] {
            let before = content_hash(&story);
            story[file].bytes = text.as_bytes().to_vec();
            let again = kept.again_from(&story, file);
            assert_eq!(again, content_hash(&story), "after editing file {file}");
            assert_ne!(again, before);
            assert_eq!(kept.value(), again);
        }
    }
}
