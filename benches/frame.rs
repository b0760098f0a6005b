//! One frame of the play screen (and the journal) to ratatui's `TestBackend`, at 80×24
//! and 200×60, with a long scene and a journal of 1,000 entries. See docs/performance.md.

use std::hint::black_box;
use std::time::{Duration, Instant, SystemTime};

use butterfly::engine;
use butterfly::save::{LoadedSave, Profile, SaveLabel, TextSpeed};
use butterfly::story::{self, SourceFile, Story};
use butterfly::tui::{App, Msg, header, update, view};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// A story whose one scene is long (about 1,500 words) and can be re-read forever, so
/// a game can have any number of journal entries.
fn long_story() -> Story {
    let para = "You turn the page of the ledger and the carbon copy turns with it, its letters reversed, as if the figures had turned their backs on you; outside, a bicycle bell, another, then the long vowel of the lane's loudspeaker announcing something you cannot translate and do not try to. 宋丽玲 sings in the next room.";
    let text: Vec<String> = (0..25).map(|i| format!("\"{para} ({i})\"")).collect();
    let header = r#"Story(id: "long", title: "Long", start: "ledger", endings: [Ending(id: "end", title: "End")])"#;
    let chapter = format!(
        r#"Chapter(title: "The Ledger", date: "March 1965", place: "The embassy", scenes: [
            Scene(id: "ledger", text: [{}], choices: [
                Choice(id: "again", label: "Read it again", goto: "ledger"),
                Choice(id: "stop", label: "Close the ledger", goto: "closed"),
            ]),
            Scene(id: "closed", text: ["Closed."], ending: "end"),
        ])"#,
        text.join(",")
    );
    let files = [
        SourceFile {
            path: "a.ron".into(),
            bytes: header.into(),
        },
        SourceFile {
            path: "b.ron".into(),
            bytes: chapter.into_bytes(),
        },
    ];
    story::load(&files).story.expect("the bench story loads")
}

fn app_with_journal(story: &Story, entries: usize, w: u16, h: u16) -> App<'_> {
    let (mut state, _) = engine::start(story, 1).unwrap();
    for _ in 0..entries {
        engine::choose(story, &mut state, "again").unwrap();
    }
    let mut profile = Profile::default();
    profile.settings.content_note_seen = true;
    profile.settings.text_speed = TextSpeed::Instant;
    let mut app = App::new(story, profile, 1, false);
    update(&mut app, Msg::Resize(w, h));
    let loaded = LoadedSave {
        state,
        divergence: None,
        migration: None,
        backup: None,
        play_time: Duration::from_mins(5),
        story_changed: false,
        label: SaveLabel {
            chapter: String::new(),
            date: String::new(),
            place: String::new(),
        },
        saved_at: SystemTime::UNIX_EPOCH,
    };
    update(
        &mut app,
        Msg::Loaded {
            slot: "1".into(),
            result: Ok(Box::new(loaded)),
        },
    );
    // Dismiss the chapter card.
    update(&mut app, Msg::OtherKey);
    app
}

fn frames(c: &mut Criterion) {
    let story = long_story();
    let mut g = c.benchmark_group("frame");
    for (w, h) in [(80u16, 24u16), (200, 60)] {
        for entries in [10usize, 1_000] {
            let app = app_with_journal(&story, entries, w, h);
            let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
            g.bench_with_input(
                BenchmarkId::new(format!("play_{w}x{h}"), format!("journal_{entries}")),
                &app,
                |b, app| b.iter(|| black_box(term.draw(|f| view::draw(app, f)).unwrap().area)),
            );
        }
        let mut app = app_with_journal(&story, 1_000, w, h);
        update(&mut app, Msg::Journal);
        let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
        g.bench_function(format!("journal_screen_{w}x{h}/entries_1000"), |b| {
            b.iter(|| black_box(term.draw(|f| view::draw(&app, f)).unwrap().area));
        });
    }
    g.finish();
}

/// What the game does between `exec` and its first frame, in-process, on the game's own
/// path (`cli/play.rs`, `tui::header`): read the embedded story's header, start
/// compiling the whole story on another thread, make the title screen (the content
/// note, for a new player) from the header and draw it. Only that is timed: the
/// compile goes on while the frame is up and is waited for, untimed, after it; the
/// game waits for it before it handles the first key. (Process start-up itself is
/// measured with hyperfine; see docs/performance.md.)
///
/// `startup/embedded_story_compiled_to_title_80x24` is the time until the game can
/// handle that key: the whole load, then the same screen from the compiled story (what
/// the first frame cost before the header drew it).
fn startup(c: &mut Criterion) {
    c.bench_function("startup/embedded_story_to_first_frame_80x24", |b| {
        b.iter_custom(|iters| {
            let mut timed = Duration::ZERO;
            for _ in 0..iters {
                let started = Instant::now();
                let header = header::embedded_header()
                    .and_then(header::header_story)
                    .expect("the shipped header is plain");
                let loading = std::thread::spawn(|| {
                    let files = butterfly::source::embedded();
                    story::load_unlinted(&files).story.unwrap()
                });
                let mut app = App::new(&header, Profile::default(), 1, false);
                update(&mut app, Msg::Resize(80, 24));
                let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
                black_box(term.draw(|f| view::draw(&app, f)).unwrap().area);
                timed += started.elapsed();
                black_box(loading.join().unwrap());
            }
            timed
        });
    });
    c.bench_function("startup/embedded_story_compiled_to_title_80x24", |b| {
        b.iter(|| {
            let files = butterfly::source::embedded();
            let story = story::load_unlinted(&files).story.unwrap();
            let mut app = App::new(&story, Profile::default(), 1, false);
            update(&mut app, Msg::Resize(80, 24));
            let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
            black_box(term.draw(|f| view::draw(&app, f)).unwrap().area);
        });
    });
}

criterion_group!(benches, frames, startup);
criterion_main!(benches);
