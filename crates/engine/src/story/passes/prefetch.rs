//! Files parsed on two threads while the loader compiles them in order.
//!
//! Compiling chapters as they are parsed ([`super::stream`]) leaves a load as long as
//! the parse plus the compile. The two need not wait for each other: a second thread
//! parses files in the order the loader will ask for them, a few ahead at most, while
//! this thread compiles; and when this thread would otherwise wait for a parse, it
//! parses the next file nobody has taken yet itself. The loader still takes the parses
//! one by one, in the same order, so what it does — and every diagnostic — is the same
//! as parsing here; only the waiting is gone (issue 16: a full load in about the time
//! of the parse). Where no thread can be started, files are parsed here, as before.

use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::Scope;

use super::super::raw::{self, RawFile};
use super::super::scan::FileText;

/// How many files past the one the loader is compiling may be parsed and waiting, at
/// most: this bounds the memory held by parses ahead of the compile.
const AHEAD: usize = 3;

/// The files to parse, in order, and where their parses come from.
pub enum Prefetch<'s, 'a> {
    /// Parsed by whichever of the two threads takes them first.
    Shared(&'s Shelf<'a>),
    /// Parsed here when asked for.
    Here(std::vec::IntoIter<(usize, FileText<'a>)>),
}

/// What both threads share: the files, and each file's parse once made.
pub struct Shelf<'a> {
    state: Mutex<State<'a>>,
    /// Signalled when a parse is put on the shelf, when the loader takes one (room
    /// ahead), and when the loader stops.
    changed: Condvar,
}

struct State<'a> {
    /// The files in the order the loader takes them; a file's text is taken out when
    /// a thread starts parsing it.
    texts: Vec<(usize, Option<FileText<'a>>)>,
    /// Each file's parse, once made.
    parses: Vec<Slot>,
    /// The next file no thread has started on.
    next_free: usize,
    /// The next file the loader will take.
    next_taken: usize,
    /// Set when the loader is done (it gave up, or took every file).
    stopped: bool,
}

/// One file's place on the shelf.
#[allow(clippy::large_enum_variant)] // one per file, made once: a box would cost more
enum Slot {
    /// Not parsed yet, or already taken.
    Empty,
    /// Parsed: the parse, `None` on a syntax error.
    Made(Option<RawFile>),
}

impl<'a> Shelf<'a> {
    /// A shelf of `files` (index and text, in the order they will be asked for).
    pub fn new(files: Vec<(usize, FileText<'a>)>) -> Self {
        let n = files.len();
        Self {
            state: Mutex::new(State {
                texts: files.into_iter().map(|(i, t)| (i, Some(t))).collect(),
                parses: (0..n).map(|_| Slot::Empty).collect(),
                next_free: 0,
                next_taken: 0,
                stopped: false,
            }),
            changed: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State<'a>> {
        // A parse that panicked poisons nothing this holds half-made.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn wait<'g>(&self, g: MutexGuard<'g, State<'a>>) -> MutexGuard<'g, State<'a>> {
        self.changed.wait(g).unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes the next file nobody has started on, if it is within [`AHEAD`] of the
    /// loader: its position and text.
    fn claim(g: &mut State<'a>) -> Option<(usize, Option<FileText<'a>>)> {
        let at = g.next_free;
        if at >= g.texts.len() || at > g.next_taken + AHEAD {
            return None;
        }
        g.next_free += 1;
        Some((at, g.texts[at].1.take()))
    }

    /// Parses `text` without holding the lock, then shelves its parse. A text already
    /// taken (never, in practice) shelves a failed parse, so the loader never waits for
    /// a parse that will not come.
    fn parse_and_shelve(&self, at: usize, text: Option<FileText<'a>>) {
        // A parser that panicked (a bug) must not leave the loader waiting: the parse
        // counts as failed, and the classic passes parse the file again on the
        // loader's own thread, where the panic shows as it would have without this one.
        let parsed = text.and_then(|text| {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| parse(text.as_str())))
                .ok()
                .flatten()
        });
        self.lock().parses[at] = Slot::Made(parsed);
        self.changed.notify_all();
    }

    /// The second thread: parses files as long as the loader wants them.
    fn parse_ahead(&self) {
        let mut g = self.lock();
        loop {
            if g.stopped {
                return;
            }
            match Self::claim(&mut g) {
                Some((at, text)) => {
                    drop(g);
                    self.parse_and_shelve(at, text);
                    g = self.lock();
                }
                None if g.next_free >= g.texts.len() => return,
                None => g = self.wait(g),
            }
        }
    }

    /// The loader: the parse of the next file, parsing a file itself while it waits.
    fn take(&self) -> Option<(usize, Option<RawFile>)> {
        let mut g = self.lock();
        loop {
            let at = g.next_taken;
            if at >= g.texts.len() {
                return None;
            }
            if let Slot::Made(parsed) = std::mem::replace(&mut g.parses[at], Slot::Empty) {
                g.next_taken += 1;
                let file = g.texts[at].0;
                drop(g);
                self.changed.notify_all();
                return Some((file, parsed));
            }
            match Self::claim(&mut g) {
                Some((ahead, text)) => {
                    drop(g);
                    self.parse_and_shelve(ahead, text);
                    g = self.lock();
                }
                None => g = self.wait(g),
            }
        }
    }

    /// The loader is done: the second thread stops after the parse it is making.
    fn stop(&self) {
        self.lock().stopped = true;
        self.changed.notify_all();
    }
}

impl<'s, 'a> Prefetch<'s, 'a> {
    /// Starts a second thread of `scope` parsing the files on `shelf`, or prepares to
    /// parse them here when the thread cannot start or there is too little to gain.
    pub fn start<'scope>(scope: &'scope Scope<'scope, '_>, shelf: &'s Shelf<'a>) -> Self
    where
        's: 'scope,
        'a: 'scope,
    {
        // One file, or one processor, leaves nothing to overlap.
        let many = shelf.lock().texts.len() >= 2 && super::super::both::two_processors();
        if many
            && std::thread::Builder::new()
                .name("story-parse".into())
                .stack_size(super::super::both::STACK)
                .spawn_scoped(scope, move || shelf.parse_ahead())
                .is_ok()
        {
            return Prefetch::Shared(shelf);
        }
        let mut g = shelf.lock();
        let files: Vec<_> = g
            .texts
            .iter_mut()
            .filter_map(|(i, t)| Some((*i, t.take()?)))
            .collect();
        Prefetch::Here(files.into_iter())
    }

