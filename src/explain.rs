//! `butterfly explain CODE`: the documentation of one checker code, as `rustc --explain`.
//!
//! The text is `docs/errors.md`, built into the binary, so the explanation a user reads
//! is the one in the repository and cannot drift from it; a test holds that every code
//! the checker can emit has a section there.

/// The whole of `docs/errors.md`.
pub const ERRORS_MD: &str = include_str!("../docs/errors.md");

/// Every documented code, in the order of the page.
pub fn codes() -> impl Iterator<Item = &'static str> {
    ERRORS_MD.lines().filter_map(|l| {
        let rest = l.strip_prefix("## ")?;
        rest.split(':').next().filter(|c| is_code(c))
    })
}

/// The section of `code` (case-insensitive): from its `## CODE:` heading to the next
/// heading, without trailing blank lines.
#[must_use]
pub fn section(code: &str) -> Option<&'static str> {
    let code = code.trim().to_ascii_uppercase();
    if !is_code(&code) {
        return None;
    }
    let heading = format!("## {code}:");
    let start = ERRORS_MD
        .match_indices(&heading)
        .map(|(i, _)| i)
        .find(|&i| i == 0 || ERRORS_MD.as_bytes()[i - 1] == b'\n')?;
    let body = &ERRORS_MD[start..];
    let end = body[3..].find("\n## ").map_or(body.len(), |e| e + 4);
    Some(body[..end].trim_end())
}

/// `E0202`, `W0401`: a letter and four digits.
fn is_code(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 5 && matches!(b[0], b'E' | b'W') && b[1..].iter().all(u8::is_ascii_digit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_section_runs_to_the_next_heading() {
        let s = section("e0202").unwrap();
        assert!(s.starts_with("## E0202: unknown variable"), "{s}");
        assert!(s.contains("Wrong") && s.contains("Right"), "{s}");
        assert!(!s.contains("## E0203"), "{s}");
        assert!(section("E9999").is_none());
        assert!(section("## E0202").is_none());
    }

    #[test]
    fn every_section_shows_a_wrong_and_a_right_example() {
        let all: Vec<_> = codes().collect();
        assert!(all.len() > 40, "{all:?}");
        for code in all {
            let s = section(code).unwrap();
            assert!(
                s.contains("\nWrong") && s.contains("\nRight"),
                "{code} needs a wrong and a right example"
            );
        }
    }
}
