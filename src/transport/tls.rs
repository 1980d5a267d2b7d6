//! TLS roots: the webpki roots by default, or the certificates of a CA bundle file
//! (`AWS_CA_BUNDLE`, the profile's `ca_bundle` or [`AwsSessionBuilder::ca_bundle`]), which
//! replace them as they do in the AWS CLI.
//!
//! [`AwsSessionBuilder::ca_bundle`]: crate::AwsSessionBuilder::ca_bundle

use std::path::Path;
use std::sync::Arc;

use ureq::tls::{Certificate, PemItem, RootCerts};

use crate::Error;

/// Largest CA bundle read. The Mozilla bundle that curl ships is about 220 KiB.
const MAX_BUNDLE_BYTES: u64 = 16 * 1024 * 1024;

/// Reads every PEM certificate in the bundle at `path`.
///
/// # Errors
///
/// [`Error::Config`] when the file cannot be read, is larger than 16 MiB, is not valid PEM, or
/// contains no certificate.
pub(crate) fn load_ca_bundle(path: &Path) -> Result<RootCerts, Error> {
    let contents = read_bundle(path)?;
    let mut certificates: Vec<Certificate<'static>> = Vec::new();
    for item in ureq::tls::parse_pem(&contents) {
        match item {
            Ok(PemItem::Certificate(certificate)) => certificates.push(certificate),
            Ok(_) => {}
            Err(error) => {
                return Err(Error::config(format!(
                    "invalid CA bundle {}: the PEM data cannot be parsed ({error}); \
                     point AWS_CA_BUNDLE or ca_bundle at a PEM file of CA certificates",
                    path.display()
                )))
            }
        }
    }
    if certificates.is_empty() {
        return Err(Error::config(format!(
            "invalid CA bundle {}: it contains no PEM certificate \
             (\"-----BEGIN CERTIFICATE-----\"); point AWS_CA_BUNDLE or ca_bundle at a PEM \
             file of CA certificates",
            path.display()
        )));
    }
    log::debug!(
        "using {} CA certificates from {} in place of the default roots",
        certificates.len(),
        path.display()
    );
    // NOTE: a PEM block that rustls cannot parse as an X.509 certificate is skipped when the
    // agent is built, so a bundle of only such blocks fails at the first TLS handshake.
    Ok(RootCerts::Specific(Arc::new(certificates)))
}

fn read_bundle(path: &Path) -> Result<Vec<u8>, Error> {
    use std::io::Read;

    let cannot_read = |error: std::io::Error| {
        Error::config(format!(
            "cannot read the CA bundle {}: {error}; check AWS_CA_BUNDLE or ca_bundle",
            path.display()
        ))
    };
    let file = std::fs::File::open(path).map_err(cannot_read)?;
    let mut contents = Vec::new();
    file.take(MAX_BUNDLE_BYTES + 1)
        .read_to_end(&mut contents)
        .map_err(cannot_read)?;
    if contents.len() as u64 > MAX_BUNDLE_BYTES {
        return Err(Error::config(format!(
            "the CA bundle {} is larger than {MAX_BUNDLE_BYTES} bytes; \
             check AWS_CA_BUNDLE or ca_bundle",
            path.display()
        )));
    }
    Ok(contents)
}

#[cfg(test)]
mod tests {
    use super::*;

    // A self-signed CA certificate made for this test with `openssl req -x509 -newkey ec
    // -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=unit-test-ca -days 3650`.
    const TEST_CA: &str = "-----BEGIN CERTIFICATE-----
MIIBgzCCASmgAwIBAgIUZ0vz+ft49BV5XNQPMtR0G0awFv8wCgYIKoZIzj0EAwIw
FzEVMBMGA1UEAwwMdW5pdC10ZXN0LWNhMB4XDTI2MTIwNDIwMjU1N1oXDTM2MTIw
MTIwMjU1N1owFzEVMBMGA1UEAwwMdW5pdC10ZXN0LWNhMFkwEwYHKoZIzj0CAQYI
KoZIzj0DAQcDQgAERREPcy20jZd806bIP+xjqYM+Y4KjAa+yNe+2pu3DBYIfzIaC
RT2iJZqEcLlrCkoRwzcFpAg54lUoMts9ee/TxqNTMFEwHQYDVR0OBBYEFGoDq1r2
fB6vrXFxQIM9E2jaldOvMB8GA1UdIwQYMBaAFGoDq1r2fB6vrXFxQIM9E2jaldOv
MA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSAAwRQIhAMdnjj90wKlETEAH
MY7IArchXcIWyZrVXlcfj6kWFz7pAiAd8rw7WpH4du6osHaG7UYjCkVJjEhGd6ig
U/yHwBQLdA==
-----END CERTIFICATE-----
";

    fn write(dir: &Path, name: &str, contents: &str) -> std::path::PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, contents).unwrap();
        path
    }

    fn temp_dir(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "aws-sts-blocking-tls-{name}-{}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn bundle_with_certificates() {
        let dir = temp_dir("good");
        let bundle = format!("# comment\n{TEST_CA}\n{TEST_CA}");
        let path = write(&dir, "bundle.pem", &bundle);
        match load_ca_bundle(&path).unwrap() {
            RootCerts::Specific(certificates) => assert_eq!(certificates.len(), 2),
            other => panic!("expected specific roots, got {other:?}"),
        }
    }

    #[test]
    fn bad_bundles_are_config_errors() {
        let dir = temp_dir("bad");
        let empty = write(&dir, "empty.pem", "");
        let no_certificate = write(&dir, "text.pem", "not a certificate\n");
        let broken = write(
            &dir,
            "broken.pem",
            "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n",
        );
        let missing = dir.join("missing.pem");
        for path in [empty, no_certificate, broken, missing] {
            let error = load_ca_bundle(&path).unwrap_err();
            assert!(matches!(error, Error::Config { .. }), "{path:?}: {error:?}");
            assert!(
                error.to_string().contains(&path.display().to_string()),
                "{error}"
            );
        }
    }
}