    /// The parse of the next file, which must be `file`; `None` when it has a syntax
    /// error (the classic parse pass reports it).
    pub fn next(&mut self, file: usize) -> Option<RawFile> {
        let (at, parsed) = match self {
            Prefetch::Shared(shelf) => shelf.take()?,
            Prefetch::Here(files) => {
                let (at, text) = files.next()?;
                (at, parse(text.as_str()))
            }
        };
        debug_assert_eq!(at, file, "files are parsed in the order they are taken");
        if at == file { parsed } else { None }
    }
}

impl Drop for Prefetch<'_, '_> {
    fn drop(&mut self) {
        if let Prefetch::Shared(shelf) = self {
            shelf.stop();
        }
    }
}

fn parse(text: &str) -> Option<RawFile> {
    raw::ron_options().from_str::<RawFile>(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Chapters `0..n`, every fifth with a syntax error.
    fn texts(n: usize) -> Vec<String> {
        (0..n)
            .map(|k| {
                if k % 5 == 3 {
                    format!("Chapter(title: \"{k}\", scenes: [")
                } else {
                    format!("Chapter(title: \"{k}\", scenes: [])")
                }
            })
            .collect()
    }

    fn shelf(texts: &[String]) -> Shelf<'_> {
        // Files in an order other than their indices, as headers come first.
        Shelf::new(
            texts
                .iter()
                .enumerate()
                .rev()
                .map(|(i, t)| (i, FileText::Borrowed(t)))
                .collect(),
        )
    }

    #[test]
    fn parses_come_in_the_order_asked_for_whichever_thread_made_them() {
        let texts = texts(40);
        let shelf = shelf(&texts);
        std::thread::scope(|scope| {
            let mut files = Prefetch::start(scope, &shelf);
            if std::thread::available_parallelism().is_ok_and(|n| n.get() >= 2) {
                assert!(matches!(files, Prefetch::Shared(_)), "no second thread");
            }
            for i in (0..texts.len()).rev() {
                assert_eq!(files.next(i), parse(&texts[i]), "file {i}");
            }
        });
    }

    #[test]
    fn the_loader_parses_every_file_itself_when_no_thread_helps() {
        let texts = texts(12);
        let shelf = shelf(&texts);
        for i in (0..texts.len()).rev() {
            let (at, parsed) = shelf.take().expect("a file is left");
            assert_eq!(at, i);
            assert_eq!(parsed, parse(&texts[i]));
        }
        assert!(shelf.take().is_none(), "every file was taken");
    }

    #[test]
    fn a_loader_that_stops_early_leaves_no_thread_behind() {
        // The scope ends only when the second thread has: this returns, or hangs.
        let texts = texts(200);
        let shelf = shelf(&texts);
        std::thread::scope(|scope| {
            let mut files = Prefetch::start(scope, &shelf);
            assert_eq!(files.next(199), parse(&texts[199]));
        });
        let g = shelf.lock();
        assert!(g.stopped);
        assert!(
            g.next_free <= 1 + AHEAD + 1,
            "parsed {} files ahead of a loader that took one",
            g.next_free
        );
    }

    #[test]
    fn one_file_is_parsed_here() {
        let texts = texts(1);
        let shelf = shelf(&texts);
        std::thread::scope(|scope| {
            let mut files = Prefetch::start(scope, &shelf);
            assert!(matches!(files, Prefetch::Here(_)));
            assert_eq!(files.next(0), parse(&texts[0]));
        });
    }
}
