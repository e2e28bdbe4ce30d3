//! What the areas share and that belongs to no area: the page pieces several areas show, and
//! small text mechanisms (escaping and linking, CSV). It imports no area.

pub mod csv;
pub mod pieces;
pub mod states;
pub mod text;
