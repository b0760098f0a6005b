//! The shipped story (`story/`), played through the real engine.
//!
//! Scripted playthroughs reach every ending by the routes the story bible's branch table
//! promises, the film's path reaches *Butterfly*, an exhaustive search proves every scene
//! and ending reachable with no way to get stuck, and the story's size and texture are
//! counted from the parsed model rather than from the raw files.

mod common;

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::sync::OnceLock;

use butterfly::engine::{self, Event, GameState};
use butterfly::source;
use butterfly::story::text::Segment;
use butterfly::story::{self, Story};
use butterfly::tools::verify;

/// The story, loaded once for the whole test binary.
fn shipped() -> &'static Story {
    static STORY: OnceLock<Story> = OnceLock::new();
    STORY.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("story");
        let loaded = story::load(&source::read_dir(&dir).expect("story/ is readable"));
        let errors: Vec<String> = loaded.diagnostics.iter().map(ToString::to_string).collect();
        loaded
            .story
            .unwrap_or_else(|| panic!("story/ does not load: {errors:#?}"))
    })
}

/// Plays `ids` from `seed`, one choice id per step ("continue" for `next`/`routes`
/// scenes), and returns the final state. Panics with the scene and the choices on offer
/// at the first step that does not apply.
fn play(seed: u64, ids: &[&str]) -> GameState {
    let story = shipped();
    let (mut state, _) = engine::start(story, seed).expect("the story starts");
    for (i, id) in ids.iter().enumerate() {
        assert!(
            !state.is_over(),
            "step {i} (`{id}`): the game already ended in `{}`",
            state.scene
        );
        if let Err(e) = engine::choose(story, &mut state, id) {
            let offered: Vec<String> = engine::choices(story, &state)
                .into_iter()
                .map(|c| format!("{}{}", c.id, if c.enabled { "" } else { " (dimmed)" }))
                .collect();
            panic!(
                "step {i} (`{id}`) in `{}`: {e}; offered: {offered:?}",
                state.scene
            );
        }
    }
    state
}

/// Whether `ids` replays from `seed` (every step applies).
fn replays(seed: u64, ids: &[&str]) -> bool {
    let story = shipped();
    let Ok((mut state, _)) = engine::start(story, seed) else {
        return false;
    };
    ids.iter()
        .all(|id| !state.is_over() && engine::choose(story, &mut state, id).is_ok())
}

/// Plays a script and checks that it ends exactly at `ending`, in `closing_scene`.
///
/// A seeded street patrol in 1968 can meet René with the bag and change the scenes of
/// beat 17, and scripts name the scenes they expect; so the script is played from the
/// first seed at or after `seed` whose patrols fall as it expects (the search is
/// deterministic, and the ending is asserted in the real binary with that seed too).
fn play_to(seed: u64, ids: &[&str], ending: &str, closing_scene: &str) -> GameState {
    let seed = (seed..seed + 500)
        .find(|&s| replays(s, ids))
        .unwrap_or(seed);
    let state = play(seed, ids);
    assert_eq!(
        state.ending.as_deref(),
        Some(ending),
        "the script stopped in `{}` without the ending",
        state.scene
    );
    assert_eq!(state.scene, closing_scene);
    assert_plain_reaches(seed, ids, ending);
    state
}

