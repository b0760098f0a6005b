//! Story content: the file format, the checked model, expressions, text and the checker.
//!
//! Nothing here touches the disk or the terminal: the loader takes file contents and
//! returns a [`Story`] plus every [`Diagnostic`].

mod both;
pub mod diag;
pub mod emphasis;
pub mod expr;
mod files;
pub(crate) mod graph;
mod id;
pub mod incremental;
pub mod l10n;
pub mod layout;
pub mod load;
pub mod model;
mod named;
mod passes;
#[allow(missing_docs)] // every field is documented in docs/format.md
pub mod raw;
mod resolve;
mod safe;
pub mod scan;
mod shared_str;
pub mod site;
pub mod spacing;
pub mod text;
pub mod words;

pub use passes::lint;

pub use diag::{Diagnostic, Label, Severity};
pub use incremental::{Reload, Reloader};
pub use load::{Loaded, SourceFile, load, load_classic, load_limited, load_owned, load_unlinted};
pub use model::{
    Chance, Choice, Condition, Ending, Exit, RETURN, Route, Scene, SharedStr, Story, Variable,
};
pub use text::Text;
