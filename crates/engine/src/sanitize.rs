//! Neutralises control characters before text reaches a terminal.
//!
//! Story files and save labels are untrusted input: an escape sequence in a paragraph
//! could move the cursor, retitle the window or write to the clipboard (OSC 52). Every
//! front end passes author text through [`for_terminal`] first.

/// Replaces control characters (C0, DEL, C1) with U+FFFD, keeping newlines; tabs
/// become a space. Bidirectional overrides are dropped so text cannot reorder the line.
#[must_use]
pub fn for_terminal(text: &str) -> String {
    if !text.chars().any(needs_care) {
        return text.to_owned();
    }
    text.chars()
        .filter_map(|c| match c {
            '\n' => Some('\n'),
            '\t' => Some(' '),
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => None,
            c if c.is_control() => Some('\u{FFFD}'),
            c => Some(c),
        })
        .collect()
}

/// Whether `text` would pass [`for_terminal`] unchanged (newlines are allowed).
#[must_use]
pub fn is_terminal_safe(text: &str) -> bool {
    !text.chars().any(needs_care)
}

fn needs_care(c: char) -> bool {
    (c.is_control() && c != '\n') || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_cannot_reach_the_terminal() {
        let evil = "a\u{1b}]52;c;aGk=\u{7}b\u{1b}[2Jc\u{9b}31m\u{202E}d\te\nf";
        let safe = for_terminal(evil);
        assert!(
            !safe.chars().any(|c| c.is_control() && c != '\n'),
            "{safe:?}"
        );
        assert!(safe.starts_with("a\u{FFFD}]52"));
        assert!(safe.ends_with("d e\nf"));
        assert_eq!(for_terminal("宋丽玲 *sings*"), "宋丽玲 *sings*");
    }
}
