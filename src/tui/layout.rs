//! Where things go on screen, as pure functions of the model and the terminal size.
//!
//! Both `update` (to scroll, to know whether a text was shown whole, to hit-test a
//! mouse click) and the view (to draw) need the same answers; computing them in one
//! place keeps the two from disagreeing, and keeps the model free of geometry.

use ratatui::layout::Rect;

use super::game::Game;
use super::keys;
use super::wrap::{self, Block, str_width};

/// Narrowest terminal the game draws in; below it, a "please enlarge" message.
pub const MIN_WIDTH: u16 = 40;
/// Shortest terminal the game draws in.
pub const MIN_HEIGHT: u16 = 12;
/// Widest the prose column grows: long lines are hard to read.
const MAX_COLUMN: u16 = 78;
/// Cells before a choice's label: "▸ 1. ".
pub const CHOICE_INDENT: u16 = 5;

/// Where each part of the play screen goes, for the view and for scrolling rules alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlayLayout {
    /// The status bar.
    pub status: Rect,
    /// The prose.
    pub prose: Rect,
    /// The line between prose and choices.
    pub rule: Rect,
    /// The choices.
    pub choices: Rect,
    /// The key hints or the latest notice.
    pub footer: Rect,
}

/// One line of the choice list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChoiceRow {
    /// Index into [`Game::choices`].
    pub choice: usize,
    /// The first line of its label (carries the number).
    pub first: bool,
    /// The text.
    pub line: wrap::Line,
}

/// The text column: centred, at most `MAX_COLUMN` wide, with a margin.
#[must_use]
pub fn column(area: Rect) -> Rect {
    let width = area.width.saturating_sub(4).clamp(1, MAX_COLUMN);
    let x = area.x + area.width.saturating_sub(width) / 2;
    Rect::new(x, area.y, width.min(area.width), area.height)
}

/// The body between a header row and a footer row, one blank row below the header.
#[must_use]
pub fn body(area: Rect) -> Rect {
    Rect::new(
        area.x,
        area.y + 2,
        area.width,
        area.height.saturating_sub(4),
    )
}

/// Rows of a list screen (journal, help, content note) visible in `area`.
#[must_use]
pub fn list_height(area: Rect) -> usize {
    usize::from(body(area).height)
}

/// The choice list laid out in `width` cells.
#[must_use]
pub fn choice_rows(game: &Game, width: u16) -> Vec<ChoiceRow> {
    let inner = usize::from(width.saturating_sub(CHOICE_INDENT)).max(1);
    let mut rows = Vec::new();
    for (i, c) in game.choices.iter().enumerate() {
        let text = match (&c.reason, c.enabled) {
            (Some(reason), false) => format!("{} — {reason}", c.label),
            _ => c.label.clone(),
        };
        for (n, line) in wrap::layout(&[Block::prose(text)], inner)
            .into_iter()
            .enumerate()
        {
            rows.push(ChoiceRow {
                choice: i,
                first: n == 0,
                line,
            });
        }
    }
    rows
}

/// The part of a list shown in a panel too short for all of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// First row shown.
    pub offset: usize,
    /// Rows shown.
    pub shown: usize,
    /// A "▲ more" marker takes the panel's first line.
    pub above: bool,
    /// A "▼ more" marker takes the panel's last line.
    pub below: bool,
}

/// The window over `len` rows, `height` lines high, that shows rows `first..=last`
/// whole (the highlighted entry), with a marker line where rows are hidden.
#[must_use]
pub fn window(len: usize, first: usize, last: usize, height: usize) -> Window {
    if len <= height {
        return Window {
            offset: 0,
            shown: len,
            above: false,
            below: false,
        };
    }
    let fit = |offset: usize| {
        let above = offset > 0;
        let mut shown = height.saturating_sub(usize::from(above));
        let below = offset + shown < len;
        if below {
            shown = shown.saturating_sub(1);
        }
        Window {
            offset,
            shown,
            above,
            below,
        }
    };
    for offset in 0..=first {
        let w = fit(offset);
        if last < offset + w.shown {
            return w;
        }
    }
    // The entry is taller than the panel: show its start.
    fit(first)
}

