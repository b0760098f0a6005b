//! Saves, loads, replays and undo (issue 5), through the library's public API.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use butterfly::engine::{self, GameState, UndoError};
use butterfly::replay::{Recording, write_transcript};
use butterfly::save::{
    self, AUTO_SLOT, MAX_SAVE_BYTES, PREVIOUS_AUTO_SLOT, Profile, SaveError, SaveStore, TextSpeed,
    ThemeName,
};
use butterfly::source;
use butterfly::story::{self, SourceFile, Story};

fn fixture_files(dir: &str) -> Vec<SourceFile> {
    source::read_dir(Path::new(dir)).expect("fixture directory")
}

fn load(files: &[SourceFile]) -> Story {
    let loaded = story::load(files);
    loaded
        .story
        .unwrap_or_else(|| panic!("{:?}", loaded.diagnostics))
}

fn full() -> Story {
    load(&fixture_files("tests/fixtures/full"))
}

/// The fixture story with one file's text edited.
fn full_edited(file_suffix: &str, from: &str, to: &str) -> Story {
    let mut files = fixture_files("tests/fixtures/full");
    let f = files
        .iter_mut()
        .find(|f| f.path.ends_with(file_suffix))
        .expect("file");
    let text = String::from_utf8(f.bytes.clone()).unwrap();
    assert!(text.contains(from), "{from} not in {file_suffix}");
    f.bytes = text.replacen(from, to, 1).into_bytes();
    load(&files)
}

fn play(story: &Story, seed: u64, choices: &[&str]) -> GameState {
    let (mut state, _) = engine::start(story, seed).unwrap();
    for c in choices {
        engine::choose(story, &mut state, c).unwrap_or_else(|e| panic!("{c}: {e}"));
    }
    state
}

/// Grass (key and 3 coins), back, open the gate, drop a coin, back in the yard.
const TO_YARD: [&str; 5] = ["grass", "continue", "open", "well", "continue"];

