//! The story files' text as the passes see it: borrowed from the caller, or owned by the
//! loader and let go once parsed.
//!
//! A game or a reload borrows its files (it keeps them anyway). `check` hands its files
//! over ([`crate::story::load_owned`]) so the loader can drop each file's text as soon as
//! the file is parsed: the parse owns everything the compiler needs, and the text is
//! only ever read again to place a diagnostic. Without this the source stayed in memory
//! beside the story compiled from it, the whole of a large story's source at the peak
//! (issue 16). A diagnostic pointing into a released file reads it again through the
//! caller's `reread`, checked against the hash taken when it was let go: a file changed
//! meanwhile is not quoted, and the change is reported.

use std::cell::{OnceCell, RefCell};
use std::sync::Arc;

use super::super::files::SourceFile;
use super::super::scan::{FileText, Locator};

/// Reads a file of the story again, by its path as the loader names it (`check` reads
/// it from the story's directory, with the same bounds as the first time).
pub type Reread<'a> = Box<dyn FnMut(&str) -> Option<Vec<u8>> + 'a>;

/// One file's text.
enum Held<'a> {
    /// Not text (the read pass said why), or not read yet.
    Absent,
    Borrowed(&'a str),
    Owned(Arc<String>),
    /// Let go after parsing: its hash then, and its text once read again.
    Released {
        hash: u64,
        again: OnceCell<Option<Arc<String>>>,
    },
}

/// Every file's text, and a locator for each once a diagnostic needs one.
pub struct Sources<'a> {
    pub files: &'a [SourceFile],
    held: Vec<Held<'a>>,
    locators: Vec<OnceCell<Locator<'a>>>,
    /// The files' bytes when the loader owns them (`files` then holds their paths),
    /// until the read pass makes them text.
    given: Vec<Vec<u8>>,
    reread: Option<RefCell<Reread<'a>>>,
    /// Files that could not be read again as they were (changed or gone).
    changed: RefCell<Vec<usize>>,
    /// The story's content hash, taken before the bytes were handed over (`files`
    /// then holds only paths).
    pub content_hash: Option<u64>,
}

impl<'a> Sources<'a> {
    /// Files the caller keeps: their text is borrowed, never let go.
    pub fn borrowed(files: &'a [SourceFile]) -> Self {
        Self {
            files,
            held: (0..files.len()).map(|_| Held::Absent).collect(),
            locators: (0..files.len()).map(|_| OnceCell::new()).collect(),
            given: Vec::new(),
            reread: None,
            changed: RefCell::default(),
            content_hash: None,
        }
    }

    /// Files handed over: `paths` names them (its bytes unused), `given` holds their
    /// bytes in the same order.
    pub fn owned(paths: &'a [SourceFile], given: Vec<Vec<u8>>, reread: Reread<'a>) -> Self {
        Self {
            given,
            reread: Some(RefCell::new(reread)),
            ..Self::borrowed(paths)
        }
    }

    /// A file's bytes, as given (the read pass turns them into text).
    pub fn bytes(&self, file: usize) -> &[u8] {
        match self.given.get(file) {
            Some(b) => b,
            None => &self.files[file].bytes,
        }
    }

    /// Makes file `file` text, when its bytes are UTF-8 (else gives the error back).
    pub fn make_text(&mut self, file: usize) -> Result<(), std::str::Utf8Error> {
        if let Some(bytes) = self.given.get_mut(file) {
            let owned = std::mem::take(bytes);
            match String::from_utf8(owned) {
                Ok(text) => self.held[file] = Held::Owned(Arc::new(text)),
                Err(e) => {
                    let err = e.utf8_error();
                    self.given[file] = e.into_bytes();
                    return Err(err);
                }
            }
        } else {
            let text = std::str::from_utf8(&self.files[file].bytes)?;
            self.held[file] = Held::Borrowed(text);
        }
        Ok(())
    }

    /// Lends file `file`'s text (a reload's edited file, borrowed from the reloader).
    pub fn lend(&mut self, file: usize, text: &'a str) {
        self.held[file] = Held::Borrowed(text);
        self.locators[file] = OnceCell::new();
    }

    /// Forgets file `file`'s text: it is not part of the story (blank).
    pub fn forget(&mut self, file: usize) {
        self.held[file] = Held::Absent;
    }

    /// Whether file `file` is text (read, or released after parsing).
    pub fn has_text(&self, file: usize) -> bool {
        !matches!(self.held[file], Held::Absent)
    }

    /// File `file`'s text; a released one is read again (once), `None` when it cannot
    /// be read as it was.
    pub fn text(&self, file: usize) -> Option<&str> {
        match &self.held[file] {
            Held::Absent => None,
            Held::Borrowed(s) => Some(s),
            Held::Owned(s) => Some(s.as_str()),
            Held::Released { .. } => self.again(file).map(|s| s.as_str()),
        }
    }

