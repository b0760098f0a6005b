//! Prose markup and word wrapping, shared by `update` (to know how far text can scroll)
//! and the view (to draw it), so both always agree on where every line breaks.
//!
//! Hand-written rather than ratatui's `Paragraph` wrapping for three reasons: the line
//! count must be known outside a draw call; the typewriter reveals characters of a layout
//! that is already fixed, so words never jump lines mid-animation; and Chinese text (宋丽玲)
//! has no spaces, so it must break between wide characters, measured in terminal cells.

use crate::story::emphasis;
use unicode_width::UnicodeWidthChar;

/// One character of prose with its inline style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cell {
    /// The character.
    pub ch: char,
    /// Inside `*emphasis*`.
    pub emphasis: bool,
    /// Inside a quotation (dialogue).
    pub dialogue: bool,
    /// Position in the whole text, counted in characters: the typewriter reveals cells
    /// whose index is below its count.
    pub index: usize,
}

/// What a block of text is, which decides its base style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A paragraph of the story.
    Prose,
    /// A heading inside the prose (an ending's title, "Afterword").
    Heading,
    /// Quieter text (credits, notes).
    Aside,
}

/// A paragraph to lay out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// Its role.
    pub role: Role,
    /// Its text, with `*emphasis*` markup.
    pub text: String,
}

impl Block {
    /// A story paragraph.
    #[must_use]
    pub fn prose(text: impl Into<String>) -> Self {
        Self {
            role: Role::Prose,
            text: text.into(),
        }
    }

    /// A heading.
    #[must_use]
    pub fn heading(text: impl Into<String>) -> Self {
        Self {
            role: Role::Heading,
            text: text.into(),
        }
    }

    /// Quieter text.
    #[must_use]
    pub fn aside(text: impl Into<String>) -> Self {
        Self {
            role: Role::Aside,
            text: text.into(),
        }
    }
}

/// One laid-out line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// The role of the block it came from.
    pub role: Role,
    /// Its characters (empty for the gap between paragraphs).
    pub cells: Vec<Cell>,
}

impl Line {
    /// Width in terminal cells.
    #[must_use]
    pub fn width(&self) -> usize {
        self.cells.iter().map(|c| char_width(c.ch)).sum()
    }
}

/// Terminal cells a character takes (control characters were replaced before this).
#[must_use]
pub fn char_width(ch: char) -> usize {
    ch.width().unwrap_or(0)
}

/// Width of a string in terminal cells.
#[must_use]
pub fn str_width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

/// Cuts `s` to at most `width` cells, adding `…` when something was cut.
#[must_use]
pub fn truncate(s: &str, width: usize) -> String {
    if str_width(s) <= width {
        return s.to_owned();
    }
    if width == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for ch in s.chars() {
        let w = char_width(ch);
        if used + w + 1 > width {
            break;
        }
        used += w;
        out.push(ch);
    }
    out.push('…');
    out
}

/// Parses markup: emphasis by the engine's one rule ([`emphasis::parse`]); quotation
/// marks start and end dialogue, and stay visible.
#[must_use]
pub fn markup(text: &str, first_index: usize) -> Vec<Cell> {
    let chars = emphasis::parse(text);
    let mut cells = Vec::with_capacity(chars.len());
    let mut dialogue = false;
    for (ch, emphasis) in chars {
        let opens = matches!(ch, '“' | '«') || (ch == '"' && !dialogue);
        let closes = matches!(ch, '”' | '»') || (ch == '"' && dialogue);
        if opens {
            dialogue = true;
        }
        cells.push(Cell {
            ch,
            emphasis,
            dialogue,
            index: first_index + cells.len(),
        });
        if closes && !opens {
            dialogue = false;
        }
    }
    cells
}

/// Characters the typewriter has to reveal for these blocks.
#[must_use]
pub fn char_count(blocks: &[Block]) -> usize {
    blocks.iter().map(|b| markup(&b.text, 0).len()).sum()
}

/// Lays blocks out in `width` cells, one empty line between blocks.
#[must_use]
pub fn layout(blocks: &[Block], width: usize) -> Vec<Line> {
    let width = width.max(2);
    let mut lines = Vec::new();
    let mut next_index = 0;
    for (n, block) in blocks.iter().enumerate() {
        if n > 0 {
            lines.push(Line {
                role: block.role,
                cells: Vec::new(),
            });
        }
        let cells = markup(&block.text, next_index);
        next_index += cells.len();
        for row in wrap(&cells, width) {
            lines.push(Line {
                role: block.role,
                cells: row,
            });
        }
    }
    lines
}

/// Greedy wrapping of one paragraph. Breaks at spaces and between wide characters;
/// a word longer than the line is cut wherever it must be. Newlines force a break.
#[must_use]
pub fn wrap(cells: &[Cell], width: usize) -> Vec<Vec<Cell>> {
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    let mut row: Vec<Cell> = Vec::new();
    let mut row_w = 0;
    let mut pending_space: Vec<Cell> = Vec::new();
    for unit in units(cells) {
        match unit {
            Unit::Newline => {
                rows.push(std::mem::take(&mut row));
                row_w = 0;
                pending_space.clear();
            }
            Unit::Space(s) => pending_space.extend_from_slice(s),
            Unit::Word(word) => {
                let word_w: usize = word.iter().map(|c| char_width(c.ch)).sum();
                let space_w: usize = pending_space.iter().map(|c| char_width(c.ch)).sum();
                if row_w > 0 && row_w + space_w + word_w > width {
                    rows.push(std::mem::take(&mut row));
                    row_w = 0;
                    pending_space.clear();
                } else if row_w > 0 {
                    row.append(&mut pending_space);
                    row_w += space_w;
                } else {
                    pending_space.clear();
                }
                for &c in word {
                    let w = char_width(c.ch);
                    if row_w + w > width && row_w > 0 {
                        rows.push(std::mem::take(&mut row));
                        row_w = 0;
                    }
                    row.push(c);
                    row_w += w;
                }
            }
        }
    }
    if !row.is_empty() || rows.is_empty() {
        rows.push(row);
    }
    rows
}