fn store() -> (tempfile::TempDir, SaveStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = SaveStore::new(dir.path().join("saves"));
    (dir, store)
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn round_trip_then_continue_equals_playing_straight_through() {
    let story = full();
    let (_tmp, store) = store();
    let half = play(&story, 42, &TO_YARD);
    store
        .save("a", &story, &half, Duration::from_millis(61_234))
        .unwrap();
    let loaded = store.load("a", &story).unwrap();
    assert_eq!(loaded.state, half);
    assert_eq!(loaded.divergence, None);
    assert!(!loaded.story_changed);
    assert_eq!(loaded.play_time, Duration::from_millis(61_234));
    assert_eq!(loaded.label.place, "A yard with a well");

    let mut resumed = loaded.state;
    for c in ["well", "continue", "crossroads"] {
        engine::choose(&story, &mut resumed, c).unwrap();
    }
    let straight = play(
        &story,
        42,
        &[&TO_YARD[..], &["well", "continue", "crossroads"]].concat(),
    );
    assert_eq!(resumed, straight);
    assert_eq!(resumed.ending.as_deref(), Some("home"));
}

#[test]
fn chance_draws_survive_a_round_trip() {
    // Climbing has a 50% detour: across seeds, both outcomes occur, and each one
    // comes back identical after save and load, generator state included.
    let story = full();
    let (_tmp, store) = store();
    let mut scenes = std::collections::BTreeSet::new();
    for seed in 0..16 {
        let state = play(&story, seed, &["climb"]);
        scenes.insert(state.scene.clone());
        store.save("c", &story, &state, Duration::ZERO).unwrap();
        let loaded = store.load("c", &story).unwrap();
        assert_eq!(loaded.state, state, "seed {seed}");
        assert_eq!(loaded.state.rng, state.rng, "seed {seed}");
    }
    assert_eq!(scenes.len(), 2, "{scenes:?}");
}

/// Bad files of every kind: each must be refused with its own message, without panic,
/// and stay byte-for-byte the same through load, list and an attempted save.
#[test]
fn bad_save_files_are_refused_and_never_modified() {
    let story = full();
    let (_tmp, store) = store();
    let good = play(&story, 3, &TO_YARD);
    store.save("good", &story, &good, Duration::ZERO).unwrap();
    let valid = fs::read(store.slot_path("good").unwrap()).unwrap();
    let valid_text = String::from_utf8(valid.clone()).unwrap();

    let mut oversized = valid.clone();
    oversized.resize(MAX_SAVE_BYTES as usize + 10, b' ');
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("damaged", b"(format: 1, story: [[[".to_vec(), "is damaged"),
        ("truncated", valid[..valid.len() / 2].to_vec(), "is damaged"),
        ("empty", Vec::new(), "the file is empty"),
        ("blank", b"  \n\t\n".to_vec(), "the file is empty"),
        ("binary", vec![0xff, 0xfe, 0x00, 0x9b, 0x1b], "not UTF-8"),
        (
            "foreign",
            valid_text
                .replace("id: \"fixture\"", "id: \"another\"")
                .into_bytes(),
            "another story (`another`)",
        ),
        (
            "future",
            fs::read("tests/fixtures/saves/v99_future.ron").unwrap(),
            "newer Butterfly (save format 99",
        ),
        (
            "old",
            fs::read("tests/fixtures/saves/v0_too_old.ron").unwrap(),
            "no longer reads",
        ),
        ("oversized", oversized, "more than a save may be"),
        (
            "unknown_field",
            valid_text
                .replace("seed: 3,", "seed: 3, cheat: true,")
                .into_bytes(),
            "is damaged",
        ),
        (
            "escapes",
            b"\x1b]52;c;aGk=\x07\x1b[2J".to_vec(),
            "is damaged",
        ),
        (
            "evil_id",
            valid_text
                .replace("choice: \"grass\"", "choice: \"gr\\u{1b}[2Jass\"")
                .into_bytes(),
            "is not a valid scene, choice or variable id",
        ),
        (
            "deep",
            format!(
                "(format: 1, x: {}{})",
                "[".repeat(100_000),
                "]".repeat(100_000)
            )
            .into_bytes(),
            "recursion limit",
        ),
    ];
    for (slot, bytes, _) in &cases {
        fs::write(store.slot_path(slot).unwrap(), bytes).unwrap();
    }
    for (slot, bytes, expected) in &cases {
        let path = store.slot_path(slot).unwrap();
        let err = store.load(slot, &story).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains(expected), "{slot}: {msg}");
        assert!(
            !msg.chars().any(char::is_control),
            "{slot}: control characters in {msg:?}"
        );
        let refused = store.save(slot, &story, &good, Duration::ZERO).unwrap_err();
        assert!(
            matches!(refused, SaveError::WontOverwrite { .. }),
            "{slot}: {refused}"
        );
        assert!(refused.to_string().contains("will not be overwritten"));
        assert_eq!(&fs::read(&path).unwrap(), bytes, "{slot} was modified");
    }
    // Every other slot still works, and the listing shows each bad one as unusable.
    assert_eq!(store.load("good", &story).unwrap().state, good);
    let list = store.list_for(&story);
    assert_eq!(list.len(), cases.len() + 1);
    for info in &list {
        assert_eq!(info.problem.is_none(), info.slot == "good", "{info:?}");
    }
    assert_eq!(store.latest_for(&story).unwrap().slot, "good");
    // No backup or temporary file was made for any refused write.
    assert!(
        files_in(store.dir())
            .iter()
            .all(|f| Path::new(f).extension().is_some_and(|e| e == "ron")),
        "{:?}",
        files_in(store.dir())
    );
}

