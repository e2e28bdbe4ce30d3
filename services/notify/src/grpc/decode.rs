//! What a caller sent, checked before anything is read: who is asking, and through which
//! service.

use crate::domain::access::{Reader, Role};
use tonic::Status;

pub(super) fn reader(a: Option<&proto::common::Actor>) -> Result<Reader, Status> {
    let bad = crate::error::no_actor;
    let a = a.ok_or_else(bad)?;
    let role = match a.role() {
        proto::common::Role::Staff => Role::Staff,
        proto::common::Role::OfficeAdmin => Role::OfficeAdmin,
        proto::common::Role::Operator => Role::Operator,
        proto::common::Role::Unspecified => return Err(bad()),
    };
    Ok(Reader {
        office_id: a.office_id.parse().map_err(|_| bad())?,
        role,
    })
}

pub(super) use common::grpc::peer::peer_common_name;
