//! The awsQuery protocol test suite run against the Query encoder and the XML parser.
//!
//! The cases are botocore's JSON form of the Smithy awsQuery protocol tests
//! (`fixtures/awsquery/`): 38 request cases and 39 response cases. Each case is either run
//! here, run in `tests/operations_wire.rs` (the one that needs an HTTP request line), or
//! listed in [`NOT_APPLICABLE`] with the reason STS does not need it. A test checks that the
//! three lists together cover the suite exactly.
//!
//! Requests are encoded by walking the case's input shape and calling [`QueryWriter`], as the
//! operations' `write_members` do, and compared with the expected body as a set of parameters
//! (the suite fixes no order). The suite's service has API version `2020-01-08`, while the
//! writer always sends STS's `2011-06-15`, so the expected `Version` is rewritten.
//!
//! Responses are read with the same functions the operations use: `parse_document`,
//! `parse_success_document` or `parse_error_document`, then the element tree walked along
//! the output shape. Members of kinds that no STS output has (booleans, longs, floats,
//! doubles, flattened lists, non-ISO 8601 timestamps) are left out of the comparison, and
//! each left-out member is listed in [`SKIPPED_MEMBERS`] so none goes unnoticed.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::fixture;
use crate::protocol::query::QueryWriter;
use crate::protocol::xml::{
    parse_document, parse_error_document, parse_success_document, parse_timestamp, Element,
};

/// Cases that test protocol features STS does not use, with the reason.
const NOT_APPLICABLE: &[(Side, &str, &str)] = &[
    (
        Side::Request,
        "AwsQueryEndpointTrait",
        "STS has no @endpoint host prefix",
    ),
    (
        Side::Request,
        "AwsQueryEndpointTraitWithHostLabel",
        "STS has no @endpoint host prefix",
    ),
    (
        Side::Request,
        "SDKAppliedContentEncoding_awsQuery",
        "STS has no @requestCompression",
    ),
    (
        Side::Request,
        "SDKAppendsGzipAndIgnoresHttpProvidedEncoding_awsQuery",
        "STS has no @requestCompression",
    ),
    (
        Side::Request,
        "QueryProtocolIdempotencyTokenAutoFill",
        "STS has no idempotency tokens",
    ),
    (
        Side::Request,
        "QueryProtocolIdempotencyTokenAutoFillIsSet",
        "STS has no idempotency tokens",
    ),
    (
        Side::Request,
        "FlattenedQueryLists",
        "STS input lists are not flattened",
    ),
    (
        Side::Request,
        "QueryFlattenedListArgWithXmlName",
        "STS input lists are not flattened",
    ),
    (
        Side::Request,
        "QueryListArgWithXmlNameMember",
        "STS list members have no xmlName",
    ),
    (
        Side::Request,
        "QuerySimpleQueryMaps",
        "STS has no input maps",
    ),
    (
        Side::Request,
        "QuerySimpleQueryMapsWithXmlName",
        "STS has no input maps",
    ),
    (
        Side::Request,
        "QueryComplexQueryMaps",
        "STS has no input maps",
    ),
    (
        Side::Request,
        "QueryEmptyQueryMaps",
        "STS has no input maps",
    ),
    (
        Side::Request,
        "QueryQueryMapWithMemberXmlName",
        "STS has no input maps",
    ),
    (
        Side::Request,
        "QueryFlattenedQueryMaps",
        "STS has no input maps",
    ),
    (
        Side::Request,
        "QueryFlattenedQueryMapsWithXmlName",
        "STS has no input maps",
    ),
    (
        Side::Request,
        "QueryQueryMapOfLists",
        "STS has no input maps",
    ),
    (
        Side::Request,
        "QueryNestedStructWithMap",
        "STS has no input maps",
    ),
    (
        Side::Request,
        "QueryTimestampsInput",
        "STS has no timestamp inputs, so the encoder has no timestamp kind",
    ),
    (
        Side::Request,
        "QuerySimpleInputParamsFloat",
        "STS has no float inputs",
    ),
    (
        Side::Request,
        "QuerySimpleInputParamsBlob",
        "STS has no blob inputs",
    ),
    (
        Side::Request,
        "AwsQuerySupportsNaNFloatInputs",
        "STS has no float inputs",
    ),
    (
        Side::Request,
        "AwsQuerySupportsInfinityFloatInputs",
        "STS has no float inputs",
    ),
    (
        Side::Request,
        "AwsQuerySupportsNegativeInfinityFloatInputs",
        "STS has no float inputs",
    ),
    (
        Side::Response,
        "QueryEmptyInputAndEmptyOutput",
        "every STS operation has output members, so a 200 with no body is an invalid response",
    ),
    (
        Side::Response,
        "QueryNoInputAndNoOutput",
        "every STS operation has output members, so a 200 with no body is an invalid response",
    ),
    (
        Side::Response,
        "QueryNoInputAndOutput",
        "every STS operation has output members, so a 200 with no body is an invalid response",
    ),
    (
        Side::Response,
        "QueryQueryFlattenedXmlMap",
        "the one STS output map is not flattened",
    ),
    (
        Side::Response,
        "QueryQueryFlattenedXmlMapWithXmlName",
        "the one STS output map is not flattened",
    ),
    (
        Side::Response,
        "QueryQueryFlattenedXmlMapWithXmlNamespace",
        "the one STS output map is not flattened",
    ),
    (
        Side::Response,
        "QueryQueryXmlMapsXmlName",
        "the one STS output map uses the default <key> and <value> names",
    ),
    (
        Side::Response,
        "AwsQuerySupportsNaNFloatOutputs",
        "STS has no float outputs",
    ),
    (
        Side::Response,
        "AwsQuerySupportsInfinityFloatOutputs",
        "STS has no float outputs",
    ),
    (
        Side::Response,
        "AwsQuerySupportsNegativeInfinityFloatOutputs",
        "STS has no float outputs",
    ),
    (Side::Response, "QueryXmlBlobs", "STS has no blob outputs"),
    (
        Side::Response,
        "QueryXmlEmptyBlobs",
        "STS has no blob outputs",
    ),
    (
        Side::Response,
        "QueryXmlEmptySelfClosedBlobs",
        "STS has no blob outputs",
    ),
    (
        Side::Response,
        "QueryXmlTimestampsWithEpochSecondsFormat",
        "STS timestamps are ISO 8601 only",
    ),
    (
        Side::Response,
        "QueryXmlTimestampsWithEpochSecondsOnTargetFormat",
        "STS timestamps are ISO 8601 only",
    ),
    (
        Side::Response,
        "QueryXmlTimestampsWithHttpDateFormat",
        "STS timestamps are ISO 8601 only",
    ),
    (
        Side::Response,
        "QueryXmlTimestampsWithHttpDateOnTargetFormat",
        "STS timestamps are ISO 8601 only",
    ),
];

