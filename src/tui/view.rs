//! Drawing: [`draw`] reads the [`App`] and paints a frame, changing nothing, so the same
//! state always draws the same screen (which is what the snapshot tests rely on).

use std::time::{Duration, SystemTime};

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block as Panel, Borders, Clear, Paragraph};

use super::app::{
    App, CHOICE_INDENT, Game, JournalEntry, MIN_HEIGHT, MIN_WIDTH, MenuItem, Screen, choice_rows,
    column, help_lines, play_layout,
};
use super::theme::Theme;
use super::wrap::{self, Block, Role, str_width, truncate};
use crate::save::{AUTO_SLOT, PREVIOUS_AUTO_SLOT, QUICK_SLOT, SlotInfo, TextSpeed, ThemeName};

/// Draws the whole interface.
pub fn draw(app: &App, frame: &mut Frame) {
    let area = frame.area();
    let theme = Theme::new(app.session.profile.settings.theme, app.no_color);
    frame.buffer_mut().set_style(area, theme.base);
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        enlarge(frame, area, &theme);
        return;
    }
    let top = app.screen();
    let under = if top.is_dialog() {
        app.stack
            .iter()
            .rev()
            .find(|s| !s.is_dialog())
            .unwrap_or(&Screen::Title)
    } else {
        top
    };
    match under {
        Screen::ContentNote => content_note(app, frame, area, &theme),
        Screen::Title => title(app, frame, area, &theme),
        Screen::Play | Screen::Replay => play(app, frame, area, &theme),
        Screen::Journal => journal(app, frame, area, &theme),
        Screen::SaveSlots => slots(app, frame, area, &theme, true),
        Screen::LoadSlots => slots(app, frame, area, &theme, false),
        Screen::Help => help(app, frame, area, &theme),
        Screen::Endings => endings(app, frame, area, &theme),
        Screen::Settings => settings(app, frame, area, &theme),
        Screen::ConfirmQuit | Screen::ConfirmOverwrite(_) => {}
    }
    match top {
        Screen::ConfirmQuit => dialog(
            frame,
            area,
            &theme,
            " Quit? ",
            "Leave the game? Your place is saved automatically.",
            "y / Enter: save and quit   n / Esc: keep playing",
        ),
        Screen::ConfirmOverwrite(slot) => {
            let what = app
                .slot(slot)
                .and_then(|s| s.label.as_ref())
                .map_or_else(String::new, |l| format!(" ({} · {})", l.chapter, l.date));
            dialog(
                frame,
                area,
                &theme,
                " Overwrite? ",
                &format!(
                    "{} already holds a save{what}. Replace it?",
                    slot_title(slot)
                ),
                "y / Enter: replace it   n / Esc: cancel",
            );
        }
        _ => {}
    }
}

fn enlarge(frame: &mut Frame, area: Rect, theme: &Theme) {
    let text = format!(
        "Please enlarge the terminal to at least {MIN_WIDTH}×{MIN_HEIGHT} (now {}×{}).",
        area.width, area.height
    );
    let lines = wrap::layout(&[Block::prose(text)], usize::from(area.width));
    let h = (lines.len() as u16).min(area.height);
    let y = area.y + area.height.saturating_sub(h) / 2;
    let rect = Rect::new(area.x, y, area.width, h);
    let lines: Vec<Line> = lines
        .iter()
        .map(|l| Line::from(l.cells.iter().map(|c| c.ch).collect::<String>()))
        .collect();
    frame.render_widget(
        Paragraph::new(lines)
            .style(theme.notice)
            .alignment(Alignment::Center),
        rect,
    );
}

/// A one-line bar: `left` at the start, `right` at the end, `left` cut to fit.
fn bar(frame: &mut Frame, area: Rect, left: &str, right: &str, style: Style) {
    if area.height == 0 {
        return;
    }
    let row = Rect::new(area.x, area.y, area.width, 1);
    frame.buffer_mut().set_style(row, style);
    let width = usize::from(area.width);
    let right = truncate(right, width / 2);
    // One cell always parts the two sides.
    let room = width.saturating_sub(str_width(&right) + usize::from(!right.is_empty()));
    let left = truncate(left, room);
    let gap = width.saturating_sub(str_width(&left) + str_width(&right));
    let line = format!("{left}{}{right}", " ".repeat(gap));
    frame.render_widget(Paragraph::new(line).style(style), row);
}

