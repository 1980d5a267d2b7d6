//! Local STS servers built on moto, for the integration tests.
//!
//! [`MotoServer::start_verifying`] runs a moto server that checks the SigV4
//! signature, the IAM policy and the role trust policy of every request sent
//! after seeding. [`MotoServer::start_open`] runs one that checks nothing, for
//! the unsigned operations AssumeRoleWithWebIdentity and AssumeRoleWithSAML.
//! Both are seeded with the same user, access key, identity providers and
//! roles (see `moto_seed.py`).
//!
//! The servers need `python3` on PATH and PyPI the first time, when
//! [`python`] builds a venv with moto in the target directory.

use std::collections::VecDeque;
use std::fs::{self, File};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use serde::Deserialize;
use serde_json::Value;

/// The pip requirement installed into the venv.
pub const MOTO_REQUIREMENT: &str = "moto[server]==5.2.5";
/// The AWS CLI, installed into the same venv so that tests can compare the `sts` command's
/// output with what `aws sts ...` prints. awscli 1.46 carries its own copy of botocore, so it
/// leaves moto's botocore in place.
pub const AWSCLI_REQUIREMENT: &str = "awscli==1.46.3";
/// The region the seeding client uses. moto accepts a signature for any region
/// of the `aws` partition, but not for one such as `cn-north-1`, because the
/// seeded key exists only in the `aws` partition.
pub const REGION: &str = "us-east-1";
/// The seeded IAM user. Its access key allows every `sts:*` and `iam:*` action.
pub const USER_NAME: &str = "alice";
/// A role whose trust policy lets alice call AssumeRole, TagSession and
/// SetSourceIdentity.
pub const TRUSTED_ROLE: &str = "trusted-role";
/// A role whose trust policy names only [`OTHER_ACCOUNT_ROOT`], so AssumeRole
/// by alice fails with AccessDenied.
pub const UNTRUSTED_ROLE: &str = "untrusted-role";
/// A role that trusts alice only with the ExternalId [`EXTERNAL_ID`]. moto
/// 5.2.5 rejects a wrong ExternalId but accepts a request without one.
pub const EXTERNAL_ID_ROLE: &str = "external-id-role";
/// The ExternalId that [`EXTERNAL_ID_ROLE`] requires.
pub const EXTERNAL_ID: &str = "harness-external-id";
/// A role that trusts the seeded OIDC provider for AssumeRoleWithWebIdentity.
pub const WEB_ROLE: &str = "web-role";
/// A role that trusts the seeded SAML provider for AssumeRoleWithSAML.
pub const SAML_ROLE: &str = "saml-role";
/// The only principal that [`UNTRUSTED_ROLE`] trusts: the root of an account
/// other than moto's.
pub const OTHER_ACCOUNT_ROOT: &str = "arn:aws:iam::111122223333:root";

/// Maximum time from spawning the launcher to its ready line. Once the venv
/// exists, starts took 0.7 to 2.3 s on a 2-core machine busy with builds.
const START_TIMEOUT: Duration = Duration::from_secs(60);
const READY_PREFIX: &str = "MOTO_HARNESS_READY ";
/// Served by the launcher's counting middleware, not by moto.
const REQUEST_COUNT_PATH: &str = "/__harness__/request-count";
/// Number of launcher output lines kept for panic messages.
const OUTPUT_TAIL_LINES: usize = 200;

static VENV_PYTHON: OnceLock<PathBuf> = OnceLock::new();

/// Returns the Python interpreter of the test venv, building the venv first
/// if needed.
///
/// The venv is `<target>/moto-venv`, where `<target>` is [`target_dir`], and
/// contains [`MOTO_REQUIREMENT`]. Threads of one test process share one build
/// through a `OnceLock`. Test processes take turns through an exclusive lock
/// on `<target>/moto-venv.lock`. The marker file `harness-ready` in the venv is
/// written last, so a venv without it, such as one whose build was
/// interrupted, is deleted and built again.
pub fn python() -> PathBuf {
    VENV_PYTHON.get_or_init(ensure_venv).clone()
}

