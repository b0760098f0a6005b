//! `butterfly play`: the terminal game on a terminal, else (or with `--plain`) the
//! line-mode player. `--from SCENE --set NAME=VALUE` begins anywhere: an author's test
//! that never touches the player's saves.

use std::io::{self, IsTerminal};
use std::path::Path;

use super::{CliError, PlayArgs, load_reloader, load_story};
use crate::engine::{self, GameState};
use crate::plain::{Outcome, PlainPlayer};
use crate::save::SaveStore;
use crate::story::Story;
use crate::tui::{Begin, header};

fn clock_seed() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() ^ u64::from(d.subsec_nanos()))
}

/// The game `--from`/`--set` ask for, or `None` for the story's beginning.
fn opening(story: &Story, seed: u64, args: &PlayArgs) -> Result<Option<GameState>, CliError> {
    if args.from.is_none() && args.set.is_empty() {
        return Ok(None);
    }
    let scene = args.from.as_deref().unwrap_or(&story.start);
    match engine::start_at(story, seed, scene, &args.set) {
        Ok((state, _)) => Ok(Some(state)),
        Err(e @ engine::StartAtError::Engine(_)) => Err(CliError::Input(format!(
            "butterfly: cannot start in `{scene}`: {e}"
        ))),
        Err(e) => Err(CliError::CannotRun(format!("butterfly: {e}"))),
    }
}

/// Plays the game.
///
/// # Errors
/// The story does not load or cannot start there; the terminal fails; a plain game is
/// stuck in a scene with no available choice.
pub fn play(
    story_dir: Option<&Path>,
    saves: Option<&Path>,
    args: &PlayArgs,
) -> Result<(), CliError> {
    let interactive = io::stdin().is_terminal() && io::stdout().is_terminal();
    let from_the_title = args.lang.is_none() && args.from.is_none() && args.set.is_empty();
    if story_dir.is_none()
        && !args.plain
        && interactive
        && from_the_title
        && let Some(header) = header::embedded_header().and_then(header::header_story)
    {
        return play_while_compiling(&header, saves, args);
    }
    let terminal_game = !args.plain && interactive;
    // A story folder played in the terminal is loaded into the reloader that the
    // author's edits patch, so that the first file saved is recompiled alone.
    let begin = match story_dir {
        Some(dir) if terminal_game => Begin::Reloadable(load_reloader(dir)?),
        _ => Begin::Compiled(load_story(story_dir)?),
    };
    let Some(base) = begin.story() else {
        return Err(CliError::CannotRun(
            "butterfly: the story did not load".into(),
        ));
    };
    // Checked here, before any terminal is set up, so a missing translation is a
    // plain error message. Untranslated, the story is borrowed, not copied.
    let translated = match &args.lang {
        Some(lang) => Some(super::l10n::translated(base, story_dir, lang)?.0),
        None => None,
    };
    let story = translated.as_ref().unwrap_or(base);
    let seed = args.seed.unwrap_or_else(clock_seed);
    let store = SaveStore::new(SaveStore::resolve_dir(saves));
    let start = opening(story, seed, args)?;
    if terminal_game {
        // The terminal game translates the story itself: its language setting can
        // switch it while it runs.
        return play_tui(None, || Some(begin), story_dir, &store, seed, args, start);
    }
    let player = match start {
        // A game begun in the middle is an author's test: it must not take the
        // player's autosave or mark endings found in their profile, so it has no saves.
        Some(state) => PlainPlayer::resume(story, state),
        None => PlainPlayer::new(story, seed)
            .map_err(|e| CliError::Input(format!("butterfly: {e}")))?
            .with_saves(&store),
    };
    let mut player = player.with_tags(args.tags);
    let stdin = io::stdin();
    let mut input = stdin.lock();
    let mut out = crate::printer::stdout();
    match player.run(&mut input, &mut out) {
        Ok(Outcome::Stuck) => Err(CliError::Found),
        Ok(_) => Ok(()),
        Err(e) => CliError::output(&e),
    }
}

/// The built-in story in the terminal, from its title screen, which is drawn from the
/// story's `header` while the story compiles on another thread (see `tui::header`).
/// Errors are those of [`play`]: a story that does not load is reported once the
/// terminal is restored.
fn play_while_compiling(
    header: &Story,
    saves: Option<&Path>,
    args: &PlayArgs,
) -> Result<(), CliError> {
    let loading = std::thread::spawn(|| load_story(None));
    let mut failed = None;
    let compiled = || match loading.join() {
        Ok(Ok(story)) => Some(Begin::Compiled(story)),
        Ok(Err(e)) => {
            failed = Some(e);
            None
        }
        Err(panic) => std::panic::resume_unwind(panic),
    };
    let store = SaveStore::new(SaveStore::resolve_dir(saves));
    let seed = args.seed.unwrap_or_else(clock_seed);
    let result = play_tui(Some(header), compiled, None, &store, seed, args, None);
    match failed {
        Some(e) => Err(e),
        None => result,
    }
}

/// The terminal game, given the untranslated story (`story`, waited for after a
/// first frame drawn from `header`, if given): it plays it in `--lang`, else in
/// the language of the player's settings. With `--story DIR` it reloads the story on
/// F5 and whenever a file changes. A game begun with `--from` is an author's test: it saves into a
/// throwaway directory, never over the player's autosave or profile.
fn play_tui(
    header: Option<&Story>,
    story: impl FnOnce() -> Option<Begin>,
    story_dir: Option<&Path>,
    store: &SaveStore,
    seed: u64,
    args: &PlayArgs,
    start: Option<GameState>,
) -> Result<(), CliError> {
    let opening = crate::session::Opening {
        scene: args.from.clone(),
        overrides: args.set.clone(),
    };
    let scratch = start
        .is_some()
        .then(|| std::env::temp_dir().join(format!("butterfly-from-{}", std::process::id())));
    let scratch_store = scratch.clone().map(SaveStore::new);
    let live = crate::tui::Live {
        dir: story_dir.map(Path::to_path_buf),
        opening,
        scratch: scratch.is_some(),
        language: args.lang.clone(),
    };
    let result = crate::tui::run_live_loading(
        header,
        story,
        scratch_store.as_ref().unwrap_or(store),
        seed,
        Some(&live),
        start,
    );
    if let Some(dir) = scratch {
        let _ = std::fs::remove_dir_all(dir);
    }
    result.map_err(|e| CliError::CannotRun(format!("butterfly: {e}")))
}
