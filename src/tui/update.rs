//! [`update`]: the one door through which the interface changes. Messages that are not
//! keys (ticks, sizes, replies from the run loop) are handled here; a key goes to the
//! handler of the screen on top, each in its own file under [`screens`].

use super::app::{App, Command, MenuItem, Msg, Screen, TICK, slot_name};
use super::layout;
use super::screens;
use crate::save::LoadedSave;
use crate::session::Notice;

/// Whether a message comes from a key press (these complete the typewriter).
fn is_key(msg: &Msg) -> bool {
    !matches!(
        msg,
        Msg::Tick
            | Msg::Resize(..)
            | Msg::Slots { .. }
            | Msg::Saved { .. }
            | Msg::Loaded { .. }
            | Msg::ProfileFailed(_)
            | Msg::Interrupt
            | Msg::Suspend
            | Msg::Reload
            | Msg::Resume { .. }
            | Msg::Notice(_)
            | Msg::Restore { .. }
    )
}

/// Applies one message. All interface logic lives here and in the screen handlers; the
/// returned commands are the only way it reaches the outside world.
pub fn update(app: &mut App, msg: Msg) -> Vec<Command> {
    match msg {
        Msg::Tick => return tick(app),
        Msg::Resize(w, h) => {
            app.width = w;
            app.height = h;
            app.fit_scroll();
            return Vec::new();
        }
        Msg::Slots { list, latest, now } => {
            let first = app.slots_at.is_none();
            app.slots = list;
            app.latest = latest;
            app.slots_at = Some(now);
            if first && app.latest.is_some() && app.menu == MenuItem::NewGame {
                app.menu = MenuItem::Continue;
            }
            if app.latest.is_none() && app.menu == MenuItem::Continue {
                app.menu = MenuItem::NewGame;
            }
            return Vec::new();
        }
        Msg::Saved { slot, error, quiet } => {
            match error {
                Some(e) => app.flash(format!("Could not save to {}: {e}", slot_name(&slot))),
                None if !quiet && app.scratch => app.flash(format!(
                    "Saved to {} in a scratch folder (a --from game is not kept).",
                    slot_name(&slot)
                )),
                None if !quiet => app.flash(format!("Saved to {}.", slot_name(&slot))),
                None => {}
            }
            return Vec::new();
        }
        Msg::Loaded { slot, result } => return loaded(app, &slot, result),
        Msg::ProfileFailed(e) => {
            app.flash(format!("Could not save settings: {e}"));
            return Vec::new();
        }
        Msg::Reload => {
            // A replay is a recording of the story it was opened with.
            if app.replay.is_some() {
                app.flash("Replays do not reload the story.");
                return Vec::new();
            }
            let state = app.game.as_ref().map(|g| Box::new(g.state.clone()));
            return vec![Command::Reload(state)];
        }
        Msg::Resume {
            state,
            played,
            note,
        } => {
            app.replay = None;
            let effects = app.session.resume(*state, played);
            return match app.show_session(effects, false, false) {
                Ok((cmds, _)) => {
                    app.flash(note);
                    cmds
                }
                Err(e) => {
                    app.session.end();
                    app.flash(format!("Cannot go on with this game: {e}"));
                    Vec::new()
                }
            };
        }
        Msg::Notice(text) => {
            app.flash(text);
            return Vec::new();
        }
        Msg::Restore {
            stack,
            cursor,
            note,
        } => {
            // The game screen only over a game that came back.
            let fits = match stack.first() {
                Some(Screen::Play) => app.game.is_some(),
                Some(_) => true,
                None => false,
            };
            if fits {
                app.stack = stack;
                app.cursor = cursor;
            }
            app.flash(note);
            return Vec::new();
        }
        Msg::Interrupt | Msg::Suspend => {
            // Saved first either way: a suspended game may never be continued (its
            // job killed, the machine shut down).
            let mut cmds = Vec::new();
            if app.playing() {
                cmds.extend(app.autosave());
            }
            cmds.push(if matches!(msg, Msg::Suspend) {
                Command::Suspend
            } else {
                Command::Quit
            });
            return cmds;
        }
        _ => {}
    }
    debug_assert!(is_key(&msg));
    // Behind the "please enlarge" screen the player sees nothing to act on.
    if !app.fits() {
        return Vec::new();
    }
    app.notice = None;
    match app.screen().clone() {
        Screen::ContentNote => screens::lists::content_note(app, &msg),
        Screen::Title => screens::title::title(app, &msg),
        Screen::Play => screens::play::play(app, &msg),
        Screen::Journal => screens::lists::journal(app, &msg),
        Screen::Help => screens::lists::help(app, &msg),
        Screen::SaveSlots => screens::slots::save_slots(app, &msg),
        Screen::LoadSlots => screens::slots::load_slots(app, &msg),
        Screen::NameSave(slot) => screens::slots::name_save(app, &slot, &msg),
        Screen::ConfirmOverwrite(slot) => screens::slots::confirm_overwrite(app, &slot, &msg),
        Screen::ConfirmQuit => screens::pause::confirm_quit(app, &msg),
        Screen::ConfirmNewGame => screens::title::confirm_new_game(app, &msg),
        Screen::Endings => screens::lists::endings(app, &msg),
        Screen::Reading => screens::lists::reading(app, &msg),
        Screen::Settings => screens::settings::settings(app, &msg),
        Screen::Replay => screens::replay::replay(app, &msg),
        Screen::Pause => screens::pause::pause(app, &msg),
        Screen::Variables => screens::lists::variables(app, &msg),
    }
}

