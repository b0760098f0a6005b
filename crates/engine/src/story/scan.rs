//! The one scanner of RON source text, for positions only.
//!
//! serde tells us *what* is wrong with a story but rarely *where* a value sat, so
//! everything that must find a place in a file — the [`Locator`] that points a
//! diagnostic at a string literal, the parser's "is this file empty", "which brackets
//! are still open", "where does this struct begin" — walks the same token stream from
//! [`Scanner`]. Comments are skipped, strings (plain and raw) are one token each, so a
//! `(` inside a string or a comment is never mistaken for a bracket.

use std::collections::HashMap;
use std::ops::Range;

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A string literal, quotes included (`"..."`, or raw `r#"..."#`).
    Str,
    /// A name: `Scene`, `id`, `true`.
    Word,
    /// `(` or `[`.
    Open(u8),
    /// `)` or `]`.
    Close(u8),
    /// Any other character outside strings and comments (`:`, `,`, a digit...).
    Other,
}

/// One token: its kind and byte range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// What it is.
    pub kind: Kind,
    /// Byte offset of its first character.
    pub start: usize,
    /// Byte offset just past it.
    pub end: usize,
}

/// Walks RON text token by token, skipping blanks and comments (`//` and `/* */`).
///
/// An unterminated string or comment runs to the end of the text: that is also how
/// the RON parser reads it.
#[derive(Debug, Clone)]
pub struct Scanner<'a> {
    src: &'a str,
    at: usize,
}

impl<'a> Scanner<'a> {
    /// Starts at the beginning of `src`.
    #[must_use]
    pub fn new(src: &'a str) -> Self {
        Self { src, at: 0 }
    }
}

impl Iterator for Scanner<'_> {
    type Item = Token;

    fn next(&mut self) -> Option<Token> {
        let src = self.src;
        let b = src.as_bytes();
        let mut i = self.at;
        loop {
            match b.get(i)? {
                c if c.is_ascii_whitespace() => i += 1,
                b'/' if b.get(i + 1) == Some(&b'/') => {
                    i = src[i..].find('\n').map_or(b.len(), |n| i + n);
                }
                b'/' if b.get(i + 1) == Some(&b'*') => {
                    i = src[i + 2..].find("*/").map_or(b.len(), |e| i + 2 + e + 2);
                }
                _ => break,
            }
        }
        let start = i;
        let (kind, end) = match b[i] {
            b'"' => (Kind::Str, plain_string_end(b, i)),
            b'r' if matches!(b.get(i + 1), Some(b'#' | b'"'))
                && raw_string_end(src, i).is_some() =>
            {
                (Kind::Str, raw_string_end(src, i).unwrap_or(b.len()))
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let len = b[i..]
                    .iter()
                    .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
                    .count();
                (Kind::Word, i + len)
            }
            c @ (b'(' | b'[') => (Kind::Open(c), i + 1),
            c @ (b')' | b']') => (Kind::Close(c), i + 1),
            _ => {
                // Whole characters only: a byte index inside a multi-byte character
                // would make the next slice panic.
                let len = src[i..].chars().next().map_or(1, char::len_utf8);
                (Kind::Other, i + len)
            }
        };
        self.at = end;
        Some(Token { kind, start, end })
    }
}

/// Just past the closing quote of the string opening at `open` (or the end of text).
fn plain_string_end(b: &[u8], open: usize) -> usize {
    let mut i = open + 1;
    while i < b.len() && b[i] != b'"' {
        i += if b[i] == b'\\' { 2 } else { 1 };
    }
    (i + 1).min(b.len())
}

/// Just past a raw string `r#"..."#` starting at `r`, or `None` if it is not one.
fn raw_string_end(src: &str, r: usize) -> Option<usize> {
    let b = src.as_bytes();
    let hashes = b[r + 1..].iter().take_while(|&&c| c == b'#').count();
    let open = r + 1 + hashes;
    if b.get(open) != Some(&b'"') {
        return None;
    }
    let closing = format!("\"{}", "#".repeat(hashes));
    let body = open + 1;
    Some(
        src[body..]
            .find(&closing)
            .map_or(b.len(), |e| body + e + closing.len()),
    )
}

/// Whether `src` holds nothing but blanks and comments.
#[must_use]
pub fn is_blank(src: &str) -> bool {
    Scanner::new(src).next().is_none()
}

/// How many `(` and `[` are left open at the end of `src`; negative when there are
/// more closers than openers.
#[must_use]
pub fn unclosed_brackets(src: &str) -> isize {
    Scanner::new(src)
        .map(|t| match t.kind {
            Kind::Open(_) => 1,
            Kind::Close(_) => -1,
            _ => 0,
        })
        .sum()
}

