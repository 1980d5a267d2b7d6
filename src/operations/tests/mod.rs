//! Tests of every operation's form encoding, validation, output parsing and `Debug`, on
//! requests and bodies written from the STS model, on recorded STS bodies and on the awsQuery
//! protocol test suite.

mod awsquery;
mod encoding;
mod errors;
mod responses;
mod validation;

use std::path::PathBuf;

use super::Operation;
use crate::protocol::query::QueryWriter;
use crate::protocol::xml::{parse_document, parse_success_document};

/// Returns the form body that `request` is sent as, without validating it.
fn encode<O: Operation>(request: &O) -> String {
    let mut writer = QueryWriter::new(O::NAME);
    request.write_members(&mut writer);
    writer.finish()
}

/// Parses a success body of operation `O` the way the call pipeline does.
fn parse<O: Operation>(body: &str) -> Result<O::Output, String> {
    let root = parse_document(body).map_err(|error| error.0)?;
    let (result, request_id) = parse_success_document(root, O::NAME).map_err(|error| error.0)?;
    O::parse_output(&result, request_id).map_err(|error| error.0)
}

/// Returns the path of a file under `fixtures/`.
fn fixture_path(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(relative)
}

/// Reads a file under `fixtures/`.
fn fixture(relative: &str) -> String {
    let path = fixture_path(relative);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()))
}
