//! A name in an expression, with the dense index the loader resolved it to.
//!
//! Kept apart from [`Layout`](super::layout::Layout) so that expressions can carry one
//! without depending on the story model.

/// Marks an index not (yet) resolved: readers fall back to the name.
pub const UNRESOLVED: u32 = u32::MAX;

/// A name in an expression together with what it resolved to at load
/// ([`UNRESOLVED`] until then). Reads as the name it carries.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdRef {
    name: Box<str>,
    ix: u32,
}

impl IdRef {
    /// The resolved index, when there is one.
    #[must_use]
    pub fn index(&self) -> Option<u32> {
        (self.ix != UNRESOLVED).then_some(self.ix)
    }

    /// The raw index ([`UNRESOLVED`] when none), for hot loops.
    #[must_use]
    pub fn raw_index(&self) -> u32 {
        self.ix
    }

    pub(crate) fn resolve(&mut self, ix: Option<usize>) {
        self.ix = ix.and_then(|i| u32::try_from(i).ok()).unwrap_or(UNRESOLVED);
    }
}

impl From<&str> for IdRef {
    fn from(name: &str) -> Self {
        Self {
            name: name.into(),
            ix: UNRESOLVED,
        }
    }
}

impl From<String> for IdRef {
    fn from(name: String) -> Self {
        Self {
            name: name.into(),
            ix: UNRESOLVED,
        }
    }
}

impl std::ops::Deref for IdRef {
    type Target = str;
    fn deref(&self) -> &str {
        &self.name
    }
}

impl AsRef<str> for IdRef {
    fn as_ref(&self) -> &str {
        &self.name
    }
}

impl std::borrow::Borrow<str> for IdRef {
    fn borrow(&self) -> &str {
        &self.name
    }
}

impl std::fmt::Display for IdRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name)
    }
}

impl PartialEq<str> for IdRef {
    fn eq(&self, other: &str) -> bool {
        &*self.name == other
    }
}

impl PartialEq<&str> for IdRef {
    fn eq(&self, other: &&str) -> bool {
        &*self.name == *other
    }
}
