//! Self-tests of the test harness in `tests/support`, independent of the
//! crate's client code: they talk to the servers with boto3 or with a plain
//! `TcpStream`.

mod support;

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use support::fault::{FaultServer, Response, Step};
use support::moto::{self, Credentials, MotoServer};

/// A response read by hand, header names in lowercase.
#[derive(Debug)]
struct RawResponse {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl RawResponse {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, value)| value.as_str())
    }

    fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

fn connect(address: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect(address)
        .unwrap_or_else(|error| panic!("failed to connect to {address}: {error}"));
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream
}

fn moto_address(server: &MotoServer) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], server.port()))
}

/// Sends a request with a `Content-Length` header and the given extra headers.
fn send_request(
    stream: &mut TcpStream,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) {
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {}\r\n",
        stream.peer_addr().unwrap()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    stream.flush().unwrap();
}

/// Reads one response whose body length is given by `Content-Length`.
fn read_response(stream: &mut TcpStream) -> RawResponse {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        let read = stream
            .read(&mut byte)
            .expect("failed to read the response head");
        assert_eq!(
            read,
            1,
            "connection closed inside the response head: {:?}",
            String::from_utf8_lossy(&head)
        );
        head.push(byte[0]);
    }

    let head = String::from_utf8(head).expect("response head is not UTF-8");
    let mut lines = head.trim_end().split("\r\n");
    let status_line = lines.next().unwrap();
    let status = status_line.split(' ').nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> = lines
        .map(|line| {
            let (name, value) = line.split_once(':').unwrap();
            (name.trim().to_ascii_lowercase(), value.trim().to_string())
        })
        .collect();

    let length: usize = headers
        .iter()
        .find(|(name, _)| name == "content-length")
        .map(|(_, value)| value.parse().unwrap())
        .expect("response has no Content-Length");
    let mut body = vec![0; length];
    stream
        .read_exact(&mut body)
        .expect("failed to read the response body");
    RawResponse {
        status,
        headers,
        body,
    }
}

/// Reads until the server closes the connection.
fn read_to_close(stream: &mut TcpStream) -> Vec<u8> {
    let mut bytes = Vec::new();
    stream
        .read_to_end(&mut bytes)
        .expect("failed to read until the connection closed");
    bytes
}

/// Sends an unsigned form POST to moto and reads the response.
fn post_unsigned_form(server: &MotoServer, form: &str) -> RawResponse {
    let mut stream = connect(moto_address(server));
    let content_type = [("Content-Type", "application/x-www-form-urlencoded")];
    send_request(&mut stream, "POST", "/", &content_type, form.as_bytes());
    read_response(&mut stream)
}

fn assumed_credentials(response: &Value) -> Credentials {
    let credentials = &response["Credentials"];
    Credentials {
        access_key_id: credentials["AccessKeyId"].as_str().unwrap().to_string(),
        secret_access_key: credentials["SecretAccessKey"].as_str().unwrap().to_string(),
        session_token: Some(credentials["SessionToken"].as_str().unwrap().to_string()),
    }
}

// ---- the venv and the seeded names ----