/// Returns the cargo target directory: `CARGO_TARGET_DIR` if set, otherwise
/// `target` in the package root.
///
/// NOTE: a relative `CARGO_TARGET_DIR` is resolved against the package root,
/// while cargo resolves it against the directory cargo was started in.
pub fn target_dir() -> PathBuf {
    let package_root = Path::new(env!("CARGO_MANIFEST_DIR"));
    match std::env::var_os("CARGO_TARGET_DIR") {
        // `join` returns `dir` itself when it is absolute.
        Some(dir) if !dir.is_empty() => package_root.join(dir),
        _ => package_root.join("target"),
    }
}

/// Returns the directory that contains this file and the Python helpers.
pub fn support_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support")
}

fn ensure_venv() -> PathBuf {
    let target = target_dir();
    fs::create_dir_all(&target)
        .unwrap_or_else(|error| panic!("failed to create {}: {error}", target.display()));
    let venv = target.join("moto-venv");
    let python = venv.join("bin").join("python");
    let marker = venv.join("harness-ready");

    let lock_path = target.join("moto-venv.lock");
    let lock = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .unwrap_or_else(|error| panic!("failed to open {}: {error}", lock_path.display()));
    // Blocks while another test process builds the venv. Dropping `lock` at
    // the end of this function releases it. File::lock needs Rust 1.89, so
    // the tests need a newer toolchain than the library's MSRV of 1.82.
    #[allow(clippy::incompatible_msrv)]
    lock.lock()
        .unwrap_or_else(|error| panic!("failed to lock {}: {error}", lock_path.display()));

    // The marker lists every requirement, so a venv built before one was added is rebuilt.
    let requirements = format!("{MOTO_REQUIREMENT} {AWSCLI_REQUIREMENT}");
    let marker_matches = fs::read_to_string(&marker).is_ok_and(|text| text == requirements);
    if marker_matches && python.exists() {
        return python;
    }
    build_venv(&venv, &python);
    fs::write(&marker, &requirements)
        .unwrap_or_else(|error| panic!("failed to write {}: {error}", marker.display()));
    python
}

