//! Text written straight into the frame's buffer, for the rows drawn on every frame
//! (the prose, the choices, the bars), with exactly the cells ratatui's `Paragraph` would
//! write.
//!
//! Why: a `Paragraph` splits every line into grapheme clusters and measures each one
//! through `unicode-width`'s string tables before it writes a cell, and its callers first
//! build a `String` per styled run; on the play screen that was two thirds of a frame's
//! instructions. Most text needs none of it: when every character of a row is one of
//! [`plain_char`]'s (printable, at least one cell wide, never joined to a neighbour in a
//! grapheme cluster), each character is its own cell, and it is written directly. Any
//! other row (combining accents, emoji sequences, flags, zero-width characters) goes
//! through `Paragraph` as before, so the buffer is the same either way: the tests below
//! compare the two on every character of [`plain_char`]'s ranges.

use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::wrap::char_width;

/// Whether `ch` is always a grapheme cluster of its own, printable and one or two cells
/// wide, with the width `unicode-width` gives it alone (what ratatui measures). Kept to
/// scripts and symbols whose Unicode grapheme-break property is "Other" (no combining
/// marks, joiners, variation selectors, regional indicators, Hangul jamo, controls or
/// format characters); anything not listed takes the `Paragraph` path.
#[must_use]
pub fn plain_char(ch: char) -> bool {
    matches!(ch,
        ' '..='~'
        | '\u{A0}'..='\u{AC}'
        | '\u{AE}'..='\u{2FF}'
        | '\u{370}'..='\u{377}'
        | '\u{37A}'..='\u{37F}'
        | '\u{384}'..='\u{38A}'
        | '\u{38C}'
        | '\u{38E}'..='\u{3A1}'
        | '\u{3A3}'..='\u{482}'
        | '\u{48A}'..='\u{52F}'
        | '\u{2010}'..='\u{2027}'
        | '\u{2030}'..='\u{205E}'
        | '\u{20A0}'..='\u{20C0}'
        | '\u{2100}'..='\u{214F}'
        | '\u{2190}'..='\u{21FF}'
        | '\u{2500}'..='\u{25FF}'
        | '\u{3000}'..='\u{3029}'
        | '\u{3030}'..='\u{303F}'
        | '\u{3041}'..='\u{3096}'
        | '\u{309B}'..='\u{30FF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{FF01}'..='\u{FF60}'
    ) && char_width(ch) > 0
}

/// Fills `area` with `style`, as [`Buffer::set_style`] does, a row slice at a time.
pub fn fill_style(buf: &mut Buffer, area: Rect, style: Style) {
    let area = buf.area.intersection(area);
    if area.is_empty() {
        return;
    }
    let stride = usize::from(buf.area.width);
    let left = usize::from(area.x - buf.area.x);
    for y in area.top()..area.bottom() {
        let start = usize::from(y - buf.area.y) * stride + left;
        for cell in &mut buf.content[start..start + usize::from(area.width)] {
            cell.set_style(style);
        }
    }
}

/// Writes one row of styled characters from the left of `row` (its first line only),
/// as `Paragraph::new(line)` rendered there would: characters past the right edge are
/// cut. `chars` is walked twice, once to see whether the fast path applies.
pub fn chars<I>(buf: &mut Buffer, row: Rect, chars: I)
where
    I: Iterator<Item = (char, Style)> + Clone,
{
    let row = buf.area.intersection(Rect::new(row.x, row.y, row.width, 1));
    if row.is_empty() {
        return;
    }
    if !chars.clone().all(|(ch, _)| plain_char(ch)) {
        through_paragraph(buf, row, chars);
        return;
    }
    let width = usize::from(row.width);
    let start = usize::from(row.y - buf.area.y) * usize::from(buf.area.width)
        + usize::from(row.x - buf.area.x);
    let cells = &mut buf.content[start..start + width];
    let mut x = 0;
    for (ch, style) in chars {
        let w = char_width(ch);
        // `Paragraph` skips a character wider than the whole row and stops at the
        // first one that no longer fits.
        if w > width {
            continue;
        }
        if x + w > width {
            break;
        }
        cells[x].set_char(ch).set_style(style);
        x += w;
    }
}

/// [`chars`] for a string in one style.
pub fn text(buf: &mut Buffer, row: Rect, text: &str, style: Style) {
    chars(buf, row, text.chars().map(|ch| (ch, style)));
}

/// Writes `lines` into `area`, one a row from its top, as `Paragraph::new(lines)`
/// rendered there would (no style of its own, left-aligned, no wrapping).
pub fn lines(buf: &mut Buffer, area: Rect, lines: &[Line]) {
    if lines
        .iter()
        .any(|l| l.alignment.is_some_and(|a| a != Alignment::Left))
    {
        Paragraph::new(lines.to_vec()).render(area, buf);
        return;
    }
    for (y, line) in (area.y..area.bottom()).zip(lines) {
        let row = Rect::new(area.x, y, area.width, 1);
        chars(
            buf,
            row,
            line.spans.iter().flat_map(|span| {
                let style = line.style.patch(span.style);
                span.content.chars().map(move |ch| (ch, style))
            }),
        );
    }
}

/// The slow path, for rows with characters [`plain_char`] does not vouch for: the same
/// characters through `Paragraph`.
fn through_paragraph<I>(buf: &mut Buffer, row: Rect, chars: I)
where
    I: Iterator<Item = (char, Style)>,
{
    Paragraph::new(line_of(chars)).render(row, buf);
}

