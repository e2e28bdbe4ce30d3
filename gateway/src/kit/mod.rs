//! Small text mechanisms the areas share: escaping and linking, CSV.

pub mod csv;
pub mod text;
