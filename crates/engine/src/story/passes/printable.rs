//! Ids that are different as written and the same once made printable.
//!
//! The loader neutralises every string of a finished story once, ids included
//! (`story/safe.rs`): control characters become U+FFFD, tabs spaces, bidirectional
//! overrides disappear. Two ids that differ only there (`a\u{1}` and `a\u{2}`, or
//! `a\u{202E}b` and `ab`) would become one id afterwards: the profile would count two
//! endings as one, a save would name a choice ambiguously and replay the wrong one.
//! Scene ids cannot hold such characters (E0304); ending ids and choice ids can, so the
//! passes that register those (endings, the choices of a scene and those `extend` adds)
//! ask [`LookAlikes`] about each new id and report such a pair as E0117 instead.
//!
//! Linear: an id that is already printable costs one look-up; only ids that are not
//! are neutralised and remembered.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use crate::sanitize::{for_terminal, is_terminal_safe};

/// The ids registered so far that are not printable as written, by how they print.
#[derive(Debug, Default)]
pub struct LookAlikes {
    by_printed: HashMap<String, String>,
}

impl LookAlikes {
    /// Registers `id`, new among the ids of its kind (exact duplicates are the caller's
    /// own error). `known` says whether an id is already registered exactly as written.
    /// Returns an earlier, different id that prints the same, if there is one.
    pub fn check(&mut self, id: &str, known: impl Fn(&str) -> bool) -> Option<String> {
        if is_terminal_safe(id) {
            return self.by_printed.get(id).cloned();
        }
        let printed = for_terminal(id);
        if printed != id && known(&printed) {
            return Some(printed);
        }
        match self.by_printed.entry(printed) {
            Entry::Occupied(first) if first.get() != id => Some(first.get().clone()),
            Entry::Occupied(_) => None,
            Entry::Vacant(slot) => {
                slot.insert(id.to_owned());
                None
            }
        }
    }
}

/// The message of E0117 for two ids of one kind (`"ending ids"`), of one scene
/// (`of`, e.g. `` of scene `hall` ``, or empty), shown escaped: the difference is in
/// the characters a terminal would not show.
#[must_use]
pub fn message(what: &str, earlier: &str, this: &str, of: &str) -> String {
    format!(
        "{what} `{}` and `{}`{of} are the same once made printable",
        this.escape_debug(),
        earlier.escape_debug()
    )
}

/// The hint of E0117.
pub const HINT: &str = "control characters and bidirectional overrides are taken out of ids before they are shown or saved, so these two would become one: write ids in printable characters only";

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn run(ids: &[&str]) -> Vec<Option<String>> {
        let mut seen = HashSet::new();
        let mut look = LookAlikes::default();
        ids.iter()
            .map(|id| {
                let r = look.check(id, |x| seen.contains(x));
                seen.insert((*id).to_owned());
                r
            })
            .collect()
    }

    #[test]
    fn ids_that_print_the_same_are_found_in_either_order() {
        assert_eq!(run(&["a\u{1}", "a\u{2}"]), [None, Some("a\u{1}".into())]);
        assert_eq!(
            run(&["a\u{FFFD}", "a\u{1}"]),
            [None, Some("a\u{FFFD}".into())]
        );
        assert_eq!(run(&["a\u{1}", "a\u{FFFD}"]), [None, Some("a\u{1}".into())]);
        assert_eq!(run(&["ab", "a\u{202E}b"]), [None, Some("ab".into())]);
        assert_eq!(run(&["a\tb", "a b"]), [None, Some("a\tb".into())]);
        assert_eq!(
            run(&["a", "b", "a\u{1}", "c\u{2}"]),
            [None, None, None, None]
        );
    }
}