/// Styled characters as a line of spans, one span for each run of one style (what
/// `Paragraph` draws).
pub fn line_of(chars: impl Iterator<Item = (char, Style)>) -> Line<'static> {
    let mut spans: Vec<Span> = Vec::new();
    let mut run = String::new();
    let mut run_style = Style::new();
    for (ch, style) in chars {
        if style != run_style && !run.is_empty() {
            spans.push(Span::styled(std::mem::take(&mut run), run_style));
        }
        run_style = style;
        run.push(ch);
    }
    if !run.is_empty() {
        spans.push(Span::styled(run, run_style));
    }
    Line::from(spans)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::{Color, Modifier};

    const AREA: Rect = Rect::new(0, 0, 12, 2);

    fn styles() -> [Style; 3] {
        [
            Style::new(),
            Style::new()
                .fg(Color::LightCyan)
                .add_modifier(Modifier::ITALIC),
            Style::new().bg(Color::Indexed(53)).fg(Color::White),
        ]
    }

    /// The buffer `Paragraph` leaves and the one [`chars`] leaves, for the same row
    /// drawn over the same background.
    fn both(row: Rect, items: &[(char, Style)]) -> (Buffer, Buffer) {
        let mut background = Buffer::empty(AREA);
        fill_style(&mut background, AREA, Style::new().bg(Color::Indexed(7)));
        let mut slow = background.clone();
        through_paragraph(&mut slow, row, items.iter().copied());
        let mut fast = background;
        chars(&mut fast, row, items.iter().copied());
        (slow, fast)
    }

    #[test]
    fn fill_style_is_buffer_set_style() {
        for area in [
            Rect::new(0, 0, 12, 2),
            Rect::new(3, 1, 4, 1),
            Rect::new(10, 0, 9, 9),
        ] {
            let style = Style::new().fg(Color::Red).add_modifier(Modifier::BOLD);
            let mut ours = Buffer::empty(AREA);
            fill_style(&mut ours, area, style);
            let mut theirs = Buffer::empty(AREA);
            theirs.set_style(area, style);
            assert_eq!(ours, theirs, "{area:?}");
        }
    }

    #[test]
    fn every_plain_char_is_written_as_paragraph_writes_it() {
        let [a, b, c] = styles();
        let mut checked = 0;
        for ch in (0..=u32::from(char::MAX))
            .filter_map(char::from_u32)
            .filter(|&c| plain_char(c))
        {
            // Beside itself and ASCII, in changing styles, cut at the row's end.
            let items = [('x', a), (ch, b), (ch, c), ('y', a), (ch, a)];
            let (slow, fast) = both(Rect::new(1, 1, 6, 1), &items);
            assert_eq!(slow, fast, "U+{:04X}", u32::from(ch));
            checked += 1;
        }
        assert!(checked > 20_000, "{checked}");
    }

    #[test]
    fn other_text_goes_through_paragraph_unchanged() {
        let [a, b, _] = styles();
        // A combining accent, a flag, a family joined by ZWJ, a soft hyphen, a
        // variation selector, Hangul jamo: clusters `plain_char` does not vouch for.
        for s in [
            "e\u{301}té",
            "🇫🇷 ok",
            "👨\u{200D}👩\u{200D}👧!",
            "co\u{AD}op",
            "☕\u{FE0F}x",
            "\u{1100}\u{1161}\u{11A8}",
        ] {
            let items: Vec<(char, Style)> = s
                .chars()
                .enumerate()
                .map(|(i, ch)| (ch, if i % 2 == 0 { a } else { b }))
                .collect();
            let (slow, fast) = both(Rect::new(0, 0, 12, 1), &items);
            assert_eq!(slow, fast, "{s}");
        }
    }

    #[test]
    fn lines_are_written_as_a_paragraph_writes_them() {
        let [a, b, c] = styles();
        let lines = vec![
            Line::styled("▸ 1. Read it again", a),
            Line::from(vec![
                Span::styled("  – ", b),
                Span::styled("宋丽玲 sings on", c),
            ]),
            Line::styled("e\u{301}té", b),
            Line::from(vec![Span::styled("x", a), Span::raw("y")]).style(c),
            Line::styled("a line past the bottom", a),
        ];
        for area in [AREA, Rect::new(2, 0, 7, 2), Rect::new(0, 1, 12, 1)] {
            let mut slow = Buffer::empty(AREA);
            Paragraph::new(lines.clone()).render(area, &mut slow);
            let mut fast = Buffer::empty(AREA);
            super::lines(&mut fast, area, &lines);
            assert_eq!(slow, fast, "{area:?}");
        }
    }

    #[test]
    fn rows_outside_the_buffer_and_too_wide_characters_are_handled() {
        let [a, ..] = styles();
        let wide = [('宋', a), ('丽', a), ('玲', a)];
        // One cell: a wide character never fits, so nothing is written.
        let (slow, fast) = both(Rect::new(0, 0, 1, 1), &wide);
        assert_eq!(slow, fast);
        assert_eq!(fast[(0, 0)].symbol(), " ");
        // Three cells: one character, then the row is full.
        let (slow, fast) = both(Rect::new(9, 0, 3, 1), &wide);
        assert_eq!(slow, fast);
        assert_eq!(fast[(9, 0)].symbol(), "宋");
        // Below the buffer, or partly past its right edge.
        let (slow, fast) = both(Rect::new(0, 5, 4, 1), &wide);
        assert_eq!(slow, fast);
        let (slow, fast) = both(Rect::new(8, 1, 10, 1), &[('a', a); 9]);
        assert_eq!(slow, fast);
    }
}