fn build_venv(venv: &Path, python: &Path) {
    eprintln!(
        "support::moto: installing {MOTO_REQUIREMENT} and {AWSCLI_REQUIREMENT} from PyPI into {}",
        venv.display()
    );
    let started = Instant::now();
    if venv.exists() {
        fs::remove_dir_all(venv).unwrap_or_else(|error| {
            panic!(
                "failed to remove incomplete venv {}: {error}",
                venv.display()
            )
        });
    }
    run_to_completion(Command::new("python3").arg("-m").arg("venv").arg(venv));
    run_to_completion(Command::new(python).args([
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        MOTO_REQUIREMENT,
        AWSCLI_REQUIREMENT,
    ]));
    eprintln!(
        "support::moto: venv ready after {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

fn run_to_completion(command: &mut Command) {
    let output = command
        .output()
        .unwrap_or_else(|error| panic!("failed to run {command:?}: {error}"));
    if !output.status.success() {
        panic!(
            "{command:?} failed with {}\nstdout:\n{}\nstderr:\n{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// Builds a command that runs the venv's Python with an environment that keeps
/// botocore on this machine.
///
/// The environment is cleared except for PATH and HOME. The AWS config and
/// credentials files are `/dev/null`, dummy credentials are set, and instance
/// metadata is disabled, so botocore never queries 169.254.169.254. Requests
/// still go to AWS unless every client gets `endpoint_url`. `-B` keeps Python
/// from writing `__pycache__` into `tests/support`.
pub fn python_command() -> Command {
    let mut command = Command::new(python());
    command.env_clear();
    for name in ["PATH", "HOME"] {
        if let Some(value) = std::env::var_os(name) {
            command.env(name, value);
        }
    }
    command
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_ACCESS_KEY_ID", "harness-dummy")
        .env("AWS_SECRET_ACCESS_KEY", "harness-dummy")
        .env("AWS_DEFAULT_REGION", REGION)
        .arg("-B");
    command
}

/// Which checks a [`MotoServer`] makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Checks the signature, IAM policy and trust policy of every request
    /// after seeding.
    Verifying,
    /// Checks nothing.
    Open,
}

impl Mode {
    fn launcher_arg(self) -> &'static str {
        match self {
            Mode::Verifying => "verifying",
            Mode::Open => "open",
        }
    }
}

/// AWS credentials for [`MotoServer::call_sts_with_boto3`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credentials {
    /// The access key id.
    pub access_key_id: String,
    /// The secret access key.
    pub secret_access_key: String,
    /// The session token of temporary credentials.
    pub session_token: Option<String>,
}

/// An error response that boto3 received.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct Boto3Error {
    /// The AWS error code, such as `AccessDenied`.
    pub code: Option<String>,
    /// The error message.
    pub message: Option<String>,
    /// The HTTP status code.
    pub status: u16,
}

/// The line the launcher prints once the server is seeded and serving.
#[derive(Debug, Deserialize)]
struct SeedFacts {
    port: u16,
    account_id: String,
    user_arn: String,
    access_key_id: String,
    secret_access_key: String,
    oidc_provider_arn: String,
    saml_provider_arn: String,
    user_name: String,
    role_names: Vec<String>,
    external_id: String,
    other_account_root: String,
    seed_call_count: usize,
}

/// A seeded moto server on 127.0.0.1, run by `moto_launcher.py`.
///
/// Dropping it kills the launcher and waits for it. A launcher whose test
/// process dies exits by itself, so a server in a `static` is not left behind.
pub struct MotoServer {
    child: Child,
    mode: Mode,
    facts: SeedFacts,
    output_tail: Arc<Mutex<VecDeque<String>>>,
}

impl MotoServer {
    /// Starts a server that verifies every request sent after seeding.
    ///
    /// moto gets `INITIAL_NO_AUTH_ACTION_COUNT` equal to the number of seeding
    /// requests, and the launcher checks that seeding used exactly that many.
    /// From then on moto rejects a bad signature with SignatureDoesNotMatch,
    /// an unknown key with InvalidClientTokenId, and a request without an
    /// Authorization header with an HTML 500 page.
    pub fn start_verifying() -> MotoServer {
        MotoServer::start(Mode::Verifying)
    }

    /// Starts a server that checks no signature, policy or trust policy.
    ///
    /// moto routes an unsigned request by its Action: AssumeRoleWithWebIdentity
    /// and AssumeRoleWithSAML go to STS, while any other unsigned query
    /// request, GetCallerIdentity included, goes to moto's S3 backend.
    pub fn start_open() -> MotoServer {
        MotoServer::start(Mode::Open)
    }

    /// Returns a verifying server shared by every test in this test binary.
    ///
    /// Other tests send requests to it at the same time, so a test that counts
    /// requests must start its own server.
    pub fn shared_verifying() -> &'static MotoServer {
        static SERVER: OnceLock<MotoServer> = OnceLock::new();
        SERVER.get_or_init(MotoServer::start_verifying)
    }

    /// Returns an open server shared by every test in this test binary.
    pub fn shared_open() -> &'static MotoServer {
        static SERVER: OnceLock<MotoServer> = OnceLock::new();
        SERVER.get_or_init(MotoServer::start_open)
    }

    fn start(mode: Mode) -> MotoServer {
        let python = python();
        let started = Instant::now();
        let launcher = support_dir().join("moto_launcher.py");
        let mut command = python_command();
        command
            .arg(&launcher)
            .arg(mode.launcher_arg())
            .arg(std::process::id().to_string())
            // The launcher exits when this pipe closes, that is when this
            // server is dropped or this process dies.
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().unwrap_or_else(|error| {
            panic!(
                "failed to start {} ({python:?}): {error}",
                launcher.display()
            )
        });

        let output_tail = Arc::new(Mutex::new(VecDeque::new()));
        let facts = wait_for_ready(&mut child, mode, &output_tail);
        check_seeded_names(&facts);
        eprintln!(
            "support::moto: {mode:?} server on port {} seeded with {} requests, ready after {:.2} s",
            facts.port,
            facts.seed_call_count,
            started.elapsed().as_secs_f64()
        );
        MotoServer {
            child,
            mode,
            facts,
            output_tail,
        }
    }

    /// Returns the base URL, `http://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.facts.port)
    }

    /// Returns the TCP port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.facts.port
    }

    /// Returns which checks this server makes.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Returns the process id of the launcher.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Returns the account id, moto's default `123456789012`.
    pub fn account_id(&self) -> &str {
        &self.facts.account_id
    }

    /// Returns alice's access key id.
    pub fn access_key_id(&self) -> &str {
        &self.facts.access_key_id
    }

    /// Returns alice's secret access key.
    pub fn secret_access_key(&self) -> &str {
        &self.facts.secret_access_key
    }

    /// Returns alice's access key as [`Credentials`].
    pub fn alice_credentials(&self) -> Credentials {
        Credentials {
            access_key_id: self.facts.access_key_id.clone(),
            secret_access_key: self.facts.secret_access_key.clone(),
            session_token: None,
        }
    }

    /// Returns alice's ARN, `arn:aws:iam::<account>:user/alice`.
    pub fn user_arn(&self) -> &str {
        &self.facts.user_arn
    }

    /// Returns `arn:aws:iam::<account>:role/<name>`. It does not check that
    /// the role exists, and moto lets a caller assume a role that does not.
    pub fn role_arn(&self, name: &str) -> String {
        format!("arn:aws:iam::{}:role/{name}", self.facts.account_id)
    }

    /// Returns the ARN of the OIDC provider that [`WEB_ROLE`] trusts.
    pub fn oidc_provider_arn(&self) -> &str {
        &self.facts.oidc_provider_arn
    }

    /// Returns the ARN of the SAML provider that [`SAML_ROLE`] trusts.
    pub fn saml_provider_arn(&self) -> &str {
        &self.facts.saml_provider_arn
    }

    /// Returns the number of HTTP requests the server received after seeding.
    ///
    /// The launcher's WSGI middleware counts each request before moto handles
    /// it, so the count includes a call as soon as that call's response
    /// arrives. It counts every request that werkzeug parsed, rejected ones
    /// included, and not the requests that read the count.
    pub fn request_count(&self) -> usize {
        let body = http_get(self.facts.port, REQUEST_COUNT_PATH);
        body.trim().parse().unwrap_or_else(|error| {
            panic!("invalid request count {body:?} from moto_launcher.py: {error}")
        })
    }

    /// Returns the last lines the launcher wrote to stdout and stderr,
    /// including werkzeug's access log and moto's tracebacks.
    pub fn output_tail(&self) -> String {
        tail_text(&self.output_tail)
    }

    /// Calls one STS operation with boto3 against this server and returns the
    /// response without ResponseMetadata.
    ///
    /// `operation` is boto3's method name, such as `get_caller_identity`, and
    /// `params` its keyword arguments as a JSON object. `credentials` of `None`
    /// sends the request unsigned. Retries are off, so this sends exactly one
    /// request. Panics if boto3 raises anything other than a client error,
    /// such as for moto's HTML 500 page.
    pub fn call_sts_with_boto3(
        &self,
        credentials: Option<&Credentials>,
        operation: &str,
        params: Value,
    ) -> Result<Value, Boto3Error> {
        let request = serde_json::json!({
            "endpoint": self.endpoint(),
            "operation": operation,
            "params": params,
            "access_key_id": credentials.map(|c| &c.access_key_id),
            "secret_access_key": credentials.map(|c| &c.secret_access_key),
            "session_token": credentials.and_then(|c| c.session_token.as_ref()),
        });

        let mut child = python_command()
            .arg(support_dir().join("boto3_sts_call.py"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|error| panic!("failed to start boto3_sts_call.py: {error}"));
        let mut stdin = child.stdin.take().expect("stdin is piped");
        stdin
            .write_all(request.to_string().as_bytes())
            .expect("failed to write the request to boto3_sts_call.py");
        drop(stdin);

        let output = child
            .wait_with_output()
            .expect("failed to wait for boto3_sts_call.py");
        let stdout = String::from_utf8_lossy(&output.stdout);
        if !output.status.success() {
            panic!(
                "boto3 {operation} failed with {}\nstderr:\n{}\nserver output:\n{}",
                output.status,
                String::from_utf8_lossy(&output.stderr),
                self.output_tail()
            );
        }

        let outcome: Value = serde_json::from_str(&stdout).unwrap_or_else(|error| {
            panic!("invalid output from boto3_sts_call.py: {error}: {stdout}")
        });
        if let Some(response) = outcome.get("ok") {
            return Ok(response.clone());
        }
        let error = outcome
            .get("error")
            .unwrap_or_else(|| panic!("boto3_sts_call.py printed neither ok nor error: {stdout}"));
        Err(serde_json::from_value(error.clone()).unwrap_or_else(|e| {
            panic!("invalid error object from boto3_sts_call.py: {e}: {stdout}")
        }))
    }
}

