//! Hostile and broken responses: each one ends in a typed error, never a panic and never a
//! success with missing fields, and only the retryable ones are sent again. Every count is taken
//! on the server side.

mod reliability_common;
mod support;

use aws_sts_blocking::{Error, StsClient};
use reliability_common::{fault_session, identity_response};
use support::fault::{FaultServer, Response, Step};

/// Sends GetCallerIdentity once per attempt to a server that always responds with `step`,
/// and returns the error and the number of requests the server read.
fn fail_with(step: Step) -> (Error, usize) {
    let server = FaultServer::start(vec![step]);
    let session = fault_session(&server).build().unwrap();
    let mut client = StsClient::new(None, None, Some(session)).unwrap();
    let error = client
        .describe_caller()
        .expect_err("the response must be rejected");
    (error, server.request_count())
}

fn xml(status: u16, body: impl Into<Vec<u8>>) -> Step {
    Step::Respond(
        Response::new(status)
            .header("Content-Type", "text/xml")
            .body(body),
    )
}

fn assert_invalid_response(error: &Error, expected_status: u16) {
    match error {
        Error::InvalidResponse { status, .. } => assert_eq!(*status, expected_status, "{error}"),
        other => panic!("expected InvalidResponse, got {other:?}"),
    }
}

#[test]
fn html_error_page_is_retried() {
    let page = "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>\
                <body><h1>Bad Gateway</h1></body></html>";
    let step = Step::Respond(
        Response::new(502)
            .header("Content-Type", "text/html")
            .body(page),
    );
    let (error, requests) = fail_with(step);
    assert_invalid_response(&error, 502);
    assert!(error.is_retryable());
    assert_eq!(error.attempts(), 3);
    assert_eq!(requests, 3);
}

#[test]
fn plain_text_error_is_retried() {
    let step = Step::Respond(
        Response::new(503)
            .header("Content-Type", "text/plain")
            .body("Service Unavailable"),
    );
    let (error, requests) = fail_with(step);
    assert_invalid_response(&error, 503);
    assert_eq!(requests, 3);
}

#[test]
fn empty_bodies() {
    let (error, requests) = fail_with(xml(200, ""));
    assert_invalid_response(&error, 200);
    assert!(!error.is_retryable());
    assert_eq!(requests, 1);

    let (error, requests) = fail_with(xml(500, ""));
    assert_invalid_response(&error, 500);
    assert!(error.to_string().contains("empty body"), "{error}");
    assert_eq!(requests, 3);

    let (error, requests) = fail_with(xml(403, ""));
    assert_invalid_response(&error, 403);
    assert_eq!(requests, 1);
}

#[test]
fn truncated_xml() {
    let body = "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::1";
    let (error, requests) = fail_with(xml(200, body));
    assert_invalid_response(&error, 200);
    assert_eq!(requests, 1);
}

#[test]
fn wrong_root_element() {
    let body = "<AssumeRoleResponse><AssumeRoleResult/></AssumeRoleResponse>";
    let (error, requests) = fail_with(xml(200, body));
    assert_invalid_response(&error, 200);
    assert!(error.to_string().contains("AssumeRoleResponse"), "{error}");
    assert_eq!(requests, 1);
}

#[test]
fn json_body() {
    let body = r#"{"GetCallerIdentityResponse":{"GetCallerIdentityResult":{"Account":"1"}}}"#;
    let step = Step::Respond(
        Response::new(200)
            .header("Content-Type", "application/json")
            .body(body),
    );
    let (error, requests) = fail_with(step);
    assert_invalid_response(&error, 200);
    assert_eq!(requests, 1);
}

#[test]
fn missing_or_empty_required_fields() {
    let missing_arn = "<GetCallerIdentityResponse><GetCallerIdentityResult>\
                       <UserId>AIDA</UserId><Account>123456789012</Account>\
                       </GetCallerIdentityResult></GetCallerIdentityResponse>";
    let (error, requests) = fail_with(xml(200, missing_arn));
    assert_invalid_response(&error, 200);
    assert!(error.to_string().contains("<Arn>"), "{error}");
    assert_eq!(requests, 1);

    let empty_account = "<GetCallerIdentityResponse><GetCallerIdentityResult>\
                         <Arn>arn:aws:iam::123456789012:user/a</Arn><UserId>AIDA</UserId>\
                         <Account>  </Account></GetCallerIdentityResult></GetCallerIdentityResponse>";
    let (error, _) = fail_with(xml(200, empty_account));
    assert_invalid_response(&error, 200);
    assert!(error.to_string().contains("<Account>"), "{error}");

    let no_result = "<GetCallerIdentityResponse><ResponseMetadata><RequestId>r</RequestId>\
                     </ResponseMetadata></GetCallerIdentityResponse>";
    let (error, _) = fail_with(xml(200, no_result));
    assert_invalid_response(&error, 200);

    let error_without_code = "<ErrorResponse><Error><Message>m</Message></Error></ErrorResponse>";
    let (error, requests) = fail_with(xml(400, error_without_code));
    assert_invalid_response(&error, 400);
    assert_eq!(requests, 1);
}

