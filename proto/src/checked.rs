//! Every request a service receives is checked as it is decoded, before any handler sees it: no
//! string may hold NUL (PostgreSQL's text cannot store it, so it would surface as a database
//! error), and a one-line field (a name, a title, a reason typed in one box, an id) may hold no
//! line break. Which fields are multi-line is part of the contract (`build.rs`). A refusal is
//! `INVALID_FIELD` naming the field, like any other wrong field (`crate::errors`), so a service
//! never passes such a string on, whoever calls it.
//!
//! Answers are decoded unchecked: what a service sends back was checked on its way in, and a
//! client must still be able to read what was stored before the check existed.

use crate::errors::Refusal;
use prost::Message;
use std::marker::PhantomData;
use tonic::Status;
use tonic::codec::{BufferSettings, Codec, DecodeBuf, Decoder};
use tonic_prost::{ProstDecoder, ProstEncoder};

/// A message whose strings can be checked; implemented for every message of the contracts.
pub trait Checked {
    /// Whether the message is the input of some RPC, and so checked when a server decodes it.
    const REQUEST: bool;
    /// Who refuses the message: the service of its package.
    const DOMAIN: crate::errors::Domain;
    /// The name of the first field that holds what it may not.
    ///
    /// # Errors
    /// The field's name.
    fn check(&self) -> Result<(), &'static str>;
}

/// A one-line string: no NUL, no CR, no LF.
///
/// # Errors
/// `field` when the value holds any of them.
pub fn line(value: &str, field: &'static str) -> Result<(), &'static str> {
    if value.contains(['\0', '\r', '\n']) {
        Err(field)
    } else {
        Ok(())
    }
}

/// A multi-line text: line breaks are kept, NUL is refused.
///
/// # Errors
/// `field` when the value holds NUL.
pub fn text(value: &str, field: &'static str) -> Result<(), &'static str> {
    if value.contains('\0') {
        Err(field)
    } else {
        Ok(())
    }
}

/// A secret (a password, a token): only NUL is refused, as in a text.
///
/// # Errors
/// `field` when the value holds NUL.
pub fn secret(value: &str, field: &'static str) -> Result<(), &'static str> {
    text(value, field)
}

include!(concat!(env!("OUT_DIR"), "/checked.rs"));

/// Prost's codec, with requests checked once decoded.
#[derive(Debug, Clone)]
pub struct CheckedCodec<T, U> {
    _pd: PhantomData<(T, U)>,
}

impl<T, U> Default for CheckedCodec<T, U> {
    fn default() -> Self {
        Self { _pd: PhantomData }
    }
}

impl<T, U> Codec for CheckedCodec<T, U>
where
    T: Message + Send + 'static,
    U: Message + Checked + Default + Send + 'static,
{
    type Encode = T;
    type Decode = U;
    type Encoder = ProstEncoder<T>;
    type Decoder = CheckedDecoder<U>;

    fn encoder(&mut self) -> Self::Encoder {
        ProstEncoder::new(BufferSettings::default())
    }

    fn decoder(&mut self) -> Self::Decoder {
        CheckedDecoder(ProstDecoder::new(BufferSettings::default()))
    }
}

/// Decodes with prost, then refuses a request whose strings hold what they may not.
#[derive(Debug)]
pub struct CheckedDecoder<U>(ProstDecoder<U>);

impl<U: Message + Checked + Default> Decoder for CheckedDecoder<U> {
    type Item = U;
    type Error = Status;

    fn decode(&mut self, buf: &mut DecodeBuf<'_>) -> Result<Option<U>, Status> {
        let item = self.0.decode(buf)?;
        if U::REQUEST
            && let Some(m) = &item
        {
            m.check()
                .map_err(|field| Refusal::invalid(U::DOMAIN, [field]).into_status())?;
        }
        Ok(item)
    }

    fn buffer_settings(&self) -> BufferSettings {
        self.0.buffer_settings()
    }
}

#[cfg(test)]
mod tests {
    use super::Checked;
    use crate::{careboard, common, identity, offices};

    #[test]
    fn nul_is_refused_in_every_string_of_a_request_nested_ones_included() {
        let post = careboard::CreatePostRequest {
            body: "熱が\0あります".into(),
            ..Default::default()
        };
        assert_eq!(post.check(), Err("body"));
        let actor = careboard::CreatePostRequest {
            actor: Some(common::Actor {
                user_id: "\0".into(),
                ..Default::default()
            }),
            ..Default::default()
        };
        assert_eq!(actor.check(), Err("user_id"));
        let login = identity::LoginRequest {
            password: "pass\0word".into(),
            ..Default::default()
        };
        assert_eq!(login.check(), Err("password"));
    }

    #[test]
    fn one_line_fields_refuse_line_breaks_and_texts_keep_them() {
        let fields = |name: &str, key_notes: &str| careboard::RegisterRecipientRequest {
            fields: Some(careboard::RecipientFields {
                name: name.into(),
                key_notes: key_notes.into(),
                ..Default::default()
            }),
            ..Default::default()
        };
        assert_eq!(fields("高萩\r\n花子", "").check(), Err("name"));
        assert_eq!(
            fields("高萩 花子", "糖尿病\r\n朝食後に服薬").check(),
            Ok(())
        );
        let post = careboard::CreatePostRequest {
            body: "一行目\n二行目".into(),
            category: "連絡\n".into(),
            ..Default::default()
        };
        assert_eq!(post.check(), Err("category"));
        let announcement = offices::SaveAnnouncementRequest {
            title: "お知らせ".into(),
            body: "説明会\n\n- 1月10日".into(),
            ..Default::default()
        };
        assert_eq!(announcement.check(), Ok(()));
        let title = offices::SaveAnnouncementRequest {
            title: "お知\rらせ".into(),
            ..Default::default()
        };
        assert_eq!(title.check(), Err("title"));
    }

    #[test]
    fn a_request_is_refused_in_the_name_of_its_service() {
        use crate::errors::Domain;
        const {
            assert!(matches!(
                <careboard::CreatePostRequest as Checked>::DOMAIN,
                Domain::Careboard
            ))
        };
        const {
            assert!(matches!(
                <identity::LoginRequest as Checked>::DOMAIN,
                Domain::Identity
            ))
        };
        const {
            assert!(matches!(
                <common::StatsRequest as Checked>::DOMAIN,
                Domain::Common
            ))
        };
    }

    #[test]
    fn answers_are_not_requests() {
        const { assert!(!<careboard::Post as Checked>::REQUEST) };
        const { assert!(<careboard::CreatePostRequest as Checked>::REQUEST) };
    }
}
