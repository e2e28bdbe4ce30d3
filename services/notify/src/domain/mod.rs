//! The emails notify writes and the rules of their delivery. They carry no personal or health
//! data: an office name at most, and a link to the portal.

pub mod access;
pub mod delivery;
pub mod templates;

/// An email ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    pub to: String,
    pub subject: String,
    pub body: String,
}
