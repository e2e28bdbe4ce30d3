//! 運営状況の報告: what offices counts for the city.

use super::{Actor, Offices};
use crate::domain::{DomainError, may_register_office};
use crate::error::Result;

/// What the operation report needs of offices: counts only.
#[derive(Debug)]
pub struct OfficeStats {
    pub by_kind: Vec<(String, u64)>,
    pub registered: Vec<(String, u64)>,
    pub by_kind_monthly: Vec<(String, Vec<(String, u64)>)>,
}

impl Offices {
    /// 運営状況の報告 (operator): active offices by kind now and at each month's end, and
    /// registrations per month.
    pub async fn stats(&self, actor: &Actor, from: &str, to: &str) -> Result<OfficeStats> {
        may_register_office(actor.role)?;
        let range = common::stats::MonthRange::parse(from, to, self.clock.now())
            .map_err(|_| DomainError::Invalid("period"))?;
        let by_kind = self
            .store
            .by_kind()
            .await?
            .into_iter()
            .map(|(k, n)| (k, u64::try_from(n).unwrap_or(0)))
            .collect();
        let registered = range.fill(&self.store.registered(range.start(), range.end()).await?);
        let (months, ends) = range.month_ends();
        let by_kind_monthly = range.by_label(&self.store.active_by_kind_at(&months, &ends).await?);
        Ok(OfficeStats {
            by_kind,
            registered,
            by_kind_monthly,
        })
    }
}
