//! Watching a story directory, so a front end can reload when an author saves a file.
//!
//! Editors save in bursts (write a temporary file, rename it over the old one, touch a
//! backup), so raw file events are debounced: one notification arrives once the
//! directory has been quiet for a moment after a change to a `*.ron` file. Nothing here
//! reloads anything; the front end decides what to do with a notification (see
//! [`super::reload`]).

use std::path::Path;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::Duration;

use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};

/// How long the directory must be quiet before a change is reported.
pub const QUIET: Duration = Duration::from_millis(200);

/// A running watch; dropping it stops watching.
pub struct StoryWatch {
    changes: Receiver<()>,
    // Held only to keep the OS watch alive; dropping it ends the debounce thread.
    _watcher: RecommendedWatcher,
}

impl StoryWatch {
    /// Receives `()` once per burst of changes to story files.
    #[must_use]
    pub fn changes(&self) -> &Receiver<()> {
        &self.changes
    }

    /// Whether anything changed since the last call, without blocking (for a UI tick).
    #[must_use]
    pub fn changed(&self) -> bool {
        let mut any = false;
        while self.changes.try_recv().is_ok() {
            any = true;
        }
        any
    }
}

/// Whether a raw file event is an edit of a story file.
#[must_use]
pub fn is_story_change(event: &notify::Event) -> bool {
    matches!(
        event.kind,
        EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_) | EventKind::Any
    ) && event
        .paths
        .iter()
        .any(|p| p.extension().is_some_and(|e| e == "ron"))
}

/// Watches `dir` recursively, debounced by [`QUIET`].
///
/// # Errors
/// When the directory cannot be watched (missing, or the OS refuses).
pub fn watch(dir: &Path) -> Result<StoryWatch, notify::Error> {
    watch_with(dir, QUIET)
}

/// Watches `dir` recursively, reporting a burst of changes once `quiet` has passed
/// without another.
///
/// # Errors
/// When the directory cannot be watched (missing, or the OS refuses).
pub fn watch_with(dir: &Path, quiet: Duration) -> Result<StoryWatch, notify::Error> {
    let (raw_tx, raw_rx) = mpsc::channel::<notify::Result<notify::Event>>();
    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(raw_tx)?;
    watcher.watch(dir, RecursiveMode::Recursive)?;
    std::thread::Builder::new()
        .name("story-watch".to_owned())
        .spawn(move || {
            // Ends when the watcher (and with it `raw_tx`) is dropped, or nobody listens.
            while let Ok(event) = raw_rx.recv() {
                if !event.is_ok_and(|e| is_story_change(&e)) {
                    continue;
                }
                loop {
                    match raw_rx.recv_timeout(quiet) {
                        Ok(_) => {}
                        Err(RecvTimeoutError::Timeout) => break,
                        Err(RecvTimeoutError::Disconnected) => return,
                    }
                }
                if tx.send(()).is_err() {
                    return;
                }
            }
        })
        .map_err(notify::Error::io)?;
    Ok(StoryWatch {
        changes: rx,
        _watcher: watcher,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{AccessKind, CreateKind, ModifyKind};
    use std::path::PathBuf;

    fn event(kind: EventKind, path: &str) -> notify::Event {
        notify::Event::new(kind).add_path(PathBuf::from(path))
    }

    #[test]
    fn only_edits_of_ron_files_count() {
        assert!(is_story_change(&event(
            EventKind::Modify(ModifyKind::Any),
            "story/a.ron"
        )));
        assert!(is_story_change(&event(
            EventKind::Create(CreateKind::File),
            "story/new.ron"
        )));
        assert!(!is_story_change(&event(
            EventKind::Modify(ModifyKind::Any),
            "story/.a.ron.swp"
        )));
        assert!(!is_story_change(&event(
            EventKind::Access(AccessKind::Any),
            "story/a.ron"
        )));
    }

    #[test]
    fn a_saved_file_is_reported_once_per_burst() {
        let dir = tempfile::tempdir().unwrap();
        let w = watch_with(dir.path(), Duration::from_millis(100)).unwrap();
        for i in 0..3 {
            std::fs::write(dir.path().join("a.ron"), format!("// {i}")).unwrap();
        }
        let first = w.changes().recv_timeout(Duration::from_secs(10));
        assert!(first.is_ok(), "no notification for a saved story file");
        std::thread::sleep(Duration::from_millis(300));
        assert!(!w.changed(), "one burst gave more than one notification");
        std::fs::write(dir.path().join("notes.txt"), "x").unwrap();
        std::thread::sleep(Duration::from_millis(400));
        assert!(!w.changed(), "a non-story file counted as a change");
    }
}