/// The window over the choice rows that keeps the highlighted choice in view.
#[must_use]
pub fn choice_window(game: &Game, rows: &[ChoiceRow], height: u16) -> Window {
    let first = rows
        .iter()
        .position(|r| r.choice == game.selected)
        .unwrap_or(0);
    let last = rows
        .iter()
        .rposition(|r| r.choice == game.selected)
        .unwrap_or(0);
    window(rows.len(), first, last, usize::from(height))
}

/// Divides the play screen.
#[must_use]
pub fn play_layout(game: &Game, area: Rect) -> PlayLayout {
    let col = column(area);
    let rows = choice_rows(game, col.width).len().max(1) as u16;
    let body = area.height.saturating_sub(2);
    let choices_h = rows.min(body / 2);
    // Short prose keeps its choices right under it; long prose pushes them to the
    // bottom and scrolls. The whole text counts, so nothing moves while it types out.
    let needed = game.lines(usize::from(col.width)).len() + 1;
    let prose_h = area
        .height
        .saturating_sub(4 + choices_h)
        .min(u16::try_from(needed).unwrap_or(u16::MAX));
    let clip = |r: Rect| r.intersection(area);
    let status = clip(Rect::new(area.x, area.y, area.width, 1));
    let prose = clip(Rect::new(col.x, area.y + 2, col.width, prose_h));
    let rule = clip(Rect::new(col.x, prose.bottom(), col.width, 1));
    let choices = clip(Rect::new(col.x, rule.bottom(), col.width, choices_h));
    let footer = clip(Rect::new(
        area.x,
        area.bottom().saturating_sub(1),
        area.width,
        1,
    ));
    PlayLayout {
        status,
        prose,
        rule,
        choices,
        footer,
    }
}

/// The choice under screen cell (`x`, `y`), if a choice row is drawn there.
#[must_use]
pub fn choice_at(game: &Game, area: Rect, x: u16, y: u16) -> Option<usize> {
    let layout = play_layout(game, area);
    let r = layout.choices;
    if x < r.x || x >= r.right() || y < r.y || y >= r.bottom() {
        return None;
    }
    let rows = choice_rows(game, r.width);
    let w = choice_window(game, &rows, r.height);
    let line = usize::from(y - r.y).checked_sub(usize::from(w.above))?;
    if line >= w.shown {
        return None;
    }
    rows.get(w.offset + line).map(|row| row.choice)
}

/// The prose lines a new scene can show before its first page is full: the typewriter
/// stops there, so the top of a scene stays in view (as when a key reveals it all).
#[must_use]
pub fn first_page_end(game: &Game, area: Rect) -> usize {
    let layout = play_layout(game, area);
    let lines = game.lines(usize::from(layout.prose.width));
    let height = usize::from(layout.prose.height);
    match lines.get(game.scroll + height) {
        // The first character of the first line below the panel.
        Some(l) => l.cells.first().map_or(game.total, |c| c.index),
        None => game.total,
    }
}

/// One line of the help screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpRow {
    /// Section titles are headings.
    pub heading: bool,
    /// The keys (empty on continuation lines).
    pub keys: String,
    /// What they do.
    pub what: String,
}

