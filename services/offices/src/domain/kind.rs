use super::DomainError;

/// The kinds of office the guide lists (and 市町村 for the city's own office).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfficeKind {
    Hospital,
    Clinic,
    DentalClinic,
    Pharmacy,
    VisitingNursing,
    CareManagement,
    CommunityCareCenter,
    HomeHelp,
    DayService,
    SmallMultifunction,
    GeriatricHealthFacility,
    NursingHome,
    Municipality,
    Other,
}

impl OfficeKind {
    pub const ALL: [OfficeKind; 14] = [
        OfficeKind::Hospital,
        OfficeKind::Clinic,
        OfficeKind::DentalClinic,
        OfficeKind::Pharmacy,
        OfficeKind::VisitingNursing,
        OfficeKind::CareManagement,
        OfficeKind::CommunityCareCenter,
        OfficeKind::HomeHelp,
        OfficeKind::DayService,
        OfficeKind::SmallMultifunction,
        OfficeKind::GeriatricHealthFacility,
        OfficeKind::NursingHome,
        OfficeKind::Municipality,
        OfficeKind::Other,
    ];

    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            OfficeKind::Hospital => "病院",
            OfficeKind::Clinic => "診療所",
            OfficeKind::DentalClinic => "歯科診療所",
            OfficeKind::Pharmacy => "薬局",
            OfficeKind::VisitingNursing => "訪問看護ステーション",
            OfficeKind::CareManagement => "居宅介護支援事業所",
            OfficeKind::CommunityCareCenter => "地域包括支援センター",
            OfficeKind::HomeHelp => "訪問介護",
            OfficeKind::DayService => "通所介護",
            OfficeKind::SmallMultifunction => "小規模多機能型居宅介護",
            OfficeKind::GeriatricHealthFacility => "介護老人保健施設",
            OfficeKind::NursingHome => "特別養護老人ホーム",
            OfficeKind::Municipality => "市町村",
            OfficeKind::Other => "その他",
        }
    }

    pub fn parse(label: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|k| k.label() == label.trim())
            .ok_or(DomainError::Invalid("kind"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_label_parses_back() {
        for kind in OfficeKind::ALL {
            assert_eq!(OfficeKind::parse(kind.label()), Ok(kind));
        }
        assert!(OfficeKind::parse("コンビニ").is_err());
    }
}