fn header(frame: &mut Frame, area: Rect, theme: &Theme, left: &str, right: &str) {
    bar(
        frame,
        area,
        &format!(" {left}"),
        &format!("{right} "),
        theme.status,
    );
}

fn footer(app: &App, frame: &mut Frame, area: Rect, theme: &Theme, hints: &str) {
    let row = Rect::new(area.x, area.bottom().saturating_sub(1), area.width, 1);
    match &app.notice {
        Some(n) => bar(frame, row, &format!(" {n}"), "", theme.notice),
        None => bar(frame, row, &format!(" {hints}"), "", theme.dim),
    }
}

/// The body between a header row and a footer row, one blank row below the header.
fn body(area: Rect) -> Rect {
    Rect::new(
        area.x,
        area.y + 2,
        area.width,
        area.height.saturating_sub(4),
    )
}

fn centred(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// A laid-out line as styled spans; cells at or past `reveal` are not shown.
fn styled(line: &wrap::Line, theme: &Theme, reveal: usize) -> Line<'static> {
    let base = match line.role {
        Role::Prose => theme.prose,
        Role::Heading => theme.heading,
        Role::Aside => theme.dim,
    };
    let mut spans: Vec<Span> = Vec::new();
    let mut run = String::new();
    let mut run_style = base;
    for c in line.cells.iter().take_while(|c| c.index < reveal) {
        let mut style = base;
        if c.dialogue && line.role == Role::Prose {
            style = style.patch(theme.dialogue);
        }
        if c.emphasis {
            style = style.patch(theme.emphasis);
        }
        if style != run_style && !run.is_empty() {
            spans.push(Span::styled(std::mem::take(&mut run), run_style));
        }
        run_style = style;
        run.push(c.ch);
    }
    if !run.is_empty() {
        spans.push(Span::styled(run, run_style));
    }
    Line::from(spans)
}

fn title(app: &App, frame: &mut Frame, area: Rect, theme: &Theme) {
    let story = app.story;
    let items = app.menu_items();
    // Story text is terminal-safe since the load (bidi overrides included).
    let spaced: String = story
        .title
        .to_uppercase()
        .chars()
        .map(String::from)
        .collect::<Vec<_>>()
        .join(" ");
    let mut lines = vec![
        Line::styled("─── ❦ ───", theme.border),
        Line::default(),
        Line::styled(spaced, theme.heading),
        Line::default(),
        Line::styled(story.subtitle.as_str(), theme.prose),
        Line::default(),
        Line::default(),
    ];
    let width = items.iter().map(|i| i.label().len()).max().unwrap_or(0) + 4;
    for item in &items {
        let selected = *item == app.menu;
        let text = format!(
            "{} {:<w$}",
            if selected { "▸" } else { " " },
            item.label(),
            w = width - 2
        );
        lines.push(Line::styled(
            text,
            if selected {
                theme.selected
            } else {
                theme.prose
            },
        ));
    }
    lines.push(Line::default());
    let detail = match (app.menu, &app.latest) {
        (MenuItem::Continue, Some(latest)) => slot_summary(latest, app.slots_at),
        _ => String::new(),
    };
    lines.push(Line::styled(detail, theme.dim));
    let h = (lines.len() as u16).min(area.height.saturating_sub(1));
    let rect = Rect::new(
        area.x,
        area.y + area.height.saturating_sub(1).saturating_sub(h) / 2,
        area.width,
        h,
    );
    frame.render_widget(Paragraph::new(lines).alignment(Alignment::Center), rect);
    footer(
        app,
        frame,
        area,
        theme,
        "↑↓ move · Enter select · ? help · q quit",
    );
}

