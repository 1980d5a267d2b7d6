//! A test CA made with the `openssl` command at test time, and a TLS terminator that serves an
//! HTTP server (such as moto) over HTTPS with a certificate from that CA.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::{ServerConfig, ServerConnection, StreamOwned};

/// Maximum size of a request line plus headers read by the terminator.
const MAX_HEAD_BYTES: usize = 64 * 1024;
/// Time the terminator waits for the client or the backend before giving up on a connection.
const IO_TIMEOUT: Duration = Duration::from_secs(30);

/// A CA and a server certificate for `127.0.0.1` that it signed, as PEM files in a fresh
/// directory.
pub struct TestCa {
    pub ca_certificate: PathBuf,
    server_certificate: PathBuf,
    server_key: PathBuf,
}

impl TestCa {
    /// Generates the CA and the server certificate with `openssl` (P-256 keys, 1 day).
    ///
    /// Panics with the command's output when `openssl` is missing or fails.
    pub fn generate(name: &str) -> TestCa {
        let dir =
            std::env::temp_dir().join(format!("aws-sts-blocking-ca-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = |file: &str| dir.join(file);

        openssl(&[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=aws-sts-blocking test CA",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
            "-keyout",
            path_str(&path("ca.key")),
            "-out",
            path_str(&path("ca.pem")),
        ]);
        openssl(&[
            "req",
            "-new",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            path_str(&path("server.key")),
            "-out",
            path_str(&path("server.csr")),
        ]);
        std::fs::write(
            path("server.ext"),
            "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n\
             keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n",
        )
        .unwrap();
        openssl(&[
            "x509",
            "-req",
            "-in",
            path_str(&path("server.csr")),
            "-CA",
            path_str(&path("ca.pem")),
            "-CAkey",
            path_str(&path("ca.key")),
            "-CAcreateserial",
            "-days",
            "1",
            "-extfile",
            path_str(&path("server.ext")),
            "-out",
            path_str(&path("server.pem")),
        ]);

        TestCa {
            ca_certificate: path("ca.pem"),
            server_certificate: path("server.pem"),
            server_key: path("server.key"),
        }
    }
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("temporary paths are UTF-8")
}

fn openssl(arguments: &[&str]) {
    let output = Command::new("openssl")
        .args(arguments)
        .output()
        .unwrap_or_else(|error| {
            panic!("failed to run openssl ({error}); install it, as scripts/install-test-deps does")
        });
    assert!(
        output.status.success(),
        "openssl {} failed: {}",
        arguments.join(" "),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// An HTTPS front for a plain HTTP backend on 127.0.0.1. It relays one request per
/// connection and closes the connection after the response, as moto does.
pub struct TlsTerminator {
    address: SocketAddr,
    handshakes: Arc<AtomicUsize>,
}

impl TlsTerminator {
    /// Starts serving `backend` over TLS with the server certificate of `ca` on a free port.
    /// The accept thread lives until the test process ends.
    pub fn start(ca: &TestCa, backend: SocketAddr) -> TlsTerminator {
        let certificate = read_certificate(&ca.server_certificate);
        let key = read_private_key(&ca.server_key);
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![certificate], key)
            .expect("the server certificate and key match");
        let config = Arc::new(config);

        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        let handshakes = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&handshakes);
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let config = Arc::clone(&config);
                let counter = Arc::clone(&counter);
                thread::spawn(move || {
                    // A failed handshake or relay only ends this connection.
                    let _ = relay(stream, config, backend, &counter);
                });
            }
        });
        TlsTerminator {
            address,
            handshakes,
        }
    }

    /// Returns `https://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> String {
        format!("https://{}", self.address)
    }

    /// Returns the number of TLS handshakes that completed.
    pub fn handshake_count(&self) -> usize {
        self.handshakes.load(Ordering::SeqCst)
    }
}

/// Reads the first certificate in the PEM file at `path`.
fn read_certificate(path: &Path) -> CertificateDer<'static> {
    let pem = std::fs::read(path).unwrap();
    let certificate = ureq::tls::parse_pem(&pem).find_map(|item| match item {
        Ok(ureq::tls::PemItem::Certificate(certificate)) => {
            Some(CertificateDer::from(certificate.der().to_vec()))
        }
        _ => None,
    });
    certificate.expect("a certificate in the PEM file")
}

/// Reads the first PKCS #8 private key in the PEM file at `path`, as `openssl req -newkey`
/// writes it.
fn read_private_key(path: &Path) -> PrivateKeyDer<'static> {
    let pem = std::fs::read(path).unwrap();
    let key = ureq::tls::parse_pem(&pem).find_map(|item| match item {
        Ok(ureq::tls::PemItem::PrivateKey(key)) => Some(PrivateKeyDer::Pkcs8(
            PrivatePkcs8KeyDer::from(key.der().to_vec()),
        )),
        _ => None,
    });
    key.expect("a private key in the PEM file")
}

/// Completes the TLS handshake, reads one HTTP request, sends it to `backend`, and writes the
/// backend's whole response back.
fn relay(
    stream: TcpStream,
    config: Arc<ServerConfig>,
    backend: SocketAddr,
    handshakes: &AtomicUsize,
) -> std::io::Result<()> {
    stream.set_read_timeout(Some(IO_TIMEOUT))?;
    stream.set_write_timeout(Some(IO_TIMEOUT))?;
    let connection = ServerConnection::new(config).map_err(std::io::Error::other)?;
    let mut tls = StreamOwned::new(connection, stream);
    while tls.conn.is_handshaking() {
        tls.conn.complete_io(&mut tls.sock)?;
    }
    handshakes.fetch_add(1, Ordering::SeqCst);

    let request = read_request(&mut tls)?;
    let mut upstream = TcpStream::connect(backend)?;
    upstream.set_read_timeout(Some(IO_TIMEOUT))?;
    upstream.write_all(&request)?;
    let mut response = Vec::new();
    upstream.read_to_end(&mut response)?;
    tls.write_all(&response)?;
    tls.conn.send_close_notify();
    tls.flush()?;
    Ok(())
}

/// Reads a request head and its `Content-Length` body, and returns them with
/// `Connection: close` added so the backend closes after responding.
fn read_request(stream: &mut impl Read) -> std::io::Result<Vec<u8>> {
    let mut reader = BufReader::new(stream);
    let mut head = Vec::new();
    let mut content_length = 0usize;
    loop {
        let mut line = Vec::new();
        reader.read_until(b'\n', &mut line)?;
        if line.is_empty() || head.len() > MAX_HEAD_BYTES {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        if line == b"\r\n" {
            break;
        }
        let text = String::from_utf8_lossy(&line).to_ascii_lowercase();
        if let Some(value) = text.strip_prefix("content-length:") {
            content_length = value.trim().parse().unwrap_or(0);
        }
        if !text.starts_with("connection:") {
            head.extend_from_slice(&line);
        }
    }
    head.extend_from_slice(b"Connection: close\r\n\r\n");
    let mut body = vec![0; content_length];
    reader.read_exact(&mut body)?;
    head.extend_from_slice(&body);
    Ok(head)
}
