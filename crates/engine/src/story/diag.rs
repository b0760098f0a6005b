//! Diagnostics: every problem the loader and linter find, located as `file:line:col`.
//!
//! Positions are found lazily. serde does not tell us where a value sat in the file, so
//! when (and only when) something must be reported, [`Locator`] scans that file's string
//! literals and finds the one the problem is about. A clean story never pays for this.

use std::collections::HashMap;
use std::fmt;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The story cannot be played as written.
    Error,
    /// The story plays, but something is probably a mistake.
    Warning,
}

/// One problem, located.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// A stable code, e.g. `E0103`, for tests and documentation.
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
    /// The file, relative to the story directory (empty for story-wide problems).
    pub file: String,
    /// 1-based line (0 when unknown).
    pub line: usize,
    /// 1-based column, in characters (0 when unknown).
    pub col: usize,
    /// The source line, to quote under the message: at most
    /// [`QUOTE_COLUMNS`](crate::limits::QUOTE_COLUMNS) characters of it around the
    /// column, with `…` where it was cut.
    pub source_line: Option<String>,
    /// 1-based column of the caret under [`source_line`](Self::source_line) (the
    /// column in the quoted window, not in the file).
    pub quote_col: usize,
    /// How to fix it.
    pub hint: Option<String>,
}

impl Diagnostic {
    /// A new diagnostic with no location yet.
    #[must_use]
    pub fn new(severity: Severity, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            severity,
            code,
            message: clip(message.into(), crate::limits::MESSAGE_CHARS),
            file: String::new(),
            line: 0,
            col: 0,
            source_line: None,
            quote_col: 0,
            hint: None,
        }
    }

    /// Shorthand for an error.
    #[must_use]
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, message)
    }

    /// Shorthand for a warning.
    #[must_use]
    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, code, message)
    }

    /// Adds a hint.
    #[must_use]
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Places it in a file at a line and column, quoting the line.
    #[must_use]
    pub fn at(mut self, file: &str, src: Option<&str>, line: usize, col: usize) -> Self {
        file.clone_into(&mut self.file);
        self.line = line;
        self.col = col;
        match src.and_then(|s| s.lines().nth(line.saturating_sub(1))) {
            Some(text) => self.quoting(text, col),
            None => self,
        }
    }

    /// Places it at byte `offset` of the file `loc` scans, quoting a window of the line
    /// around it. Costs the window, not the line or the file, so many diagnostics on
    /// one long line stay linear.
    #[must_use]
    pub fn at_offset(mut self, file: &str, loc: &Locator<'_>, offset: usize) -> Self {
        let (line, col) = loc.line_col(offset);
        file.clone_into(&mut self.file);
        self.line = line;
        self.col = col;
        let (text, caret) = loc.quote(offset);
        self.source_line = Some(text);
        self.quote_col = caret;
        self
    }

    /// Quotes a window of `line_text` around its 1-based character column `col`.
    #[must_use]
    pub fn quoting(mut self, line_text: &str, col: usize) -> Self {
        let at = line_text
            .char_indices()
            .nth(col.saturating_sub(1))
            .map_or(line_text.len(), |(i, _)| i);
        let (text, caret) = quote_around(line_text, at);
        self.source_line = Some(text);
        self.quote_col = caret;
        self
    }

    /// `file:line:col` (as much of it as is known).
    #[must_use]
    pub fn location(&self) -> String {
        match (self.file.is_empty(), self.line) {
            (true, _) => "story".to_owned(),
            (false, 0) => self.file.clone(),
            (false, _) => format!("{}:{}:{}", self.file, self.line, self.col),
        }
    }

    /// Whether this is an error.
    #[must_use]
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use fmt::Write as _;
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        // Everything below may quote the story file (an id, a path, the source line):
        // the loader made each field terminal-safe when it made the diagnostic's list.
        let mut out = String::new();
        writeln!(
            out,
            "{}: {sev}: {} [{}]",
            self.location(),
            self.message,
            self.code
        )?;
        if let Some(line) = &self.source_line {
            let num = self.line.to_string();
            let pad = " ".repeat(num.len());
            writeln!(out, "{pad} |")?;
            writeln!(out, "{num} | {line}")?;
            writeln!(
                out,
                "{pad} | {}^",
                " ".repeat(self.quote_col.saturating_sub(1))
            )?;
        }
        if let Some(h) = &self.hint {
            writeln!(out, "  = hint: {h}")?;
        }
        f.write_str(&out)
    }
}

