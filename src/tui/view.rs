//! Drawing: [`draw`] reads the [`App`] and paints a frame, changing nothing, so the same
//! state always draws the same screen (which is what the snapshot tests rely on).

use std::time::{Duration, SystemTime};

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block as Panel, Borders, Clear, Paragraph};

use super::app::{App, Game, JournalEntry, MenuItem, PauseItem, Screen};
use super::keys::{self, Context};
use super::layout::{
    self, CHOICE_INDENT, MIN_HEIGHT, MIN_WIDTH, Window, body, choice_rows, choice_window, column,
    help_rows, note_lines, play_layout, window,
};
use super::paint;
use super::screens::settings::LANGUAGE_ROW;
use super::theme::Theme;
use super::wrap::{self, Block, Role, str_width, truncate};
use crate::save::{AUTO_SLOT, PREVIOUS_AUTO_SLOT, QUICK_SLOT, SlotInfo, TextSpeed, ThemeName};
use crate::tools::l10n::{SOURCE_LANGUAGE, language_name};

/// Draws the whole interface.
pub fn draw(app: &App, frame: &mut Frame) {
    let area = frame.area();
    let theme = Theme::new(app.session.profile.settings.theme, app.no_color);
    paint::fill_style(frame.buffer_mut(), area, theme.base);
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
        Screen::Reading => reading(app, frame, area, &theme),
        Screen::Variables => variables(app, frame, area, &theme),
        Screen::Pause => {
            play(app, frame, area, &theme);
            pause(app, frame, area, &theme);
        }
        Screen::ConfirmQuit
        | Screen::ConfirmOverwrite(_)
        | Screen::ConfirmNewGame
        | Screen::NameSave(_) => {}
    }
    match top {
        Screen::ConfirmQuit => dialog(
            frame,
            area,
            &theme,
            " Quit? ",
            if app.scratch {
                "Leave the game? This game began with --from: its saves are in a scratch folder and are not kept."
            } else if app.playing() {
                "Leave the game? Your place is saved automatically."
            } else {
                "Leave the game?"
            },
            if app.playing() && !app.scratch {
                "y / Enter: save and quit   n / Esc: keep playing"
            } else {
                "y / Enter: quit   n / Esc: keep playing"
            },
        ),
        Screen::NameSave(slot) => {
            let w = usize::from(area.width.saturating_sub(12)).min(50);
            let shown: String = {
                // The end of a long name stays in view while typing.
                let chars: Vec<char> = app.save_name.chars().collect();
                let keep = w.saturating_sub(2).max(1);
                chars[chars.len().saturating_sub(keep)..].iter().collect()
            };
            dialog(
                frame,
                area,
                &theme,
                &format!(" Save to {} ", slot_name_short(slot)),
                &format!("A name for this save (optional): › {shown}▏"),
                "Enter: save   Esc: back",
            );
        }
        Screen::ConfirmNewGame => {
            let auto = app
                .slot(AUTO_SLOT)
                .and_then(|s| s.label.as_ref())
                .map_or_else(String::new, |l| format!(" ({} · {})", l.chapter, l.date));
            let previous = if app.slot(PREVIOUS_AUTO_SLOT).is_some() {
                ", replacing the game kept there"
            } else {
                ""
            };
            dialog(
                frame,
                area,
                &theme,
                " New game? ",
                &format!(
                    "Start a new game? The autosave{auto} moves to Previous{previous}. To keep it for good, continue it and save to a slot."
                ),
                "y / Enter: start   n / Esc: cancel",
            );
        }
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
        "Please enlarge the terminal to at least {MIN_WIDTH}×{MIN_HEIGHT} (now {}×{}). Ctrl-C quits.",
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
    let buf = frame.buffer_mut();
    paint::fill_style(buf, row, style);
    let width = usize::from(area.width);
    let right = truncate(right, width / 2);
    // One cell always parts the two sides.
    let room = width.saturating_sub(str_width(&right) + usize::from(!right.is_empty()));
    let left = truncate(left, room);
    let gap = width.saturating_sub(str_width(&left) + str_width(&right));
    let line = format!("{left}{}{right}", " ".repeat(gap));
    // The row already has its style: the text adds none.
    paint::text(buf, row, &line, Style::new());
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

fn footer_for(app: &App, frame: &mut Frame, area: Rect, theme: &Theme, ctx: Context) {
    let width = usize::from(area.width.saturating_sub(2));
    footer(app, frame, area, theme, &keys::footer(ctx, width));
}

fn footer(app: &App, frame: &mut Frame, area: Rect, theme: &Theme, hints: &str) {
    let row = Rect::new(area.x, area.bottom().saturating_sub(1), area.width, 1);
    match &app.notice {
        Some(n) => notice(frame, area, theme, n),
        None => bar(frame, row, &format!(" {hints}"), "", theme.dim),
    }
}

/// A notice in the footer; one too long for it is wrapped onto as many rows above it
/// as it needs (up to half the screen, the last cut with `…`), over what is there until
/// the next key: a message that explains something (a reload's first error, where a
/// migrated save resumes) must be read whole, not cut at the edge.
fn notice(frame: &mut Frame, area: Rect, theme: &Theme, text: &str) {
    let lines = layout::notice_lines(text, area);
    let height = u16::try_from(lines.len()).unwrap_or(u16::MAX).max(1);
    let rect = Rect::new(
        area.x,
        area.bottom().saturating_sub(height),
        area.width,
        height.min(area.height),
    );
    frame.render_widget(Clear, rect);
    frame.buffer_mut().set_style(rect, theme.notice);
    let shown: Vec<Line> = lines
        .into_iter()
        .map(|l| Line::styled(format!(" {l}"), theme.notice))
        .collect();
    frame.render_widget(Paragraph::new(shown).style(theme.notice), rect);
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

/// The style of each shown cell of a laid-out line (cells at or past `reveal` are not
/// shown), for [`paint::chars`].
fn cell_styles<'l>(
    line: &'l wrap::Line,
    theme: &Theme,
    reveal: usize,
) -> impl Iterator<Item = (char, Style)> + Clone + 'l {
    let base = match line.role {
        Role::Prose => theme.prose,
        Role::Heading => theme.heading,
        Role::Aside => theme.dim,
    };
    let dialogue = base.patch(theme.dialogue);
    let (emphasis, dialogue_emphasis) =
        (base.patch(theme.emphasis), dialogue.patch(theme.emphasis));
    let prose = line.role == Role::Prose;
    line.cells
        .iter()
        .take_while(move |c| c.index < reveal)
        .map(move |c| {
            let style = match (c.dialogue && prose, c.emphasis) {
                (false, false) => base,
                (false, true) => emphasis,
                (true, false) => dialogue,
                (true, true) => dialogue_emphasis,
            };
            (c.ch, style)
        })
}