#[test]
fn path_traversal_and_odd_slot_names_are_refused() {
    let story = full();
    let (tmp, store) = store();
    let state = play(&story, 1, &[]);
    store.save("a", &story, &state, Duration::ZERO).unwrap();
    for bad in [
        "../x",
        "..",
        "../../etc/passwd",
        "a/b",
        "/tmp/x",
        "a.ron",
        "",
        "profile",
        "con",
        "x y",
    ] {
        let e = store.save(bad, &story, &state, Duration::ZERO).unwrap_err();
        assert!(matches!(e, SaveError::InvalidSlot { .. }), "{bad}: {e}");
        let e = store.load(bad, &story).unwrap_err();
        assert!(matches!(e, SaveError::InvalidSlot { .. }), "{bad}: {e}");
    }
    assert_eq!(files_in(tmp.path()), ["saves"]);
    assert_eq!(files_in(store.dir()), ["a.ron"]);
}

#[test]
fn pinned_format_1_save_still_loads_and_format_0_is_refused_by_policy() {
    let story = full();
    let v1 = save::load_file(Path::new("tests/fixtures/saves/v1_fixture.ron"), &story).unwrap();
    assert_eq!(v1.divergence, None);
    assert_eq!(v1.state, play(&story, 7, &TO_YARD));
    assert_eq!(v1.label.chapter, "The Yard");

    let old = Path::new("tests/fixtures/saves/v0_too_old.ron");
    let before = fs::read(old).unwrap();
    match save::load_file(old, &story) {
        Err(SaveError::TooOld { found, minimum, .. }) => {
            assert_eq!((found, minimum), (0, save::MIN_COMPATIBLE));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(fs::read(old).unwrap(), before);
}

/// Saves `choices` on the fixture story, then loads it on an edited story.
fn diverge_on(
    edited: &Story,
    choices: &[&str],
) -> (save::LoadedSave, butterfly::engine::Divergence) {
    let story = full();
    let (_tmp, store) = store();
    let state = play(&story, 5, choices);
    store.save("s", &story, &state, Duration::ZERO).unwrap();
    let path = store.slot_path("s").unwrap();
    let before = fs::read(&path).unwrap();
    let loaded = store.load("s", edited).unwrap();
    assert_eq!(fs::read(&path).unwrap(), before);
    let d = loaded.divergence.clone().expect("a divergence");
    (loaded, d)
}

#[test]
fn a_removed_choice_is_pinned_to_its_step() {
    let edited = full_edited(
        "b_yard.ron",
        "Choice(label: \"Drop a coin",
        "Choice(id: \"toss\", label: \"Drop a coin",
    );
    let (loaded, d) = diverge_on(&edited, &TO_YARD);
    assert_eq!(
        (d.step, d.scene.as_str(), d.choice.as_str()),
        (3, "yard", "well")
    );
    assert!(d.reason.contains("has no choice `well`"), "{}", d.reason);
    assert!(
        d.to_string()
            .starts_with("step 4 (scene `yard`, choice `well`)"),
        "{d}"
    );
    // The game resumes right before the step that no longer holds.
    assert_eq!(loaded.state, play(&edited, 5, &TO_YARD[..3]));
}

#[test]
fn a_changed_destination_is_pinned_to_the_step_that_led_there() {
    // The well now leads back to the gate: step 5 (continue from the well) still
    // applies, but the sixth step is recorded in the yard and the story is at the gate.
    let edited = full_edited("b_yard.ron", "next: \"yard\"", "next: \"gate\"");
    let choices = [&TO_YARD[..], &["crossroads"]].concat();
    let (_, d) = diverge_on(&edited, &choices);
    assert_eq!(
        (d.step, d.scene.as_str(), d.choice.as_str()),
        (5, "yard", "crossroads")
    );
    assert!(d.reason.contains("leads to `gate`"), "{}", d.reason);

    // When it is the very last step, the snapshot catches it.
    let (_, d) = diverge_on(&edited, &TO_YARD);
    assert_eq!(
        (d.step, d.scene.as_str(), d.choice.as_str()),
        (4, "well", "continue")
    );
    assert!(d.reason.contains("leads to `gate`"), "{}", d.reason);
}

#[test]
fn a_changed_number_is_pinned_to_the_step_where_it_shows() {
    // Only a value changes: every step still applies, but the recorded checks pin it.
    let edited = full_edited(
        "b_yard.ron",
        "effects: [\"coins -= 1\"]",
        "effects: [\"coins -= 2\"]",
    );
    let (loaded, d) = diverge_on(&edited, &TO_YARD);
    assert_eq!(
        (d.step, d.scene.as_str(), d.choice.as_str()),
        (3, "yard", "well")
    );
    assert!(
        d.reason.contains("variables come out differently"),
        "{}",
        d.reason
    );
    assert_eq!(loaded.state.path.len(), 3);
}

#[test]
fn a_choice_made_unavailable_is_pinned_to_its_step() {
    let edited = full_edited("b_yard.ron", "when: \"coins > 0\"", "when: \"coins > 5\"");
    let (_, d) = diverge_on(&edited, &TO_YARD);
    assert_eq!((d.step, d.choice.as_str()), (3, "well"));
    assert!(d.reason.contains("not available"), "{}", d.reason);
}

#[test]
fn harmless_edits_are_noted_but_not_divergences() {
    let story = full();
    let (_tmp, store) = store();
    let state = play(&story, 9, &TO_YARD);
    store.save("s", &story, &state, Duration::ZERO).unwrap();
    for edited in [
        full_edited(
            "b_yard.ron",
            "The coin falls a long time.",
            "The coin falls, and falls.",
        ),
        full_edited(
            "header.ron",
            "Flag(name: \"has_key\"),",
            "Flag(name: \"has_key\"), Int(name: \"new_counter\", initial: 3),",
        ),
    ] {
        assert_ne!(edited.content_hash, story.content_hash);
        let loaded = store.load("s", &edited).unwrap();
        assert_eq!(loaded.divergence, None);
        assert!(loaded.story_changed);
        assert_eq!(loaded.state.scene, state.scene);
        assert_eq!(loaded.state.var("coins"), state.var("coins"));
    }
}

/// Plays `steps` choices of the looping story, picking with a simple generator of its
/// own so the path wanders through every choice and chance.
fn long_loop_game(story: &Story, seed: u64, steps: usize) -> GameState {
    let (mut state, _) = engine::start(story, seed).unwrap();
    let mut pick: u64 = 0x9e37_79b9;
    while state.path.len() < steps {
        pick = pick.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        let options: Vec<_> = engine::choices(story, &state)
            .into_iter()
            .filter(|c| c.enabled && c.id != "leave")
            .collect();
        let c = &options[(pick >> 33) as usize % options.len()];
        engine::choose(story, &mut state, &c.id).unwrap();
    }
    state
}

#[test]
fn a_thousand_step_replay_is_deterministic() {
    let story = load(&fixture_files("tests/fixtures/loop"));
    let state = long_loop_game(&story, 2024, 1000);
    assert_eq!(state.path.len(), 1000);
    let distinct: std::collections::BTreeSet<_> =
        state.path.iter().map(|s| s.choice.as_str()).collect();
    assert_eq!(distinct.len(), 4, "{distinct:?}");

    let a = engine::replay(&story, 2024, &state.path).unwrap();
    let b = engine::replay(&story, 2024, &state.path).unwrap();
    assert_eq!(a, state);
    assert_eq!(b, state);

    let (_tmp, store) = store();
    store.save("long", &story, &state, Duration::ZERO).unwrap();
    let size = fs::metadata(store.slot_path("long").unwrap())
        .unwrap()
        .len();
    assert!(size < MAX_SAVE_BYTES / 10, "{size} bytes");
    let loaded = store.load("long", &story).unwrap();
    assert_eq!(loaded.divergence, None);
    assert_eq!(loaded.state, state);

    let rec = Recording::new(&story, 2024, &state.path).unwrap();
    assert_eq!(rec.len(), 1001);
    assert_eq!(rec.state_at(1000).unwrap(), state);
    assert_eq!(
        rec.state_at(500).unwrap(),
        engine::replay(&story, 2024, &state.path[..500]).unwrap()
    );
    assert_eq!(rec.divergence, None);
}

#[test]
fn undo_to_the_start_and_forward_again_gives_the_same_state() {
    let story = full();
    let choices = [&TO_YARD[..], &["fox", "continue", "crossroads"]].concat();
    let end = play(&story, 77, &choices);
    assert!(end.is_over());

    let mut states = vec![end.clone()];
    let mut state = end.clone();
    loop {
        match engine::undo(&story, &state) {
            Ok(s) => {
                assert_eq!(s.path.len() + 1, state.path.len());
                state = s;
                states.push(state.clone());
            }
            Err(UndoError::AtStart) => break,
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(state, engine::start(&story, 77).unwrap().0);
    assert_eq!(states.len(), choices.len() + 1);

    for (i, c) in choices.iter().enumerate() {
        assert_eq!(state, states[choices.len() - i]);
        engine::choose(&story, &mut state, c).unwrap();
    }
    assert_eq!(state, end);
}

#[test]
fn undo_cannot_reroll_a_chance() {
    let story = full();
    for seed in 0..8 {
        let first = play(&story, seed, &["climb"]);
        let mut again = engine::undo(&story, &first).unwrap();
        engine::choose(&story, &mut again, "climb").unwrap();
        assert_eq!(again, first, "seed {seed}");
    }
}

#[test]
fn saving_keeps_the_previous_version_as_a_backup_and_no_temporary_files() {
    let story = full();
    let (_tmp, store) = store();
    let one = play(&story, 1, &["grass"]);
    let two = play(&story, 1, &["grass", "continue"]);
    store.save("a", &story, &one, Duration::ZERO).unwrap();
    assert_eq!(files_in(store.dir()), ["a.ron"]);
    let first = fs::read(store.slot_path("a").unwrap()).unwrap();
    store.save("a", &story, &two, Duration::ZERO).unwrap();
    assert_eq!(files_in(store.dir()), ["a.ron", "a.ron.bak"]);
    assert_eq!(fs::read(store.dir().join("a.ron.bak")).unwrap(), first);
    assert_eq!(store.load("a", &story).unwrap().state, two);
    // The backup is a save like any other.
    let bak = save::load_file(&store.dir().join("a.ron.bak"), &story).unwrap();
    assert_eq!(bak.state, one);
}

#[test]
fn another_storys_save_is_not_overwritten() {
    let story = full();
    let other = load(&fixture_files("tests/fixtures/loop"));
    let (_tmp, store) = store();
    store
        .save("x", &other, &play(&other, 1, &["spin"]), Duration::ZERO)
        .unwrap();
    let before = fs::read(store.slot_path("x").unwrap()).unwrap();
    let e = store
        .save("x", &story, &play(&story, 1, &[]), Duration::ZERO)
        .unwrap_err();
    assert!(e.to_string().contains("another story (`loop`)"), "{e}");
    let e = store.load("x", &story).unwrap_err();
    assert!(matches!(e, SaveError::ForeignStory { .. }), "{e}");
    assert_eq!(fs::read(store.slot_path("x").unwrap()).unwrap(), before);
    // The plain listing reads it fine; the story-aware one flags it.
    assert_eq!(store.list()[0].problem, None);
    assert!(store.list_for(&story)[0].problem.is_some());
}

#[test]
fn a_new_game_never_costs_the_previous_autosave() {
    let story = full();
    let (_tmp, store) = store();
    let old_game = play(&story, 1, &TO_YARD);
    store.autosave(&story, &old_game, Duration::ZERO).unwrap();
    let old_bytes = fs::read(store.slot_path(AUTO_SLOT).unwrap()).unwrap();

    // Continuing the same game does not touch the previous slot.
    assert!(!store.slot_path(PREVIOUS_AUTO_SLOT).unwrap().exists());

    let new_game = play(&story, 2, &["climb"]);
    store.autosave(&story, &new_game, Duration::ZERO).unwrap();
    let mut longer = new_game.clone();
    let first = engine::choices(&story, &longer)[0].id.clone();
    engine::choose(&story, &mut longer, &first).unwrap();
    store.autosave(&story, &longer, Duration::ZERO).unwrap();
    store.autosave(&story, &longer, Duration::ZERO).unwrap();

    let previous = store.slot_path(PREVIOUS_AUTO_SLOT).unwrap();
    assert_eq!(fs::read(previous).unwrap(), old_bytes);
    assert_eq!(store.load(AUTO_SLOT, &story).unwrap().state, longer);
    assert_eq!(
        store.load(PREVIOUS_AUTO_SLOT, &story).unwrap().state,
        old_game
    );
}

#[test]
fn listing_shows_labels_times_and_damage_and_skips_non_slots() {
    let story = full();
    let (_tmp, store) = store();
    assert!(store.list().is_empty());
    assert_eq!(store.latest(), None);
    store
        .save("1", &story, &play(&story, 1, &[]), Duration::from_secs(5))
        .unwrap();
    std::thread::sleep(Duration::from_millis(20));
    store
        .save(
            "2",
            &story,
            &play(&story, 1, &TO_YARD),
            Duration::from_secs(9),
        )
        .unwrap();
    std::thread::sleep(Duration::from_millis(20));
    fs::write(store.slot_path("3").unwrap(), "not a save").unwrap();
    for junk in [
        "notes.txt",
        "bad name.ron",
        ".hidden.ron.new.1.tmp",
        "2.ron.bak",
    ] {
        fs::write(store.dir().join(junk), "x").unwrap();
    }
    let profile = Profile::default();
    store.save_profile(&profile).unwrap();

    let list = store.list();
    let slots: Vec<&str> = list.iter().map(|s| s.slot.as_str()).collect();
    assert_eq!(slots, ["1", "2", "3"]);
    let two = &list[1];
    assert_eq!(two.label.as_ref().unwrap().place, "A yard with a well");
    assert_eq!(two.steps, Some(5));
    assert_eq!(two.play_time, Some(Duration::from_secs(9)));
    assert!(two.saved_at > list[0].saved_at);
    assert!(list[2].problem.as_deref().unwrap().starts_with("damaged"));
    assert_eq!(store.latest().unwrap().slot, "2");
}

#[test]
fn labels_from_a_hand_edited_file_are_terminal_safe() {
    let story = full();
    let (_tmp, store) = store();
    store
        .save("a", &story, &play(&story, 1, &[]), Duration::ZERO)
        .unwrap();
    let path = store.slot_path("a").unwrap();
    let text = fs::read_to_string(&path).unwrap().replace(
        "chapter: \"The Gate\"",
        "chapter: \"\\u{1b}]0;pwned\\u{7}Gate\\n\"",
    );
    fs::write(&path, text).unwrap();
    let info = &store.list()[0];
    let chapter = &info.label.as_ref().unwrap().chapter;
    assert!(chapter.contains("Gate"));
    assert!(!chapter.chars().any(char::is_control), "{chapter:?}");
    let loaded = store.load("a", &story).unwrap();
    assert!(!loaded.label.chapter.chars().any(char::is_control));
}

#[test]
fn profile_missing_damaged_and_future_files() {
    let story = full();
    let (_tmp, store) = store();
    assert_eq!(store.load_profile(), Profile::default());
    let defaults = Profile::default().settings;
    assert_eq!(
        (
            defaults.text_speed,
            defaults.theme,
            defaults.content_note_seen
        ),
        (TextSpeed::Normal, ThemeName::Default, false)
    );

    // Recording a game adds its scenes and ending, once.
    let mut profile = Profile::default();
    let ended = play(&story, 1, &[&TO_YARD[..], &["crossroads"]].concat());
    assert!(profile.record(&ended));
    assert!(!profile.record(&ended));
    assert!(profile.endings_found.contains("home"));
    assert!(profile.scenes_seen.contains("crossroads"));
    profile.settings.theme = ThemeName::Sepia;
    store.save_profile(&profile).unwrap();
    assert_eq!(store.load_profile(), profile);

    // A damaged profile is the default, untouched until something changes...
    let path = store.profile_path();
    fs::write(&path, "(endings_found: [\"x\"").unwrap();
    assert_eq!(store.load_profile(), Profile::default());
    assert_eq!(fs::read_to_string(&path).unwrap(), "(endings_found: [\"x\"");
    // ...and then set aside, not overwritten.
    store.save_profile(&profile).unwrap();
    let aside: Vec<String> = files_in(store.dir())
        .into_iter()
        .filter(|f| f.starts_with("profile.ron.damaged-"))
        .collect();
    assert_eq!(aside.len(), 1, "{:?}", files_in(store.dir()));
    assert_eq!(
        fs::read_to_string(store.dir().join(&aside[0])).unwrap(),
        "(endings_found: [\"x\""
    );
    assert_eq!(store.load_profile(), profile);

    // Fields from older or newer versions: missing ones default, unknown ones pass.
    fs::write(
        &path,
        "(settings: (theme: Monochrome, font: \"serif\"), achievements: [1, 2])",
    )
    .unwrap();
    let p = store.load_profile();
    assert_eq!(p.settings.theme, ThemeName::Monochrome);
    assert_eq!(p.settings.text_speed, TextSpeed::Normal);
    assert!(p.endings_found.is_empty());
}

#[test]
fn transcript_shows_each_scene_and_the_choice_taken() {
    let story = full();
    let state = play(&story, 7, &TO_YARD);
    let rec = Recording::new(&story, 7, &state.path).unwrap();
    let mut out = Vec::new();
    write_transcript(&story, &rec, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let taken: Vec<&str> = text.lines().filter(|l| l.starts_with("> ")).collect();
    assert_eq!(
        taken,
        [
            "> 1. Search the grass",
            "> 1. Continue",
            "> 1. Open the gate",
            "> 1. Drop a coin in the well",
            "> 1. Continue",
        ]
    );
    assert!(text.contains("The grass is wet."));
    assert!(text.contains("== The Yard =="));
    assert!(text.ends_with("(The recording ends here, after 5 choices.)\n"));
    assert!(!text.contains('\u{1b}'));

    let ended = play(&story, 7, &[&TO_YARD[..], &["crossroads"]].concat());
    let rec = Recording::new(&story, 7, &ended.path).unwrap();
    let mut out = Vec::new();
    write_transcript(&story, &rec, &mut out).unwrap();
    assert!(
        String::from_utf8(out)
            .unwrap()
            .contains("ENDING: Home Again")
    );
}

#[test]
fn recording_stops_at_a_divergence() {
    let story = full();
    let state = play(&story, 7, &TO_YARD);
    let edited = full_edited("b_yard.ron", "when: \"coins > 0\"", "when: \"coins > 5\"");
    let rec = Recording::new(&edited, 7, &state.path).unwrap();
    assert_eq!(rec.len(), 4);
    let d = rec.divergence.as_ref().unwrap();
    assert_eq!((d.step, d.choice.as_str()), (3, "well"));
    assert_eq!(*d.last_good, rec.state_at(3).unwrap());
}

#[test]
fn saves_dir_flag_wins() {
    let p = PathBuf::from("/somewhere/saves");
    assert_eq!(SaveStore::resolve_dir(Some(&p)), p);
}

#[test]
fn undoing_keeps_the_furthest_autosave() {
    let story = full();
    let (_tmp, store) = store();
    let furthest = play(&story, 4, &TO_YARD);
    store.autosave(&story, &furthest, Duration::ZERO).unwrap();
    let mut state = furthest.clone();
    for _ in 0..3 {
        state = engine::undo(&story, &state).unwrap();
        store.autosave(&story, &state, Duration::ZERO).unwrap();
    }
    // A different branch from there still leaves the furthest point where it was.
    engine::choose(&story, &mut state, "open").unwrap();
    store.autosave(&story, &state, Duration::ZERO).unwrap();
    let previous = store.load(PREVIOUS_AUTO_SLOT, &story).unwrap();
    assert_eq!(previous.state, furthest);
    assert_eq!(store.load(AUTO_SLOT, &story).unwrap().state, state);
}
