//! Which service is asking: the common name of its client certificate. The TLS layer has already
//! verified the chain to the internal CA, which issues service certificates only, so a name is
//! enough for the few calls that only one service may make (notify reading an enrollment mail,
//! identity reading an approved office's first admin).

use tonic::Request;

/// The subject common name of a DER certificate; `None` if it has none or does not parse.
#[must_use]
pub fn common_name(der: &[u8]) -> Option<String> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    cert.subject()
        .iter_common_name()
        .next()
        .and_then(|cn| cn.as_str().ok())
        .map(str::to_owned)
}

/// The common name of the caller's client certificate.
#[must_use]
pub fn peer_common_name<T>(request: &Request<T>) -> Option<String> {
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
