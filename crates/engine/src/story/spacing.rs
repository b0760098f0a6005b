//! Words run together where a block shows (W0206).
//!
//! The spaces just inside a block's braces, after its `:` and around its `|` are layout,
//! trimmed away (docs/format.md, "Spacing"), so the spacing that separates a block's
//! words from the sentence must be written outside it. An author who writes
//! `the cup.{if t: You forgot}` or `about {if lie: the card, or }the furnace` sees a
//! space and the player reads `cup.You`, `orthe` — only on the routes where the block
//! shows, which is why a reader of one route rarely catches it. This scan finds the
//! places where a space the author wrote at a branch's edge is trimmed while the text
//! on the other side of the brace touches a word: nothing separates them any more.
//!
//! A separate scan rather than part of the text parser: it only reads the source, runs
//! only on strings with a brace, and keeps the parser's work (and its errors) as they
//! are. It finds blocks and their branches with the parser's own functions, and is
//! lenient where the parser is strict: a string the parser refuses is reported by the
//! parser, not here.

use super::text;

/// Character offsets (into `src`) of every edge where a block's words touch the text
/// outside it: the first character of the branch (a space trimmed after `:` or `|`)
/// or the `}` (a space trimmed before it).
#[must_use]
pub fn glued_words(src: &str) -> Vec<usize> {
    if !may_touch(src.as_bytes()) {
        return Vec::new();
    }
    let mut found = Vec::new();
    scan(src, 0, src.len(), None, None, 0, &mut found);
    found.sort_unstable();
    found.dedup();
    found
        .into_iter()
        .map(|byte| src[..byte].chars().count())
        .collect()
}

/// Whether any brace of `b` touches text that could run into a block's words: a `{`
/// right after a letter, digit or closing punctuation, or a `}` right before a letter,
/// digit or opening bracket (non-ASCII bytes count, to be safe). Most paragraphs with
/// blocks have a space on both sides of each, and are settled by this one pass over
/// their braces instead of a walk of every block and branch (which cost a fifth of
/// the game's start-up).
fn may_touch(b: &[u8]) -> bool {
    let mut at = 0;
    while let Some(i) = text::find_brace(&b[at..]).map(|i| at + i) {
        let touches = if b[i] == b'{' {
            i > 0 && {
                let prev = b[i - 1];
                !prev.is_ascii() || prev.is_ascii_alphanumeric() || b".,;:!?)".contains(&prev)
            }
        } else {
            b.get(i + 1).is_some_and(|&next| {
                !next.is_ascii() || next.is_ascii_alphanumeric() || next == b'('
            })
        };
        if touches {
            return true;
        }
        at = i + 1;
    }
    false
}

/// How deep nested blocks are followed (the parser refuses deeper ones anyway).
const MAX_DEPTH: usize = 64;

/// Scans `src[from..to]`, a run of text whose outside neighbours (after trimming, for a
/// branch) are `before` and `after`. Pushes byte offsets.
fn scan(
    src: &str,
    from: usize,
    to: usize,
    before: Option<char>,
    after: Option<char>,
    depth: usize,
    found: &mut Vec<usize>,
) {
    if depth > MAX_DEPTH {
        return;
    }
    let b = src.as_bytes();
    let mut i = from;
    while i < to {
        match b[i] {
            b'{' | b'}' if i + 1 < to && b[i + 1] == b[i] => i += 2,
            b'{' => {
                let Ok(close) = text::matching_brace(b, i, to) else {
                    return;
                };
                // What the block's shown words meet on each side: the character written
                // next to its braces, or, at the edge of this run, the run's neighbour.
                let prev = if i == from {
                    before
                } else {
                    src[from..i].chars().next_back()
                };
                let next = if close + 1 == to {
                    after
                } else {
                    src[close + 1..to].chars().next()
                };
                block(src, i + 1, close, prev, next, depth, found);
                i = close + 1;
            }
            _ => {
                // Straight to the next brace: prose is most of what is scanned.
                i += 1;
                i += crate::story::text::find_brace(&b[i..to]).unwrap_or(to - i);
            }
        }
    }
}