/// Diagnostics to print, at most `per_code` of each code (the first ones, in the order
/// given), and for each code cut short a line saying how many more there were.
///
/// A story with 100,000 unused variables gets 50 warnings and
/// `… and 99,950 more [W0404]`, not a report longer than the story.
#[must_use]
pub fn capped(diags: &[Diagnostic], per_code: usize) -> (Vec<&Diagnostic>, Vec<String>) {
    let mut seen: HashMap<&'static str, usize> = HashMap::new();
    let mut shown = Vec::new();
    let mut order = Vec::new();
    for d in diags {
        let n = seen.entry(d.code).or_insert(0);
        *n += 1;
        if *n <= per_code {
            shown.push(d);
        } else if *n == per_code + 1 {
            order.push(d);
        }
    }
    let more = order
        .into_iter()
        .map(|d| {
            let kind = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            let n = seen[d.code] - per_code;
            format!(
                "… and {n} more {kind}{} of this kind [{}]",
                if n == 1 { "" } else { "s" },
                d.code
            )
        })
        .collect();
    (shown, more)
}

/// `text` cut to `max` characters, with `…` where it was cut.
fn clip(text: String, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => {
            let mut t = text[..cut].to_owned();
            t.push('…');
            t
        }
        None => text,
    }
}

/// At most [`QUOTE_COLUMNS`](crate::limits::QUOTE_COLUMNS) characters of `line` around
/// byte `at`, tabs shown as one space (they would misalign the caret), with `…` at a
/// cut end; and the 1-based column of `at` in that window. Walks only the window.
#[must_use]
pub fn quote_around(line: &str, at: usize) -> (String, usize) {
    let width = crate::limits::QUOTE_COLUMNS;
    let mut at = at.min(line.len());
    while !line.is_char_boundary(at) {
        at -= 1;
    }
    let (before, after) = line.split_at(at);
    let back: Vec<char> = before.chars().rev().take(width / 2).collect();
    let cut_before = before.chars().rev().nth(back.len()).is_some();
    let mut forward = after.chars();
    let ahead: Vec<char> = forward.by_ref().take(width - back.len()).collect();
    let cut_after = forward.next().is_some();
    let tab = |c: char| if c == '\t' { ' ' } else { c };
    let mut text = String::new();
    if cut_before {
        text.push('…');
    }
    text.extend(back.iter().rev().copied().map(tab));
    let caret = text.chars().count() + 1;
    text.extend(ahead.into_iter().map(tab));
    if cut_after {
        text.push('…');
    }
    (text, caret)
}

/// A string literal found in a RON file.
#[derive(Debug, Clone)]
pub struct StrTok {
    /// Byte offset of the opening quote.
    pub start: usize,
    /// Byte offset just past the closing quote.
    pub end: usize,
    /// The decoded content.
    pub content: String,
    /// The field name before it (`id` in `id: "x"`), if any.
    pub key: Option<String>,
}

/// A named struct opening in a RON file: `Choice` in `Choice(`.
#[derive(Debug, Clone)]
pub struct Opener {
    /// Byte offset of the name.
    pub start: usize,
    /// The struct name.
    pub name: String,
}