/// A laid-out line as styled spans (for screens drawn through `Paragraph`).
fn styled(line: &wrap::Line, theme: &Theme, reveal: usize) -> Line<'static> {
    paint::line_of(cell_styles(line, theme, reveal))
}

/// Paints laid-out lines into `area`, one a row, from its top.
fn paint_lines<'l>(
    frame: &mut Frame,
    area: Rect,
    lines: impl Iterator<Item = &'l wrap::Line>,
    theme: &Theme,
    reveal: usize,
) {
    let buf = frame.buffer_mut();
    for (y, line) in (area.y..area.bottom()).zip(lines) {
        let row = Rect::new(area.x, y, area.width, 1);
        paint::chars(buf, row, cell_styles(line, theme, reveal));
    }
}

fn title(app: &App, frame: &mut Frame, area: Rect, theme: &Theme) {
    let story = app.story;
    let items = app.menu_items();
    let w = usize::from(area.width.saturating_sub(2));
    // Story text is terminal-safe since the load (bidi overrides included).
    let spaced: String = story
        .title
        .to_uppercase()
        .chars()
        .map(String::from)
        .collect::<Vec<_>>()
        .join(" ");
    let spaced = if str_width(&spaced) <= w {
        spaced
    } else {
        truncate(&story.title.to_uppercase(), w)
    };
    // Continue's details: where the save was made, then its numbers, each on a line of
    // its own and each cut with a visible "…" rather than at the screen's edge.
    let detail: Vec<String> = match (app.menu, &app.latest) {
        (MenuItem::Continue, Some(latest)) => {
            let (place, meta) = slot_text(latest, app.slots_at, false);
            [place, meta]
                .into_iter()
                .filter(|t| !t.is_empty())
                .map(|t| truncate(&t, w))
                .collect()
        }
        _ => Vec::new(),
    };
    let room = usize::from(area.height.saturating_sub(1));
    // The ornament, the subtitle and the blank lines go first when rows run short;
    // then the menu scrolls, its marker always in view.
    let full = 7 + items.len() + 1 + detail.len().max(1);
    let mut lines = Vec::new();
    if full <= room {
        lines.extend([
            Line::styled("─── ❦ ───", theme.border),
            Line::default(),
            Line::styled(spaced, theme.heading),
            Line::default(),
            Line::styled(truncate(&story.subtitle, w), theme.prose),
            Line::default(),
            Line::default(),
        ]);
    } else {
        lines.extend([Line::styled(spaced, theme.heading), Line::default()]);
    }
    let menu_room = room.saturating_sub(lines.len() + 1 + detail.len());
    let selected = items.iter().position(|i| *i == app.menu).unwrap_or(0);
    let win = window(items.len(), selected, selected, menu_room.max(1));
    let width = items.iter().map(|i| i.label().len()).max().unwrap_or(0) + 4;
    if win.above {
        lines.push(Line::styled("▲", theme.dim));
    }
    for item in items.iter().skip(win.offset).take(win.shown) {
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
    if win.below {
        lines.push(Line::styled("▼", theme.dim));
    }
    lines.push(Line::default());
    lines.extend(detail.into_iter().map(|d| Line::styled(d, theme.dim)));
    let h = (lines.len() as u16).min(area.height.saturating_sub(1));
    let rect = Rect::new(
        area.x,
        area.y + area.height.saturating_sub(1).saturating_sub(h) / 2,
        area.width,
        h,
    );
    frame.render_widget(Paragraph::new(lines).alignment(Alignment::Center), rect);
    footer_for(app, frame, area, theme, Context::Title);
}

fn content_note(app: &App, frame: &mut Frame, area: Rect, theme: &Theme) {
    let col = column(body(area));
    let lines = note_lines(&app.content_note(), area);
    let height = usize::from(col.height);
    let max = lines.len().saturating_sub(height);
    let scroll = app.note_scroll.min(max);
    // Scrolled, the note says so, as the other scrolled panels do: a reader who paged
    // on must see that the lines above are still there.
    let more = match (scroll > 0, scroll < max) {
        (true, true) => format!("▲ ▼ {} more lines", max - scroll),
        (false, true) => format!("▼ {} more lines", max - scroll),
        (true, false) => "▲ more above".to_owned(),
        (false, false) => String::new(),
    };
    header(frame, area, theme, &app.story.words.content_note, &more);
    paint_lines(
        frame,
        col,
        lines.iter().skip(scroll).take(height),
        theme,
        usize::MAX,
    );
    let ctx = if scroll < max {
        Context::NoteUnread
    } else {
        Context::NoteRead
    };
    footer_for(app, frame, area, theme, ctx);
}

/// The key hints that fit what the play screen shows now.
fn play_context(app: &App, game: &Game) -> Context {
    if game.card {
        Context::Card
    } else if game.revealing() {
        Context::Typing
    } else if app.replay.is_some() {
        Context::Replay
    } else if game.state.is_over() {
        Context::Ending
    } else {
        Context::Play
    }
}

fn play(app: &App, frame: &mut Frame, area: Rect, theme: &Theme) {
    let Some(game) = &app.game else { return };
    let layout = play_layout(game, area);
    let scene = &game.scene;
    let right = match &app.replay {
        Some(r) => format!("replay {}/{}", r.at, r.last()),
        None if area.width >= 60 => "Esc menu · ? help".to_owned(),
        None => String::new(),
    };
    let status = format!("{}  ·  {}  ·  {}", scene.chapter, scene.date, scene.place);
    let fits = str_width(&status) + str_width(&right) + 3 <= usize::from(area.width);
    if fits {
        header(frame, layout.status, theme, &status, &right);
    } else {
        // Too long for one row: the chapter on the first, date and place on the blank
        // row below it, rather than the place cut off.
        header(frame, layout.status, theme, &scene.chapter, &right);
        let second = Rect::new(area.x, area.y + 1, area.width, 1);
        header(
            frame,
            second,
            theme,
            &format!("{}  ·  {}", scene.date, scene.place),
            "",
        );
    }

    let lines = game.lines(usize::from(layout.prose.width));
    let height = usize::from(layout.prose.height);
    let scroll = game.scroll.min(lines.len().saturating_sub(height));
    paint_lines(
        frame,
        layout.prose,
        lines.iter().skip(scroll).take(height),
        theme,
        game.revealed,
    );

    let more_above = scroll > 0;
    let more_below = scroll + height < lines.len();
    let waiting = game.card || game.revealing();
    // In the replay Enter plays on, so only PgDn reads on there.
    let read_on = if app.replay.is_some() {
        "PgDn"
    } else {
        "Enter or PgDn"
    };
    let marker = match (waiting, more_above, more_below) {
        (true, _, _) if game.card => String::new(),
        (true, _, _) => " any key: show all ".to_owned(),
        (_, true, true) => format!(" ▲ ▼ more: {read_on} "),
        (_, false, true) => format!(" ▼ more: {read_on} "),
        (_, true, false) => " ▲ PgUp ".to_owned(),
        _ => String::new(),
    };
    let rule_w = usize::from(layout.rule.width);
    let marker = truncate(&marker, rule_w);
    let rule = format!(
        "{}{marker}",
        "─".repeat(rule_w.saturating_sub(str_width(&marker)))
    );
    paint::text(frame.buffer_mut(), layout.rule, &rule, theme.dim);

    if !waiting {
        choices(app, game, frame, layout.choices, theme);
    }
    // The card first: a notice (where a loaded save resumes, say) is drawn over it.
    if game.card {
        card(game, frame, area, theme);
    }
    match &app.replay {
        Some(r) if r.at == r.last() && r.recording.divergence.is_some() => {
            let d = r.recording.divergence.as_ref().map(ToString::to_string);
            let text = format!("The recording stops here: {}", d.unwrap_or_default());
            footer(app, frame, area, theme, &text);
        }
        _ => footer_for(app, frame, area, theme, play_context(app, game)),
    }
}

fn choices(app: &App, game: &Game, frame: &mut Frame, area: Rect, theme: &Theme) {
    if game.state.is_over() {
        let text = if app.replay.is_some() {
            "The recorded game ended here."
        } else {
            "The end. Enter: back to the title · u: step back"
        };
        // The footer names the keys too: where the line does not fit, it says only
        // that the game is over.
        let text = if str_width(text) <= usize::from(area.width) {
            text
        } else {
            "The end."
        };
        frame.render_widget(Paragraph::new(Span::styled(text, theme.heading)), area);
        return;
    }
    let rows = choice_rows(game, area.width);
    let win: Window = choice_window(game, &rows, area.height);
    let mut lines: Vec<Line> = Vec::new();
    if win.above {
        lines.push(Line::styled(
            format!("  ▲ {} more lines", win.offset),
            theme.dim,
        ));
    }
    lines.extend(rows.iter().skip(win.offset).take(win.shown).map(|row| {
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
    }));
    if win.below {
        let hidden = rows.len() - win.offset - win.shown;
        lines.push(Line::styled(format!("  ▼ {hidden} more lines"), theme.dim));
    }
    paint::lines(frame.buffer_mut(), area, &lines);
}

/// The chapter card: as wide as its text needs (within the screen), the place wrapped
/// rather than cut.
fn card(game: &Game, frame: &mut Frame, area: Rect, theme: &Theme) {
    let place = format!("{} · {}", game.scene.date, game.scene.place);
    let hint = "press any key";
    let widest = [
        str_width(&game.scene.chapter),
        str_width(&place),
        hint.len(),
    ]
    .into_iter()
    .max()
    .unwrap_or(0);
    let max_w = area.width.saturating_sub(2);
    let width = u16::try_from(widest + 8)
        .unwrap_or(u16::MAX)
        .clamp(36.min(max_w), max_w);
    let inner_w = usize::from(width.saturating_sub(2)).max(1);
    let text_w = inner_w.saturating_sub(2).max(1);
    let wrapped = |t: &str| -> Vec<String> {
        wrap::layout(&[Block::prose(t)], text_w)
            .iter()
            .map(|l| l.cells.iter().map(|c| c.ch).collect())
            .collect()
    };
    let mut lines = vec![Line::default()];
    lines.extend(
        wrapped(&game.scene.chapter)
            .into_iter()
            .map(|t| Line::styled(t, theme.heading)),
    );
    lines.extend(
        wrapped(&place)
            .into_iter()
            .map(|t| Line::styled(t, theme.prose)),
    );
    lines.push(Line::default());
    lines.push(Line::styled(hint, theme.dim));
    let height = u16::try_from(lines.len() + 3).unwrap_or(u16::MAX);
    let rect = centred(area, width, height);
    frame.render_widget(Clear, rect);
    let block = Panel::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .style(theme.base);
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
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
        let win = window(
            app.journal.len(),
            app.journal_at,
            app.journal_at,
            usize::from(col.height),
        );
        let mut lines = Vec::new();
        if win.above {
            lines.push(Line::styled("▲", theme.dim));
        }
        lines.extend(
            app.journal
                .iter()
                .enumerate()
                .skip(win.offset)
                .take(win.shown)
                .map(|(i, e)| journal_line(e, i == app.journal_at, w, theme)),
        );
        if win.below {
            lines.push(Line::styled("▼", theme.dim));
        }
        lines
    };
    paint::lines(frame.buffer_mut(), col, &lines);
    footer_for(app, frame, area, theme, Context::Journal);
}

