//! Shared strings for what a story repeats: choice ids ("on", "skip" in every scene),
//! the scene ids choices and routes lead to, chapter titles, dates and places.
//!
//! A compiled story holds hundreds of thousands of these; as `String`s each was its own
//! allocation (about 32 bytes of malloc for a short id) beside 24 bytes in place. A
//! [`SharedStr`] is one reference-counted copy, handed out by a [`StrTable`] that the
//! loader keeps for one load and drops after it, so a repeated id costs 16 bytes in
//! place and nothing more. It reads as the `str` it holds.

use std::borrow::Borrow;
use std::collections::HashSet;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

/// An immutable string shared by every place that holds the same text (see the
/// module's header). Compares, hashes, prints and debug-prints as its text.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct SharedStr(Arc<str>);

impl SharedStr {
    /// The text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for SharedStr {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for SharedStr {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for SharedStr {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&*self.0, f)
    }
}

/// As the text's own `Debug`, so that a story prints as it did with `String` ids.
impl fmt::Debug for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl PartialEq<str> for SharedStr {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other
    }
}

impl PartialEq<&str> for SharedStr {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<String> for SharedStr {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<SharedStr> for str {
    fn eq(&self, other: &SharedStr) -> bool {
        *self == *other.0
    }
}

impl PartialEq<SharedStr> for &str {
    fn eq(&self, other: &SharedStr) -> bool {
        **self == *other.0
    }
}

impl PartialEq<SharedStr> for String {
    fn eq(&self, other: &SharedStr) -> bool {
        **self == *other.0
    }
}

impl From<&str> for SharedStr {
    fn from(s: &str) -> Self {
        SharedStr(Arc::from(s))
    }
}

impl From<String> for SharedStr {
    fn from(s: String) -> Self {
        SharedStr(Arc::from(s))
    }
}

impl From<SharedStr> for Arc<str> {
    fn from(s: SharedStr) -> Self {
        s.0
    }
}

impl From<SharedStr> for String {
    fn from(s: SharedStr) -> Self {
        s.0.to_string()
    }
}

/// One copy of each text asked for: the loader's table for one load. Keys come from
/// untrusted stories, so it keeps the standard library's `SipHash`.
#[derive(Default)]
pub(crate) struct StrTable {
    seen: HashSet<SharedStr>,
    /// The last texts given out, newest last: a story repeats a few texts in a row
    /// (choice ids "on", "skip", "back"; a chapter's date and place), found here
    /// without hashing.
    recent: Vec<SharedStr>,
}

impl StrTable {
    /// How many recent texts are compared before the table is asked.
    const RECENT: usize = 4;

    /// The shared copy of `text`, made on first sight.
    pub(crate) fn get(&mut self, text: &str) -> SharedStr {
        if let Some(hit) = self.recent.iter().find(|s| **s == *text) {
            return hit.clone();
        }
        let shared = match self.seen.get(text) {
            Some(hit) => hit.clone(),
            None => {
                let fresh = SharedStr::from(text);
                self.seen.insert(fresh.clone());
                fresh
            }
        };
        if self.recent.len() == Self::RECENT {
            self.recent.remove(0);
        }
        self.recent.push(shared.clone());
        shared
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_copy_per_text_and_it_reads_as_the_text() {
        let mut table = StrTable::default();
        let a = table.get("on");
        let b = table.get("skip");
        // Past the recent few, the table itself must still find the first copy.
        for k in 0..10 {
            table.get(&format!("scene-{k}"));
        }
        let again = table.get("on");
        assert!(Arc::ptr_eq(&a.0, &again.0));
        assert!(!Arc::ptr_eq(&a.0, &b.0));
        assert_eq!(again, "on");
        assert_eq!(format!("{again} {again:?}"), r#"on "on""#);
        assert_eq!(&*b, "skip");
    }
}