/// Advances the typewriter. It stops where the first page of the scene ends: what lies
/// below is shown at once, so the top of a new scene stays in view, as it does when a
/// key shows everything.
fn tick(app: &mut App) -> Vec<Command> {
    if !app.animating() {
        return Vec::new();
    }
    if app.auto_advancing() {
        return auto_advance(app);
    }
    let step = app.reveal_step().unwrap_or(usize::MAX);
    let area = app.area();
    if let Some(g) = &mut app.game {
        g.revealed = g.skip_read(g.revealed.saturating_add(step).min(g.total));
        if g.revealed >= layout::first_page_end(g, area) {
            g.revealed = g.total;
        }
    }
    app.fit_scroll();
    Vec::new()
}

/// Time left to read before a Continue-only scene goes on by itself: a pause, plus
/// time for the text at an unhurried 15 characters a second.
fn auto_advance_ticks(chars: usize) -> usize {
    const PAUSE_MS: usize = 1500;
    const MS_PER_CHAR: usize = 66;
    (PAUSE_MS + chars * MS_PER_CHAR) / usize::try_from(TICK.as_millis()).unwrap_or(30)
}

fn auto_advance(app: &mut App) -> Vec<Command> {
    let Some(g) = &mut app.game else {
        return Vec::new();
    };
    g.idle += 1;
    if g.idle < auto_advance_ticks(g.total) {
        return Vec::new();
    }
    app.choose(0)
}

/// A [`Command::Load`] answered: the game loaded, with what the session noticed, or
/// why it could not be.
fn loaded(app: &mut App, slot: &str, result: Result<Box<LoadedSave>, String>) -> Vec<Command> {
    match result {
        Ok(save) => {
            let effects = app.session.load(save.into_game());
            let (cmds, notice) = match app.show_session(effects, true, false) {
                Ok(shown) => shown,
                Err(e) => {
                    app.session.end();
                    app.flash(format!("Could not load {}: {e}", slot_name(slot)));
                    return Vec::new();
                }
            };
            app.replay = None;
            match notice {
                Some(Notice::Migrated { migration, backup }) => {
                    // One footer line: the backup's name is in docs/saves.md, not here.
                    let kept = if backup.is_some() {
                        " Old save kept."
                    } else {
                        ""
                    };
                    app.flash(format!("{}{kept}", migration.notice()));
                }
                Some(Notice::StoryChanged) => app.flash(format!(
                    "Loaded {}. The story has changed since, but this game still fits it.",
                    slot_name(slot)
                )),
                None => app.flash(format!("Loaded {}.", slot_name(slot))),
            }
            cmds
        }
        Err(e) => {
            app.flash(format!("Could not load {}: {e}", slot_name(slot)));
            Vec::new()
        }
    }
}