/// Finds where things are in one RON file, for diagnostics only.
///
/// Every lookup costs a hash lookup and a binary search, not a scan of the file, so a
/// story with a hundred thousand problems is still reported in time linear in its size.
#[derive(Debug)]
pub struct Locator<'a> {
    src: &'a str,
    tokens: Vec<StrTok>,
    line_starts: Vec<usize>,
    /// Token indices by decoded content, in file order.
    by_content: HashMap<String, Vec<usize>>,
    /// Token indices by (field name, decoded content), in file order.
    by_key: HashMap<(String, String), Vec<usize>>,
    /// Opener offsets by struct name, in file order.
    openers_by_name: HashMap<String, Vec<usize>>,
    /// Opener offsets and names, in file order.
    openers: Vec<Opener>,
    /// `(byte offset, characters before it)` every [`CHAR_MARK_BYTES`] or so, so a
    /// column on a long line is counted from the nearest mark, not the line start.
    char_marks: Vec<(usize, usize)>,
}

/// Spacing of [`Locator`]'s character-count marks.
const CHAR_MARK_BYTES: usize = 1024;

impl<'a> Locator<'a> {
    /// Scans `src` once for string literals and struct openings (skipping comments).
    #[must_use]
    pub fn new(src: &'a str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(src.match_indices('\n').map(|(i, _)| i + 1));
        let (tokens, openers) = scan(src);
        let mut by_content: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_key: HashMap<(String, String), Vec<usize>> = HashMap::new();
        for (i, t) in tokens.iter().enumerate() {
            by_content.entry(t.content.clone()).or_default().push(i);
            if let Some(k) = &t.key {
                by_key
                    .entry((k.clone(), t.content.clone()))
                    .or_default()
                    .push(i);
            }
        }
        let mut openers_by_name: HashMap<String, Vec<usize>> = HashMap::new();
        for o in &openers {
            openers_by_name
                .entry(o.name.clone())
                .or_default()
                .push(o.start);
        }
        let mut char_marks = vec![(0, 0)];
        let mut next_mark = CHAR_MARK_BYTES;
        for (count, (i, _)) in src.char_indices().enumerate() {
            if i >= next_mark {
                char_marks.push((i, count));
                next_mark = i + CHAR_MARK_BYTES;
            }
        }
        Self {
            src,
            tokens,
            line_starts,
            by_content,
            by_key,
            openers_by_name,
            openers,
            char_marks,
        }
    }

    /// The byte offset of the `n`-th (0-based) `name(` at or after `after`.
    ///
    /// Lists of look-alike items (a scene's choices, its routes) are told apart by
    /// their position in the list, which is the order of their openers in the file.
    #[must_use]
    pub fn nth_opener(&self, after: usize, name: &str, n: usize) -> Option<usize> {
        let starts = self.openers_by_name.get(name)?;
        let from = starts.partition_point(|&s| s < after);
        starts.get(from.checked_add(n)?).copied()
    }

    /// The `id: "..."` literal of the scene `id`: one whose nearest enclosing struct
    /// is a `Scene(`, so a choice that happens to share the id is not mistaken for it.
    #[must_use]
    pub fn scene_id(&self, id: &str) -> Option<&StrTok> {
        let is_scene = |t: &&StrTok| {
            let before = self.openers.partition_point(|o| o.start < t.start);
            before > 0 && self.openers[before - 1].name == "Scene"
        };
        self.by_key
            .get(&("id".to_owned(), id.to_owned()))
            .into_iter()
            .flatten()
            .map(|&i| &self.tokens[i])
            .find(is_scene)
            .or_else(|| self.find(0, Some("id"), id))
    }