fn content_note(app: &App, frame: &mut Frame, area: Rect, theme: &Theme) {
    header(frame, area, theme, "Content note", "");
    let col = column(body(area));
    let lines = wrap::layout(&app.content_note(), usize::from(col.width));
    let lines: Vec<Line> = lines.iter().map(|l| styled(l, theme, usize::MAX)).collect();
    frame.render_widget(Paragraph::new(lines), col);
    footer(app, frame, area, theme, "Press any key to continue.");
}

fn play(app: &App, frame: &mut Frame, area: Rect, theme: &Theme) {
    let Some(game) = &app.game else { return };
    let layout = play_layout(game, area);
    let scene = &game.scene;
    let status = format!("{}  ·  {}  ·  {}", scene.chapter, scene.date, scene.place);
    let right = match &app.replay {
        Some(r) => format!("replay {}/{}", r.at, r.last()),
        None => "? help".to_owned(),
    };
    header(frame, layout.status, theme, &status, &right);

    let lines = game.lines(usize::from(layout.prose.width));
    let height = usize::from(layout.prose.height);
    let scroll = game.scroll.min(lines.len().saturating_sub(height));
    let shown: Vec<Line> = lines
        .iter()
        .skip(scroll)
        .take(height)
        .map(|l| styled(l, theme, game.revealed))
        .collect();
    frame.render_widget(Paragraph::new(shown), layout.prose);

    let more_above = scroll > 0;
    let more_below = scroll + height < lines.len();
    let waiting = game.card || game.revealing();
    let marker = match (waiting, more_above, more_below) {
        (true, _, _) if game.card => "",
        (true, _, _) => " any key: show all ",
        (_, true, true) => " ▲ ▼ more: Enter or PgDn ",
        (_, false, true) => " ▼ more: Enter or PgDn ",
        (_, true, false) => " ▲ PgUp ",
        _ => "",
    };
    let rule_w = usize::from(layout.rule.width);
    let marker = truncate(marker, rule_w);
    let rule = format!(
        "{}{marker}",
        "─".repeat(rule_w.saturating_sub(str_width(&marker)))
    );
    frame.render_widget(Paragraph::new(Span::styled(rule, theme.dim)), layout.rule);

    if !waiting {
        choices(app, game, frame, layout.choices, theme);
    }
    let hints = if let Some(r) = &app.replay {
        match (&r.recording.divergence, r.at == r.last()) {
            (Some(d), true) => format!("The recording stops here: {d}"),
            _ => "← → step · Enter play on from here · ? help · q leave".to_owned(),
        }
    } else if game.state.is_over() {
        "Enter title · u step back · Tab journal · s save · ? help · q quit".to_owned()
    } else {
        "↑↓ Enter choose · Tab journal · s save · l load · u undo · ? help · q quit".to_owned()
    };
    footer(app, frame, area, theme, &hints);
    if game.card {
        card(game, frame, area, theme);
    }
}

