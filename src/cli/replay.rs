//! `butterfly replay SAVE`: check a save, print its transcript, or step through it.
//! Exit 0 when the save replays exactly, 1 when it diverges or is refused, 2 when it
//! cannot be read at all.

use std::io::{self, IsTerminal, Write};
use std::path::Path;

use super::{CliError, ReplayArgs, load_story};
use crate::replay::{Recording, write_transcript};
use crate::sanitize::for_terminal;
use crate::save::{self, SaveError, SaveStore};

/// Replays the save `args.save`.
///
/// # Errors
/// The story does not load; the save cannot be read, is refused or diverges; output or
/// the terminal fails.
pub fn replay(
    story_dir: Option<&Path>,
    saves: Option<&Path>,
    args: &ReplayArgs,
) -> Result<(), CliError> {
    let story = load_story(story_dir)?;
    let loaded = save::load_file(&args.save, &story).map_err(|e| {
        // A save's path and the OS's words are printed here, at the edge.
        let msg = format!("butterfly: {}", for_terminal(&e.to_string()));
        if matches!(e, SaveError::NotFound { .. } | SaveError::Io { .. }) {
            CliError::CannotRun(msg)
        } else {
            CliError::Input(msg)
        }
    })?;
    let shown = args.save.display();
    // `--verify` only checks, whatever else is asked: scripts want one line and a code.
    if !args.verify {
        let recording = Recording::of_game(&story, &loaded.state)
            .map_err(|e| CliError::Input(format!("butterfly: cannot replay `{shown}`: {e}")))?;
        let written = if args.plain {
            write_transcript(&story, &recording, &mut crate::printer::stdout())
        } else {
            let store = SaveStore::new(SaveStore::resolve_dir(saves));
            // On a terminal, the viewer; piped, the transcript.
            if io::stdin().is_terminal() && io::stdout().is_terminal() {
                crate::tui::run_replay(&story, &store, &recording)
            } else {
                write_transcript(&story, &recording, &mut crate::printer::stdout())
            }
        };
        match written {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return Ok(()),
            Err(e) => return CliError::output(&e),
        }
    }
    if let Some(d) = &loaded.divergence {
        return Err(CliError::Input(format!(
            "butterfly: `{shown}` diverges from the story at {d}"
        )));
    }
    if args.verify {
        let steps = loaded.state.path.len();
        let note = if loaded.story_changed {
            " (the story has changed since, but the replay holds)"
        } else {
            ""
        };
        let _ = writeln!(
            crate::printer::stdout(),
            "ok: `{shown}` replays exactly, {steps} choices{note}"
        );
    }
    Ok(())
}