    /// 1-based line and character column of a byte offset.
    #[must_use]
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.src.len());
        let line = self.line_starts.partition_point(|&s| s <= offset);
        let start = self.line_starts[line - 1];
        let col = self
            .chars_before(offset)
            .saturating_sub(self.chars_before(start))
            + 1;
        (line, col)
    }

    /// Characters in the file before byte `offset`, counted from the nearest mark.
    fn chars_before(&self, offset: usize) -> usize {
        let k = self.char_marks.partition_point(|&(b, _)| b <= offset) - 1;
        let (mark, count) = self.char_marks[k];
        count + self.src.get(mark..offset).map_or(0, |s| s.chars().count())
    }

    /// A window of the line holding byte `offset` around it, and the caret's column in
    /// the window (see [`quote_around`]).
    #[must_use]
    pub fn quote(&self, offset: usize) -> (String, usize) {
        let offset = offset.min(self.src.len());
        let line = self.line_starts.partition_point(|&s| s <= offset);
        let start = self.line_starts[line - 1];
        let end = self
            .line_starts
            .get(line)
            .map_or(self.src.len(), |&next| next - 1);
        let text = &self.src[start..end];
        let text = text.strip_suffix('\r').unwrap_or(text);
        quote_around(text, offset - start)
    }

    /// The first string literal at or after `after` whose key and content match.
    #[must_use]
    pub fn find(&self, after: usize, key: Option<&str>, content: &str) -> Option<&StrTok> {
        let list = match key {
            Some(k) => self.by_key.get(&(k.to_owned(), content.to_owned())),
            None => self.by_content.get(content),
        }?;
        let from = list.partition_point(|&i| self.tokens[i].start < after);
        list.get(from).map(|&i| &self.tokens[i])
    }

    /// The byte offset of character `char_offset` of a literal's decoded content.
    #[must_use]
    pub fn offset_in(&self, tok: &StrTok, char_offset: usize) -> usize {
        let raw = &self.src[tok.start..tok.end];
        // Skip the opening quote (and the `r#"` of raw strings).
        let open = raw.find('"').map_or(1, |i| i + 1);
        let mut decoded = 0;
        let mut chars = raw[open..].char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if decoded == char_offset {
                return tok.start + open + i;
            }
            if c == '\\' && !raw.starts_with('r') {
                // An escape is one decoded char: skip its tail.
                match chars.next() {
                    Some((_, 'u')) => {
                        for (_, c) in chars.by_ref() {
                            if c == '}' {
                                break;
                            }
                        }
                    }
                    Some((_, 'x')) => {
                        chars.next();
                        chars.next();
                    }
                    _ => {}
                }
            }
            decoded += 1;
        }
        tok.start + open
    }

    /// The source text.
    #[must_use]
    pub fn source(&self) -> &str {
        self.src
    }
}

fn scan(src: &str) -> (Vec<StrTok>, Vec<Opener>) {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut openers = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i += 2;
            }
            b'"' => {
                let start = i;
                i += 1;
                let mut content = String::new();
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'\\' && i + 1 < b.len() {
                        i += 1;
                        match b[i] {
                            b'n' => content.push('\n'),
                            b't' => content.push('\t'),
                            b'r' => content.push('\r'),
                            b'0' => content.push('\0'),
                            b'u' => {
                                let close = src[i..].find('}').map_or(i, |c| i + c);
                                let hex = src.get(i + 2..close).unwrap_or("");
                                if let Some(ch) =
                                    u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)
                                {
                                    content.push(ch);
                                }
                                i = close;
                            }
                            _ => {
                                // Whole characters only: a byte index inside a multi-byte
                                // character would make the next slice panic.
                                let ch = src[i..].chars().next().unwrap_or('\\');
                                content.push(ch);
                                i += ch.len_utf8() - 1;
                            }
                        }
                        i += 1;
                        continue;
                    }
                    let ch_len = src[i..].chars().next().map_or(1, char::len_utf8);
                    content.push_str(&src[i..i + ch_len]);
                    i += ch_len;
                }
                i = (i + 1).min(b.len());
                out.push(StrTok {
                    start,
                    end: i,
                    key: key_before(src, start),
                    content,
                });
            }
            b'r' if matches!(b.get(i + 1), Some(b'#' | b'"'))
                && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')) =>
            {
                let start = i;
                let hashes = b[i + 1..].iter().take_while(|&&c| c == b'#').count();
                let open = i + 1 + hashes;
                if b.get(open) != Some(&b'"') {
                    i += 1;
                    continue;
                }
                let closing = format!("\"{}", "#".repeat(hashes));
                let body_start = open + 1;
                let body_end = src[body_start..]
                    .find(&closing)
                    .map_or(b.len(), |e| body_start + e);
                i = (body_end + closing.len()).min(b.len());
                out.push(StrTok {
                    start,
                    end: i,
                    key: key_before(src, start),
                    content: src[body_start..body_end].to_owned(),
                });
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
                let name = &src[start..i];
                let mut j = i;
                while j < b.len() && b[j].is_ascii_whitespace() {
                    j += 1;
                }
                if b.get(j) == Some(&b'(') {
                    openers.push(Opener {
                        start,
                        name: name.to_owned(),
                    });
                }
            }
            _ => i += 1,
        }
    }
    (out, openers)
}

