//! Helpers shared by the `reliability_*` integration tests: STS response bodies, sessions
//! pointed at a [`FaultServer`], a logger that captures this crate's log records, a test CA
//! with a TLS terminator ([`tls`]) and a tinyproxy launcher ([`tinyproxy`]).

// Each test binary uses only part of this module.
#![allow(dead_code)]

use std::sync::{Mutex, Once, PoisonError};
use std::thread::{self, ThreadId};
use std::time::Duration;

use aws_sts_blocking::{AwsSession, AwsSessionBuilder, Credentials, Environment};

use crate::support::fault::{FaultServer, Response};

pub mod tinyproxy;
pub mod tls;

/// Secret key of [`test_credentials`], which no log line or message may contain.
pub const SECRET_KEY: &str = "test-secret-key-do-not-log-0123456789";
/// Session token of [`test_credentials`], which no log line or message may contain.
pub const SESSION_TOKEN: &str = "test-session-token-do-not-log-0123456789";

/// Credentials that fault servers accept; they never check signatures.
pub fn test_credentials() -> Credentials {
    Credentials::new(
        "AKIDRELIABILITYTEST",
        SECRET_KEY,
        Some(SESSION_TOKEN.to_string()),
        None,
    )
}

/// Returns a session builder for `server` with nothing from the process environment and a 5 ms
/// initial backoff, so retries do not slow the tests down.
pub fn fault_session(server: &FaultServer) -> AwsSessionBuilder {
    AwsSession::builder()
        .environment(Environment::empty())
        .credentials(test_credentials())
        .region("us-east-1")
        .endpoint_url(server.endpoint())
        .initial_backoff(Duration::from_millis(5))
}

/// A GetCallerIdentity success document.
pub const IDENTITY_BODY: &str =
    "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
    <GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/alice</Arn>\
    <UserId>AIDAEXAMPLE</UserId><Account>123456789012</Account></GetCallerIdentityResult>\
    <ResponseMetadata><RequestId>identity-request</RequestId></ResponseMetadata>\
    </GetCallerIdentityResponse>";

/// Returns a 200 response with [`IDENTITY_BODY`].
pub fn identity_response() -> Response {
    Response::new(200)
        .header("Content-Type", "text/xml")
        .body(IDENTITY_BODY)
}

/// Returns an STS error document with `code`.
pub fn error_body(code: &str) -> String {
    format!(
        "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
         <Error><Type>Sender</Type><Code>{code}</Code><Message>{code} from the fault server</Message></Error>\
         <RequestId>error-request</RequestId></ErrorResponse>"
    )
}

/// Returns a response with `status` and an STS error document with `code`.
pub fn error_response(status: u16, code: &str) -> Response {
    Response::new(status)
        .header("Content-Type", "text/xml")
        .body(error_body(code))
}

/// One captured log record.
#[derive(Debug, Clone)]
pub struct Record {
    pub level: log::Level,
    pub target: String,
    pub message: String,
    thread: ThreadId,
}

/// A logger that keeps every record at any level whose target is this crate's.
///
/// ureq's own records (targets `ureq` and `ureq_proto`) are left out, because ureq documents
/// its TRACE output as unredacted wire data.
struct CapturingLogger {
    records: Mutex<Vec<Record>>,
}

static LOGGER: CapturingLogger = CapturingLogger {
    records: Mutex::new(Vec::new()),
};

impl log::Log for CapturingLogger {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        metadata.target().starts_with("aws_sts_blocking")
    }

    fn log(&self, record: &log::Record<'_>) {
        if !self.enabled(record.metadata()) {
            return;
        }
        let record = Record {
            level: record.level(),
            target: record.target().to_string(),
            message: record.args().to_string(),
            thread: thread::current().id(),
        };
        self.records
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(record);
    }

    fn flush(&self) {}
}

/// Installs the capturing logger at TRACE level, once per test binary.
pub fn capture_logs() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        log::set_logger(&LOGGER).expect("no other logger is installed");
        log::set_max_level(log::LevelFilter::Trace);
    });
}

/// Returns the records logged so far by the calling thread, so that tests running in parallel
/// see only their own.
pub fn logs_of_this_thread() -> Vec<Record> {
    let thread = thread::current().id();
    LOGGER
        .records
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
        .filter(|record| record.thread == thread)
        .cloned()
        .collect()
}