#[test]
fn venv_has_pinned_moto() {
    let output = moto::python_command()
        .args([
            "-c",
            "import boto3, moto; print(moto.__version__, boto3.__version__)",
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let versions = String::from_utf8(output.stdout).unwrap();
    assert_eq!(versions.trim(), "5.2.5 1.44.8");
}

#[test]
fn seeded_names_and_arns() {
    let server = MotoServer::shared_verifying();
    assert_eq!(server.account_id(), "123456789012");
    assert_eq!(server.user_arn(), "arn:aws:iam::123456789012:user/alice");
    assert_eq!(
        server.role_arn(moto::TRUSTED_ROLE),
        "arn:aws:iam::123456789012:role/trusted-role"
    );
    assert_eq!(
        server.oidc_provider_arn(),
        "arn:aws:iam::123456789012:oidc-provider/oidc.harness.invalid"
    );
    assert_eq!(
        server.saml_provider_arn(),
        "arn:aws:iam::123456789012:saml-provider/harness-saml"
    );
    assert!(
        server.access_key_id().starts_with("AKIA"),
        "{}",
        server.access_key_id()
    );
    assert_eq!(server.secret_access_key().len(), 40);
    assert_eq!(
        server.endpoint(),
        format!("http://127.0.0.1:{}", server.port())
    );
}

#[test]
fn base64_matches_rfc_4648_vectors() {
    // The test vectors of RFC 4648, section 10.
    let vectors = [
        ("", ""),
        ("f", "Zg=="),
        ("fo", "Zm8="),
        ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="),
        ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ];
    for (input, expected) in vectors {
        assert_eq!(
            moto::base64_encode(input.as_bytes()),
            expected,
            "input {input:?}"
        );
    }
}

// ---- the verifying server ----

#[test]
fn request_count_counts_each_request() {
    let server = MotoServer::start_verifying();
    assert_eq!(server.request_count(), 0, "seeding requests must not count");

    let identity = server
        .call_sts_with_boto3(
            Some(&server.alice_credentials()),
            "get_caller_identity",
            json!({}),
        )
        .unwrap();
    assert_eq!(identity["Account"], server.account_id());
    assert_eq!(identity["Arn"], server.user_arn());
    assert_eq!(server.request_count(), 1);

    let rejected = post_unsigned_form(&server, "Action=GetCallerIdentity&Version=2011-06-15");
    assert_eq!(rejected.status, 500);
    assert_eq!(server.request_count(), 2, "rejected requests count too");

    // Reading the count is not itself counted.
    assert_eq!(server.request_count(), 2);
}

#[test]
fn request_count_is_current_when_response_arrives() {
    let server = MotoServer::start_verifying();
    for expected in 1..=5 {
        post_unsigned_form(&server, "Action=GetCallerIdentity&Version=2011-06-15");
        assert_eq!(server.request_count(), expected);
    }
}

#[test]
fn verifying_server_rejects_bad_signature() {
    let server = MotoServer::shared_verifying();
    let mut credentials = server.alice_credentials();
    credentials.secret_access_key = "0".repeat(40);
    let error = server
        .call_sts_with_boto3(Some(&credentials), "get_caller_identity", json!({}))
        .unwrap_err();
    assert_eq!(error.code.as_deref(), Some("SignatureDoesNotMatch"));
    assert_eq!(error.status, 403);
}

#[test]
fn verifying_server_rejects_unknown_key() {
    let server = MotoServer::shared_verifying();
    let credentials = Credentials {
        access_key_id: "AKIAHARNESSUNKNOWN00".to_string(),
        secret_access_key: server.secret_access_key().to_string(),
        session_token: None,
    };
    let error = server
        .call_sts_with_boto3(Some(&credentials), "get_caller_identity", json!({}))
        .unwrap_err();
    assert_eq!(error.code.as_deref(), Some("InvalidClientTokenId"));
    assert_eq!(error.status, 403);
}

#[test]
fn verifying_server_rejects_unsigned_post() {
    let server = MotoServer::shared_verifying();
    let response = post_unsigned_form(server, "Action=GetCallerIdentity&Version=2011-06-15");
    assert_eq!(response.status, 500);
    assert_eq!(
        response.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(
        response.body_text().contains("Internal Server Error"),
        "{}",
        response.body_text()
    );
}

#[test]
fn verifying_server_rejects_unsigned_web_identity() {
    let server = MotoServer::shared_verifying();
    let form = format!(
        "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn={}\
         &RoleSessionName=web-session&WebIdentityToken=token",
        server.role_arn(moto::WEB_ROLE)
    );
    let response = post_unsigned_form(server, &form);
    assert_eq!(response.status, 500);
    assert_eq!(
        response.header("content-type"),
        Some("text/html; charset=utf-8")
    );
}

#[test]
fn moto_closes_connection_after_response() {
    let server = MotoServer::shared_verifying();
    let mut stream = connect(moto_address(server));
    send_request(&mut stream, "GET", "/__harness__/request-count", &[], b"");
    let response = read_response(&mut stream);
    assert_eq!(response.status, 200);
    assert_eq!(response.header("connection"), Some("close"));
    assert!(read_to_close(&mut stream).is_empty());
}

#[test]
fn trusted_role_can_be_assumed() {
    let server = MotoServer::shared_verifying();
    let params = json!({
        "RoleArn": server.role_arn(moto::TRUSTED_ROLE),
        "RoleSessionName": "harness-session",
    });
    let assumed = server
        .call_sts_with_boto3(Some(&server.alice_credentials()), "assume_role", params)
        .unwrap();
    let expected_arn = "arn:aws:sts::123456789012:assumed-role/trusted-role/harness-session";
    assert_eq!(assumed["AssumedRoleUser"]["Arn"], expected_arn);

    // The session credentials sign further requests, token included.
    let session = assumed_credentials(&assumed);
    let identity = server
        .call_sts_with_boto3(Some(&session), "get_caller_identity", json!({}))
        .unwrap();
    assert_eq!(identity["Arn"], expected_arn);

    let wrong_token = Credentials {
        session_token: Some("wrong".to_string()),
        ..session
    };
    let error = server
        .call_sts_with_boto3(Some(&wrong_token), "get_caller_identity", json!({}))
        .unwrap_err();
    assert_eq!(error.code.as_deref(), Some("InvalidClientTokenId"));
}

#[test]
fn trusted_role_accepts_tags_and_source_identity() {
    let server = MotoServer::shared_verifying();
    let params = json!({
        "RoleArn": server.role_arn(moto::TRUSTED_ROLE),
        "RoleSessionName": "tagged-session",
        "Tags": [{"Key": "team", "Value": "harness"}],
        "TransitiveTagKeys": ["team"],
        "SourceIdentity": "alice",
    });
    let result =
        server.call_sts_with_boto3(Some(&server.alice_credentials()), "assume_role", params);
    assert!(result.is_ok(), "{result:?}");
}

#[test]
fn untrusted_role_is_denied() {
    let server = MotoServer::shared_verifying();
    let params = json!({
        "RoleArn": server.role_arn(moto::UNTRUSTED_ROLE),
        "RoleSessionName": "harness-session",
    });
    let error = server
        .call_sts_with_boto3(Some(&server.alice_credentials()), "assume_role", params)
        .unwrap_err();
    assert_eq!(error.code.as_deref(), Some("AccessDenied"));
    assert_eq!(error.status, 403);
}

#[test]
fn missing_role_can_be_assumed() {
    // moto 5.2.5 checks trust only for roles that exist.
    let server = MotoServer::shared_verifying();
    let params = json!({
        "RoleArn": server.role_arn("no-such-role"),
        "RoleSessionName": "harness-session",
    });
    let result =
        server.call_sts_with_boto3(Some(&server.alice_credentials()), "assume_role", params);
    assert!(result.is_ok(), "{result:?}");
}

#[test]
fn external_id_role_checks_external_id() {
    let server = MotoServer::shared_verifying();
    let alice = server.alice_credentials();
    let assume = |external_id: Option<&str>| {
        let mut params = json!({
            "RoleArn": server.role_arn(moto::EXTERNAL_ID_ROLE),
            "RoleSessionName": "harness-session",
        });
        if let Some(external_id) = external_id {
            params["ExternalId"] = json!(external_id);
        }
        server.call_sts_with_boto3(Some(&alice), "assume_role", params)
    };

    assert!(assume(Some(moto::EXTERNAL_ID)).is_ok());
    let wrong = assume(Some("wrong-external-id")).unwrap_err();
    assert_eq!(wrong.code.as_deref(), Some("AccessDenied"));
    // AWS would deny this, but moto 5.2.5 checks only the values a request sends.
    assert!(assume(None).is_ok());
}

#[test]
fn web_role_denies_assume_role() {
    let server = MotoServer::shared_verifying();
    let params = json!({
        "RoleArn": server.role_arn(moto::WEB_ROLE),
        "RoleSessionName": "harness-session",
    });
    let error = server
        .call_sts_with_boto3(Some(&server.alice_credentials()), "assume_role", params)
        .unwrap_err();
    assert_eq!(error.code.as_deref(), Some("AccessDenied"));
}

// ---- the open server ----

#[test]
fn open_server_sends_unsigned_identity_to_s3() {
    // An unsigned query request reaches moto's STS backend only for
    // AssumeRoleWithWebIdentity and AssumeRoleWithSAML. Any other goes to
    // moto's default backend, S3, which lists buckets.
    let server = MotoServer::shared_open();
    let response = post_unsigned_form(server, "Action=GetCallerIdentity&Version=2011-06-15");
    assert_eq!(response.status, 200);
    assert!(
        response.body_text().contains("<ListAllMyBucketsResult"),
        "{}",
        response.body_text()
    );
}

#[test]
fn open_server_serves_unsigned_web_identity() {
    let server = MotoServer::shared_open();
    let form = format!(
        "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn={}\
         &RoleSessionName=web-session&WebIdentityToken=token",
        server.role_arn(moto::WEB_ROLE)
    );
    let response = post_unsigned_form(server, &form);
    assert_eq!(response.status, 200, "{}", response.body_text());
    let body = response.body_text();
    assert!(
        body.contains("<AssumeRoleWithWebIdentityResponse"),
        "{body}"
    );
    assert!(
        body.contains("arn:aws:sts::123456789012:assumed-role/web-role/web-session"),
        "{body}"
    );
}

#[test]
fn open_server_serves_web_identity_to_boto3() {
    let server = MotoServer::shared_open();
    let params = json!({
        "RoleArn": server.role_arn(moto::WEB_ROLE),
        "RoleSessionName": "web-session",
        "WebIdentityToken": "token",
    });
    let assumed = server
        .call_sts_with_boto3(None, "assume_role_with_web_identity", params)
        .unwrap();
    assert_eq!(
        assumed["AssumedRoleUser"]["Arn"],
        "arn:aws:sts::123456789012:assumed-role/web-role/web-session"
    );
}

#[test]
fn open_server_serves_unsigned_saml() {
    let server = MotoServer::shared_open();
    let role_arn = server.role_arn(moto::SAML_ROLE);
    let assertion = moto::saml_assertion(&role_arn, server.saml_provider_arn(), "saml-session");
    let params = json!({
        "RoleArn": role_arn,
        "PrincipalArn": server.saml_provider_arn(),
        "SAMLAssertion": assertion,
    });
    let assumed = server
        .call_sts_with_boto3(None, "assume_role_with_saml", params)
        .unwrap();
    assert_eq!(
        assumed["AssumedRoleUser"]["Arn"],
        "arn:aws:sts::123456789012:assumed-role/saml-role/saml-session"
    );
}

// ---- starting and stopping servers ----

#[test]
fn shared_servers_start_once() {
    assert!(std::ptr::eq(
        MotoServer::shared_verifying(),
        MotoServer::shared_verifying()
    ));
    assert!(std::ptr::eq(
        MotoServer::shared_open(),
        MotoServer::shared_open()
    ));
    assert_ne!(
        MotoServer::shared_verifying().port(),
        MotoServer::shared_open().port()
    );
}

#[test]
fn servers_start_in_parallel() {
    let starters: Vec<_> = (0..3)
        .map(|_| thread::spawn(MotoServer::start_verifying))
        .collect();
    let servers: Vec<MotoServer> = starters
        .into_iter()
        .map(|starter| starter.join().unwrap())
        .collect();
    let mut ports: Vec<u16> = servers.iter().map(MotoServer::port).collect();
    ports.sort_unstable();
    ports.dedup();
    assert_eq!(ports.len(), 3);
    for server in &servers {
        assert_eq!(server.request_count(), 0);
    }
}

/// Returns whether `pid` is a live process: not missing and not a zombie.
fn process_is_running(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The state follows the parenthesised command name: "pid (comm) S ...".
        Ok(stat) => !stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z')),
        Err(_) => false,
    }
}

#[test]
fn dropped_server_stops_launcher() {
    let server = MotoServer::start_open();
    let pid = server.pid();
    assert!(process_is_running(pid));
    drop(server);
    assert!(!process_is_running(pid));
}

const ORPHAN_CHILD_VARIABLE: &str = "HARNESS_ORPHAN_CHILD";

#[test]
#[ignore = "launcher_exits_with_test_process runs it in a child process"]
fn orphan_child_starts_shared_server() {
    if std::env::var_os(ORPHAN_CHILD_VARIABLE).is_none() {
        return;
    }
    // The static server is never dropped: the launcher must notice that this
    // process has exited.
    println!("LAUNCHER_PID={}", MotoServer::shared_open().pid());
}

#[test]
fn launcher_exits_with_test_process() {
    let output = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "orphan_child_starts_shared_server",
            "--ignored",
            "--nocapture",
        ])
        .env(ORPHAN_CHILD_VARIABLE, "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let pid: u32 = stdout
        .lines()
        .find_map(|line| line.strip_prefix("LAUNCHER_PID="))
        .unwrap_or_else(|| panic!("child printed no launcher pid: {stdout}"))
        .parse()
        .unwrap();

    let deadline = Instant::now() + Duration::from_secs(5);
    while process_is_running(pid) && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(20));
    }
    assert!(
        !process_is_running(pid),
        "launcher {pid} outlived its test process by 5 s"
    );
}