fn key_before(src: &str, quote: usize) -> Option<String> {
    let before = src[..quote].trim_end();
    let before = before.strip_suffix(':')?.trim_end();
    // Past the last character that cannot be in a key, which may be several bytes long.
    let start = before
        .char_indices()
        .rev()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '_'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let key = &before[start..];
    (!key.is_empty()).then(|| key.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_after_a_multibyte_character_is_found_without_panicking() {
        // Found by the property test on damaged files: `title:߹date` sliced mid-character.
        let src = "Chapter(\n    title:\u{7f9}date: \"x\"";
        let quote = src.find('"').unwrap();
        assert_eq!(key_before(src, quote).as_deref(), Some("date"));
        assert_eq!(key_before("\u{7f9}: \"", 3), None);
    }

    #[test]
    fn finds_keyed_strings_and_positions() {
        let src = "// \"not me\"\nScene(\n  id: \"a\",\n  when: \"x \\\"q\\\" >= y\",\n)";
        let loc = Locator::new(src);
        let id = loc.find(0, Some("id"), "a").unwrap();
        assert_eq!(loc.line_col(id.start), (3, 7));
        let w = loc.find(0, None, "x \"q\" >= y").unwrap();
        assert_eq!(w.key.as_deref(), Some("when"));
        // Character 6 of the decoded text (`>`) sits after two escapes in the source.
        assert_eq!(loc.line_col(loc.offset_in(w, 6)), (4, 18));
        assert!(
            loc.find(0, None, "not me").is_none(),
            "comments are skipped"
        );
    }

    #[test]
    fn tells_list_items_apart_by_their_opener() {
        let src = r#"Scene(id: "b", choices: [Choice(id: "a", goto: "x")]),
Scene(id: "a", choices: [
    Choice(label: "one", goto: "x"),
    Choice(label: "two", goto: "x"), // Choice( in a comment
    Choice(label: "three (Choice(", goto: "x"),
])"#;
        let loc = Locator::new(src);
        // The choice `a` comes first, but the scene `a` is the one in a `Scene(`.
        let scene = loc.scene_id("a").unwrap();
        assert_eq!(loc.line_col(scene.start), (2, 11));
        let second = loc.nth_opener(scene.start, "Choice", 1).unwrap();
        let tok = loc.find(second, Some("goto"), "x").unwrap();
        assert_eq!(loc.line_col(tok.start), (4, 32));
        let third = loc.nth_opener(scene.start, "Choice", 2).unwrap();
        assert_eq!(
            loc.line_col(third),
            (5, 5),
            "openers in strings and comments are skipped"
        );
        assert!(loc.nth_opener(scene.start, "Choice", 3).is_none());
    }

    #[test]
    fn odd_escapes_do_not_split_a_character() {
        // Not valid RON, but the locator may still be asked about such a file.
        let src = "Scene(id: \"\\é\", text: [\"ü\"])";
        let loc = Locator::new(src);
        assert!(loc.find(0, Some("id"), "é").is_some());
        assert!(loc.find(0, None, "ü").is_some());
    }
}
