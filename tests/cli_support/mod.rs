//! Running the built `sts` binary in a cleared environment, and a one-shot HTTP server that
//! responds to it with recorded STS responses.
//!
//! Every run gets an empty temporary home directory and no variables but `PATH`, `HOME` and
//! `AWS_EC2_METADATA_DISABLED=true`, so nothing reads the developer's `~/.aws` or reaches AWS.
#![allow(dead_code)] // Each test crate uses a different part.

use std::ffi::OsStr;
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Duration;

pub const ACCESS_KEY_ID: &str = "AKIDCLITEST";
pub const SECRET_ACCESS_KEY: &str = "cli-test-secret-key";

/// A temporary directory, removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new() -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "aws-sts-blocking-cli-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let path = std::env::temp_dir().join(name);
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(path.join(".aws")).unwrap();
        TempDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// Writes `contents` to `name` inside the directory and returns the file's path.
    pub fn write(&self, name: &str, contents: &str) -> PathBuf {
        let path = self.0.join(name);
        fs::write(&path, contents).unwrap();
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// The result of one run of `sts`.
#[derive(Debug)]
pub struct Run {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(output: Output) -> Run {
        Run {
            status: output
                .status
                .code()
                .expect("sts exited with a status, not by a signal"),
            stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
        }
    }
}

/// Returns a command that runs the built `sts` with a cleared environment and `home` as its
/// home directory. Callers add arguments and variables.
pub fn sts_command(home: &TempDir) -> Command {
    cleared_command(env!("CARGO_BIN_EXE_sts"), home)
}

/// Returns a command that runs `program` with only `PATH`, `HOME` (set to `home`) and
/// `AWS_EC2_METADATA_DISABLED=true` in its environment, and no standard input.
pub fn cleared_command(program: impl AsRef<OsStr>, home: &TempDir) -> Command {
    let mut command = Command::new(program);
    command
        .env_clear()
        .env("HOME", home.path())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .stdin(Stdio::null());
    if let Some(path) = std::env::var_os("PATH") {
        command.env("PATH", path);
    }
    command
}

/// Runs `sts` with `arguments` and the test access key in the environment.
pub fn run_with_key(home: &TempDir, arguments: &[&str]) -> Run {
    sts_command(home)
        .env("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
        .env("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY)
        .args(arguments)
        .output()
        .expect("failed to run sts")
        .into()
}

/// Asserts that a failed run printed nothing on stdout and one `sts: error:` line on stderr,
/// and returns that line.
pub fn single_error_line(run: &Run) -> &str {
    assert_eq!(run.stdout, "", "stdout of a failed run");
    assert!(
        run.stderr.starts_with("sts: error: "),
        "stderr: {:?}",
        run.stderr
    );
    assert_eq!(run.stderr.lines().count(), 1, "stderr: {:?}", run.stderr);
    run.stderr.trim_end()
}

/// One canned HTTP response.
#[derive(Clone)]
pub struct StubResponse {
    pub status: u16,
    pub body: String,
}

/// An HTTP server on 127.0.0.1 that responds to each connection with the next canned response and
/// records the request bodies.
pub struct StubServer {
    url: String,
    bodies: Arc<Mutex<Vec<String>>>,
    thread: Option<JoinHandle<()>>,
}

impl StubServer {
    /// Starts a server that serves `responses` in order, one per connection, then stops.
    pub fn start(responses: Vec<StubResponse>) -> StubServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let bodies = Arc::new(Mutex::new(Vec::new()));
        let recorded = Arc::clone(&bodies);
        let thread = thread::spawn(move || {
            for response in responses {
                let Ok((stream, _)) = listener.accept() else {
                    return;
                };
                if let Some(body) = answer(stream, &response) {
                    recorded.lock().unwrap().push(body);
                }
            }
        });
        StubServer {
            url,
            bodies,
            thread: Some(thread),
        }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// Returns the form bodies received so far.
    pub fn bodies(&self) -> Vec<String> {
        self.bodies.lock().unwrap().clone()
    }
}

impl Drop for StubServer {
    fn drop(&mut self) {
        // Unblocks a thread still waiting in `accept` when a test sent fewer requests than
        // it queued responses.
        let _ = TcpStream::connect(self.url.trim_start_matches("http://"));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Reads one request and writes `response`; returns the request body.
fn answer(stream: TcpStream, response: &StubResponse) -> Option<String> {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    let mut reader = BufReader::new(stream);
    let mut content_length = 0;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        if line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                content_length = value.trim().parse().ok()?;
            }
        }
    }
    let mut body = vec![0; content_length];
    reader.read_exact(&mut body).ok()?;

    let mut stream = reader.into_inner();
    let head = format!(
        "HTTP/1.1 {} Stub\r\ncontent-type: text/xml\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        response.status,
        response.body.len()
    );
    stream.write_all(head.as_bytes()).ok()?;
    stream.write_all(response.body.as_bytes()).ok()?;
    String::from_utf8(body).ok()
}

/// Returns a GetCallerIdentity response for an IAM user.
pub fn caller_identity_response() -> StubResponse {
    StubResponse {
        status: 200,
        body: r#"<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:iam::123456789012:user/alice</Arn>
    <UserId>AIDACLITESTUSER</UserId>
    <Account>123456789012</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata><RequestId>req-identity-1</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>"#
            .to_string(),
    }
}

pub const ISSUED_KEY_ID: &str = "ASIACLITESTISSUED";
pub const ISSUED_SECRET: &str = "issued/secret+key=";
pub const ISSUED_TOKEN: &str = "issued+session/token==";

/// Returns an AssumeRole response with every member that STS returns for a plain call.
pub fn assume_role_response() -> StubResponse {
    StubResponse {
        status: 200,
        body: format!(
            r#"<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <SourceIdentity>builder</SourceIdentity>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/deploy/ci</Arn>
      <AssumedRoleId>AROACLITESTROLE:ci</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>{ISSUED_KEY_ID}</AccessKeyId>
      <SecretAccessKey>{ISSUED_SECRET}</SecretAccessKey>
      <SessionToken>{ISSUED_TOKEN}</SessionToken>
      <Expiration>2030-01-02T03:04:05Z</Expiration>
    </Credentials>
    <PackedPolicySize>7</PackedPolicySize>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>req-assume-1</RequestId></ResponseMetadata>
</AssumeRoleResponse>"#
        ),
    }
}

/// Returns an STS error response.
pub fn error_response(status: u16, code: &str, message: &str, request_id: &str) -> StubResponse {
    StubResponse {
        status,
        body: format!(
            r#"<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>
  <RequestId>{request_id}</RequestId>
</ErrorResponse>"#
        ),
    }
}

/// Returns a successful response of `operation` whose result element contains `members`.
pub fn success_response(operation: &str, members: &str) -> StubResponse {
    StubResponse {
        status: 200,
        body: format!(
            r#"<{operation}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <{operation}Result>{members}</{operation}Result>
  <ResponseMetadata><RequestId>req-{operation}</RequestId></ResponseMetadata>
</{operation}Response>"#
        ),
    }
}

/// Returns a `<Credentials>` element with the issued test key and an expiration in 2030.
pub fn credentials_element() -> String {
    format!(
        "<Credentials><AccessKeyId>{ISSUED_KEY_ID}</AccessKeyId>\
         <SecretAccessKey>{ISSUED_SECRET}</SecretAccessKey>\
         <SessionToken>{ISSUED_TOKEN}</SessionToken>\
         <Expiration>2030-01-02T03:04:05Z</Expiration></Credentials>"
    )
}