/// The help screen laid out `width` cells wide: keys beside their meaning where the
/// width allows, else on a line of their own; meanings wrap instead of being cut.
#[must_use]
pub fn help_rows(width: u16) -> Vec<HelpRow> {
    let width = usize::from(width);
    let key_col = keys::help_lines()
        .iter()
        .map(|(k, _)| str_width(k) + 4)
        .max()
        .unwrap_or(0);
    let side_by_side = width >= key_col + 24;
    let indent = if side_by_side { key_col } else { 6 };
    let mut out = Vec::new();
    for (keys, what) in keys::help_lines() {
        if keys.is_empty() {
            if !out.is_empty() {
                out.push(HelpRow {
                    heading: false,
                    keys: String::new(),
                    what: String::new(),
                });
            }
            out.push(HelpRow {
                heading: true,
                keys: String::new(),
                what: what.to_owned(),
            });
            continue;
        }
        let text = wrap::layout(&[Block::prose(what)], width.saturating_sub(indent).max(1));
        let keys = format!("  {keys}");
        if !side_by_side {
            out.push(HelpRow {
                heading: false,
                keys: wrap::truncate(&keys, width),
                what: String::new(),
            });
        }
        for (i, line) in text.iter().enumerate() {
            let cells: String = line.cells.iter().map(|c| c.ch).collect();
            let k = if side_by_side && i == 0 {
                format!("{keys:<key_col$}")
            } else {
                " ".repeat(indent)
            };
            out.push(HelpRow {
                heading: false,
                keys: k,
                what: cells,
            });
        }
    }
    out
}

/// The content note laid out for the screen `area`.
#[must_use]
pub fn note_lines(note: &[Block], area: Rect) -> Vec<wrap::Line> {
    wrap::layout(note, usize::from(column(body(area)).width))
}

/// One line of the variables panel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariableRow {
    /// `name = value` (or, wide, name, value and change in columns); false for the line
    /// that says what last changed it.
    pub value: bool,
    /// The text, cut to the width.
    pub text: String,
}

/// What last changed a variable, as the panel and plain `vars` say it.
fn changed(v: &crate::engine::VariableView) -> String {
    v.changed_by
        .as_ref()
        .map_or_else(|| "unchanged".to_owned(), ToString::to_string)
}

/// The variables panel laid out `width` cells wide: on a wide screen one line per
/// variable (name, value, what last changed it, in columns); on a narrow one
/// `name = value` with the change on the line below, so neither is cut to nothing.
#[must_use]
pub fn variable_rows(vars: &[crate::engine::VariableView], width: u16) -> Vec<VariableRow> {
    let width = usize::from(width);
    let name_w = vars.iter().map(|v| str_width(&v.name)).max().unwrap_or(0);
    let value_w = vars.iter().map(|v| str_width(&v.value)).max().unwrap_or(0);
    let name_w = name_w.min(width / 3);
    let value_w = value_w.min(width / 5);
    let mut out = Vec::new();
    if width >= 60 {
        for v in vars {
            let pad = |s: &str, w: usize| {
                let s = wrap::truncate(s, w);
                let gap = w.saturating_sub(str_width(&s));
                format!("{s}{}", " ".repeat(gap))
            };
            let text = format!(
                "{}  {}  {}",
                pad(&v.name, name_w),
                pad(&v.value, value_w),
                changed(v)
            );
            out.push(VariableRow {
                value: true,
                text: wrap::truncate(&text, width),
            });
        }
        return out;
    }
    for v in vars {
        out.push(VariableRow {
            value: true,
            text: wrap::truncate(&format!("{} = {}", v.name, v.value), width),
        });
        out.push(VariableRow {
            value: false,
            text: wrap::truncate(&format!("  {}", changed(v)), width),
        });
    }
    out
}

/// A notice laid out for the footer of `area`: one line when it fits, else wrapped
/// (words kept whole) onto at most half the screen's rows, the last cut with `…`.
#[must_use]
pub fn notice_lines(text: &str, area: Rect) -> Vec<String> {
    // One cell of margin each side.
    let width = usize::from(area.width.saturating_sub(2)).max(1);
    let most = usize::from(area.height / 2).max(1);
    let mut lines: Vec<String> = wrap::layout(&[Block::prose(text)], width)
        .iter()
        .map(|l| l.cells.iter().map(|c| c.ch).collect())
        .collect();
    if lines.len() > most {
        lines.truncate(most);
        if let Some(last) = lines.last_mut() {
            *last = wrap::truncate(&format!("{last} …"), width);
            if !last.ends_with('…') {
                last.push('…');
            }
        }
    }
    lines
}
