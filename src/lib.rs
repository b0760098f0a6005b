//! **Butterfly**: a branching retelling of *M. Butterfly* played in a terminal, and the
//! scene-graph engine underneath it.
//!
//! Layers, inward only: [`cli`] → front ends ([`tui`], [`plain`], [`replay`]) and
//! authoring [`tools`] → [`save`] → [`session`] → [`engine`] → [`story`]; no front end
//! imports another. `story`, `engine` and `session` (the `butterfly-engine` crate) do no
//! I/O and know nothing of terminals. See `ARCHITECTURE.md`.
//!
//! ```
//! use butterfly::{engine, source, story};
//!
//! let loaded = story::load(&source::embedded());
//! let story = loaded.story.expect("the shipped story has no errors");
//! let (mut state, _events) = engine::start(&story, 42).unwrap();
//! while !state.is_over() && state.path.len() < 500 {
//!     let first = engine::choices(&story, &state)
//!         .into_iter()
//!         .find(|c| c.enabled)
//!         .expect("every scene offers a way on");
//!     engine::choose(&story, &mut state, &first.id).unwrap();
//! }
//! assert!(state.is_over());
//! ```

pub mod cli;
pub mod explain;
pub mod plain;
pub mod printer;
pub mod replay;
pub mod report;
pub mod save;
pub mod source;
pub mod synth;
pub mod tools;
pub mod tui;

// The pure core lives in its own crate (crates/engine) so the compiler keeps it free of
// terminal and file I/O; re-exported so `butterfly::story` and friends keep working.
pub use butterfly_engine::{engine, limits, sanitize, session, story};

// Every program built on this crate (the game, its tools, tests, benchmarks) allocates
// through mimalloc (version 2: it returns freed memory to the system after 10 ms, where
// version 3 keeps it for a second). A load makes millions of small strings and vectors
// on two threads (story/passes/prefetch.rs), and many are freed by the thread that did
// not make them: the system allocator makes that slower than one thread alone
// (docs/performance.md, seventh round).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