/// Where the struct whose closing `)` is at byte `close` begins: its name, or its `(`.
#[must_use]
pub fn struct_start(src: &str, close: usize) -> Option<usize> {
    if src.as_bytes().get(close) != Some(&b')') {
        return None;
    }
    // Each open bracket, with the name token just before it (if any).
    let mut open: Vec<(Token, Option<Token>)> = Vec::new();
    let mut prev: Option<Token> = None;
    for t in Scanner::new(src).take_while(|t| t.start < close) {
        match t.kind {
            Kind::Open(_) => open.push((t, prev.filter(|p| p.kind == Kind::Word))),
            Kind::Close(_) => {
                open.pop();
            }
            _ => {}
        }
        prev = Some(t);
    }
    let (paren, name) = open.pop()?;
    Some(match name {
        Some(n) if src[n.end..paren.start].trim().is_empty() => n.start,
        _ => paren.start,
    })
}

/// The decoded content of a string token (escapes resolved; raw strings as written).
#[must_use]
pub fn decode(src: &str, tok: Token) -> String {
    let raw = &src[tok.start..tok.end];
    if let Some(after_r) = raw.strip_prefix('r') {
        let hashes = after_r.bytes().take_while(|&c| c == b'#').count();
        let body = &raw[hashes + 2..];
        let closing = format!("\"{}", "#".repeat(hashes));
        return body.strip_suffix(&closing).unwrap_or(body).to_owned();
    }
    let b = raw.as_bytes();
    let mut content = String::new();
    let mut i = 1;
    while i < b.len() && b[i] != b'"' {
        if b[i] == b'\\' && i + 1 < b.len() {
            i += 1;
            match b[i] {
                b'n' => content.push('\n'),
                b't' => content.push('\t'),
                b'r' => content.push('\r'),
                b'0' => content.push('\0'),
                b'u' => {
                    let close = raw[i..].find('}').map_or(i, |c| i + c);
                    let hex = raw.get(i + 2..close).unwrap_or("");
                    if let Some(ch) = u32::from_str_radix(hex, 16).ok().and_then(char::from_u32) {
                        content.push(ch);
                    }
                    i = close;
                }
                _ => {
                    // Whole characters only (see `Scanner::next`).
                    let ch = raw[i..].chars().next().unwrap_or('\\');
                    content.push(ch);
                    i += ch.len_utf8() - 1;
                }
            }
            i += 1;
            continue;
        }
        let ch_len = raw[i..].chars().next().map_or(1, char::len_utf8);
        content.push_str(&raw[i..i + ch_len]);
        i += ch_len;
    }
    content
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
    src: FileText<'a>,
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

/// A file's text as the loader hands it on (to a [`Locator`], to the parsing thread):
/// borrowed from the caller, or shared with a loader that owns the file's text and may
/// let it go (`check` drops each file's text once parsed, and reads it again only when
/// a diagnostic points into it).
#[derive(Debug)]
pub(crate) enum FileText<'a> {
    Borrowed(&'a str),
    Shared(std::sync::Arc<String>),
}

impl FileText<'_> {
    pub(crate) fn as_str(&self) -> &str {
        match self {
            FileText::Borrowed(s) => s,
            FileText::Shared(s) => s,
        }
    }
}

/// Spacing of [`Locator`]'s character-count marks.
const CHAR_MARK_BYTES: usize = 1024;

impl<'a> Locator<'a> {
    /// Scans `src` once for string literals and struct openings (skipping comments).
    #[must_use]
    pub fn new(src: &'a str) -> Self {
        Self::index(FileText::Borrowed(src))
    }

    /// [`Locator::new`] over a text the locator shares with its owner.
    #[must_use]
    pub fn shared(src: std::sync::Arc<String>) -> Self {
        Self::index(FileText::Shared(src))
    }