impl Drop for MotoServer {
    fn drop(&mut self) {
        // Errors mean the launcher has already exited and been reaped.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts threads that copy the launcher's output into `output_tail`, and
/// waits for its ready line.
///
/// Panics with the last output lines if the launcher exits first or takes
/// longer than [`START_TIMEOUT`]. Kills the launcher before it panics.
fn wait_for_ready(
    child: &mut Child,
    mode: Mode,
    output_tail: &Arc<Mutex<VecDeque<String>>>,
) -> SeedFacts {
    let (ready_sender, ready_receiver) = mpsc::channel();
    let stdout = child.stdout.take().expect("stdout is piped");
    let stderr = child.stderr.take().expect("stderr is piped");
    let stdout_reader = spawn_output_reader(stdout, Some(ready_sender), Arc::clone(output_tail));
    let stderr_reader = spawn_output_reader(stderr, None, Arc::clone(output_tail));

    let error = match ready_receiver.recv_timeout(START_TIMEOUT) {
        Ok(line) => {
            return serde_json::from_str(&line).unwrap_or_else(|error| {
                panic!("invalid ready line from moto_launcher.py: {error}: {line}")
            })
        }
        Err(error) => error,
    };
    let reason = match error {
        RecvTimeoutError::Timeout => format!("did not report ready within {START_TIMEOUT:?}"),
        RecvTimeoutError::Disconnected => "exited before it reported ready".to_string(),
    };
    let _ = child.kill();
    let status = match child.wait() {
        Ok(status) => status.to_string(),
        Err(error) => format!("unknown exit status ({error})"),
    };
    // Both readers end at end of file, now that the launcher is gone.
    let _ = stdout_reader.join();
    let _ = stderr_reader.join();
    panic!(
        "moto server ({mode:?}) {reason}, {status}. Last output lines:\n{}",
        tail_text(output_tail)
    );
}

/// Panics unless `moto_seed.py` seeded the names this file's constants give.
fn check_seeded_names(facts: &SeedFacts) {
    let expected_roles = [
        TRUSTED_ROLE,
        UNTRUSTED_ROLE,
        EXTERNAL_ID_ROLE,
        WEB_ROLE,
        SAML_ROLE,
    ];
    assert_eq!(
        facts.user_name, USER_NAME,
        "moto_seed.py and moto.rs name different users"
    );
    assert_eq!(
        facts.role_names, expected_roles,
        "moto_seed.py and moto.rs name different roles"
    );
    assert_eq!(
        facts.external_id, EXTERNAL_ID,
        "moto_seed.py and moto.rs use different ExternalIds"
    );
    assert_eq!(
        facts.other_account_root, OTHER_ACCOUNT_ROOT,
        "moto_seed.py and moto.rs name different untrusted principals"
    );
}

/// Reads `output` line by line into `tail`. If `ready` is given, the first
/// line that starts with the ready prefix goes there, without the prefix,
/// instead of into `tail`.
fn spawn_output_reader(
    output: impl Read + Send + 'static,
    mut ready: Option<mpsc::Sender<String>>,
    tail: Arc<Mutex<VecDeque<String>>>,
) -> JoinHandle<()> {
    thread::spawn(move || {
        let mut reader = BufReader::new(output);
        let mut line = Vec::new();
        loop {
            line.clear();
            match reader.read_until(b'\n', &mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            let text = String::from_utf8_lossy(&line).trim_end().to_string();
            if let Some(facts) = text.strip_prefix(READY_PREFIX) {
                if let Some(sender) = ready.take() {
                    // The receiver is gone only if start() already panicked.
                    let _ = sender.send(facts.to_string());
                    continue;
                }
            }
            let mut tail = tail.lock().unwrap_or_else(PoisonError::into_inner);
            if tail.len() == OUTPUT_TAIL_LINES {
                tail.pop_front();
            }
            tail.push_back(text);
        }
    })
}

fn tail_text(tail: &Mutex<VecDeque<String>>) -> String {
    let tail = tail.lock().unwrap_or_else(PoisonError::into_inner);
    tail.iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Sends `GET path` to 127.0.0.1:`port` and returns the body of a 200 response.
fn http_get(port: u16, path: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port))
        .unwrap_or_else(|error| panic!("failed to connect to moto on port {port}: {error}"));
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("failed to set a read timeout");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .unwrap_or_else(|error| panic!("failed to send GET {path} to port {port}: {error}"));
    let mut response = Vec::new();
    stream
        .read_to_end(&mut response)
        .unwrap_or_else(|error| panic!("failed to read the response to GET {path}: {error}"));
    let response = String::from_utf8_lossy(&response);
    let (head, body) = response
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("incomplete response to GET {path}: {response:?}"));
    assert!(
        head.starts_with("HTTP/1.1 200"),
        "GET {path} failed: {head}"
    );
    body.to_string()
}

/// Builds a base64 SAML response that moto 5.2.5 accepts for
/// AssumeRoleWithSAML.
///
/// The assertion carries the Role (`role_arn,provider_arn`), RoleSessionName
/// and SessionDuration (3600 s) attributes. moto needs the Role attribute and
/// takes the session name and duration from the others. The assertion is not
/// signed, because moto does not check signatures.
pub fn saml_assertion(role_arn: &str, provider_arn: &str, session_name: &str) -> String {
    let attribute = |name: &str, value: &str| {
        format!(
            "<saml:Attribute Name=\"https://aws.amazon.com/SAML/Attributes/{name}\">\
             <saml:AttributeValue>{}</saml:AttributeValue></saml:Attribute>",
            escape_xml(value)
        )
    };
    let document = format!(
        "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" \
         ID=\"_harness-response\" Version=\"2.0\" IssueInstant=\"2026-01-01T00:00:00Z\">\
         <saml:Assertion xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" \
         ID=\"_harness-assertion\" Version=\"2.0\" IssueInstant=\"2026-01-01T00:00:00Z\">\
         <saml:Issuer>https://idp.harness.invalid/saml</saml:Issuer>\
         <saml:Subject><saml:NameID>{}</saml:NameID></saml:Subject>\
         <saml:AttributeStatement>{}{}{}</saml:AttributeStatement>\
         </saml:Assertion></samlp:Response>",
        escape_xml(session_name),
        attribute("Role", &format!("{role_arn},{provider_arn}")),
        attribute("RoleSessionName", session_name),
        attribute("SessionDuration", "3600"),
    );
    base64_encode(document.as_bytes())
}

fn escape_xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Encodes `bytes` as standard base64 with padding (RFC 4648, section 4).
pub fn base64_encode(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut encoded = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let group = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for position in 0..4 {
            if position <= chunk.len() {
                let index = (group >> (18 - 6 * position)) & 0x3f;
                encoded.push(char::from(ALPHABET[index as usize]));
            } else {
                encoded.push('=');
            }
        }
    }
    encoded
}