#[test]
fn non_utf8_body() {
    let mut body = b"<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>".to_vec();
    body.extend_from_slice(&[0xff, 0xfe, 0xc3, 0x28]);
    body.extend_from_slice(b"</Arn></GetCallerIdentityResult></GetCallerIdentityResponse>");
    let (error, requests) = fail_with(xml(200, body));
    assert_invalid_response(&error, 200);
    assert!(error.to_string().contains("UTF-8"), "{error}");
    assert_eq!(requests, 1);
}

#[test]
fn body_over_the_limit() {
    // 4 MiB of valid-looking XML; the client reads at most 1 MiB + 1 byte of it.
    let mut body = b"<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>".to_vec();
    body.resize(4 * 1024 * 1024, b'a');
    let (error, requests) = fail_with(xml(200, body));
    assert_invalid_response(&error, 200);
    assert!(error.to_string().contains("exceeds the limit"), "{error}");
    assert_eq!(requests, 1);
}

#[test]
fn error_document_with_200_status() {
    let body = "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>\
                <Message>denied</Message></Error><RequestId>r-200</RequestId></ErrorResponse>";
    let (error, requests) = fail_with(xml(200, body));
    assert!(matches!(error, Error::Service(_)), "{error:?}");
    assert_eq!(error.code(), Some("AccessDenied"));
    assert_eq!(error.status(), Some(200));
    assert_eq!(error.request_id(), Some("r-200"));
    assert_eq!(requests, 1);

    let throttled = "<ErrorResponse><Error><Code>Throttling</Code></Error></ErrorResponse>";
    let (error, requests) = fail_with(xml(200, throttled));
    assert_eq!(error.code(), Some("Throttling"));
    assert_eq!(requests, 3);
}

#[test]
fn duplicated_elements() {
    let body = "<GetCallerIdentityResponse><GetCallerIdentityResult>\
                <Arn>arn:aws:iam::123456789012:user/a</Arn><Arn>arn:aws:iam::999999999999:user/b</Arn>\
                <UserId>AIDA</UserId><Account>123456789012</Account>\
                </GetCallerIdentityResult></GetCallerIdentityResponse>";
    let (error, requests) = fail_with(xml(200, body));
    assert_invalid_response(&error, 200);
    assert!(error.to_string().contains("more than once"), "{error}");
    assert_eq!(requests, 1);

    let two_results = "<GetCallerIdentityResponse><GetCallerIdentityResult/>\
                       <GetCallerIdentityResult/></GetCallerIdentityResponse>";
    let (error, _) = fail_with(xml(200, two_results));
    assert_invalid_response(&error, 200);
}

#[test]
fn deeply_nested_elements() {
    let depth = 100_000;
    let body = format!("{}{}", "<a>".repeat(depth), "</a>".repeat(depth));
    let (error, requests) = fail_with(xml(200, body));
    assert_invalid_response(&error, 200);
    assert!(error.to_string().contains("nested deeper"), "{error}");
    assert_eq!(requests, 1);
}

#[test]
fn connection_reset_mid_body() {
    let step = Step::CloseMidBody {
        response: identity_response(),
        sent_bytes: 40,
    };
    let (error, requests) = fail_with(step);
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert!(error.is_retryable());
    assert_eq!(error.attempts(), 3);
    assert_eq!(requests, 3);
}

#[test]
fn garbage_instead_of_http() {
    let (error, requests) = fail_with(Step::Raw(b"\x16\x03\x01 not HTTP at all\r\n\r\n".to_vec()));
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert_eq!(requests, 3);
}

#[test]
fn redirects_are_not_followed() {
    let other = FaultServer::start(vec![Step::Respond(identity_response())]);
    let step = Step::Respond(
        Response::new(307)
            .header("Location", &format!("{}/", other.endpoint()))
            .body(""),
    );
    let (error, requests) = fail_with(step);
    assert_invalid_response(&error, 307);
    assert_eq!(requests, 1);
    assert_eq!(other.request_count(), 0);
}
