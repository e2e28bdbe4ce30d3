//! careboard's own settings, beside the ones every service shares.

use crate::domain::ExportBy;
use crate::files::rebuild::Bounds;
use chrono::Duration;
use common::config::{ConfigError, Vars};

/// How long after writing a post its author may correct or withdraw it: the city's choice,
/// `BOARD_CORRECTION_WINDOW_HOURS` (24 by default), or `BOARD_CORRECTION_WINDOW_SECONDS` for
/// drills and tests.
pub fn correction_window(vars: &Vars) -> Result<Duration, ConfigError> {
    const SECONDS: &str = "BOARD_CORRECTION_WINDOW_SECONDS";
    if vars.get(SECONDS)?.is_some() {
        let s: u32 = vars.parse_required(SECONDS)?;
        return Ok(Duration::seconds(i64::from(s)));
    }
    let hours: u16 = vars.parse_or(
        "BOARD_CORRECTION_WINDOW_HOURS",
        u16::try_from(crate::domain::correction::DEFAULT_WINDOW_HOURS).unwrap_or(24),
    )?;
    Ok(Duration::hours(i64::from(hours)))
}

/// Who may export a record to another system (`BOARD_EXPORT_BY`): `team` (every current member,
/// the default) or `representative` (the team's representative only).
pub fn export_by(vars: &Vars) -> Result<ExportBy, ConfigError> {
    const NAME: &str = "BOARD_EXPORT_BY";
    match vars.get(NAME)?.as_deref() {
        None | Some("team") => Ok(ExportBy::Team),
        Some("representative") => Ok(ExportBy::Representative),
        Some(_) => Err(ConfigError::Invalid {
            name: NAME.to_owned(),
            reason: "expected team or representative".to_owned(),
        }),
    }
}

/// Board files: the size limit per file (`BOARD_FILE_MAX_BYTES`, 10 MB by default), how long
/// an upload waits for its post before it is swept (`BOARD_FILE_PENDING_SECONDS`, an hour), and
/// how many images are rebuilt at once (`BOARD_FILE_REBUILDS`, one).
pub fn files(vars: &Vars) -> Result<(Bounds, Duration, usize), ConfigError> {
    let bounds = Bounds {
        file_bytes: vars.parse_or("BOARD_FILE_MAX_BYTES", Bounds::default().file_bytes)?,
        ..Bounds::default()
    };
    let grace: u32 = vars.parse_or("BOARD_FILE_PENDING_SECONDS", 3600)?;
    let rebuilds: usize = vars.parse_or("BOARD_FILE_REBUILDS", 1)?;
    Ok((bounds, Duration::seconds(i64::from(grace)), rebuilds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_is_a_day_unless_the_city_sets_another() {
        let none: [(&str, &str); 0] = [];
        assert_eq!(
            correction_window(&Vars::from_pairs(none)).unwrap(),
            Duration::hours(24)
        );
        let two = Vars::from_pairs([("BOARD_CORRECTION_WINDOW_HOURS", "2")]);
        assert_eq!(correction_window(&two).unwrap(), Duration::hours(2));
        let drill = Vars::from_pairs([("BOARD_CORRECTION_WINDOW_SECONDS", "0")]);
        assert_eq!(correction_window(&drill).unwrap(), Duration::zero());
        let bad = Vars::from_pairs([("BOARD_CORRECTION_WINDOW_HOURS", "一日")]);
        assert!(correction_window(&bad).is_err());
    }

    #[test]
    fn the_team_exports_unless_the_city_says_the_representative() {
        let none: [(&str, &str); 0] = [];
        assert_eq!(export_by(&Vars::from_pairs(none)).unwrap(), ExportBy::Team);
        let rep = Vars::from_pairs([("BOARD_EXPORT_BY", "representative")]);
        assert_eq!(export_by(&rep).unwrap(), ExportBy::Representative);
        assert!(export_by(&Vars::from_pairs([("BOARD_EXPORT_BY", "代表者")])).is_err());
    }
}
