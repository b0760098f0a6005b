//! Colour themes. Every style the view uses comes from a [`Theme`], so a theme is the
//! only place colour lives, and monochrome (for `NO_COLOR`, or by choice) uses only
//! bold, italic, dim and reverse, which read on any terminal.

use ratatui::style::{Color, Modifier, Style};

use crate::save::ThemeName;

/// The styles of every element on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    /// The whole screen's background and default text.
    pub base: Style,
    /// Story prose.
    pub prose: Style,
    /// `*emphasis*`, patched onto prose.
    pub emphasis: Style,
    /// Quoted speech, patched onto prose.
    pub dialogue: Style,
    /// Headings and titles.
    pub heading: Style,
    /// Quieter text: hints, credits, empty slots.
    pub dim: Style,
    /// The status bar.
    pub status: Style,
    /// The selected menu entry or choice.
    pub selected: Style,
    /// An unavailable choice and its reason.
    pub disabled: Style,
    /// Borders of cards and dialogs.
    pub border: Style,
    /// Messages after an action ("Saved to slot 3.").
    pub notice: Style,
}

impl Theme {
    /// The theme for a setting; `no_color` (the `NO_COLOR` convention) forces monochrome.
    #[must_use]
    pub fn new(name: ThemeName, no_color: bool) -> Self {
        if no_color {
            return Self::monochrome();
        }
        match name {
            ThemeName::Default => Self::default_colours(),
            ThemeName::Sepia => Self::sepia(),
            ThemeName::Monochrome => Self::monochrome(),
        }
    }

    fn monochrome() -> Self {
        Self {
            base: Style::new(),
            prose: Style::new(),
            emphasis: Style::new().add_modifier(Modifier::ITALIC),
            dialogue: Style::new(),
            heading: Style::new().add_modifier(Modifier::BOLD),
            dim: Style::new().add_modifier(Modifier::DIM),
            status: Style::new().add_modifier(Modifier::REVERSED),
            selected: Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
            disabled: Style::new().add_modifier(Modifier::DIM),
            border: Style::new(),
            notice: Style::new().add_modifier(Modifier::BOLD),
        }
    }

    fn default_colours() -> Self {
        Self {
            base: Style::new(),
            prose: Style::new(),
            emphasis: Style::new().add_modifier(Modifier::ITALIC),
            dialogue: Style::new().fg(Color::LightCyan),
            heading: Style::new()
                .fg(Color::LightMagenta)
                .add_modifier(Modifier::BOLD),
            dim: Style::new().fg(Color::DarkGray),
            status: Style::new().fg(Color::White).bg(Color::Indexed(53)),
            selected: Style::new()
                .fg(Color::Black)
                .bg(Color::LightMagenta)
                .add_modifier(Modifier::BOLD),
            disabled: Style::new().fg(Color::DarkGray),
            border: Style::new().fg(Color::Magenta),
            notice: Style::new().fg(Color::LightYellow),
        }
    }

    fn sepia() -> Self {
        let paper = Color::Rgb(38, 30, 22);
        let ink = Color::Rgb(225, 208, 176);
        let rust = Color::Rgb(204, 136, 74);
        let faded = Color::Rgb(130, 112, 90);
        Self {
            base: Style::new().fg(ink).bg(paper),
            prose: Style::new().fg(ink),
            emphasis: Style::new().add_modifier(Modifier::ITALIC),
            dialogue: Style::new().fg(Color::Rgb(238, 196, 128)),
            heading: Style::new().fg(rust).add_modifier(Modifier::BOLD),
            dim: Style::new().fg(faded),
            status: Style::new().fg(paper).bg(Color::Rgb(176, 140, 96)),
            selected: Style::new().fg(paper).bg(rust).add_modifier(Modifier::BOLD),
            disabled: Style::new().fg(faded),
            border: Style::new().fg(rust),
            notice: Style::new().fg(Color::Rgb(238, 196, 128)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has_colour(s: Style) -> bool {
        s.fg.is_some_and(|c| c != Color::Reset) || s.bg.is_some_and(|c| c != Color::Reset)
    }

    fn all(t: &Theme) -> [Style; 11] {
        [
            t.base, t.prose, t.emphasis, t.dialogue, t.heading, t.dim, t.status, t.selected,
            t.disabled, t.border, t.notice,
        ]
    }

    #[test]
    fn no_color_wins_over_any_setting() {
        for name in [ThemeName::Default, ThemeName::Sepia, ThemeName::Monochrome] {
            let t = Theme::new(name, true);
            assert!(!all(&t).into_iter().any(has_colour), "{name:?}");
        }
    }

    #[test]
    fn colour_themes_have_colour_and_monochrome_has_none() {
        assert!(
            all(&Theme::new(ThemeName::Default, false))
                .into_iter()
                .any(has_colour)
        );
        assert!(
            all(&Theme::new(ThemeName::Sepia, false))
                .into_iter()
                .any(has_colour)
        );
        assert!(
            !all(&Theme::new(ThemeName::Monochrome, false))
                .into_iter()
                .any(has_colour)
        );
    }

    #[test]
    fn selection_and_emphasis_stay_visible_in_monochrome() {
        let t = Theme::new(ThemeName::Monochrome, false);
        assert!(t.selected.add_modifier.contains(Modifier::REVERSED));
        assert!(t.emphasis.add_modifier.contains(Modifier::ITALIC));
        assert!(t.disabled.add_modifier.contains(Modifier::DIM));
    }
}