enum Unit<'a> {
    Space(&'a [Cell]),
    Word(&'a [Cell]),
    Newline,
}

/// Splits a paragraph into spaces, words and forced breaks. A wide character is a word
/// of its own (CJK text breaks anywhere), except that closing punctuation stays with it.
fn units(cells: &[Cell]) -> Vec<Unit<'_>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < cells.len() {
        let c = cells[i].ch;
        if c == '\n' {
            out.push(Unit::Newline);
            i += 1;
        } else if c == ' ' {
            let start = i;
            while i < cells.len() && cells[i].ch == ' ' {
                i += 1;
            }
            out.push(Unit::Space(&cells[start..i]));
        } else if char_width(c) > 1 {
            let start = i;
            i += 1;
            while i < cells.len() && is_closing(cells[i].ch) {
                i += 1;
            }
            out.push(Unit::Word(&cells[start..i]));
        } else {
            let start = i;
            while i < cells.len() {
                let ch = cells[i].ch;
                if ch == ' ' || ch == '\n' || (char_width(ch) > 1 && !is_closing(ch)) {
                    break;
                }
                i += 1;
            }
            out.push(Unit::Word(&cells[start..i]));
        }
    }
    out
}

fn is_closing(ch: char) -> bool {
    matches!(
        ch,
        ',' | '.'
            | '!'
            | '?'
            | ';'
            | ':'
            | ')'
            | '”'
            | '’'
            | '»'
            | '，'
            | '。'
            | '、'
            | '！'
            | '？'
            | '：'
            | '；'
            | '）'
            | '」'
            | '』'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(row: &[Cell]) -> String {
        row.iter().map(|c| c.ch).collect()
    }

    fn lines(blocks: &[Block], width: usize) -> Vec<String> {
        layout(blocks, width)
            .iter()
            .map(|l| text(&l.cells))
            .collect()
    }

    #[test]
    fn wraps_at_spaces_and_drops_the_break_space() {
        let got = lines(&[Block::prose("one two three four")], 9);
        assert_eq!(got, ["one two", "three", "four"]);
    }

    #[test]
    fn wide_characters_wrap_by_cell_width() {
        let got = lines(&[Block::prose("宋丽玲宋丽玲")], 7);
        assert_eq!(got, ["宋丽玲", "宋丽玲"]);
        for l in layout(&[Block::prose("Song 宋丽玲 sings, 宋丽玲。")], 7) {
            assert!(l.width() <= 7, "{:?} is {} wide", text(&l.cells), l.width());
        }
    }

    #[test]
    fn closing_punctuation_stays_with_its_character() {
        let got = lines(&[Block::prose("宋丽玲。")], 6);
        assert_eq!(got, ["宋丽", "玲。"]);
    }

    #[test]
    fn overlong_words_are_cut() {
        let got = lines(&[Block::prose("abcdefghij")], 4);
        assert_eq!(got, ["abcd", "efgh", "ij"]);
    }

    #[test]
    fn emphasis_markers_vanish_and_style_the_text() {
        let cells = markup("a *bold* b", 0);
        assert_eq!(text(&cells), "a bold b");
        assert!(cells[2].emphasis && cells[5].emphasis);
        assert!(!cells[0].emphasis && !cells[7].emphasis);
        assert_eq!(text(&markup("5 * 3", 0)), "5 * 3", "a lone star is literal");
    }

    #[test]
    fn quotations_are_dialogue() {
        let cells = markup("She says, “Come.” Then", 0);
        let d: String = cells.iter().filter(|c| c.dialogue).map(|c| c.ch).collect();
        assert_eq!(d, "“Come.”");
        let cells = markup("\"Hi\" he said", 0);
        let d: String = cells.iter().filter(|c| c.dialogue).map(|c| c.ch).collect();
        assert_eq!(d, "\"Hi\"");
    }

    #[test]
    fn indices_run_across_blocks_and_match_the_count() {
        let blocks = [Block::prose("ab *c*"), Block::heading("de")];
        let all: Vec<usize> = layout(&blocks, 10)
            .iter()
            .flat_map(|l| l.cells.iter().map(|c| c.index))
            .collect();
        assert_eq!(all, [0, 1, 2, 3, 4, 5]);
        assert_eq!(char_count(&blocks), 6);
    }

    #[test]
    fn truncation_respects_cells() {
        assert_eq!(truncate("宋丽玲", 5), "宋丽…");
        assert_eq!(truncate("abc", 3), "abc");
        assert_eq!(truncate("abcd", 3), "ab…");
        assert_eq!(truncate("abcd", 0), "");
    }
}