/// Cases run in `tests/operations_wire.rs` against a local HTTP listener, because they check
/// the request line rather than the body.
const RUN_IN_WIRE_TESTS: &[(Side, &str)] = &[(Side::Request, "QueryHostWithPath")];

/// Members left out of the comparison in cases that run, because no STS output has their
/// kind.
const SKIPPED_MEMBERS: &[(&str, &str)] = &[
    ("QuerySimpleScalarProperties", "trueBooleanValue"),
    ("QuerySimpleScalarProperties", "falseBooleanValue"),
    ("QuerySimpleScalarProperties", "longValue"),
    ("QuerySimpleScalarProperties", "floatValue"),
    ("QuerySimpleScalarProperties", "doubleValue"),
    ("QueryXmlLists", "booleanList"),
    ("QueryXmlLists", "flattenedList"),
    ("QueryXmlLists", "flattenedList2"),
    ("QueryXmlLists", "flattenedListWithMemberNamespace"),
    ("QueryXmlLists", "flattenedListWithNamespace"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Side {
    Request,
    Response,
}

/// One case of a suite, with the suite's shapes.
struct Case {
    id: String,
    shapes: Value,
    case: Value,
}

fn cases(file: &str) -> Vec<Case> {
    let suites: Value = serde_json::from_str(&fixture(file)).unwrap();
    let mut cases = Vec::new();
    for suite in suites.as_array().unwrap() {
        for case in suite["cases"].as_array().unwrap() {
            cases.push(Case {
                id: case["id"].as_str().unwrap().to_string(),
                shapes: suite["shapes"].clone(),
                case: case.clone(),
            });
        }
    }
    cases
}

fn is_skipped(side: Side, id: &str) -> bool {
    NOT_APPLICABLE
        .iter()
        .any(|(skip_side, skip_id, _)| *skip_side == side && *skip_id == id)
        || RUN_IN_WIRE_TESTS.contains(&(side, id))
}

/// Returns the wire name of a member: its `locationName`, else its name.
fn wire_name<'a>(name: &'a str, member: &'a Value) -> &'a str {
    member["locationName"].as_str().unwrap_or(name)
}

/// Appends `value` of shape `shape_name` under `name`, as an operation's `write_members`
/// would.
fn write_value(
    writer: &mut QueryWriter,
    name: &str,
    shape_name: &str,
    value: &Value,
    shapes: &Value,
) {
    let shape = &shapes[shape_name];
    match shape["type"].as_str().unwrap() {
        "string" => writer.string(name, value.as_str().unwrap()),
        "integer" => writer.optional_integer(name, Some(value.as_i64().unwrap() as i32)),
        "boolean" => writer.string(
            name,
            if value.as_bool().unwrap() {
                "true"
            } else {
                "false"
            },
        ),
        "list" => {
            assert!(
                shape["member"]["locationName"].is_null(),
                "renamed list members in {name}"
            );
            let member_shape = shape["member"]["shape"].as_str().unwrap();
            writer.list(name, value.as_array().unwrap(), |writer, prefix, item| {
                write_value(writer, prefix, member_shape, item, shapes)
            });
        }
        "structure" => write_structure(writer, &format!("{name}."), shape_name, value, shapes),
        other => panic!("no STS input has the kind {other} (member {name})"),
    }
}

fn write_structure(
    writer: &mut QueryWriter,
    prefix: &str,
    shape_name: &str,
    value: &Value,
    shapes: &Value,
) {
    let members = shapes[shape_name]["members"].as_object().unwrap();
    for (name, member_value) in value.as_object().unwrap() {
        let member = &members[name];
        assert!(member["flattened"].is_null(), "flattened member {name}");
        let wire = format!("{prefix}{}", wire_name(name, member));
        write_value(
            writer,
            &wire,
            member["shape"].as_str().unwrap(),
            member_value,
            shapes,
        );
    }
}

fn parameters(body: &str) -> BTreeSet<String> {
    body.split('&').map(str::to_string).collect()
}

#[test]
fn request_cases() {
    let mut run = Vec::new();
    for Case { id, shapes, case } in cases("awsquery/input-query.json") {
        if is_skipped(Side::Request, &id) {
            continue;
        }
        let operation = case["given"]["name"].as_str().unwrap();
        let mut writer = QueryWriter::new(operation);
        if let Some(input) = case["given"]["input"]["shape"].as_str() {
            write_structure(&mut writer, "", input, &case["params"], &shapes);
        }
        let expected = case["serialized"]["body"]
            .as_str()
            .unwrap()
            .replace("Version=2020-01-08", "Version=2011-06-15");
        assert_eq!(parameters(&writer.finish()), parameters(&expected), "{id}");
        assert_eq!(case["serialized"]["uri"], "/", "{id}");
        run.push(id);
    }
    assert_eq!(run.len(), 13, "request cases run: {run:?}");
}

/// Converts the child `name` of `parent`, of shape `shape_name`, to the suite's JSON form;
/// `None` when the child is absent.
fn read_member(parent: &Element, name: &str, shape_name: &str, shapes: &Value) -> Option<Value> {
    let shape = &shapes[shape_name];
    let value = match shape["type"].as_str().unwrap() {
        "string" => Value::from(parent.optional_text(name).unwrap()?),
        "integer" => Value::from(parent.optional_integer(name).unwrap()?),
        "timestamp" => timestamp_value(parent.optional_timestamp(name).unwrap()?),
        _ => read_value(parent.child(name).unwrap()?, shape_name, shapes),
    };
    Some(value)
}

/// Converts an element of shape `shape_name` to the suite's JSON form.
fn read_value(element: &Element, shape_name: &str, shapes: &Value) -> Value {
    let shape = &shapes[shape_name];
    match shape["type"].as_str().unwrap() {
        "string" => Value::from(element.text.trim()),
        "integer" => Value::from(element.text.trim().parse::<i32>().unwrap()),
        "timestamp" => timestamp_value(parse_timestamp(element.text.trim()).unwrap()),
        "structure" => read_structure(element, shape_name, shapes, &mut Vec::new()),
        "list" => {
            let item_name = shape["member"]["locationName"].as_str().unwrap_or("member");
            let item_shape = shape["member"]["shape"].as_str().unwrap();
            let items = element
                .children
                .iter()
                .filter(|child| child.name == item_name);
            Value::Array(
                items
                    .map(|item| read_value(item, item_shape, shapes))
                    .collect(),
            )
        }
        other => panic!("no STS output has the kind {other}"),
    }
}

/// Converts a structure element; members of kinds no STS output has are added to `skipped`.
fn read_structure(
    element: &Element,
    shape_name: &str,
    shapes: &Value,
    skipped: &mut Vec<String>,
) -> Value {
    let mut result = Map::new();
    for (name, member) in shapes[shape_name]["members"].as_object().unwrap() {
        let member_shape_name = member["shape"].as_str().unwrap();
        let member_shape = &shapes[member_shape_name];
        let wire = wire_name(name, member);
        let kind = member_shape["type"].as_str().unwrap();
        let unsupported = matches!(kind, "boolean" | "long" | "float" | "double" | "blob")
            || !member["flattened"].is_null()
            || (kind == "list"
                && matches!(
                    shapes[member_shape["member"]["shape"].as_str().unwrap()]["type"].as_str(),
                    Some("boolean")
                ))
            || member_shape["timestampFormat"]
                .as_str()
                .is_some_and(|format| format != "iso8601");
        if unsupported {
            if element.children.iter().any(|child| child.name == wire) {
                skipped.push(name.clone());
            }
            continue;
        }
        let value = if kind == "map" {
            let value_shape = member_shape["value"]["shape"].as_str().unwrap();
            element.optional_map_entries(wire).unwrap().map(|entries| {
                let entries = entries
                    .into_iter()
                    .map(|(key, value)| (key, read_value(value, value_shape, shapes)));
                Value::Object(entries.collect())
            })
        } else {
            read_member(element, wire, member_shape_name, shapes)
        };
        if let Some(value) = value {
            result.insert(name.clone(), value);
        }
    }
    Value::Object(result)
}

/// Returns a timestamp as the suite writes it: epoch seconds, rounded to milliseconds.
fn timestamp_value(timestamp: time::OffsetDateTime) -> Value {
    let milliseconds = timestamp.unix_timestamp_nanos() / 1_000_000;
    if milliseconds % 1000 == 0 {
        Value::from((milliseconds / 1000) as i64)
    } else {
        Value::from(milliseconds as f64 / 1000.0)
    }
}

#[test]
fn response_cases() {
    let mut run = Vec::new();
    let mut skipped_members = Vec::new();
    for Case { id, shapes, case } in cases("awsquery/output-query.json") {
        if is_skipped(Side::Response, &id) {
            continue;
        }
        let operation = case["given"]["name"].as_str().unwrap();
        let response = &case["response"];
        let root = parse_document(response["body"].as_str().unwrap()).unwrap();

        if let Some(code) = case["errorCode"].as_str() {
            let document = parse_error_document(&root).unwrap();
            assert_eq!(document.code, code, "{id}");
            assert_eq!(document.fault.as_deref(), Some("Sender"), "{id}");
            assert_eq!(document.request_id.as_deref(), Some("foo-id"), "{id}");
            let message = case["errorMessage"].as_str().unwrap_or_default();
            assert_eq!(document.message, message, "{id}");
            run.push(id);
            continue;
        }

        let (result, request_id) = parse_success_document(root, operation).unwrap();
        if id == "QueryNoInputAndNoOutputWithResponseMetadata" {
            assert_eq!(request_id.as_deref(), Some("abc-123"), "{id}");
        }
        let mut skipped = Vec::new();
        let actual = match case["given"]["output"]["shape"].as_str() {
            Some(output) => read_structure(&result, output, &shapes, &mut skipped),
            None => Value::Object(Map::new()),
        };
        let mut expected = case["result"].clone();
        for name in &skipped {
            expected.as_object_mut().unwrap().remove(name);
            skipped_members.push((id.clone(), name.clone()));
        }
        assert_eq!(actual, expected, "{id}");
        run.push(id);
    }

    let expected_skips: BTreeSet<(String, String)> = SKIPPED_MEMBERS
        .iter()
        .map(|(id, name)| (id.to_string(), name.to_string()))
        .collect();
    let skipped_members: BTreeSet<(String, String)> = skipped_members.into_iter().collect();
    assert_eq!(skipped_members, expected_skips);
    assert_eq!(run.len(), 22, "response cases run: {run:?}");
}

#[test]
fn suite_fully_accounted_for() {
    let mut listed: Vec<(Side, &str)> = NOT_APPLICABLE
        .iter()
        .map(|(side, id, _)| (*side, *id))
        .chain(RUN_IN_WIRE_TESTS.iter().copied())
        .collect();
    listed.sort();
    listed.dedup();
    assert_eq!(listed.len(), NOT_APPLICABLE.len() + RUN_IN_WIRE_TESTS.len());

    let requests = cases("awsquery/input-query.json");
    let responses = cases("awsquery/output-query.json");
    assert_eq!(requests.len(), 38);
    assert_eq!(responses.len(), 39);
    let known: BTreeSet<(Side, String)> = requests
        .iter()
        .map(|case| (Side::Request, case.id.clone()))
        .chain(
            responses
                .iter()
                .map(|case| (Side::Response, case.id.clone())),
        )
        .collect();
    assert_eq!(known.len(), 77);
    for (side, id) in listed {
        assert!(
            known.contains(&(side, id.to_string())),
            "{side:?} {id} is not in the suite"
        );
    }
}
