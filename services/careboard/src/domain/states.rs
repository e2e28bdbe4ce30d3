//! The states careboard keeps of its own records, each with the text its column holds (the
//! migrations' CHECKs): a row read back with any other text is refused, never guessed at.

/// A text that is none of a state's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a {0}")]
pub struct UnknownState(pub &'static str);

/// The enum, its texts one to one (`as_str`, `FromStr`, `TryFrom<String>` for the store's rows)
/// and `ALL` of its values.
macro_rules! stored_state {
    (
        $(#[$meta:meta])*
        $name:ident ($what:literal) {
            $($(#[$vmeta:meta])* $variant:ident => $text:literal,)+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            pub const ALL: &'static [Self] = &[$(Self::$variant,)+];

            /// The text stored for it.
            #[must_use]
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text,)+
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = UnknownState;

            fn from_str(text: &str) -> Result<Self, UnknownState> {
                match text {
                    $($text => Ok(Self::$variant),)+
                    _ => Err(UnknownState($what)),
                }
            }
        }

        impl TryFrom<String> for $name {
            type Error = UnknownState;

            fn try_from(text: String) -> Result<Self, UnknownState> {
                text.parse()
            }
        }
    };
}

stored_state! {
    /// Whether a recipient's board is still shared.
    RecipientStatus ("recipient status") {
        Active => "active",
        /// 共有の終了: read-only from then on, kept, off the home lists.
        Closed => "closed",
    }
}

stored_state! {
    /// Where an incident report stands; the city moves it on.
    IncidentStatus ("incident status") {
        /// 受付: filed, where every report starts.
        Received => "受付",
        /// 対応中: the city is following it up.
        InProgress => "対応中",
        /// 完了: dealt with.
        Done => "完了",
    }
}

stored_state! {
    /// What replaced an earlier text of a post (kept in its history).
    RevisionKind ("revision kind") {
        /// 訂正: a corrected text.
        Edited => "edited",
        /// 取り消し: nothing; the post was withdrawn.
        Withdrawn => "withdrawn",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_reads_back_from_the_text_it_is_stored_as() {
        // The texts of the migrations' CHECKs, and of the rows written so far.
        let recipient: Vec<_> = RecipientStatus::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(recipient, ["active", "closed"]);
        let incident: Vec<_> = IncidentStatus::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(incident, ["受付", "対応中", "完了"]);
        let revision: Vec<_> = RevisionKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(revision, ["edited", "withdrawn"]);
        for s in RecipientStatus::ALL {
            assert_eq!(RecipientStatus::try_from(s.as_str().to_owned()), Ok(*s));
        }
        for s in IncidentStatus::ALL {
            assert_eq!(IncidentStatus::try_from(s.as_str().to_owned()), Ok(*s));
        }
        for k in RevisionKind::ALL {
            assert_eq!(RevisionKind::try_from(k.as_str().to_owned()), Ok(*k));
        }
    }

    #[test]
    fn any_other_text_is_refused() {
        for text in ["", "Active", " closed", "suspended"] {
            assert_eq!(
                text.parse::<RecipientStatus>(),
                Err(UnknownState("recipient status"))
            );
        }
        assert!("終わり".parse::<IncidentStatus>().is_err());
        assert!(" 完了".parse::<IncidentStatus>().is_err());
        assert!("deleted".parse::<RevisionKind>().is_err());
    }
}
