//! What a caller sent, checked before a use case sees it: actors, ids, bounded text, and which
//! service is asking.

use crate::domain::Role;
use crate::domain::access::Actor;
use crate::error::{Error, invalid};
use crate::service::accounts::UserInput;
use common::ids::CertSerial;
use proto::common::Role as ProtoRole;
use proto::identity as pb;
use tonic::{Request, Status};
use uuid::Uuid;

/// The device certificate's serial the gateway read from the TLS session: bounded hexadecimal.
pub(super) fn serial(cert: Option<&pb::ClientCertificate>) -> Result<CertSerial, Status> {
    cert.and_then(|c| c.serial.parse().ok())
        .ok_or_else(|| invalid("certificate"))
}

pub(super) fn actor(a: Option<&proto::common::Actor>) -> Result<Actor, Status> {
    let bad = || Status::from(Error::NoActor);
    let a = a.ok_or_else(bad)?;
    let role = match a.role() {
        ProtoRole::Staff => Role::Staff,
        ProtoRole::OfficeAdmin => Role::OfficeAdmin,
        ProtoRole::Operator => Role::Operator,
        ProtoRole::Unspecified => return Err(bad()),
    };
    Ok(Actor {
        user_id: a.user_id.parse().map_err(|_| bad())?,
        office_id: a.office_id.parse().map_err(|_| bad())?,
        role,
        cert_serial: a.cert_serial.clone(),
    })
}

pub(super) fn id(raw: &str, field: &'static str) -> Result<Uuid, Status> {
    raw.parse().map_err(|_| invalid(field))
}

pub(super) fn optional_id(raw: &str, field: &'static str) -> Result<Option<Uuid>, Status> {
    if raw.is_empty() {
        Ok(None)
    } else {
        id(raw, field).map(Some)
    }
}

/// Field lengths checked before anything else, so no input is large enough to cost much.
pub(super) fn bounded(fields: &[(&str, usize, &'static str)]) -> Result<(), Status> {
    match fields.iter().find(|(v, max, _)| v.len() > *max) {
        Some((_, _, name)) => Err(invalid(name)),
        None => Ok(()),
    }
}

/// What an admin typed about a person, bounded before anything else reads it.
pub(super) fn user_input<'a>(
    name: &'a str,
    kana: &'a str,
    profession: &'a str,
    email: &'a str,
    office_admin: bool,
) -> Result<UserInput<'a>, Status> {
    bounded(&[
        (name, 400, "name"),
        (kana, 400, "kana"),
        (profession, 100, "profession"),
        (email, 254, "email"),
    ])?;
    Ok(UserInput {
        name,
        kana,
        profession,
        email,
        office_admin,
    })
}

/// The subject common name of a DER certificate; `None` if it has none or does not parse.
pub(super) fn common_name(der: &[u8]) -> Option<String> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    cert.subject()
        .iter_common_name()
        .next()
        .and_then(|cn| cn.as_str().ok())
        .map(str::to_owned)
}

/// Which service is asking: the common name of its client certificate. The TLS layer has already
/// verified the chain to the internal CA, which issues service certificates only.
pub(super) fn peer_common_name<T>(request: &Request<T>) -> Option<String> {
    common_name(request.peer_certs()?.first()?.as_ref())
}

#[cfg(test)]
mod tests {
    use super::common_name;
    use rcgen::{CertificateParams, DnType, KeyPair};

    fn certificate(cn: Option<&str>) -> Vec<u8> {
        let key = KeyPair::generate().expect("key");
        let mut params = CertificateParams::new(vec!["notify".into()]).expect("params");
        params.distinguished_name = rcgen::DistinguishedName::new();
        if let Some(cn) = cn {
            params.distinguished_name.push(DnType::CommonName, cn);
        }
        params
            .self_signed(&key)
            .expect("certificate")
            .der()
            .to_vec()
    }

    #[test]
    fn a_device_serial_is_bounded_hexadecimal_or_a_wrong_certificate_field() {
        let cert = |serial: &str| super::pb::ClientCertificate {
            serial: serial.into(),
            ..Default::default()
        };
        let good = super::serial(Some(&cert("3f9a1c0e5b7d42a8b6c1e0f29d4a7b35"))).unwrap();
        assert_eq!(good.as_str(), "3f9a1c0e5b7d42a8b6c1e0f29d4a7b35");
        let too_long = "a".repeat(65);
        for bad in ["", "not hex", "3f9a\0", too_long.as_str()] {
            let status = super::serial(Some(&cert(bad))).unwrap_err();
            assert_eq!(status.code(), tonic::Code::InvalidArgument, "{bad:?}");
        }
        assert_eq!(
            super::serial(None).unwrap_err().code(),
            tonic::Code::InvalidArgument
        );
    }

    #[test]
    fn the_caller_is_named_by_its_certificate_common_name() {
        assert_eq!(
            common_name(&certificate(Some("notify"))).as_deref(),
            Some("notify")
        );
        assert_eq!(
            common_name(&certificate(Some("gateway"))).as_deref(),
            Some("gateway")
        );
        // A name in the SAN alone does not count: the subject says who the service is.
        assert_eq!(common_name(&certificate(None)), None);
        assert_eq!(common_name(b"not a certificate"), None);
    }
}
