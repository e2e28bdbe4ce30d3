//! The scene most workflow tests start from, set up once: a throwaway stack, the operator signed
//! in, and the two offices of `people::two_offices` with their devices in the stack's directory.

use crate::api::Session;
use crate::people::{self, TwoOffices};
use crate::{Stack, StackOptions};

pub struct TwoOfficesScene {
    pub stack: Stack,
    pub op: Session,
    pub w: TwoOffices,
    /// Declared last, so that it is removed after the stack has stopped.
    pub dir: tempfile::TempDir,
}

/// A stack in a temporary directory named `prefix…` (its options changed by `tune`), the
/// operator signed in and the two offices registered, each with an enrolled device.
pub async fn two_offices(
    prefix: &str,
    tune: impl FnOnce(StackOptions) -> StackOptions,
) -> anyhow::Result<TwoOfficesScene> {
    let (dir, stack) = Stack::in_temp_dir(prefix, tune).await?;
    let op = people::operator(&stack).await?;
    let w = people::two_offices(&stack, &op, &dir.path().join("devices")).await?;
    Ok(TwoOfficesScene { stack, op, w, dir })
}