fn journal_line(e: &JournalEntry, selected: bool, w: usize, theme: &Theme) -> Line<'static> {
    match e {
        JournalEntry::Chapter(t) => Line::styled(truncate(&format!("── {t} ──"), w), theme.heading),
        JournalEntry::Scene { when, opening, .. } => {
            let mark = if selected { "▸ " } else { "  " };
            let when = truncate(&format!("{mark}{when}"), w);
            let rest = truncate(&format!(" — {opening}"), w.saturating_sub(str_width(&when)));
            if selected {
                let pad = " ".repeat(w.saturating_sub(str_width(&when) + str_width(&rest)));
                Line::styled(format!("{when}{rest}{pad}"), theme.selected)
            } else {
                Line::from(vec![
                    Span::styled(when, theme.prose),
                    Span::styled(rest, theme.dim),
                ])
            }
        }
        JournalEntry::Choice(label) => {
            Line::styled(truncate(&format!("    ▸ {label}"), w), theme.dialogue)
        }
        JournalEntry::Ending(t) => {
            Line::styled(truncate(&format!("Ending: {t}"), w), theme.heading)
        }
    }
}

fn slot_name_short(slot: &str) -> String {
    slot_title(slot).to_lowercase()
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

/// The player's name for a save (if any) and where it was made, then its numbers
/// ("12 choices · 5 min · 3 min ago"); `dated` gives the calendar date it was saved
/// instead of how long ago.
fn slot_text(info: &SlotInfo, now: Option<SystemTime>, dated: bool) -> (String, String) {
    if let Some(p) = &info.problem {
        return (format!("cannot be loaded: {p}"), String::new());
    }
    let place = info.label.as_ref().map_or_else(String::new, |l| {
        format!("{} · {} · {}", l.chapter, l.date, l.place)
    });
    let place = match &info.name {
        Some(name) => format!("“{name}” · {place}"),
        None => place,
    };
    let mut meta = Vec::new();
    if let Some(n) = info.steps {
        meta.push(format!("{n} choice{}", if n == 1 { "" } else { "s" }));
    }
    if let Some(t) = info.play_time {
        meta.push(span(t));
    }
    if let Some(at) = info.saved_at {
        let secs = at
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        meta.push(if dated {
            calendar_date(secs)
        } else {
            ago(at, now)
        });
    }
    (place, meta.join(" · "))
}

fn slots(app: &App, frame: &mut Frame, area: Rect, theme: &Theme, saving: bool) {
    let (name, rows, ctx) = if saving {
        ("Save — choose a slot", App::save_rows(), Context::Save)
    } else {
        ("Load — choose a save", App::load_rows(), Context::Load)
    };
    header(frame, area, theme, name, "");
    let col = column(body(area));
    let w = usize::from(col.width);
    // Narrow screens give each slot two lines, so its name, place and date are not all
    // cut to a few letters.
    let two_lines = w < 60;
    let per_slot = if two_lines { 2 } else { 1 };
    let height = (usize::from(col.height) / per_slot).max(1);
    let offset = (app.cursor + 1).saturating_sub(height);
    let mut lines: Vec<Line> = Vec::new();
    for (i, slot) in rows.iter().enumerate().skip(offset).take(height) {
        let selected = i == app.cursor;
        let (place, meta, style) = match app.slot(slot) {
            None => ("— empty —".to_owned(), String::new(), theme.dim),
            Some(s) => {
                let (place, meta) = slot_text(s, app.slots_at, true);
                let style = if s.problem.is_some() {
                    theme.disabled
                } else {
                    theme.prose
                };
                (place, meta, style)
            }
        };
        let style = if selected { theme.selected } else { style };
        let mark = if selected { "▸" } else { " " };
        let name = format!("{mark} {:<9} ", slot_title(slot));
        if two_lines {
            let place = truncate(&place, w.saturating_sub(str_width(&name)));
            let pad = w.saturating_sub(str_width(&name) + str_width(&place));
            lines.push(Line::styled(
                format!("{name}{place}{}", " ".repeat(pad)),
                style,
            ));
            let indent = "    ";
            let meta = truncate(&meta, w.saturating_sub(indent.len()));
            let pad = w.saturating_sub(indent.len() + str_width(&meta));
            lines.push(Line::styled(
                format!("{indent}{meta}{}", " ".repeat(pad)),
                style,
            ));
            continue;
        }
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
        lines.push(Line::styled(
            format!("{name}{place}{}{meta}", " ".repeat(gap)),
            style,
        ));
    }
    frame.render_widget(Paragraph::new(lines), col);
    footer_for(app, frame, area, theme, ctx);
}

fn help(app: &App, frame: &mut Frame, area: Rect, theme: &Theme) {
    let col = column(body(area));
    let rows = help_rows(col.width);
    let height = usize::from(col.height);
    let max = rows.len().saturating_sub(height);
    let scroll = app.help_scroll.min(max);
    let more = match (scroll > 0, scroll < max) {
        (true, true) => "▲ ▼",
        (false, true) => "▼ more",
        (true, false) => "▲",
        (false, false) => "",
    };
    header(frame, area, theme, "Help — every key", more);
    let lines: Vec<Line> = rows
        .into_iter()
        .skip(scroll)
        .take(height)
        .map(|row| {
            if row.heading {
                Line::styled(row.what, theme.heading)
            } else {
                Line::from(vec![
                    Span::styled(row.keys, theme.dialogue),
                    Span::styled(row.what, theme.prose),
                ])
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), col);
    footer_for(app, frame, area, theme, Context::Help);
}

/// The endings gallery: the endings found, selectable, then how many remain.
fn endings(app: &App, frame: &mut Frame, area: Rect, theme: &Theme) {
    let all = app.story.endings.len();
    let found = app.found_endings();
    header(
        frame,
        area,
        theme,
        "Endings",
        &format!("{} of {all} found", found.len()),
    );
    let col = column(body(area));
    let w = usize::from(col.width);
    let mut lines = Vec::new();
    if all == 0 {
        lines.push(Line::styled("This story has no endings yet.", theme.dim));
    } else if found.is_empty() {
        lines.push(Line::styled(truncate("No ending found yet.", w), theme.dim));
    }
    let remain = all - found.len();
    let room = usize::from(col.height).saturating_sub(2);
    let win = window(found.len(), app.cursor, app.cursor, room.max(1));
    if win.above {
        lines.push(Line::styled("▲", theme.dim));
    }
    for (i, e) in found.iter().enumerate().skip(win.offset).take(win.shown) {
        let when = e
            .first_found
            .map_or_else(String::new, |t| format!(" — found {}", calendar_date(t)));
        let text = truncate(&format!("{:>2}. {}{when}", i + 1, e.title), w);
        if i == app.cursor {
            let pad = " ".repeat(w.saturating_sub(str_width(&text)));
            lines.push(Line::styled(format!("{text}{pad}"), theme.selected));
        } else {
            lines.push(Line::styled(text, theme.heading));
        }
    }
    if win.below {
        lines.push(Line::styled("▼", theme.dim));
    }
    if remain > 0 {
        lines.push(Line::default());
        let text = format!("{remain} more to find — locked");
        lines.push(Line::styled(truncate(&text, w), theme.dim));
    }
    frame.render_widget(Paragraph::new(lines), col);
    footer_for(app, frame, area, theme, Context::Endings);
}

/// The variables panel: every variable, its value as the story writes it and what
/// last changed it (for an author testing a branch).
fn variables(app: &App, frame: &mut Frame, area: Rect, theme: &Theme) {
    let col = column(body(area));
    let rows = app.variable_rows();
    let height = usize::from(col.height);
    let max = rows.len().saturating_sub(height);
    let scroll = app.vars_scroll.min(max);
    let count = app.variables().len();
    let more = match (scroll > 0, scroll < max) {
        (true, true) => "▲ ▼".to_owned(),
        (false, true) => "▼ more".to_owned(),
        (true, false) => "▲".to_owned(),
        (false, false) => format!("{count} variable{}", if count == 1 { "" } else { "s" }),
    };
    header(frame, area, theme, "Variables", &more);
    let lines: Vec<Line> = if rows.is_empty() {
        let why = if app.game.is_some() {
            "This story has no variables."
        } else {
            "No game in progress."
        };
        vec![Line::styled(why, theme.dim)]
    } else {
        rows.into_iter()
            .skip(scroll)
            .take(height)
            .map(|r| Line::styled(r.text, if r.value { theme.prose } else { theme.dim }))
            .collect()
    };
    frame.render_widget(Paragraph::new(lines), col);
    footer_for(app, frame, area, theme, Context::Variables);
}

/// A text re-read: an earlier scene or an epilogue.
fn reading(app: &App, frame: &mut Frame, area: Rect, theme: &Theme) {
    let Some(r) = &app.reading else { return };
    let col = column(body(area));
    let lines = note_lines(&r.blocks, area);
    let height = usize::from(col.height);
    let max = lines.len().saturating_sub(height);
    let scroll = r.scroll.min(max);
    let more = if scroll < max { "▼ more" } else { "" };
    header(frame, area, theme, &r.title, more);
    let shown: Vec<Line> = lines
        .iter()
        .skip(scroll)
        .take(height)
        .map(|l| styled(l, theme, usize::MAX))
        .collect();
    frame.render_widget(Paragraph::new(shown), col);
    footer_for(app, frame, area, theme, Context::Reading);
}

/// The pause menu, over the game.
fn pause(app: &App, frame: &mut Frame, area: Rect, theme: &Theme) {
    let items = PauseItem::ALL;
    let above_footer = Rect::new(area.x, area.y, area.width, area.height.saturating_sub(1));
    let height = u16::try_from(items.len() + 2)
        .unwrap_or(u16::MAX)
        .min(above_footer.height);
    let rect = centred(above_footer, 24, height);
    frame.render_widget(Clear, rect);
    let block = Panel::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(" Paused ", theme.heading))
        .style(theme.base);
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let selected = items.iter().position(|i| *i == app.pause).unwrap_or(0);
    let win = window(items.len(), selected, selected, usize::from(inner.height));
    let w = usize::from(inner.width);
    let mut lines = Vec::new();
    if win.above {
        lines.push(Line::styled("  ▲", theme.dim));
    }
    for (i, item) in items.iter().enumerate().skip(win.offset).take(win.shown) {
        let mark = if i == selected { "▸" } else { " " };
        let text = format!("{mark} {}. {}", i + 1, item.label());
        if i == selected {
            let pad = " ".repeat(w.saturating_sub(str_width(&text)));
            lines.push(Line::styled(format!("{text}{pad}"), theme.selected));
        } else {
            lines.push(Line::styled(text, theme.prose));
        }
    }
    if win.below {
        lines.push(Line::styled("  ▼", theme.dim));
    }
    frame.render_widget(Paragraph::new(lines), inner);
    footer_for(app, frame, area, theme, Context::Menu);
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
        let text = truncate(&format!("  {label:<13} ‹ {value} ›"), w);
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
        row(
            2,
            "Read text",
            if s.retype_read_text {
                "typed again"
            } else {
                "shown at once"
            },
        ),
        row(3, "Auto-advance", if s.auto_advance { "on" } else { "off" }),
        row(
            LANGUAGE_ROW,
            "Language",
            &s.language
                .as_deref()
                .filter(|l| app.languages.iter().any(|have| have == l))
                .map_or_else(|| language_name(SOURCE_LANGUAGE), language_name),
        ),
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
    footer_for(app, frame, area, theme, Context::Settings);
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

/// A UTC calendar date, "2026-11-30", from seconds since 1970 (Hinnant's civil date
/// algorithm: no time-zone database, no dependency).
#[must_use]
pub fn calendar_date(secs: u64) -> String {
    let days = i64::try_from(secs / 86_400).unwrap_or(0) + 719_468;
    let era = days.div_euclid(146_097);
    let doe = days.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::calendar_date;

    #[test]
    fn calendar_dates() {
        assert_eq!(calendar_date(0), "1970-01-01");
        assert_eq!(calendar_date(951_782_400), "2000-02-29");
        assert_eq!(calendar_date(1_796_083_200), "2026-12-01");
    }
}
