//! Per-call work of the request pipeline without I/O, for GetCallerIdentity and a fully
//! populated AssumeRole: validation with form encoding, SigV4 signing, and response parsing.
//!
//! Run with `cargo bench --bench per_call`. The side-by-side comparison with aws-sdk-sts and
//! boto3 is `benches/compare/run`; BENCHMARKS.md has the results of both.

use std::hint::black_box;
use std::time::{Duration, SystemTime};

use aws_sts_blocking::__bench;
use aws_sts_blocking::{
    AssumeRoleRequest, Credentials, GetCallerIdentityRequest, PolicyDescriptor, ProvidedContext,
    Tag,
};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};

const ENDPOINT: &str = "https://sts.eu-west-1.amazonaws.com/";
const REGION: &str = "eu-west-1";
/// 2024-05-01T12:00:00Z: a fixed signing time, so every iteration signs the same request.
const SIGNING_TIME_SECONDS: u64 = 1_714_564_800;

const GET_CALLER_IDENTITY_RESPONSE: &str = r#"<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:iam::123456789012:user/benchmark-user</Arn>
    <UserId>AIDAEXAMPLEUSERID0001</UserId>
    <Account>123456789012</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata>
    <RequestId>3f1a2b4c-5d6e-4f70-8192-a3b4c5d6e7f8</RequestId>
  </ResponseMetadata>
</GetCallerIdentityResponse>
"#;

fn credentials() -> Credentials {
    Credentials::new(
        "AKIAEXAMPLEBENCHMARK",
        "benchmarkSecretAccessKey/0123456789/abcdefghij",
        None,
        None,
    )
}

fn signing_time() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(SIGNING_TIME_SECONDS)
}

/// A session token of the length STS returns for a role session (about 1 KB of base64).
fn session_token() -> String {
    "FwoGZXIvYXdzEBYaDBenchmarkTokenPart0123456789+/abcdefghijklmnopqrstuvwxyzABCDEFGH".repeat(13)
}

/// Builds an AssumeRole request with every member this crate's AssumeRoleRequest offers.
fn assume_role_request() -> AssumeRoleRequest {
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::benchmark-bucket","arn:aws:s3:::benchmark-bucket/*"]}]}"#;
    AssumeRoleRequest::new(
        "arn:aws:iam::123456789012:role/benchmark-deploy-role",
        "benchmark-session@example.com",
    )
    .policy_arns(vec![
        PolicyDescriptor::new("arn:aws:iam::aws:policy/ReadOnlyAccess"),
        PolicyDescriptor::new("arn:aws:iam::123456789012:policy/benchmark-boundary"),
    ])
    .policy(policy)
    .duration_seconds(3600)
    .tags(vec![
        Tag::new("team", "platform"),
        Tag::new("cost-center", "12345"),
        Tag::new("purpose", "benchmark run with spaces"),
    ])
    .transitive_tag_keys(vec!["team".to_string(), "cost-center".to_string()])
    .external_id("benchmark-external-id-0123456789")
    .serial_number("arn:aws:iam::123456789012:mfa/benchmark-user")
    .token_code("123456")
    .source_identity("benchmark-user@example.com")
    .provided_contexts(vec![ProvidedContext::new(
        "arn:aws:iam::aws:contextProvider/IdentityCenter",
        "eyJhbGciOiJSUzI1NiJ9.eyJjb250ZXh0IjoiYmVuY2htYXJrIn0.c2lnbmF0dXJl",
    )])
    .minimum_session_token_size(1024)
}

fn assume_role_response() -> String {
    format!(
        r#"<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <SourceIdentity>benchmark-user@example.com</SourceIdentity>
    <AssumedRoleUser>
      <AssumedRoleId>AROAEXAMPLEROLEID0001:benchmark-session@example.com</AssumedRoleId>
      <Arn>arn:aws:sts::123456789012:assumed-role/benchmark-deploy-role/benchmark-session@example.com</Arn>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIAEXAMPLETEMPKEY01</AccessKeyId>
      <SecretAccessKey>temporarySecretAccessKey/0123456789/abcdefghij</SecretAccessKey>
      <SessionToken>{}</SessionToken>
      <Expiration>2024-05-01T13:00:00Z</Expiration>
    </Credentials>
    <PackedPolicySize>12</PackedPolicySize>
    <SessionTokenUtilization>25</SessionTokenUtilization>
    <SessionTokenSize>1053</SessionTokenSize>
  </AssumeRoleResult>
  <ResponseMetadata>
    <RequestId>9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d</RequestId>
  </ResponseMetadata>
</AssumeRoleResponse>
"#,
        session_token()
    )
}

/// Benchmarks encoding, signing and parsing for one operation in a group named `operation`.
fn bench_operation<O>(
    c: &mut Criterion,
    operation: &str,
    encode: impl Fn() -> String,
    response: &str,
    parse: impl Fn(Vec<u8>) -> O,
) {
    let mut group = c.benchmark_group(operation);
    let credentials = credentials();
    let body = encode();

    group.bench_function("encode", |b| b.iter(&encode));
    // A session's first call of a UTC day derives the signing key, and later calls reuse it.
    group.bench_function("sign_deriving_key", |b| {
        b.iter(|| {
            __bench::sign(
                &__bench::SigningKeys::default(),
                ENDPOINT,
                black_box(body.as_bytes()),
                &credentials,
                REGION,
                signing_time(),
            )
            .unwrap()
        })
    });
    let keys = __bench::SigningKeys::default();
    group.bench_function("sign", |b| {
        b.iter(|| {
            __bench::sign(
                &keys,
                ENDPOINT,
                black_box(body.as_bytes()),
                &credentials,
                REGION,
                signing_time(),
            )
            .unwrap()
        })
    });
    group.bench_function("parse", |b| {
        b.iter_batched(
            || response.as_bytes().to_vec(),
            &parse,
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

fn get_caller_identity(c: &mut Criterion) {
    let request = GetCallerIdentityRequest::new();
    bench_operation(
        c,
        "get_caller_identity",
        || __bench::encode_get_caller_identity(black_box(&request)).unwrap(),
        GET_CALLER_IDENTITY_RESPONSE,
        |response| __bench::parse_get_caller_identity(200, response).unwrap(),
    );
}

fn assume_role(c: &mut Criterion) {
    let request = assume_role_request();
    bench_operation(
        c,
        "assume_role",
        || __bench::encode_assume_role(black_box(&request)).unwrap(),
        &assume_role_response(),
        |response| __bench::parse_assume_role(200, response).unwrap(),
    );
}

criterion_group!(benches, get_caller_identity, assume_role);
criterion_main!(benches);
