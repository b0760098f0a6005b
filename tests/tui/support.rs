//! Helpers shared by the TUI tests: the fixture story, apps in a given screen, and
//! drawing to ratatui's `TestBackend` as plain text.

use std::path::Path;
use std::time::{Duration, SystemTime};

use butterfly::engine::{Divergence, GameState, Step};
use butterfly::replay::Recording;
use butterfly::save::{LoadedSave, Profile, SaveLabel, SlotInfo, TextSpeed};
use butterfly::story::{self, Story};
use butterfly::tui::{App, Command, Msg, Screen, update, view};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use unicode_width::UnicodeWidthStr;

/// The small story that uses every feature.
pub fn fixture() -> Story {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/full");
    let files = butterfly::source::read_dir(&dir).expect("fixture readable");
    story::load(&files).story.expect("fixture loads")
}

/// A profile that has seen the content note and shows text at once.
pub fn seasoned() -> Profile {
    let mut p = Profile::default();
    p.settings.content_note_seen = true;
    p.settings.text_speed = TextSpeed::Instant;
    p
}

/// A fixed "now" so slot ages are stable in snapshots.
pub fn now() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_hours(500_000)
}

/// A slot listing entry made `mins_ago` minutes before [`now`].
pub fn slot(name: &str, steps: usize, mins_ago: u64) -> SlotInfo {
    SlotInfo {
        slot: name.to_owned(),
        label: Some(SaveLabel {
            chapter: "The Gate".to_owned(),
            date: "Morning".to_owned(),
            place: "A gate".to_owned(),
        }),
        name: None,
        saved_at: Some(now() - Duration::from_secs(mins_ago * 60)),
        play_time: Some(Duration::from_secs(steps as u64 * 95)),
        steps: Some(steps),
        problem: None,
    }
}

/// Tells the app what is on disk.
pub fn list(app: &mut App, slots: Vec<SlotInfo>) {
    let latest = slots
        .iter()
        .filter(|s| s.problem.is_none())
        .max_by_key(|s| s.saved_at)
        .cloned();
    update(
        app,
        Msg::Slots {
            list: slots,
            latest,
            now: now(),
        },
    );
}

/// Sends messages, returning every command produced.
pub fn send(app: &mut App, msgs: &[Msg]) -> Vec<Command> {
    msgs.iter().flat_map(|m| update(app, m.clone())).collect()
}

/// An app at the title, `w`×`h`.
pub fn at_title(story: &Story, w: u16, h: u16) -> App<'_> {
    let mut app = App::new(story, seasoned(), 7, false);
    update(&mut app, Msg::Resize(w, h));
    app
}

/// An app in a new game with the chapter card dismissed and all text shown.
pub fn playing(story: &Story, w: u16, h: u16) -> App<'_> {
    let mut app = at_title(story, w, h);
    send(&mut app, &[Msg::Confirm, Msg::OtherKey]);
    assert_eq!(*app.screen(), Screen::Play);
    app
}

/// Draws the app into a `w`×`h` test terminal.
pub fn buffer(app: &App, w: u16, h: u16) -> Buffer {
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
    t.draw(|f| view::draw(app, f)).expect("draw");
    t.backend().buffer().clone()
}

/// The screen as text, one line per row, trailing spaces trimmed.
pub fn text(buf: &Buffer) -> String {
    let area = buf.area;
    let mut out = Vec::new();
    for y in 0..area.height {
        let mut line = String::new();
        let mut skip = 0;
        for x in 0..area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let sym = buf[(x, y)].symbol();
            line.push_str(sym);
            skip = sym.width().saturating_sub(1);
        }
        out.push(line.trim_end().to_owned());
    }
    out.join("\n")
}

/// Draws and returns the text.
pub fn render(app: &App, w: u16, h: u16) -> String {
    text(&buffer(app, w, h))
}

/// Short names for commands, to compare in tables.
pub fn kinds(cmds: &[Command]) -> String {
    cmds.iter()
        .map(|c| match c {
            Command::Save { slot, .. } => format!("save:{slot}"),
            Command::Autosave(_) => "save:auto".to_owned(),
            Command::Load { slot } => format!("load:{slot}"),
            Command::SaveProfile(_) => "profile".to_owned(),
            Command::StartClock(_) => "clock".to_owned(),
            Command::Quit => "quit".to_owned(),
            Command::Suspend => "suspend".to_owned(),
            Command::ListSlots => "list".to_owned(),
            Command::Reload(state) => format!("reload:{}", u8::from(state.is_some())),
            Command::SetLanguage(to) => {
                format!("language:{}", to.language.as_deref().unwrap_or(""))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// An app replaying `steps` from seed 7.
pub fn replaying<'s>(story: &'s Story, steps: &[Step]) -> App<'s> {
    let recording = Recording::new(story, 7, steps).expect("the story starts");
    App::replaying(story, seasoned(), false, recording)
}

/// What the save store hands back for `state`.
pub fn loaded(
    state: GameState,
    divergence: Option<Divergence>,
    play_time: Duration,
) -> Box<LoadedSave> {
    Box::new(LoadedSave {
        state,
        // As the save module does: the recording ended at the step that diverged.
        migration: divergence
            .clone()
            .map(|d| butterfly::engine::migrate(&fixture(), d.step + 1, d)),
        backup: None,
        divergence,
        play_time,
        story_changed: false,
        label: SaveLabel {
            chapter: "The Gate".to_owned(),
            date: "Morning".to_owned(),
            place: "A gate".to_owned(),
        },
        saved_at: now(),
    })
}
