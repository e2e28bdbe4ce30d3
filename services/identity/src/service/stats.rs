//! 運営状況の報告: what identity counts for the city, per month of the chosen period.

use super::Identity;
use crate::domain::DomainError;
use crate::domain::access::{self, Actor};
use crate::error::Result;
use common::stats::MonthRange;

pub struct IdentityStats {
    pub staff_by_profession: Vec<(String, u64)>,
    pub staff_by_profession_monthly: Vec<(String, Vec<(String, u64)>)>,
    pub active_users: Vec<(String, u64)>,
    pub certificates_issued: Vec<(String, u64)>,
    pub certificates_revoked: Vec<(String, u64)>,
}

impl Identity {
    pub async fn stats(&self, actor: &Actor, from: &str, to: &str) -> Result<IdentityStats> {
        access::may_read_audit(actor)?;
        let range = MonthRange::parse(from, to, self.clock.now())
            .map_err(|_| DomainError::Invalid("period"))?;
        let (start, end) = (range.start(), range.end());
        let (months, ends) = range.month_ends();
        Ok(IdentityStats {
            staff_by_profession_monthly: range
                .by_label(&self.store.staff_by_profession_at(&months, &ends).await?),
            staff_by_profession: self
                .store
                .staff_by_profession()
                .await?
                .into_iter()
                .map(|(p, n)| (p, u64::try_from(n).unwrap_or(0)))
                .collect(),
            active_users: range.fill(&self.store.active_users(start, end).await?),
            certificates_issued: range
                .fill(&self.store.certificates("issued_at", start, end).await?),
            certificates_revoked: range
                .fill(&self.store.certificates("revoked_at", start, end).await?),
        })
    }
}
