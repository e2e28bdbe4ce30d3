//! Careboard's use cases.

use crate::domain::{Actor, may_list_own_boards};
use crate::error::Result;
use crate::store::{RecipientSummaryRow, Store};

pub struct Careboard {
    store: Store,
}

impl Careboard {
    #[must_use]
    pub fn new(store: Store) -> Self {
        Self { store }
    }

    pub async fn my_recipients(&self, actor: &Actor) -> Result<Vec<RecipientSummaryRow>> {
        may_list_own_boards(actor)?;
        Ok(self.store.recipients_of(actor.user_id).await?)
    }
}
