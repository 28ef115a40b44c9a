//! HTTPS on the listener's own port: a certificate made at start for the loopback names (and any
//! others asked for), and the acceptor for a connection whose first byte opens a TLS handshake.
//!
//! Some clients call HTTPS whatever they are told (the alicloud Terraform provider's security group
//! rules, for one); with this they reach the emulator too, trusting its certificate through
//! `SSL_CERT_FILE` or their own setting.

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::sync::Arc;
use tokio_rustls::TlsAcceptor;

/// The first byte of a TLS record carrying a handshake.
pub const HANDSHAKE: u8 = 0x16;

/// A certificate of the emulator's own and the acceptor that serves it.
pub struct Tls {
    pub acceptor: TlsAcceptor,
    /// The certificate, PEM-encoded: what a client is told to trust.
    pub certificate_pem: String,
}

impl Tls {
    /// A self-signed certificate for `127.0.0.1`, `::1`, `localhost` and `names`.
    pub fn self_signed(names: &[String]) -> Result<Tls, String> {
        let mut subject_names: Vec<String> = ["127.0.0.1", "::1", "localhost"].map(String::from).to_vec();
        subject_names.extend(names.iter().cloned());
        let certified =
            rcgen::generate_simple_self_signed(subject_names).map_err(|e| format!("making a certificate: {e}"))?;
        let certificate = CertificateDer::from(certified.cert.der().to_vec());
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(certified.key_pair.serialize_der()));
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("TLS versions: {e}"))?
            .with_no_client_auth()
            .with_single_cert(vec![certificate], key)
            .map_err(|e| format!("the certificate: {e}"))?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Tls {
            acceptor: TlsAcceptor::from(Arc::new(config)),
            certificate_pem: certified.cert.pem(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_certificate_names_the_loopback_and_the_names_asked_for() {
        let tls = Tls::self_signed(&["eci.test".to_owned()]).unwrap();
        assert!(tls.certificate_pem.starts_with("-----BEGIN CERTIFICATE-----"));
        let der = der_of(&tls.certificate_pem);
        assert!(
            der.windows(8).any(|w| w == b"eci.test"),
            "the asked-for name is in the certificate"
        );
        assert!(der.windows(9).any(|w| w == b"localhost"));
    }

    /// The DER of a PEM certificate, enough to look for a name in it.
    fn der_of(pem: &str) -> Vec<u8> {
        use base64::Engine;
        let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        base64::engine::general_purpose::STANDARD.decode(body).unwrap()
    }
}
