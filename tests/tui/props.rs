//! Property: whatever keys were pressed, in whatever order, at whatever terminal size,
//! drawing never panics and never writes outside the frame.

use butterfly::engine::Step;
use butterfly::replay::Recording;
use butterfly::save::{TextSpeed, ThemeName};
use butterfly::tui::{App, Msg, update};
use proptest::prelude::*;

use crate::support::{buffer, fixture, list, seasoned, slot};

fn msg() -> impl Strategy<Value = Msg> {
    prop_oneof![
        1 => Just(Msg::Up),
        1 => Just(Msg::Down),
        1 => Just(Msg::Left),
        1 => Just(Msg::Right),
        1 => Just(Msg::PageUp),
        1 => Just(Msg::PageDown),
        1 => Just(Msg::Home),
        1 => Just(Msg::End),
        1 => Just(Msg::WheelUp),
        1 => Just(Msg::WheelDown),
        4 => Just(Msg::Confirm),
        1 => Just(Msg::Back),
        1 => Just(Msg::Quit),
        1 => Just(Msg::Help),
        1 => Just(Msg::Journal),
        1 => Just(Msg::Save),
        1 => Just(Msg::Load),
        1 => Just(Msg::Undo),
        1 => Just(Msg::Yes),
        1 => Just(Msg::No),
        4 => (1_u8..=9).prop_map(Msg::Digit),
        2 => Just(Msg::OtherKey),
        3 => Just(Msg::Tick),
        1 => (1_u16..=250, 1_u16..=80).prop_map(|(w, h)| Msg::Resize(w, h)),
    ]
}

fn speed() -> impl Strategy<Value = TextSpeed> {
    prop_oneof![
        Just(TextSpeed::Slow),
        Just(TextSpeed::Normal),
        Just(TextSpeed::Fast),
        Just(TextSpeed::Instant)
    ]
}

fn theme() -> impl Strategy<Value = ThemeName> {
    prop_oneof![
        Just(ThemeName::Default),
        Just(ThemeName::Sepia),
        Just(ThemeName::Monochrome)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn any_state_draws_at_any_size(
        msgs in proptest::collection::vec(msg(), 0..60),
        seed in any::<u64>(),
        speed in speed(),
        theme in theme(),
        no_color in any::<bool>(),
        replaying in any::<bool>(),
        saves in any::<bool>(),
        w in 1_u16..=250,
        h in 1_u16..=80,
    ) {
        let story = fixture();
        let mut profile = seasoned();
        profile.settings.text_speed = speed;
        profile.settings.theme = theme;
        profile.settings.content_note_seen = seed % 3 != 0;
        let mut app = if replaying {
            let steps = [Step { scene: "gate".into(), choice: "grass".into() }];
            let recording = Recording::new(&story, seed, &steps).expect("starts");
            App::replaying(&story, profile, no_color, recording)
        } else {
            App::new(&story, profile, seed, no_color)
        };
        if saves {
            list(&mut app, vec![slot("1", 2, 5), slot("auto", 1, 0)]);
        }
        for m in msgs {
            // Quitting is a command for the run loop; the model carries on regardless.
            update(&mut app, m);
        }
        let buf = buffer(&app, w, h);
        prop_assert_eq!((buf.area.width, buf.area.height), (w, h));
        update(&mut app, Msg::Resize(w, h));
        let _ = buffer(&app, w, h);
    }
}
