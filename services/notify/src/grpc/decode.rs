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

#[cfg(test)]
mod tests {
    use super::reader;
    use tonic::Code;

    fn actor(office_id: &str) -> proto::common::Actor {
        proto::common::Actor {
            user_id: "0190abcd-0001-7000-8000-123456789abc".into(),
            office_id: office_id.into(),
            role: proto::common::Role::OfficeAdmin.into(),
            cert_serial: String::new(),
        }
    }

    #[test]
    fn a_reader_without_a_real_office_is_refused_as_no_actor() {
        let office = "0190abcd-0002-7000-8000-123456789abc";
        assert_eq!(
            reader(Some(&actor(office))).unwrap().office_id.to_string(),
            office
        );
        for bad in ["", "nope", "0190abcd-0002-7000-8000-123456789ab\0"] {
            let status = reader(Some(&actor(bad))).unwrap_err();
            assert_eq!(status.code(), Code::Unauthenticated, "{bad:?}");
        }
        assert_eq!(reader(None).unwrap_err().code(), Code::Unauthenticated);
    }
}