fn choices(app: &App, game: &Game, frame: &mut Frame, area: Rect, theme: &Theme) {
    if game.state.is_over() {
        let text = if app.replay.is_some() {
            "The recorded game ended here."
        } else {
            "The end. Enter: back to the title · u: step back"
        };
        frame.render_widget(Paragraph::new(Span::styled(text, theme.heading)), area);
        return;
    }
    let rows = choice_rows(game, area.width);
    let height = usize::from(area.height);
    let selected_last = rows
        .iter()
        .rposition(|r| r.choice == game.selected)
        .unwrap_or(0);
    let offset = (selected_last + 1).saturating_sub(height);
    let lines: Vec<Line> = rows
        .iter()
        .skip(offset)
        .take(height)
        .map(|row| {
            let c = &game.choices[row.choice];
            let selected = row.choice == game.selected;
            let style = if !c.enabled {
                theme.disabled
            } else if selected {
                theme.selected
            } else {
                theme.prose
            };
            let prefix = match (row.first, game.number_of(row.choice)) {
                (false, _) => " ".repeat(usize::from(CHOICE_INDENT)),
                (true, None) => "  –  ".to_owned(),
                (true, Some(n)) if n <= 9 => {
                    format!("{} {n}. ", if selected { "▸" } else { " " })
                }
                (true, Some(_)) => format!("{}    ", if selected { "▸" } else { " " }),
            };
            let text: String = row.line.cells.iter().map(|c| c.ch).collect();
            let mut spans = vec![Span::styled(prefix, style), Span::styled(text, style)];
            if selected && c.enabled {
                // Carry the highlight to the edge so the selected row reads as a bar.
                let used = usize::from(CHOICE_INDENT) + row.line.width();
                spans.push(Span::styled(
                    " ".repeat(usize::from(area.width).saturating_sub(used)),
                    style,
                ));
            }
            Line::from(spans)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
}

fn card(game: &Game, frame: &mut Frame, area: Rect, theme: &Theme) {
    let col = column(area);
    let rect = centred(area, col.width.min(52), 8);
    frame.render_widget(Clear, rect);
    let block = Panel::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .style(theme.base);
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let w = usize::from(inner.width);
    let lines = vec![
        Line::default(),
        Line::styled(truncate(&game.scene.chapter, w), theme.heading),
        Line::styled(
            truncate(&format!("{} · {}", game.scene.date, game.scene.place), w),
            theme.prose,
        ),
        Line::default(),
        Line::styled("press any key", theme.dim),
    ];
    frame.render_widget(Paragraph::new(lines).alignment(Alignment::Center), inner);
}

fn journal(app: &App, frame: &mut Frame, area: Rect, theme: &Theme) {
    let choices = app
        .journal
        .iter()
        .filter(|e| matches!(e, JournalEntry::Choice(_)))
        .count();
    header(
        frame,
        area,
        theme,
        "Journal — this playthrough",
        &format!("{choices} choice{}", if choices == 1 { "" } else { "s" }),
    );
    let col = column(body(area));
    let w = usize::from(col.width);
    let lines: Vec<Line> = if app.journal.is_empty() {
        vec![Line::styled("Nothing yet.", theme.dim)]
    } else {
        app.journal
            .iter()
            .skip(app.journal_scroll)
            .take(usize::from(col.height))
            .map(|e| match e {
                JournalEntry::Chapter(t) => {
                    Line::styled(truncate(&format!("── {t} ──"), w), theme.heading)
                }
                JournalEntry::Scene { when, opening } => {
                    let when = truncate(when, w);
                    let rest =
                        truncate(&format!(" — {opening}"), w.saturating_sub(str_width(&when)));
                    Line::from(vec![
                        Span::styled(when, theme.prose),
                        Span::styled(rest, theme.dim),
                    ])
                }
                JournalEntry::Choice(label) => {
                    Line::styled(truncate(&format!("    ▸ {label}"), w), theme.dialogue)
                }
                JournalEntry::Ending(t) => {
                    Line::styled(truncate(&format!("Ending: {t}"), w), theme.heading)
                }
            })
            .collect()
    };
    frame.render_widget(Paragraph::new(lines), col);
    footer(
        app,
        frame,
        area,
        theme,
        "↑↓ PgUp PgDn scroll · Tab, h or Esc: back",
    );
}

fn slot_title(slot: &str) -> String {
    match slot {
        AUTO_SLOT => "Autosave".to_owned(),
        PREVIOUS_AUTO_SLOT => "Previous".to_owned(),
        QUICK_SLOT => "Quick".to_owned(),
        s => format!("Slot {s}"),
    }
}

fn span(d: Duration) -> String {
    let mins = d.as_secs() / 60;
    match mins {
        0 => "<1 min".to_owned(),
        1..=59 => format!("{mins} min"),
        _ => format!("{}h{:02}", mins / 60, mins % 60),
    }
}

fn ago(then: SystemTime, now: Option<SystemTime>) -> String {
    let Some(d) = now.and_then(|n| n.duration_since(then).ok()) else {
        return "just now".to_owned();
    };
    let mins = d.as_secs() / 60;
    match mins {
        0 => "just now".to_owned(),
        1..=59 => format!("{mins} min ago"),
        60..=1439 => format!("{} h ago", mins / 60),
        _ => format!("{} days ago", mins / 1440),
    }
}

/// Where a save was made, and its numbers ("12 choices · 5 min · 3 min ago").
fn slot_text(info: &SlotInfo, now: Option<SystemTime>) -> (String, String) {
    if let Some(p) = &info.problem {
        return (format!("cannot be loaded: {p}"), String::new());
    }
    let place = info.label.as_ref().map_or_else(String::new, |l| {
        format!("{} · {} · {}", l.chapter, l.date, l.place)
    });
    let mut meta = Vec::new();
    if let Some(n) = info.steps {
        meta.push(format!("{n} choice{}", if n == 1 { "" } else { "s" }));
    }
    if let Some(t) = info.play_time {
        meta.push(span(t));
    }
    if let Some(at) = info.saved_at {
        meta.push(ago(at, now));
    }
    (place, meta.join(" · "))
}

fn slot_summary(info: &SlotInfo, now: Option<SystemTime>) -> String {
    let (place, meta) = slot_text(info, now);
    if meta.is_empty() {
        place
    } else {
        format!("{place} · {meta}")
    }
}

fn slots(app: &App, frame: &mut Frame, area: Rect, theme: &Theme, saving: bool) {
    let (name, rows, hints) = if saving {
        (
            "Save — choose a slot",
            App::save_rows(),
            "↑↓ move · Enter or 1–9 save · Esc back",
        )
    } else {
        (
            "Load — choose a save",
            App::load_rows(),
            "↑↓ move · Enter or 1–9 load · Esc back",
        )
    };
    header(frame, area, theme, name, "");
    let col = column(body(area));
    let height = usize::from(col.height);
    let offset = (app.cursor + 1).saturating_sub(height);
    let w = usize::from(col.width);
    let lines: Vec<Line> = rows
        .iter()
        .enumerate()
        .skip(offset)
        .take(height)
        .map(|(i, slot)| {
            let selected = i == app.cursor;
            let (place, meta, style) = match app.slot(slot) {
                None => ("— empty —".to_owned(), String::new(), theme.dim),
                Some(s) => {
                    let (place, meta) = slot_text(s, app.slots_at);
                    let style = if s.problem.is_some() {
                        theme.disabled
                    } else {
                        theme.prose
                    };
                    (place, meta, style)
                }
            };
            let mark = if selected { "▸" } else { " " };
            let name = format!("{mark} {:<9} ", slot_title(slot));
            let meta = if meta.is_empty() {
                meta
            } else {
                format!("  {meta}")
            };
            let meta = truncate(&meta, w.saturating_sub(str_width(&name)) * 2 / 3);
            let place = truncate(
                &place,
                w.saturating_sub(str_width(&name) + str_width(&meta)),
            );
            let gap = w.saturating_sub(str_width(&name) + str_width(&place) + str_width(&meta));
            let text = format!("{name}{place}{}{meta}", " ".repeat(gap));
            Line::styled(text, if selected { theme.selected } else { style })
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), col);
    footer(app, frame, area, theme, hints);
}

fn help(app: &App, frame: &mut Frame, area: Rect, theme: &Theme) {
    header(frame, area, theme, "Help — every key", "");
    let col = column(body(area));
    let w = usize::from(col.width);
    let lines: Vec<Line> = help_lines()
        .into_iter()
        .skip(app.help_scroll)
        .take(usize::from(col.height))
        .map(|(keys, what)| {
            if keys.is_empty() {
                Line::styled(truncate(what, w), theme.heading)
            } else {
                let keys = format!("  {keys:<18}");
                let what = truncate(what, w.saturating_sub(str_width(&keys)));
                Line::from(vec![
                    Span::styled(keys, theme.dialogue),
                    Span::styled(what, theme.prose),
                ])
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), col);
    footer(app, frame, area, theme, "↑↓ scroll · any other key: back");
}

fn endings(app: &App, frame: &mut Frame, area: Rect, theme: &Theme) {
    let all = &app.story.endings;
    let found = all
        .iter()
        .filter(|e| app.session.profile.endings_found.contains(&e.id))
        .count();
    header(
        frame,
        area,
        theme,
        "Endings",
        &format!("{found} of {} found", all.len()),
    );
    let col = column(body(area));
    let w = usize::from(col.width);
    let mut lines = Vec::new();
    if all.is_empty() {
        lines.push(Line::styled("This story has no endings yet.", theme.dim));
    }
    for (i, e) in all.iter().enumerate() {
        if app.session.profile.endings_found.contains(&e.id) {
            lines.push(Line::styled(
                truncate(&format!("{:>2}. {}", i + 1, e.title), w),
                theme.heading,
            ));
        } else {
            lines.push(Line::styled(
                truncate(&format!("{:>2}. Locked — not found yet", i + 1), w),
                theme.dim,
            ));
        }
    }
    frame.render_widget(Paragraph::new(lines), col);
    footer(app, frame, area, theme, "Esc back");
}

fn settings(app: &App, frame: &mut Frame, area: Rect, theme: &Theme) {
    header(frame, area, theme, "Settings", "");
    let col = column(body(area));
    let s = &app.session.profile.settings;
    let speed = match s.text_speed {
        TextSpeed::Slow => "Slow",
        TextSpeed::Normal => "Normal",
        TextSpeed::Fast => "Fast",
        TextSpeed::Instant => "Instant",
    };
    let name = match s.theme {
        ThemeName::Default => "Default",
        ThemeName::Sepia => "Sepia",
        ThemeName::Monochrome => "Monochrome",
    };
    let w = usize::from(col.width);
    let row = |i: usize, label: &str, value: &str| {
        let text = truncate(&format!("  {label:<12} ‹ {value} ›"), w);
        if app.cursor == i {
            let pad = " ".repeat(w.saturating_sub(str_width(&text)));
            Line::styled(format!("{text}{pad}"), theme.selected)
        } else {
            Line::styled(text, theme.prose)
        }
    };
    let mut lines = vec![
        row(0, "Text speed", speed),
        row(1, "Theme", name),
        Line::default(),
    ];
    if app.no_color {
        lines.push(Line::styled(
            truncate("NO_COLOR is set: colours stay off whatever the theme.", w),
            theme.notice,
        ));
        lines.push(Line::default());
    }
    let sample = Block::prose(
        "“Come to the theatre,” she says. “*Real* Chinese theatre. Not Puccini in a drawing room.”",
    );
    for l in wrap::layout(&[sample], w) {
        lines.push(styled(&l, theme, usize::MAX));
    }
    frame.render_widget(Paragraph::new(lines), col);
    footer(
        app,
        frame,
        area,
        theme,
        "↑↓ move · ← → or Enter change · Esc back",
    );
}

fn dialog(frame: &mut Frame, area: Rect, theme: &Theme, title: &str, text: &str, keys: &str) {
    let width = area.width.saturating_sub(4).min(60);
    let inner_w = usize::from(width.saturating_sub(4)).max(1);
    let text_lines = wrap::layout(&[Block::prose(text)], inner_w);
    let keys_lines = wrap::layout(&[Block::aside(keys)], inner_w);
    let height = (text_lines.len() + keys_lines.len() + 3) as u16 + 2;
    let rect = centred(area, width, height);
    frame.render_widget(Clear, rect);
    let block = Panel::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(title.to_owned(), theme.heading))
        .style(theme.base);
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let inner = Rect::new(
        inner.x + 1,
        inner.y + 1,
        inner.width.saturating_sub(2),
        inner.height.saturating_sub(1),
    );
    let mut lines: Vec<Line> = text_lines
        .iter()
        .map(|l| styled(l, theme, usize::MAX))
        .collect();
    lines.push(Line::default());
    lines.extend(keys_lines.iter().map(|l| styled(l, theme, usize::MAX)));
    frame.render_widget(Paragraph::new(lines), inner);
}