// ---- the fault server ----

#[test]
fn fault_respond_records_request() {
    let server = FaultServer::start(vec![Step::Respond(
        Response::new(200)
            .header("Content-Type", "text/xml")
            .body("<ok/>"),
    )]);
    let mut stream = connect(server.address());
    send_request(
        &mut stream,
        "POST",
        "/path?query=1",
        &[("X-Custom-Header", "Value")],
        b"Action=Test",
    );
    let response = read_response(&mut stream);

    assert_eq!(response.status, 200);
    assert_eq!(response.header("content-type"), Some("text/xml"));
    assert_eq!(response.header("content-length"), Some("5"));
    assert_eq!(response.body, b"<ok/>");

    // The request is recorded before its response is sent.
    assert_eq!(server.request_count(), 1);
    let request = &server.requests()[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/path?query=1");
    assert_eq!(request.version, "HTTP/1.1");
    assert_eq!(request.header("x-custom-header"), Some("Value"));
    assert!(request
        .headers
        .iter()
        .any(|(name, _)| name == "x-custom-header"));
    assert_eq!(request.body, b"Action=Test");
    assert_eq!(request.connection, 0);
}

#[test]
fn fault_keeps_connection_alive() {
    let server = FaultServer::start(vec![Step::Respond(Response::new(200).body("reply"))]);
    let mut stream = connect(server.address());
    for _ in 0..3 {
        send_request(&mut stream, "GET", "/", &[], b"");
        assert_eq!(read_response(&mut stream).body, b"reply");
    }
    assert_eq!(server.connection_count(), 1);
    assert_eq!(server.request_count(), 3);

    let mut second = connect(server.address());
    send_request(&mut second, "GET", "/", &[], b"");
    read_response(&mut second);
    assert_eq!(server.connection_count(), 2);
    let connections: Vec<usize> = server
        .requests()
        .iter()
        .map(|request| request.connection)
        .collect();
    assert_eq!(connections, [0, 0, 0, 1]);
}

#[test]
fn fault_closes_when_request_says_close() {
    let server = FaultServer::start(vec![Step::Respond(Response::new(200).body("reply"))]);
    let mut stream = connect(server.address());
    send_request(&mut stream, "GET", "/", &[("Connection", "close")], b"");
    assert_eq!(read_response(&mut stream).body, b"reply");
    assert!(read_to_close(&mut stream).is_empty());
}

#[test]
fn fault_steps_run_in_order_and_last_repeats() {
    let server = FaultServer::start(vec![
        Step::Respond(Response::new(503).body("first")),
        Step::Respond(Response::new(200).body("last")),
    ]);
    let mut stream = connect(server.address());
    let mut statuses = Vec::new();
    for _ in 0..4 {
        send_request(&mut stream, "GET", "/", &[], b"");
        let response = read_response(&mut stream);
        statuses.push((response.status, response.body_text()));
    }
    let expected = [(503, "first"), (200, "last"), (200, "last"), (200, "last")];
    let expected: Vec<(u16, String)> = expected.iter().map(|(s, b)| (*s, b.to_string())).collect();
    assert_eq!(statuses, expected);
}

#[test]
fn fault_keeps_own_content_length() {
    let server = FaultServer::start(vec![Step::Respond(
        Response::new(200)
            .header("Content-Length", "100")
            .body("only ten b"),
    )]);
    let mut stream = connect(server.address());
    send_request(&mut stream, "GET", "/", &[("Connection", "close")], b"");
    let bytes = String::from_utf8(read_to_close(&mut stream)).unwrap();
    assert_eq!(
        bytes,
        "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b"
    );
}

#[test]
fn fault_stall_holds_then_closes() {
    let stall = Duration::from_millis(400);
    let server = FaultServer::start(vec![Step::Stall(stall)]);
    let mut stream = connect(server.address());
    stream
        .set_read_timeout(Some(Duration::from_millis(100)))
        .unwrap();
    let started = Instant::now();
    send_request(&mut stream, "POST", "/", &[], b"body");

    let mut buffer = [0u8; 16];
    let error = stream.read(&mut buffer).unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
        "expected a read timeout, got {error:?}"
    );
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    assert!(read_to_close(&mut stream).is_empty());
    assert!(
        started.elapsed() >= stall,
        "closed after {:?}",
        started.elapsed()
    );
    assert_eq!(server.request_count(), 1);
}