    fn index(held: FileText<'a>) -> Self {
        let src = held.as_str();
        let mut line_starts = vec![0];
        line_starts.extend(src.match_indices('\n').map(|(i, _)| i + 1));
        let mut tokens = Vec::new();
        let mut openers = Vec::new();
        let mut prev: Option<Token> = None;
        for t in Scanner::new(src) {
            match t.kind {
                Kind::Str => tokens.push(StrTok {
                    start: t.start,
                    end: t.end,
                    content: decode(src, t),
                    key: key_before(src, t.start),
                }),
                Kind::Open(b'(') => {
                    if let Some(p) = prev
                        && p.kind == Kind::Word
                        && src[p.end..t.start].trim().is_empty()
                    {
                        openers.push(Opener {
                            start: p.start,
                            name: src[p.start..p.end].to_owned(),
                        });
                    }
                }
                _ => {}
            }
            prev = Some(t);
        }
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
            src: held,
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

    /// Every string literal with the name of the struct it is nearest inside.
    pub fn strings_in_structs(&self) -> impl Iterator<Item = (&StrTok, &str)> {
        self.tokens.iter().filter_map(|t| {
            let before = self.openers.partition_point(|o| o.start < t.start);
            let opener = self.openers.get(before.checked_sub(1)?)?;
            Some((t, opener.name.as_str()))
        })
    }

    /// 1-based line and character column of a byte offset.
    #[must_use]
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.src.as_str().len());
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
        count
            + self
                .src
                .as_str()
                .get(mark..offset)
                .map_or(0, |s| s.chars().count())
    }

    /// A window of the line holding byte `offset` around it, and the caret's column in
    /// the window (see [`quote_around`]).
    #[must_use]
    pub fn quote(&self, offset: usize) -> (String, usize) {
        let offset = offset.min(self.src.as_str().len());
        let line = self.line_starts.partition_point(|&s| s <= offset);
        let start = self.line_starts[line - 1];
        let end = self
            .line_starts
            .get(line)
            .map_or(self.src.as_str().len(), |&next| next - 1);
        let text = &self.src.as_str()[start..end];
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

    /// The first string literal at or after `after` with this key, whatever it holds.
    #[must_use]
    pub fn find_key(&self, after: usize, key: &str) -> Option<&StrTok> {
        let from = self.tokens.partition_point(|t| t.start < after);
        self.tokens[from..]
            .iter()
            .find(|t| t.key.as_deref() == Some(key))
    }

    /// The byte offset of the value of the first `key:` field at or after `after`,
    /// whatever kind of value it is (a number, a struct).
    #[must_use]
    pub fn field_value(&self, after: usize, key: &str) -> Option<usize> {
        let mut prev: [Option<Token>; 2] = [None, None];
        for t in Scanner::new(&self.src.as_str()[after..]) {
            if let [Some(k), Some(colon)] = prev
                && k.kind == Kind::Word
                && &self.src.as_str()[after + k.start..after + k.end] == key
                && &self.src.as_str()[after + colon.start..after + colon.end] == ":"
            {
                return Some(after + t.start);
            }
            prev = [prev[1], Some(t)];
        }
        None
    }

    /// Just past the token that starts at byte `at`: a whole string literal, a name or
    /// number, or else one character. What a diagnostic underlines.
    #[must_use]
    pub fn token_end(&self, at: usize) -> usize {
        let i = self.tokens.partition_point(|t| t.start < at);
        if let Some(t) = self.tokens.get(i)
            && t.start == at
        {
            return t.end;
        }
        let rest = self.src.as_str().get(at..).unwrap_or("");
        let word = rest
            .char_indices()
            .find(|&(_, c)| !(c.is_alphanumeric() || c == '_'))
            .map_or(rest.len(), |(i, _)| i);
        at + if word > 0 {
            word
        } else {
            rest.chars().next().map_or(0, char::len_utf8)
        }
    }

    /// The byte offset of character `char_offset` of a literal's decoded content.
    #[must_use]
    pub fn offset_in(&self, tok: &StrTok, char_offset: usize) -> usize {
        let raw = &self.src.as_str()[tok.start..tok.end];
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
        self.src.as_str()
    }
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

/// The part of a source text that a diagnostic quotes for the bytes `span`, and
/// whether it was cut short of the line at either end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    /// Bytes of the text, on character boundaries.
    pub range: Range<usize>,
    /// The line goes on before the window.
    pub cut_before: bool,
    /// The line goes on after the window.
    pub cut_after: bool,
}

