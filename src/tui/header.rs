//! The title screen before the story is compiled.
//!
//! Compiling the shipped story takes about 4 ms, three quarters of the time between
//! `exec` and the first frame, and the title screen (and the content note shown before
//! it the first time) needs none of it: only the header's id (to list the saves),
//! title, subtitle and content note. So the game compiles the story on another thread
//! and draws its first frame from [`header_story`], a `Story` with nothing but those
//! fields, read from the header file alone; it waits for the whole story before it
//! handles the first key (see `run_live_loading` in the parent module).
//!
//! The header is read with the loader's own RON options, and only text the compiler
//! would keep exactly as written is accepted (no `{…}` markup, only characters
//! [`plain_char`] vouches for, which the load's sanitiser passes unchanged); anything
//! else gives `None`, and the game draws nothing before the story is compiled, as it
//! did before. The tests check that the two frames agree on the shipped story.

use crate::story::raw::{self, RawFile};
use crate::story::{Story, Text};

use super::paint::plain_char;

/// The shipped story's header file, as built into the binary (`None` if it were ever
/// renamed: the game then waits for the whole story, as before).
#[must_use]
pub fn embedded_header() -> Option<&'static str> {
    crate::source::EMBEDDED
        .iter()
        .find(|(path, _)| *path == "story.ron")
        .map(|(_, text)| *text)
}

/// A story with only the header's id, title, subtitle and content note (and the
/// default words), from the header file's text; `None` when the header does not parse
/// or holds text the compiler would change.
#[must_use]
pub fn header_story(header: &str) -> Option<Story> {
    let Ok(RawFile::Story(h)) = raw::ron_options().from_str::<RawFile>(header) else {
        return None;
    };
    let subtitle = h.subtitle.unwrap_or_default();
    let kept_as_written =
        |s: &str| s.chars().all(plain_char) && s.trim() == s && !s.contains(['{', '}']);
    if ![h.id.as_str(), h.title.as_str(), subtitle.as_str()]
        .into_iter()
        .chain(h.content_note.iter().map(String::as_str))
        .all(kept_as_written)
        || h.content_note.iter().any(String::is_empty)
    {
        return None;
    }
    let mut story = Story::default();
    story.id = h.id;
    story.title = h.title;
    story.subtitle = subtitle;
    story.content_note = h.content_note.iter().map(|p| Text::plain(p)).collect();
    Some(story)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = r#"Story(id: "s", title: "Title – One", subtitle: "Sub", start: "a",
        content_note: ["*Emphasis* and “quotes”.", "宋丽玲 sings."])"#;

    #[test]
    fn plain_headers_give_their_fields() {
        let s = header_story(HEADER).expect("a plain header");
        assert_eq!(
            (s.id.as_str(), s.title.as_str(), s.subtitle.as_str()),
            ("s", "Title – One", "Sub")
        );
        assert_eq!(
            crate::session::content_note(&s),
            ["*Emphasis* and “quotes”.", "宋丽玲 sings."]
        );
        assert!(s.scenes.is_empty(), "nothing but the header");
    }

    #[test]
    fn text_the_compiler_would_change_gives_none() {
        for (from, to) in [
            ("*Emphasis* and", "{if x: shown}"),
            ("*Emphasis* and", "tab\there"),
            ("*Emphasis* and", "bidi \u{202E}override"),
            ("*Emphasis* and", "  padded"),
            ("Sub", "e\u{301}"),
            ("Story(", "Chapter("),
            ("start: \"a\",", ""),
        ] {
            let header = HEADER.replacen(from, to, 1);
            assert!(header_story(&header).is_none(), "{header}");
        }
    }

    /// The shipped story's first frames (the content note, then the title) drawn from
    /// its header alone are the frames drawn from the whole story, at every size.
    #[test]
    fn the_shipped_story_first_frames_are_the_same_from_its_header() {
        use crate::save::Profile;
        use crate::tui::{App, Msg, update, view};
        use ratatui::Terminal;
        use ratatui::backend::TestBackend;

        let files = crate::source::embedded();
        let early = header_story(embedded_header().expect("the embedded header"))
            .expect("the shipped header is plain");
        let story = crate::story::load_unlinted(&files).story.unwrap();
        let frame = |story: &Story, w: u16, h: u16, note_seen: bool, keys: &[Msg]| {
            let mut profile = Profile::default();
            profile.settings.content_note_seen = note_seen;
            let mut app = App::new(story, profile, 1, false);
            update(&mut app, Msg::Resize(w, h));
            for k in keys {
                update(&mut app, k.clone());
            }
            let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
            term.draw(|f| view::draw(&app, f)).unwrap();
            term.backend().buffer().clone()
        };
        for (w, h) in [(80, 24), (100, 30), (40, 12), (200, 60), (20, 5)] {
            // The content note (scrolled, where it does not fit), then the title with
            // its menu moved, for a player who has read the note.
            for note_seen in [false, true] {
                for keys in [vec![], vec![Msg::Down], vec![Msg::Down, Msg::Down]] {
                    assert_eq!(
                        frame(&early, w, h, note_seen, &keys),
                        frame(&story, w, h, note_seen, &keys),
                        "{w}×{h}, note seen: {note_seen}, after {keys:?}"
                    );
                }
            }
        }
    }
}