/// The same script typed into `butterfly play --plain` as choice numbers (the position
/// of each choice among those offered), which must print `ENDING: <title>`.
fn assert_plain_reaches(seed: u64, ids: &[&str], ending: &str) {
    let story = shipped();
    let (mut state, _) = engine::start(story, seed).unwrap();
    let mut typed = String::new();
    for id in ids {
        let offered: Vec<String> = engine::choices(story, &state)
            .into_iter()
            .filter(|c| c.enabled)
            .map(|c| c.id)
            .collect();
        let n = offered.iter().position(|c| c == id).unwrap() + 1;
        typed.push_str(&n.to_string());
        typed.push('\n');
        engine::choose(story, &mut state, id).unwrap();
    }
    let seed = seed.to_string();
    let out = common::butterfly_bytes(
        &["--story", "story", "play", "--plain", "--seed", &seed],
        &typed,
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let title = &story.ending(ending).unwrap().title;
    assert!(out.status.success(), "plain mode failed: {text}");
    assert!(
        text.contains(&format!("ENDING: {title}\n")),
        "plain mode with {typed:?} did not print `ENDING: {title}`"
    );
}

/// A script written one beat per line: `7: continue continue share continue`. The beat
/// numbers are for the reader; every other word is a choice id, in order.
fn script(beats: &str) -> Vec<&str> {
    beats
        .split_whitespace()
        .filter(|w| !w.ends_with(':') && *w != "|")
        .collect()
}

fn visited(state: &GameState, scene: &str) -> bool {
    state.visit_count(scene) > 0
}

// The bible's (C) choices at every beat. Beats 9 and 18 have no film choice: René goes
// to Song at 9 and pleads at 18.
const FILM_TO_15: &str = "
    1: front admit defend praise continue
    2: coat_on defend_her leave_out continue
    3: show_card for_music watch_her backstage sleeves ask_when continue
    4: magazines more_tea kiss continue
    5: lock please_advise ignore nothing straight_there
    6: demand accept continue cipher_alibi continue
    7: hours continue give_way biscuits continue show_card share continue
    8: own_it force continue americans continue
    9: work_room hold_court slip continue
    10: ask_lamp divorce marry walk_home continue
    11: take_him look oath to_him martins
    12: stay_gate hold_look stay_still watch continue
    13: defend accept record
    14: china_group nothing silent continue stay_paris one_ticket continue
    15: close_eyes take_handkerchief stand_back keep_quiet drink tell_her another continue
";

fn film_then(rest: &'static str) -> Vec<&'static str> {
    let mut ids = script(FILM_TO_15);
    ids.extend(script(rest));
    ids
}

#[test]
fn e1_the_films_path_ends_in_butterfly() {
    let ids = film_then(
        "
        16: open ask_in wedding_cups ask_years embrace continue
        17: lampshade tell_routes bring kitchen continue bring kitchen continue bring kitchen continue
        18: photos correct witness_door object look_down plead continue
        19: speak_first ask_true turn_away continue bon_voyage
        20: write_none mirror continue play tell_music let_it_play
    ",
    );
    let state = play_to(1, &ids, "e1_butterfly", "end_e1_butterfly");
    assert!(state.var("illusion") >= 70, "{:?}", state.var_map());
    assert_eq!(state.var("docs_passed"), 3);
    // Jeanne left in 1967 on this path, so there is no prison visit.
    assert_eq!(state.var("jeanne_left"), 1);
    assert!(!visited(&state, "paris_afterwards_last_act_visit"));
}

#[test]
fn the_films_choices_reach_butterfly_for_every_seed() {
    // The same choices as a policy, so that a seeded street patrol (which can bring the
    // arrest forward by a document) cannot derail it.
    let story = shipped();
    let policy: HashMap<&str, &str> = HashMap::from([
        ("beijing_1964_recital", "front"),
        ("beijing_1964_recital_aria", "admit"),
        ("beijing_1964_recital_outside", "defend"),
        ("beijing_1964_recital_terrace", "praise"),
        ("beijing_1964_home", "coat_on"),
        ("beijing_1964_home_telling", "defend_her"),
        ("beijing_1964_home_card", "leave_out"),
        ("beijing_1964_opera_house", "show_card"),
        ("beijing_1964_opera_house_door", "for_music"),
        ("beijing_1964_opera_house_hall", "watch_her"),
        ("beijing_1964_opera_house_interval", "backstage"),
        ("beijing_1964_opera_house_backstage", "sleeves"),
        ("beijing_1964_opera_house_lanes", "ask_when"),
        ("beijing_1964_parlor", "magazines"),
        ("beijing_1964_parlor_tea", "more_tea"),
        ("beijing_1964_parlor_dusk", "kiss"),
        ("beijing_1965_silence", "lock"),
        ("beijing_1965_silence_audit", "please_advise"),
        ("beijing_1965_silence_drawer", "ignore"),
        ("beijing_1965_silence_toulon", "nothing"),
        ("beijing_1965_silence_promotion", "straight_there"),
        ("beijing_1965_surrender", "demand"),
        ("beijing_1965_surrender_terms", "accept"),
        ("beijing_1965_surrender_home", "cipher_alibi"),
        ("beijing_1965_pillow_talk", "hours"),
        ("beijing_1965_pillow_talk_grey", "give_way"),
        ("beijing_1965_pillow_talk_cups", "biscuits"),
        ("beijing_1965_pillow_talk_drive", "show_card"),
        ("beijing_1965_pillow_talk_wall", "share"),
        ("beijing_1965_forecast", "own_it"),
        ("beijing_1965_forecast_page", "force"),
        ("beijing_1965_forecast_offer", "americans"),
        ("beijing_1965_baden_soiree", "work_room"),
        ("beijing_1965_baden_soiree_rooms", "hold_court"),
        ("beijing_1965_baden_soiree_offer", "slip"),
        ("beijing_1965_pregnancy", "ask_lamp"),
        ("beijing_1965_pregnancy_child", "divorce"),
        ("beijing_1965_pregnancy_divorce", "marry"),
        ("beijing_1965_pregnancy_marry", "walk_home"),
        ("beijing_1966_the_son", "take_him"),
        ("beijing_1966_the_son_boy", "look"),
        ("beijing_1966_the_son_vow", "oath"),
        ("beijing_1966_the_son_oath", "to_him"),
        ("beijing_1966_the_son_home", "martins"),
        ("beijing_1966_red_august", "stay_gate"),
        ("beijing_1966_red_august_board", "hold_look"),
        ("beijing_1966_red_august_grey", "stay_still"),
        ("beijing_1966_red_august_chin", "watch"),
        ("beijing_1966_recall", "defend"),
        ("beijing_1966_recall_terms", "accept"),
        ("beijing_1966_recall_commune", "record"),
        ("paris_1967_small_life", "china_group"),
        ("paris_1967_small_life_nights", "nothing"),
        ("paris_1967_small_life_question", "silent"),
        ("paris_1967_small_life_autumn", "stay_paris"),
        ("paris_1967_small_life_april", "one_ticket"),
        ("paris_1968_barricades", "close_eyes"),
        ("paris_1968_barricades_child", "take_handkerchief"),
        ("paris_1968_barricades_street", "stand_back"),
        ("paris_1968_barricades_book", "keep_quiet"),
        ("paris_1968_barricades_chant", "drink"),
        ("paris_1968_barricades_bar", "tell_her"),
        ("paris_1968_barricades_bar_late", "another"),
        ("paris_1968_reunion", "open"),
        ("paris_1968_reunion_landing", "ask_in"),
        ("paris_1968_reunion_kitchen", "wedding_cups"),
        ("paris_1968_reunion_cups", "ask_years"),
        ("paris_1968_reunion_tea", "embrace"),
        ("paris_1968_pouch", "lampshade"),
        ("paris_1968_pouch_routes", "tell_routes"),
        ("paris_1968_pouch_ask", "bring"),
        ("paris_1968_pouch_carry", "kitchen"),
        ("paris_afterwards_trial", "river"),
        ("paris_afterwards_trial_car", "correct"),
        ("paris_afterwards_trial_arrival", "witness_door"),
        ("paris_afterwards_trial_court", "object"),
        ("paris_afterwards_trial_door", "look_down"),
        ("paris_afterwards_trial_song", "plead"),
        ("paris_afterwards_van", "speak_first"),
        ("paris_afterwards_van_talk", "ask_true"),
        ("paris_afterwards_van_undress", "turn_away"),
        ("paris_afterwards_van_parting", "bon_voyage"),
        ("paris_afterwards_last_act", "write_none"),
        ("paris_afterwards_last_act_visit", "forgive"),
        ("paris_afterwards_last_act_hall", "mirror"),
        ("paris_afterwards_last_act_note", "play"),
        ("paris_afterwards_last_act_stage", "tell_music"),
        ("paris_afterwards_last_act_paint", "let_it_play"),
    ]);
    for seed in 0..24 {
        let (mut state, _) = engine::start(story, seed).unwrap();
        let mut patrols = 0;
        while !state.is_over() {
            assert!(
                state.path.len() < 200,
                "seed {seed}: no ending after 200 steps"
            );
            let offered = engine::choices(story, &state);
            if state.scene == "paris_afterwards_last_act_paint" {
                // A René who turned away from Song in the van cannot switch the tape
                // off: it is shown dimmed, with its reason, never hidden.
                let off = offered.iter().find(|c| c.id == "switch_off");
                assert!(
                    off.is_some_and(|c| !c.enabled && c.reason.is_some()),
                    "seed {seed}"
                );
            }
            let id = policy
                .get(state.scene.as_str())
                .copied()
                .unwrap_or("continue");
            let events = engine::choose(story, &mut state, id)
                .unwrap_or_else(|e| panic!("seed {seed} in `{}`: {e}", state.scene));
            patrols += events
                .iter()
                .filter(|e| matches!(e, Event::ChanceDrawn { hit: true, .. }))
                .count();
        }
        assert_eq!(
            state.ending.as_deref(),
            Some("e1_butterfly"),
            "seed {seed} ({patrols} patrols)"
        );
    }
}

#[test]
fn e2_six_years_when_the_illusion_breaks() {
    let ids = script(
        "
        1: window deny why_sing concede continue
        2: tisane laugh tell_everything continue
        3: pay new_plays watch_house backstage sleeves goodnight continue
        4: records cover_cup ask_life what_then continue
        5: lock let_off answer sign_rene continue nothing straight_there
        6: confess_fear insist continue records continue
        7: hours continue ask_name biscuits continue let_her change continue
        8: play_down caution continue desk continue
        9: compliment demur dance continue
        10: ask_lamp divorce money walk_home continue
        11: ask_where name france let_go held_child
        12: sleeve look_away shield intervene continue
        13: sorry plead accounts lane
        14: keep_saturdays small_talk brittany continue tours two_tickets continue
        15: read_programme own_cuff pass_cobbles call_out help_student burned ask_name continue
        16: spyhole ask_name brown_pot ask_years embrace continue
        17: no_lampshade keep_routes bring watch continue bring continue bring watch continue
        18: photos let_stand seek_jeanne let_read look_up gaze continue
        19: wait ask_boy look continue say_nothing
        20: write_jeanne forgive continue no_mirror continue play tell_boy switch_off
    ",
    );
    let state = play_to(3, &ids, "e2_six_years", "end_e2_six_years");
    assert!(state.var("illusion") < 70);
    // Jeanne stayed, and visited Fresnes.
    assert!(visited(&state, "paris_afterwards_last_act_visit"));
}

#[test]
fn e3_closing_the_door_when_jeanne_has_gone() {
    let ids = film_then(
        "
        16: open ask_in brown_pot ask_years close let_go continue
        E3: write_nothing alone
    ",
    );
    let state = play_to(1, &ids, "e3_bag_stays_shut", "end_e3_bag_stays_shut");
    assert_eq!(state.var("jeanne_left"), 1);
    assert!(visited(&state, "paris_1968_reunion_door"));
}

#[test]
fn e3_refusing_twice_with_the_bag_unopened() {
    let ids = film_then(
        "
        16: open ask_in wedding_cups ask_years embrace continue
        17: lampshade tell_routes refuse wait refuse continue
        E3: write_song ask_jeanne
    ",
    );
    let state = play_to(1, &ids, "e3_bag_stays_shut", "end_e3_bag_stays_shut");
    assert_eq!(state.var("refusals"), 2);
    assert_eq!(state.var("docs_passed"), 0);
}

#[test]
fn e4_denouncing_song_in_beijing_needs_three_clues() {
    let ids = script(
        "
        1: front deny defend gossip continue
        2: coat_on laugh invite continue
        3: show_card new_plays watch_house ask_neighbour tell_fang goodnight continue
        4: magazines cover_cup ask_life fool continue
        5: lock please_advise ignore nothing straight_there
        6: demand accept continue records continue
        7: joke continue ask_name biscuits continue let_her grey continue
        8: play_down mistress continue weekly continue
        9: compliment demur dance continue
        10: reach_lamp how_long doctor street_plan continue
        11: ask_where name doubt press held_child
        12: sleeve hold_look shield trade credit continue
        13: sorry denounce tell_all
        E4: all_of_it look_photo
    ",
    );
    let state = play_to(1, &ids, "e4_counter_intelligence", "end_e4_beijing_folder");
    assert!(state.var("clues") >= 3);

    // With fewer clues (and suspicion under 60) the denunciation is shown but dimmed.
    let film = script(FILM_TO_15);
    let through_13 = film.iter().rposition(|&c| c == "defend").unwrap() + 1;
    let early = play(1, &film[..through_13]);
    assert_eq!(early.scene, "beijing_1966_recall_terms");
    let denounce = engine::choices(shipped(), &early)
        .into_iter()
        .find(|c| c.id == "denounce")
        .expect("denounce is shown");
    assert!(!denounce.enabled && denounce.reason.is_some());
}

#[test]
fn e4_going_to_counter_intelligence_in_paris() {
    let ids = film_then(
        "
        16: open ask_in wedding_cups ask_years embrace continue
        17: lampshade tell_routes bring kitchen continue report go_in
        E4: give_number ask_boy
    ",
    );
    let state = play_to(1, &ids, "e4_counter_intelligence", "end_e4_paris");
    assert_eq!(state.var("docs_passed"), 1);
}

#[test]
fn e5_burning_the_letters_in_1965() {
    let ids = script(
        "
        1: window deny why_sing concede continue
        2: tisane laugh tell_everything continue
        3: pay for_music watch_house backstage sleeves goodnight continue
        4: magazines cover_cup kiss continue
        5: lock let_off burn continue moreau tell_rest
    ",
    );
    let state = play_to(1, &ids, "e5_return_to_jeanne", "end_e5_beijing_spring");
    assert!(state.var("devotion") <= 20 && state.var("jeanne_trust") >= 70);
}

#[test]
fn e5_burning_the_letters_is_not_enough_for_a_devoted_man() {
    // Devotion over 20: sending the twelfth letter back unopened is shown dimmed, with
    // its reason, and opening it draws him back to Song (beat 6).
    let ids = script(
        "
        1: front admit defend praise continue
        2: coat_on defend_her tell_everything continue
        3: show_card for_music watch_her backstage sleeves ask_when continue
        4: magazines more_tea kiss continue
        5: lock please_advise burn continue
    ",
    );
    let state = play(1, &ids);
    assert!(!state.is_over());
    assert_eq!(state.scene, "beijing_1965_silence_twelfth");
    let moreau = engine::choices(shipped(), &state)
        .into_iter()
        .find(|c| c.id == "moreau")
        .expect("sending it back is shown");
    assert!(!moreau.enabled && moreau.reason.is_some());
    let state = play(1, &[ids, vec!["open_it"]].concat());
    assert_eq!(state.scene, "beijing_1965_silence_last_letter");
}

#[test]
fn e5_closing_the_door_when_jeanne_stayed() {
    let ids = script(
        "
        1: front admit defend praise continue
        2: coat_on defend_her invite continue
        3: show_card for_music watch_her backstage sleeves ask_when continue
        4: magazines more_tea kiss continue
        5: lock please_advise ignore nothing straight_there
        6: demand accept continue records continue
        7: hours continue give_way biscuits continue show_card share continue
        8: own_it force continue americans continue
        9: compliment demur dance continue
        10: ask_lamp divorce marry walk_home continue
        11: take_him look oath to_him held_child
        12: stay_gate hold_look shield watch continue
        13: sorry accept lane
        14: keep_saturdays small_talk brittany continue tours two_tickets continue
        15: close_eyes own_cuff stand_back keep_quiet home say_opera bed continue
        16: open ask_in brown_pot ask_years close let_go continue
        E5: tell_her hand
    ",
    );
    let state = play_to(1, &ids, "e5_return_to_jeanne", "end_e5_paris");
    assert_eq!(state.var("jeanne_left"), 0);
    assert!(state.var("jeanne_trust") >= 60);
    assert!(visited(&state, "paris_1968_reunion_door"));
}

#[test]
fn e6_telling_song_what_he_has_understood() {
    // A René who keeps asking questions and gathers what he sees (the critique, her life,
    // the woman in grey, the midwife, the passport), then says it to her face.
    let ids = script(
        "
        1: window deny why_sing concede continue
        2: tisane laugh invite continue
        3: show_card new_plays watch_house backstage sleeves ask_when continue
        4: magazines cover_cup ask_life what_then continue
        5: lock let_off answer sign_rene continue nothing straight_there
        6: confess_fear insist continue records continue
        7: joke continue ask_name cup continue let_her change continue
        8: play_down caution continue desk continue
        9: compliment demur slip continue
        10: ask_lamp how_long marry midwife continue
        11: take_him name oath to_him held_child
        12: sleeve hold_look shield watch continue
        13: sorry accept lane
        14: china_group small_talk confess continue stay_paris two_tickets continue
        15: read_programme own_cuff pass_cobbles call_out help_student burned go_quietly continue
        16: open ask_in brown_pot ask_years ask_passport stay continue
        17: no_lampshade keep_routes tell say_it continue
        E6: sit ask_real
    ",
    );
    let state = play_to(1, &ids, "e6_without_costume", "end_e6_without_costume");
    assert!(state.var("clues") >= 3);
    assert!(state.var("illusion") <= 30);
}

#[test]
fn jeanne_finds_out_about_frau_baden() {
    // The lie (beat 2) and the nights spent answering letters (beat 5) bring Jeanne's
    // trust under 50 by the soirée; going upstairs then costs 20 more.
    let ids = script(
        "
        1: front deny defend gossip continue
        2: coat_on laugh leave_out continue
        3: show_card for_music watch_her backstage sleeves goodnight continue
        4: magazines more_tea kiss continue
        5: lock please_advise answer sign_rene continue nothing straight_there
        6: demand accept continue cipher_alibi continue
        7: hours continue give_way biscuits continue show_card share continue
        8: own_it force continue weekly continue
        9: work_room hold_court baden look_watch
    ",
    );
    let state = play(1, &ids);
    assert_eq!(state.scene, "beijing_1965_baden_soiree_found");
    assert_eq!(state.var("jeanne_found_baden"), 1);
    // The cipher-room alibi after the first night costs 5 more.
    assert_eq!(state.var("jeanne_trust"), 60 - 5 - 10 - 5 - 20);
}

#[test]
fn frau_baden_offers_herself_only_after_the_gossip() {
    let story = shipped();
    for (first, offered) in [("gossip", true), ("praise", false), ("concede", false)] {
        let mut ids = vec!["front", "deny", "defend", first, "continue"];
        ids.extend(script(
            "2: coat_on laugh invite continue
             3: show_card for_music watch_her backstage sleeves goodnight continue
             4: magazines more_tea kiss continue
             5: lock please_advise answer sign_rene continue nothing straight_there
             6: demand accept continue records continue
             7: hours continue give_way biscuits continue show_card share continue
             8: own_it force continue weekly continue
             9: compliment hold_court",
        ));
        let state = play(1, &ids);
        assert_eq!(state.scene, "beijing_1965_baden_soiree_offer");
        let ids: Vec<String> = engine::choices(story, &state)
            .into_iter()
            .map(|c| c.id)
            .collect();
        assert_eq!(
            ids.iter().any(|i| i == "baden"),
            offered,
            "after `{first}`: {ids:?}"
        );
    }
}

#[test]
fn choosing_the_first_option_always_ends() {
    let story = shipped();
    for seed in 0..32 {
        let (mut state, _) = engine::start(story, seed).unwrap();
        while !state.is_over() {
            assert!(
                state.path.len() < 300,
                "seed {seed}: still going in `{}`",
                state.scene
            );
            let first = engine::choices(story, &state)
                .into_iter()
                .find(|c| c.enabled)
                .unwrap_or_else(|| panic!("seed {seed}: nothing to choose in `{}`", state.scene));
            engine::choose(story, &mut state, &first.id).unwrap();
        }
        assert!(story.ending(state.ending.as_deref().unwrap()).is_some());
    }
}

/// A tiny seeded generator for picking choices (the engine's own rng stays untouched).
struct Pick(u64);

impl Pick {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

#[test]
fn random_playthroughs_end_and_every_scene_shown_has_forty_words() {
    let story = shipped();
    let mut endings = BTreeSet::new();
    for seed in 1..=300u64 {
        let (mut state, _) = engine::start(story, seed).unwrap();
        let mut pick = Pick(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        loop {
            let view = engine::render(story, &state).unwrap();
            let words: usize = view
                .paragraphs
                .iter()
                .map(|p| p.split_whitespace().count())
                .sum();
            // Scenes that answer a choice at once may be short, but never a stub: the
            // files hold 60 words a scene, and conditional text may drop some of them.
            assert!(
                words >= 40,
                "seed {seed}: `{}` shows only {words} words",
                view.id
            );
            if state.is_over() {
                break;
            }
            assert!(state.path.len() < 300, "seed {seed}: no ending");
            let offered: Vec<_> = engine::choices(story, &state)
                .into_iter()
                .filter(|c| c.enabled)
                .collect();
            let id = offered[pick.below(offered.len())].id.clone();
            engine::choose(story, &mut state, &id).unwrap();
        }
        endings.insert(state.ending.unwrap());
    }
    // Random play finds the common endings; the rarer ones have their own scripts.
    assert!(endings.len() >= 4, "{endings:?}");
}

// --- Exhaustive reachability -------------------------------------------------------
//
// `butterfly verify`'s complete search (src/tools/verify.rs) over states abstracted to
// what later conditions can still test: exact, not sampled.

#[test]
fn every_scene_choice_and_ending_is_reachable_and_no_state_is_a_dead_end() {
    let report = verify::verify(shipped(), &verify::Options::default()).unwrap();
    assert!(report.complete, "the search hit its cap: {report}");
    assert!(report.unreachable_scenes.is_empty(), "{report}");
    assert!(report.unreachable_endings.is_empty(), "{report}");
    assert!(report.never_available.is_empty(), "{report}");
    assert!(report.stuck.is_empty(), "{report}");
    assert_eq!(report.inescapable, 0, "{report}");
    assert!(report.is_clean());
}

// --- Shape and texture -------------------------------------------------------------

#[test]
fn every_beat_opens_with_its_date_and_place() {
    let story = shipped();
    // (entry scene, a word its date label must hold, a word its place label must hold)
    let beats = [
        ("beijing_1964_recital", "October 1964", "legation"),
        ("beijing_1964_home", "October 1964", "flat"),
        ("beijing_1964_opera_house", "November 1964", "Qianmen"),
        ("beijing_1964_parlor", "December 1964", "Song"),
        ("beijing_1965_silence", "1965", "embassy"),
        ("beijing_1965_surrender", "March 1965", "Song"),
        ("beijing_1965_pillow_talk", "1965", "Song"),
        ("beijing_1965_forecast", "July 1965", "Toulon"),
        ("beijing_1965_baden_soiree", "October 1965", "Baden"),
        ("beijing_1965_pregnancy", "December 1965", "Song"),
        ("beijing_1966_the_son", "July 1966", "Song"),
        ("beijing_1966_red_august", "August 1966", "courtyard"),
        ("beijing_1966_recall", "November 1966", "Toulon"),
        ("paris_1967_small_life", "1967", "ministry"),
        ("paris_1968_barricades", "10 May 1968", "Palais Garnier"),
        ("paris_1968_reunion", "June 1968", "flat"),
        ("paris_1968_pouch", "September", "courier"),
        (
            "paris_afterwards_trial",
            "December 1968",
            "counter-intelligence",
        ),
        ("paris_afterwards_van", "afterwards", "police van"),
        ("paris_afterwards_last_act", "afterwards", "Fresnes"),
    ];
    for (id, date, place) in beats {
        let s = story
            .scene(id)
            .unwrap_or_else(|| panic!("beat entry `{id}` is missing"));
        assert!(s.date.contains(date), "`{id}` is dated `{}`", s.date);
        assert!(s.place.contains(place), "`{id}` is placed `{}`", s.place);
        assert!(!s.chapter.is_empty(), "`{id}` has no chapter title");
    }
}

fn count_blocks(segs: &[Segment], ifs: &mut usize, one_ofs: &mut usize) {
    for s in segs {
        match s {
            Segment::If(block) => {
                *ifs += 1;
                count_blocks(&block.then, ifs, one_ofs);
                count_blocks(&block.otherwise, ifs, one_ofs);
            }
            Segment::OneOf(_, opts) | Segment::Vary(_, _, opts) => {
                *one_ofs += 1;
                for o in opts {
                    count_blocks(o, ifs, one_ofs);
                }
            }
            Segment::Lit(_) | Segment::Var(_) | Segment::Tag(_) | Segment::EnumVar(..) => {}
        }
    }
}

#[test]
fn text_varies_with_state_and_chance() {
    let story = shipped();
    let (mut ifs, mut one_ofs) = (0, 0);
    for t in story.scenes.iter().flat_map(|s| &s.text) {
        count_blocks(&t.segments, &mut ifs, &mut one_ofs);
    }
    assert!(ifs >= 30, "{ifs} state-variation blocks");
    assert!(one_ofs >= 10, "{one_ofs} random-texture blocks");
}

#[test]
fn the_story_is_at_least_25000_words() {
    let words = shipped().word_count();
    assert!(words >= 25_000, "{words} words");
}

#[test]
fn every_scene_with_text_has_sixty_words_and_the_rest_are_junctions() {
    // A pure transition is a scene with automatic routes and no text at all: the player
    // never sees it. Every scene the player does see carries at least 60 words.
    for s in &shipped().scenes {
        let words: usize = s.text.iter().map(butterfly::story::Text::word_count).sum();
        if s.text.is_empty() {
            assert!(
                s.is_junction(),
                "`{}` has no text but stops the player",
                s.id
            );
        } else {
            assert!(words >= 60, "`{}` has only {words} words", s.id);
        }
    }
}

// --- Comrade Chin speaks on every route ---------------------------------------------
//
// The story bible: "Chin speaks on every route". Every paragraph in which she speaks is
// tagged `{# speaker:chin}`.

const CHIN: &str = "speaker:chin";

/// Whether `t` carries the Chin tag outside any block, so it is shown whenever its
/// scene is.
fn always_tagged_chin(t: &butterfly::story::Text) -> bool {
    t.segments
        .iter()
        .any(|s| matches!(s, Segment::Tag(tag) if tag == CHIN))
}

#[test]
fn no_route_from_the_start_to_an_ending_avoids_chin_speaking() {
    // Take out every scene in which she always speaks; if no ending can then be reached
    // by any exit at all (conditions ignored, so every real route is among these), every
    // real route passes through one of them.
    let story = shipped();
    let speaks: BTreeSet<&str> = story
        .scenes
        .iter()
        .filter(|s| s.text.iter().any(always_tagged_chin))
        .map(|s| s.id.as_str())
        .collect();
    assert!(
        speaks.contains("beijing_1964_opera_house"),
        "the door of the theatre is where every route first hears her: {speaks:?}"
    );
    let mut came_from: HashMap<&str, &str> = HashMap::new();
    let mut queue = std::collections::VecDeque::from([story.start.as_str()]);
    while let Some(id) = queue.pop_front() {
        let scene = story.scene(id).unwrap();
        let next: Vec<&str> = match &scene.exit {
            story::Exit::Choices(list) => list
                .iter()
                .flat_map(|c| {
                    std::iter::once(c.goto.as_str()).chain(c.chance().map(|ch| ch.goto.as_str()))
                })
                .collect(),
            story::Exit::Routes(routes) => routes.iter().map(|r| r.goto.as_str()).collect(),
            story::Exit::Ending(_) => {
                let mut path = vec![id];
                while let Some(prev) = came_from.get(path.last().unwrap()) {
                    path.push(prev);
                }
                path.reverse();
                panic!("a route reaches an ending without Chin speaking: {path:?}");
            }
        };
        for to in next {
            if !speaks.contains(to) && to != story.start && !came_from.contains_key(to) {
                came_from.insert(to, id);
                queue.push_back(to);
            }
        }
    }
}

#[test]
fn chin_speaks_in_every_random_game() {
    let story = shipped();
    for seed in 0..200u64 {
        let (mut state, _) = engine::start(story, seed).unwrap();
        let mut pick = Pick(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let mut heard = 0;
        loop {
            let view = engine::render(story, &state).unwrap();
            heard += view
                .paragraph_tags
                .iter()
                .filter(|tags| tags.iter().any(|t| t == CHIN))
                .count();
            if state.is_over() {
                break;
            }
            let offered: Vec<_> = engine::choices(story, &state)
                .into_iter()
                .filter(|c| c.enabled)
                .collect();
            let id = offered[pick.below(offered.len())].id.clone();
            engine::choose(story, &mut state, &id).unwrap();
        }
        assert!(
            heard > 0,
            "seed {seed}: Chin never speaks on the way to {:?}",
            state.ending
        );
    }
}

#[test]
fn clues_counts_exactly_the_clue_flags_noticed_in_every_random_game() {
    // The `notice_*` named effects are the one way to notice a clue; a clue noticed
    // twice, or a flag set without its count, would break this at the step it happens.
    const CLUES: [&str; 7] = [
        "dan_known",
        "legend",
        "saw_chin",
        "baby_doubt",
        "son_doubt",
        "chin_link",
        "passport",
    ];
    let story = shipped();
    for seed in 0..200u64 {
        let (mut state, _) = engine::start(story, seed).unwrap();
        let mut pick = Pick(seed.wrapping_mul(0x2545_F491_4F6C_DD1D) | 1);
        loop {
            let noticed = CLUES.iter().filter(|c| state.var(c) != 0).count();
            assert_eq!(
                state.var("clues"),
                i64::try_from(noticed).unwrap(),
                "seed {seed}: in `{}` clues is {} but {noticed} clue flags are set",
                state.scene,
                state.var("clues")
            );
            if state.is_over() {
                break;
            }
            let offered: Vec<_> = engine::choices(story, &state)
                .into_iter()
                .filter(|c| c.enabled)
                .collect();
            let id = offered[pick.below(offered.len())].id.clone();
            engine::choose(story, &mut state, &id).unwrap();
        }
    }
}