#[test]
fn fault_drip_sends_body_slowly() {
    let interval = Duration::from_millis(50);
    let server = FaultServer::start(vec![Step::Drip {
        response: Response::new(200).body("abcdef"),
        interval,
    }]);
    let mut stream = connect(server.address());
    let started = Instant::now();
    send_request(&mut stream, "GET", "/", &[], b"");
    let response = read_response(&mut stream);
    assert_eq!(response.body, b"abcdef");
    assert!(
        started.elapsed() >= interval * 6,
        "body arrived after {:?}",
        started.elapsed()
    );

    // The connection stays open for another request.
    send_request(&mut stream, "GET", "/", &[], b"");
    assert_eq!(read_response(&mut stream).body, b"abcdef");
    assert_eq!(server.connection_count(), 1);
}

#[test]
fn fault_close_sends_nothing() {
    let server = FaultServer::start(vec![Step::Close]);
    let mut stream = connect(server.address());
    send_request(&mut stream, "POST", "/", &[], b"Action=Test");
    assert!(read_to_close(&mut stream).is_empty());
    assert_eq!(server.requests()[0].body, b"Action=Test");
}

#[test]
fn fault_close_mid_body_truncates() {
    let server = FaultServer::start(vec![Step::CloseMidBody {
        response: Response::new(200).body("0123456789"),
        sent_bytes: 4,
    }]);
    let mut stream = connect(server.address());
    send_request(&mut stream, "GET", "/", &[], b"");
    let bytes = String::from_utf8(read_to_close(&mut stream)).unwrap();
    assert_eq!(bytes, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123");
}

#[test]
fn fault_raw_sends_bytes_as_given() {
    let raw =
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n".to_vec();
    let server = FaultServer::start(vec![Step::Raw(raw.clone())]);
    let mut stream = connect(server.address());
    send_request(&mut stream, "GET", "/", &[], b"");
    assert_eq!(read_to_close(&mut stream), raw);
}

#[test]
fn fault_drop_is_bounded() {
    let server = FaultServer::start(vec![Step::Stall(Duration::from_secs(60))]);
    let mut stalled = connect(server.address());
    send_request(&mut stalled, "GET", "/", &[], b"");
    let _idle = connect(server.address());
    while server.request_count() == 0 {
        thread::sleep(Duration::from_millis(5));
    }

    let started = Instant::now();
    drop(server);
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "drop took {:?}",
        started.elapsed()
    );
    assert!(read_to_close(&mut stalled).is_empty());
}
