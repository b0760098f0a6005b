//! Files parsed ahead on a second thread while the loader compiles the ones before.
//!
//! Compiling chapters as they are parsed ([`super::stream`]) leaves a load as long as
//! the parse plus the compile. The two need not wait for each other: a second thread
//! parses the files in the order the loader will ask for them and hands each parse
//! over, a few files ahead at most (the channel is bounded, so memory is too), while
//! this thread compiles. The loader still takes the files one by one, in the same
//! order, so what it does — and every diagnostic — is the same as parsing here; only
//! the waiting is gone (issue 16: a full load in the time of the parse). Where no
//! thread can be started, files are parsed here, as before.

use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::Scope;

use super::super::raw::{self, RawFile};
use super::sources::ParserText;

/// Parses handed over but not yet taken, at most: each is one file's parse, so this
/// bounds what the parsing thread may hold ahead of the compile.
const AHEAD: usize = 2;

/// The files to parse, in order, and where their parses come from.
pub enum Prefetch<'a> {
    /// Parsed on a second thread.
    Ahead(Receiver<(usize, Option<RawFile>)>),
    /// Parsed here when asked for.
    Here(std::vec::IntoIter<(usize, ParserText<'a>)>),
}

impl<'a> Prefetch<'a> {
    /// Starts parsing `files` (index and text, in the order they will be asked for) on
    /// a thread of `scope`, or prepares to parse them here when the thread cannot start
    /// or there is too little to gain.
    pub fn start<'scope>(
        scope: &'scope Scope<'scope, '_>,
        files: Vec<(usize, ParserText<'a>)>,
    ) -> Self
    where
        'a: 'scope,
    {
        if files.len() < 2 {
            return Prefetch::Here(files.into_iter());
        }
        let (send, receive) = sync_channel(AHEAD);
        // The files go to the thread only once it runs; if it cannot start, they come
        // back to be parsed here.
        let (give, take) = sync_channel::<Vec<(usize, ParserText<'a>)>>(1);
        let started = std::thread::Builder::new()
            .name("story-parse".into())
            .spawn_scoped(scope, move || {
                if let Ok(files) = take.recv() {
                    parse_all(files, &send);
                }
            });
        match started {
            Ok(_) => {
                // Cannot fail: the thread holds the receiving end until it has the files.
                let _ = give.send(files);
                Prefetch::Ahead(receive)
            }
            Err(_) => Prefetch::Here(files.into_iter()),
        }
    }

    /// The parse of the next file, which must be `file`; `None` when it has a syntax
    /// error (the classic parse pass reports it).
    pub fn next(&mut self, file: usize) -> Option<RawFile> {
        let (at, parsed) = match self {
            Prefetch::Ahead(receive) => receive.recv().ok()?,
            Prefetch::Here(files) => {
                let (at, text) = files.next()?;
                (at, parse(text.as_str()))
            }
        };
        debug_assert_eq!(at, file, "files are parsed in the order they are taken");
        if at == file { parsed } else { None }
    }
}

/// The parsing thread: each file in turn, until the loader stops taking them.
fn parse_all(files: Vec<(usize, ParserText<'_>)>, send: &SyncSender<(usize, Option<RawFile>)>) {
    for (at, text) in files {
        let parsed = parse(text.as_str());
        // The text's share is let go here; the loader lets go of its own.
        drop(text);
        if send.send((at, parsed)).is_err() {
            // The loader stopped (the early compile gave up): nothing more is wanted.
            return;
        }
    }
}

fn parse(text: &str) -> Option<RawFile> {
    raw::ron_options().from_str::<RawFile>(text).ok()
}
