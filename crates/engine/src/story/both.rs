//! Two pieces of a load's work at once: one on the loader's thread, the other on a
//! second thread, when the machine has a second processor to run it.
//!
//! The load of a large story ends with passes over the whole of it on one thread
//! (issue 16); the independent ones are split here. Whatever happens to the second
//! thread, both pieces are done: one that cannot start runs on the loader's thread
//! after the first, and a panic in it is the loader's panic, as it would have been.

use std::sync::Mutex;

/// The second thread's stack: more than the 1.5 MiB the depth limits keep any pass
/// within (docs/guarantees.md), whatever `RUST_MIN_STACK` says.
pub(crate) const STACK: usize = 2 << 20;

/// Scenes from which a pass over them pays for a second thread (starting one costs tens
/// of microseconds; a pass over 4,096 scenes takes about a millisecond).
pub(crate) const SCENES: usize = 4096;

/// Whether a second thread can run beside this one.
pub(crate) fn two_processors() -> bool {
    std::thread::available_parallelism().is_ok_and(|n| n.get() >= 2)
}

/// `(first(), second())`, with `second` on another thread when that is `worth` it and
/// there is a processor for it.
pub(crate) fn both<A, B>(
    worth: bool,
    first: impl FnOnce() -> A,
    second: impl FnOnce() -> B + Send,
) -> (A, B)
where
    B: Send,
{
    if !worth || !two_processors() {
        return (first(), second());
    }
    // The work is left here until the thread takes it, so that it can still be done
    // here when the thread cannot start.
    let work = Mutex::new(Some(second));
    let (a, b) = std::thread::scope(|scope| {
        let helper = std::thread::Builder::new()
            .name("story-load".into())
            .stack_size(STACK)
            .spawn_scoped(scope, || {
                let f = work.lock().ok().and_then(|mut w| w.take());
                f.map(|f| f())
            });
        let a = first();
        let b = match helper.map(std::thread::ScopedJoinHandle::join) {
            Ok(Ok(b)) => b,
            Ok(Err(panic)) => std::panic::resume_unwind(panic),
            Err(_) => None,
        };
        (a, b)
    });
    let b = b.unwrap_or_else(|| {
        let f = work
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .expect("the work is done by one thread only");
        f()
    });
    (a, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_pieces_are_done_and_given_back_in_order() {
        let mut left = vec![1, 2, 3];
        let mut right = vec![4, 5];
        let (a, b) = both(
            true,
            || {
                left.push(0);
                left.len()
            },
            || {
                right.push(0);
                right.iter().sum::<i32>()
            },
        );
        assert_eq!((a, b), (4, 9));
        assert_eq!(left, [1, 2, 3, 0]);
        assert_eq!(right, [4, 5, 0]);
    }
}
