//! Normalisers for what people type: full-width digits and letters from Japanese IMEs,
//! half-width katakana, stray spaces. Each returns the canonical form or says it is not one.

mod email;
mod kana;
mod lines;
mod numbers;
mod search;

pub use email::{Email, InvalidEmail};
pub use kana::{InvalidKana, Kana, fold_width};
pub use lines::normalize_newlines;
pub use numbers::{InvalidPhone, InvalidPostalCode, PhoneNumber, PostalCode, digits};
pub use search::{search_fold, search_grams, search_marks};
