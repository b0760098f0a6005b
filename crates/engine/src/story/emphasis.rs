//! `*emphasis*` markup: the one parser every front end uses.
//!
//! A `*` opens emphasis only when a closing `*` follows it in the same text; a lone
//! `*` (a footnote mark, an asterisked word) is shown as written. The terminal
//! interface styles the emphasised characters; the plain player and the journal drop
//! the markers, since a screen reader would read them aloud.

/// The characters of `text` with the markers removed, each with whether it is
/// emphasised.
#[must_use]
pub fn parse(text: &str) -> Vec<(char, bool)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::with_capacity(chars.len());
    let mut emphasis = false;
    for (i, &ch) in chars.iter().enumerate() {
        if ch == '*' && (emphasis || chars[i + 1..].contains(&'*')) {
            emphasis = !emphasis;
            continue;
        }
        out.push((ch, emphasis));
    }
    out
}

/// `text` without its emphasis markers (a lone `*` stays).
#[must_use]
pub fn strip(text: &str) -> String {
    if !text.contains('*') {
        return text.to_owned();
    }
    parse(text).into_iter().map(|(c, _)| c).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_mark_emphasis_and_vanish() {
        let cells = parse("a *bc* d");
        let text: String = cells.iter().map(|c| c.0).collect();
        assert_eq!(text, "a bc d");
        assert_eq!(
            cells.iter().map(|c| c.1).collect::<Vec<_>>(),
            [false, false, true, true, false, false]
        );
        assert_eq!(strip("*one* and *two*"), "one and two");
    }

    #[test]
    fn a_lone_star_is_shown_as_written() {
        assert_eq!(strip("five stars*"), "five stars*");
        assert_eq!(strip("*a* b * c"), "a b * c");
        assert_eq!(strip("no markup"), "no markup");
    }
}