/// The one rule for how much of its line a diagnostic quotes: the whole line when it
/// is at most [`QUOTE_COLUMNS`](crate::limits::QUOTE_COLUMNS) characters; else that
/// many characters around `span`, half before it (more when the line ends soon after)
/// and the rest from its start on. Never past the ends of the line(s) holding the span
/// (a line break inside the span does not end the window; `\r` before a line break is
/// left out). Walks only the window, so any number of diagnostics on one long line
/// stays linear in the output. Both the diagnostic's own quoted line
/// ([`quote_around`]) and the front end's snippets use it.
#[must_use]
pub fn quote_window(text: &str, span: Range<usize>) -> Window {
    let width = crate::limits::QUOTE_COLUMNS;
    let mut start = span.start.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = span.end.clamp(start, text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    // What the line offers on each side of the span's start, up to the whole width.
    let mut before = Vec::with_capacity(width.min(start));
    for (i, c) in text[..start].char_indices().rev() {
        if c == '\n' || before.len() == width {
            break;
        }
        before.push(i);
    }
    let mut after = Vec::with_capacity(width.min(text.len() - start));
    for (i, c) in text[start..].char_indices() {
        let at = start + i;
        if (c == '\n' && at >= end) || after.len() == width {
            break;
        }
        after.push(at + c.len_utf8());
    }
    let back = before.len().min((width / 2).max(width - after.len()));
    let ahead = after.len().min(width - back);
    let from = if back == 0 { start } else { before[back - 1] };
    let mut to = if ahead == 0 { start } else { after[ahead - 1] };
    let line_goes_on = |c: Option<char>| c.is_some_and(|c| c != '\n');
    let cut_before = line_goes_on(text[..from].chars().next_back());
    let cut_after = line_goes_on(text[to..].chars().next()) && !text[to..].starts_with("\r\n");
    if text[to..].starts_with('\n') && text[from..to].ends_with('\r') {
        to -= 1;
    }
    Window {
        range: from..to,
        cut_before,
        cut_after,
    }
}

/// The window ([`quote_window`]) of `line` around byte `at`, tabs shown as one space
/// (they would misalign the caret), with `…` at a cut end; and the 1-based column of
/// `at` in that window.
#[must_use]
pub fn quote_around(line: &str, at: usize) -> (String, usize) {
    let mut at = at.min(line.len());
    while !line.is_char_boundary(at) {
        at -= 1;
    }
    let w = quote_window(line, at..at);
    let tab = |c: char| if c == '\t' { ' ' } else { c };
    let mut text = String::new();
    if w.cut_before {
        text.push('…');
    }
    text.extend(line[w.range.start..at].chars().map(tab));
    let caret = text.chars().count() + 1;
    text.extend(line[at..w.range.end].chars().map(tab));
    if w.cut_after {
        text.push('…');
    }
    (text, caret)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::QUOTE_COLUMNS;

    fn quoted<'t>(text: &'t str, w: &Window) -> &'t str {
        &text[w.range.clone()]
    }

    #[test]
    fn a_short_line_is_quoted_whole_and_a_long_one_in_a_window_around_the_span() {
        let text = "first\n    Choice(goto: \"hal\"),\r\nlast";
        let at = text.find("\"hal").unwrap();
        let w = quote_window(text, at..at + 5);
        assert_eq!(quoted(text, &w), "    Choice(goto: \"hal\"),", "no `\\r`");
        assert!(!w.cut_before && !w.cut_after);

        let long = format!("{}TARGET{}", "a".repeat(1_000_000), "b".repeat(1_000_000));
        let at = long.find("TARGET").unwrap();
        let w = quote_window(&long, at..at + 6);
        assert_eq!(quoted(&long, &w).chars().count(), QUOTE_COLUMNS);
        assert_eq!(w.range.start, at - QUOTE_COLUMNS / 2, "half before");
        assert!(w.cut_before && w.cut_after);

        // Near the end of a long line the window takes more before the span.
        let at = long.len() - 3;
        let w = quote_window(&long, at..long.len());
        assert_eq!(w.range, long.len() - QUOTE_COLUMNS..long.len());
        assert!(w.cut_before && !w.cut_after);
    }

    #[test]
    fn a_span_over_a_line_break_keeps_both_lines_and_characters_stay_whole() {
        let text = "x = \"one\ntwo\" + y\nnext";
        let w = quote_window(text, 4..13);
        assert_eq!(quoted(text, &w), "x = \"one\ntwo\" + y");
        let wide = "漢".repeat(500);
        // A span starting mid-character is moved to the character's start.
        let w = quote_window(&wide, 301..302);
        assert!(wide.is_char_boundary(w.range.start) && wide.is_char_boundary(w.range.end));
        assert_eq!(quoted(&wide, &w).chars().count(), QUOTE_COLUMNS);
        // `quote_around` is the same window, with `…` and the caret's column.
        let (line, caret) = quote_around(&wide, 300);
        assert_eq!(line.chars().count(), QUOTE_COLUMNS + 2);
        assert_eq!(caret, QUOTE_COLUMNS / 2 + 2);
    }

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

    #[test]
    fn brackets_in_strings_and_comments_do_not_count() {
        let src = "Chapter( // (\n scenes: [ \"([\" , r#\"\")\"# /* ] */";
        assert_eq!(unclosed_brackets(src), 2);
        assert!(is_blank(" // only\n /* a comment */ \n"));
        assert!(!is_blank(" // only\n , "));
    }

    #[test]
    fn a_struct_is_found_from_its_closing_paren() {
        let src = "Scene(id: \"(\", chance: Chance (percent: 5))";
        let inner = src.rfind("))").unwrap();
        assert_eq!(struct_start(src, inner), src.find("Chance"));
        assert_eq!(struct_start(src, inner + 1), Some(0));
        assert_eq!(struct_start(src, 3), None, "not a `)`");
    }

    #[test]
    fn a_field_value_is_found_whatever_its_kind() {
        let src = "Choice(label: \"x\", chance: Chance(percent: 150, goto: \"y\"))";
        let loc = Locator::new(src);
        let at = loc.field_value(0, "percent").unwrap();
        assert_eq!(&src[at..at + 3], "150");
        assert_eq!(loc.field_value(0, "nothing"), None);
    }
}