    /// File `file`'s text for another thread to parse (see `passes/prefetch.rs`):
    /// borrowed, or shared with this holder. `None` when it is not held as text now.
    pub fn for_parser(&self, file: usize) -> Option<FileText<'a>> {
        match &self.held[file] {
            Held::Borrowed(s) => Some(FileText::Borrowed(s)),
            Held::Owned(s) => Some(FileText::Shared(Arc::clone(s))),
            Held::Absent | Held::Released { .. } => None,
        }
    }

    /// A released file's text, read again on first use (`None` when it cannot be
    /// read as it was, or the file was not released).
    fn again(&self, file: usize) -> Option<&Arc<String>> {
        let Held::Released { hash, again } = &self.held[file] else {
            return None;
        };
        again.get_or_init(|| self.read_again(file, *hash)).as_ref()
    }

    /// Lets file `file`'s text go when the loader owns it (after it parsed: the parse
    /// holds all the passes need of it).
    pub fn release(&mut self, file: usize) {
        let hash = match &self.held[file] {
            Held::Owned(text) => file_hash(text.as_bytes()),
            Held::Released { hash, .. } => *hash,
            Held::Absent | Held::Borrowed(_) => return,
        };
        self.held[file] = Held::Released {
            hash,
            again: OnceCell::new(),
        };
        self.locators[file] = OnceCell::new();
    }

    fn read_again(&self, file: usize, hash: u64) -> Option<Arc<String>> {
        let reread = self.reread.as_ref()?;
        let bytes = (reread.borrow_mut())(&self.files[file].path);
        let text = bytes
            .filter(|b| file_hash(b) == hash)
            .and_then(|b| String::from_utf8(b).ok());
        if text.is_none() {
            self.changed.borrow_mut().push(file);
        }
        text.map(Arc::new)
    }

    /// The locator of file `file`, built on first use.
    pub fn locator(&self, file: usize) -> Option<&Locator<'a>> {
        if let Some(l) = self.locators[file].get() {
            return Some(l);
        }
        let loc = match &self.held[file] {
            Held::Absent => return None,
            Held::Borrowed(s) => Locator::new(s),
            Held::Owned(s) => Locator::shared(Arc::clone(s)),
            Held::Released { .. } => Locator::shared(Arc::clone(self.again(file)?)),
        };
        Some(self.locators[file].get_or_init(|| loc))
    }

    /// Files that changed or went since they were read (their diagnostics are not
    /// placed), each once, in file order.
    pub fn changed(&self) -> Vec<usize> {
        let mut files = self.changed.borrow().clone();
        files.sort_unstable();
        files.dedup();
        files
    }

    /// The text of every file still held or read again, with its path: what a checker
    /// quotes in its report.
    pub fn into_texts(self) -> Vec<SourceFile> {
        let Sources {
            files,
            held,
            locators,
            ..
        } = self;
        // The locators share the texts: gone first, each text is handed on, not copied.
        drop(locators);
        held.into_iter()
            .enumerate()
            .filter_map(|(i, h)| {
                let text = match h {
                    Held::Owned(s) => s,
                    Held::Released { again, .. } => again.into_inner().flatten()?,
                    Held::Absent | Held::Borrowed(_) => return None,
                };
                let text = Arc::try_unwrap(text).unwrap_or_else(|shared| (*shared).clone());
                Some(SourceFile {
                    path: files[i].path.clone(),
                    bytes: text.into_bytes(),
                })
            })
            .collect()
    }
}

use super::super::files::bytes_hash as file_hash;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_held_text_is_handed_back_without_a_copy_even_with_its_locator_built() {
        let paths = [SourceFile {
            path: "a.ron".into(),
            bytes: Vec::new(),
        }];
        let given = vec![b"Chapter(title: \"A\", scenes: [])".to_vec()];
        let mut sources = Sources::owned(&paths, given, Box::new(|_| None));
        sources.make_text(0).expect("UTF-8");
        let before = sources.text(0).expect("held").as_ptr();
        assert!(sources.locator(0).is_some());
        let texts = sources.into_texts();
        assert_eq!(texts.len(), 1);
        assert_eq!(texts[0].bytes.as_ptr(), before, "the text was copied");
    }

    #[test]
    fn a_released_text_is_read_again_once_and_only_as_it_was() {
        let paths = [SourceFile {
            path: "a.ron".into(),
            bytes: Vec::new(),
        }];
        let text = b"Chapter(title: \"A\", scenes: [])".to_vec();
        for (disk, kept) in [
            (Some(text.clone()), true),
            (Some(b"x".to_vec()), false),
            (None, false),
        ] {
            let reads = std::cell::Cell::new(0);
            let mut sources = Sources::owned(
                &paths,
                vec![text.clone()],
                Box::new(|_| {
                    reads.set(reads.get() + 1);
                    disk.clone()
                }),
            );
            sources.make_text(0).expect("UTF-8");
            sources.release(0);
            assert!(sources.has_text(0));
            assert_eq!(sources.text(0).is_some(), kept);
            assert_eq!(sources.locator(0).is_some(), kept);
            assert_eq!(reads.get(), 1, "read again once");
            assert_eq!(sources.changed(), if kept { vec![] } else { vec![0] });
        }
    }
}