/// The branches of the block `src[from..to]` (inside its braces), checked at both edges
/// against `prev` and `next`, then scanned for nested blocks.
fn block(
    src: &str,
    from: usize,
    to: usize,
    prev: Option<char>,
    next: Option<char>,
    depth: usize,
    found: &mut Vec<usize>,
) {
    let inner = &src[from..to];
    let trimmed = inner.trim_start();
    let at = from + (inner.len() - trimmed.len());
    let body_from = if let Some(rest) = trimmed.strip_prefix('~') {
        to - rest.len()
    } else if trimmed.starts_with("if ")
        || trimmed.starts_with("if\t")
        || ["seq", "cycle", "once", "shuffle"].iter().any(|k| {
            trimmed
                .strip_prefix(k)
                .is_some_and(|r| r.trim_start().starts_with(':'))
        })
    {
        match src[at..to].find(':') {
            Some(c) => at + c + 1,
            None => return,
        }
    } else {
        // `{name}` and `{# tag}`: no text of their own to trim.
        return;
    };
    for (a, z) in text::split_bars(src.as_bytes(), body_from, to) {
        let raw = &src[a..z];
        let text = raw.trim();
        if text.is_empty() {
            continue;
        }
        let lead = raw.len() - raw.trim_start().len();
        let trail = raw.len() - raw.trim_end().len();
        let first = text.chars().next();
        let last = text.chars().next_back();
        if lead > 0 && joins_after(prev) && starts_word(first) {
            found.push(a + lead);
        }
        if trail > 0 && ends_word(last) && starts_word(next) {
            found.push(to);
        }
        scan(src, a + lead, z - trail, prev, next, depth + 1, found);
    }
}

/// Whether text written right after `c` reads as joined to it: `c` ends a word or a
/// sentence (not a space, an opening bracket or quote, a dash, a slash or an emphasis
/// mark). Another block's `}` is not judged: `{if a: X}{if b: Y}` is how exclusive
/// alternatives are written, and whether the block before shows is not known here.
fn joins_after(c: Option<char>) -> bool {
    c.is_some_and(|c| {
        !c.is_whitespace()
            && !matches!(
                c,
                '(' | '['
                    | '“'
                    | '‘'
                    | '"'
                    | '\''
                    | '«'
                    | '—'
                    | '–'
                    | '-'
                    | '/'
                    | '*'
                    | '_'
                    | '{'
                    | '}'
            )
    })
}

/// Whether `c` begins a word (a letter, a digit, an opening quote or bracket).
fn starts_word(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() || matches!(c, '“' | '‘' | '(' | '«'))
}

/// Whether `c` ends a word or a clause, so that a word after it needs a space.
fn ends_word(c: Option<char>) -> bool {
    c.is_some_and(|c| {
        c.is_alphanumeric()
            || matches!(c, ',' | '.' | ';' | ':' | '!' | '?' | '”' | '’' | ')' | '»')
    })
}

#[cfg(test)]
mod tests {
    use super::glued_words;

    #[test]
    fn a_trimmed_space_next_to_a_word_is_found_at_either_edge() {
        // After the colon: the branch's first word meets "cup.".
        let s = "leave out the cup.{if t: You forgot the fan.}";
        assert_eq!(glued_words(s), vec![s.find("You").unwrap()]);
        // Before the brace: "or" meets "the".
        let s = "about {if lie: the card, or }the furnace";
        assert_eq!(glued_words(s), vec![s.find("}the").unwrap()]);
        // Every branch is checked: the second one after its `|`.
        let s = "It was {if t: fine|} over.{~ Then| Later} rain.";
        assert_eq!(
            glued_words(s),
            vec![s.find("Then").unwrap(), s.find("Later").unwrap()]
        );
    }

    #[test]
    fn spacing_written_outside_the_block_or_joining_on_purpose_is_not_reported() {
        for fine in [
            "She blinks {if t: twice}.",
            "He nods{if t: , slowly}.",
            "{if t: Yes.} She waits.",
            "about {if lie: the card, or} the furnace",
            "leave out the cup. {if t: You forgot.}",
            "walk{if plural:s} home",
            "“{if t: Yes}”, she said.",
            "a {~red|blue} door",
            "{{literal}} braces {if t: x}",
            "{name}x{# tag}y",
            "plain text",
            "broken {if t: never closed",
        ] {
            assert_eq!(glued_words(fine), Vec::<usize>::new(), "{fine}");
        }
    }

    #[test]
    fn nested_blocks_meet_the_text_outside_their_parent() {
        let s = "kept.{if a: {if b: He stayed.}}";
        assert_eq!(glued_words(s), vec![s.find("He").unwrap()]);
    }

    #[test]
    fn offsets_are_in_characters() {
        let s = "é.{if t: Oui}";
        assert_eq!(glued_words(s), vec![9]);
    }
}
