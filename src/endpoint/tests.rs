//! Tests of endpoint resolution: the botocore endpoint test suites, the
//! partition table, and the rule-set functions.

use std::borrow::Cow;

use serde_json::{json, Value as Json};

use super::load::{load_rule_set, parse_path, parse_rule_set};
use super::partitions::{partition_for_region, RegionPattern, PARTITIONS};
use super::rules::{
    get_attr, is_valid_host_label, parse_url, substring, uri_encode, ParsedUrl, PathSegment,
    RuleSet, Template, Value,
};
use super::sts_rule_set::STS_RULE_SET;
use super::{resolve, EndpointParams, STS_RULE_SET_JSON};

const STS_TEST_CASES: &str =
    include_str!("../../fixtures/endpoint-rules/botocore-sts-endpoint-tests-1.json");
const PARTITIONS_JSON: &str =
    include_str!("../../fixtures/endpoint-rules/botocore-1.44.8-partitions.json");

/// Rule sets and test cases from botocore's unit tests of its rules engine,
/// as (name, rule set, test cases).
const ENGINE_SUITES: [(&str, &str, &str); 4] = [
    (
        "aws-region",
        include_str!("../../fixtures/endpoint-rules/botocore-rules-engine/valid-rules--aws-region.json"),
        include_str!("../../fixtures/endpoint-rules/botocore-rules-engine/test-cases--aws-region.json"),
    ),
    (
        "default-values",
        include_str!("../../fixtures/endpoint-rules/botocore-rules-engine/valid-rules--default-values.json"),
        include_str!("../../fixtures/endpoint-rules/botocore-rules-engine/test-cases--default-values.json"),
    ),
    (
        "local-region-override",
        include_str!("../../fixtures/endpoint-rules/botocore-rules-engine/valid-rules--local-region-override.json"),
        include_str!("../../fixtures/endpoint-rules/botocore-rules-engine/test-cases--local-region-override.json"),
    ),
    (
        "partition-fn",
        include_str!("../../fixtures/endpoint-rules/botocore-rules-engine/valid-rules--partition-fn.json"),
        include_str!("../../fixtures/endpoint-rules/botocore-rules-engine/test-cases--partition-fn.json"),
    ),
];

fn test_cases(document: &str) -> Vec<Json> {
    let mut document: Json = serde_json::from_str(document).expect("test case file is valid JSON");
    match document["testCases"].take() {
        Json::Array(cases) => cases,
        other => panic!("testCases is not an array: {other}"),
    }
}

fn case_name(case: &Json) -> &str {
    case["documentation"]
        .as_str()
        .unwrap_or("<case without documentation>")
}

// ---- STS conformance cases ----

/// Checks the generated static tree against the one that loading the JSON
/// builds, independently of how the generator writes it.
#[test]
fn sts_rule_set_matches_json() {
    let loaded = parse_rule_set(STS_RULE_SET_JSON).unwrap_or_else(|error| panic!("{error}"));
    assert!(
        loaded == STS_RULE_SET,
        "sts_rule_set.rs differs from the JSON rule set; \
         run `UPDATE_ENDPOINT_RULES=1 cargo test --lib sts_rule_set_source` to regenerate it"
    );
}

/// The STS cases start from `EndpointParams::default()`, so a flag that a
/// case leaves out is `false`. That matches the rule set only while its
/// boolean defaults are `false`.
#[test]
fn sts_rule_set_booleans_default_to_false() {
    let rule_set: Json = serde_json::from_str(STS_RULE_SET_JSON).expect("rule set is valid JSON");
    for name in ["UseFIPS", "UseDualStack", "UseGlobalEndpoint"] {
        assert_eq!(
            rule_set["parameters"][name]["default"],
            json!(false),
            "{name}"
        );
    }
}

#[test]
fn sts_cases_resolve() {
    let cases = test_cases(STS_TEST_CASES);
    assert_eq!(cases.len(), 69, "number of cases in the botocore STS suite");

    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| {
            check_sts_case(case)
                .err()
                .map(|problem| format!("{}: {problem}", case_name(case)))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} STS cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// Checks the URL, signing region and signing name that `resolve` returns
/// for one case, or its error message.
fn check_sts_case(case: &Json) -> Result<(), String> {
    let params = sts_params(case)?;
    let result = resolve(&params);

    let expect = &case["expect"];
    if let Some(message) = expect.get("error") {
        return match result {
            Err(error) if message.as_str() == Some(error.to_string().as_str()) => Ok(()),
            Err(error) => Err(format!("expected error {message}, got error \"{error}\"")),
            Ok(endpoint) => Err(format!("expected error {message}, got {endpoint:?}")),
        };
    }
    let Some(expected) = expect.get("endpoint") else {
        return Err("case expects neither an endpoint nor an error".to_owned());
    };
    let resolved = result.map_err(|error| format!("expected {expected}, got error \"{error}\""))?;

    let sigv4 = expected
        .pointer("/properties/authSchemes")
        .and_then(Json::as_array)
        .and_then(|schemes| schemes.iter().find(|scheme| scheme["name"] == "sigv4"));
    let expected_region = sigv4
        .and_then(|scheme| scheme["signingRegion"].as_str())
        .or(params.region);
    let expected_name = sigv4
        .and_then(|scheme| scheme["signingName"].as_str())
        .unwrap_or("sts");

    let mut mismatches = Vec::new();
    if expected["url"].as_str() != Some(resolved.url.as_str()) {
        mismatches.push(format!(
            "URL {:?}, expected {}",
            resolved.url, expected["url"]
        ));
    }
    if resolved.signing_region.as_deref() != expected_region {
        mismatches.push(format!(
            "signing region {:?}, expected {expected_region:?}",
            resolved.signing_region
        ));
    }
    if resolved.signing_name != expected_name {
        mismatches.push(format!(
            "signing name {:?}, expected {expected_name:?}",
            resolved.signing_name
        ));
    }
    if mismatches.is_empty() {
        Ok(())
    } else {
        Err(mismatches.join("; "))
    }
}

fn sts_params(case: &Json) -> Result<EndpointParams<'_>, String> {
    let mut params = EndpointParams::default();
    let Some(values) = case.get("params") else {
        return Ok(params);
    };
    let values = values.as_object().ok_or("params is not an object")?;
    for (name, value) in values {
        match (name.as_str(), value) {
            ("Region", Json::String(region)) => params.region = Some(region),
            ("Endpoint", Json::String(endpoint)) => params.endpoint = Some(endpoint),
            ("UseFIPS", Json::Bool(flag)) => params.use_fips = *flag,
            ("UseDualStack", Json::Bool(flag)) => params.use_dual_stack = *flag,
            ("UseGlobalEndpoint", Json::Bool(flag)) => params.use_global_endpoint = *flag,
            _ => return Err(format!("unsupported parameter {name} = {value}")),
        }
    }
    Ok(params)
}

/// Compares the complete rule-set output, including all properties and
/// headers, which `ResolvedEndpoint` does not carry.
#[test]
fn sts_cases_match_rule_set_output() {
    let cases = test_cases(STS_TEST_CASES);
    let failures = check_rule_set_cases(&STS_RULE_SET, &cases);
    assert!(
        failures.is_empty(),
        "{} of {} STS cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn botocore_engine_suites_pass() {
    let mut failures = Vec::new();
    for (suite, rules, cases) in ENGINE_SUITES {
        let rule_set = match parse_rule_set(rules) {
            Ok(rule_set) => rule_set,
            Err(error) => {
                failures.push(format!("{suite}: rule set does not load: {error}"));
                continue;
            }
        };
        let cases = test_cases(cases);
        assert!(!cases.is_empty(), "{suite} has no cases");
        for failure in check_rule_set_cases(&rule_set, &cases) {
            failures.push(format!("{suite}: {failure}"));
        }
    }
    assert!(
        failures.is_empty(),
        "failed cases:\n{}",
        failures.join("\n")
    );
}

/// Evaluates each case and returns one message per failed case.
fn check_rule_set_cases(rule_set: &RuleSet, cases: &[Json]) -> Vec<String> {
    cases
        .iter()
        .filter_map(|case| {
            check_rule_set_case(rule_set, case)
                .err()
                .map(|problem| format!("{}: {problem}", case_name(case)))
        })
        .collect()
}

fn check_rule_set_case(rule_set: &RuleSet, case: &Json) -> Result<(), String> {
    let empty = serde_json::Map::new();
    let params = match case.get("params") {
        Some(params) => params.as_object().ok_or("params is not an object")?,
        None => &empty,
    };
    let mut inputs = Vec::with_capacity(params.len());
    for (name, value) in params {
        let value = match value {
            Json::String(text) => Value::String(Cow::Borrowed(text)),
            Json::Bool(flag) => Value::Bool(*flag),
            other => return Err(format!("unsupported parameter value {name} = {other}")),
        };
        inputs.push((name.as_str(), Some(value)));
    }
    let result = rule_set.evaluate(&inputs);

    let expect = &case["expect"];
    if let Some(message) = expect.get("error") {
        return match result {
            Err(error) if message.as_str() == Some(error.to_string().as_str()) => Ok(()),
            Err(error) => Err(format!("expected error {message}, got error \"{error}\"")),
            Ok(endpoint) => Err(format!("expected error {message}, got {endpoint:?}")),
        };
    }
    let Some(expected) = expect.get("endpoint") else {
        return Err("case expects neither an endpoint nor an error".to_owned());
    };
    let endpoint = result.map_err(|error| format!("expected {expected}, got error \"{error}\""))?;

    let headers: serde_json::Map<String, Json> = endpoint
        .headers
        .iter()
        .map(|(name, values)| (name.to_string(), json!(values)))
        .collect();
    let actual = json!({
        "url": endpoint.url,
        "properties": to_json(&endpoint.properties),
        "headers": headers,
    });
    let expected = json!({
        "url": expected["url"],
        "properties": expected.get("properties").unwrap_or(&json!({})),
        "headers": expected.get("headers").unwrap_or(&json!({})),
    });
    if actual == expected {
        Ok(())
    } else {
        Err(format!("got {actual}, expected {expected}"))
    }
}

fn to_json(value: &Value<'_>) -> Json {
    match value {
        Value::String(text) => json!(text),
        Value::Bool(flag) => json!(flag),
        Value::Integer(number) => json!(number),
        Value::Array(items) => Json::Array(items.iter().map(to_json).collect()),
        Value::Record(fields) => Json::Object(
            fields
                .iter()
                .map(|(name, field)| (name.to_string(), to_json(field)))
                .collect(),
        ),
    }
}

// ---- Partitions ----

#[test]
fn partition_table_matches_botocore_data() {
    let document: Json = serde_json::from_str(PARTITIONS_JSON).expect("partitions are valid JSON");
    let expected = document["partitions"].as_array().expect("partitions array");
    assert_eq!(PARTITIONS.len(), expected.len(), "number of partitions");

    for (partition, expected) in PARTITIONS.iter().zip(expected) {
        let id = partition.id;
        assert_eq!(expected["id"], id, "partition order");
        assert_eq!(
            expected["regionRegex"], partition.region_regex,
            "{id} regionRegex"
        );

        let mut expected_regions: Vec<&str> = expected["regions"]
            .as_object()
            .expect("regions object")
            .keys()
            .map(String::as_str)
            .collect();
        expected_regions.sort_unstable();
        let mut regions = partition.regions.to_vec();
        regions.sort_unstable();
        assert_eq!(regions, expected_regions, "{id} regions");

        let outputs = &partition.outputs;
        let expected = &expected["outputs"];
        assert_eq!(expected["name"], outputs.name, "{id} name");
        assert_eq!(expected["dnsSuffix"], outputs.dns_suffix, "{id} dnsSuffix");
        assert_eq!(
            expected["dualStackDnsSuffix"], outputs.dual_stack_dns_suffix,
            "{id} dualStackDnsSuffix"
        );
        assert_eq!(
            expected["supportsFIPS"], outputs.supports_fips,
            "{id} supportsFIPS"
        );
        assert_eq!(
            expected["supportsDualStack"], outputs.supports_dual_stack,
            "{id} supportsDualStack"
        );
        assert_eq!(
            expected["implicitGlobalRegion"], outputs.implicit_global_region,
            "{id} implicitGlobalRegion"
        );
        let mut keys: Vec<&String> = expected
            .as_object()
            .expect("outputs object")
            .keys()
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "dnsSuffix",
                "dualStackDnsSuffix",
                "implicitGlobalRegion",
                "name",
                "supportsDualStack",
                "supportsFIPS"
            ],
            "{id} has outputs that the table lacks"
        );
    }
}

/// Checks that the regex of partition `id` matches each region of `matching`
/// and none of `not_matching`. The expectations agree with Python's `re`.
fn assert_region_regex(id: &str, matching: &[&str], not_matching: &[&str]) {
    let partition = PARTITIONS
        .iter()
        .find(|partition| partition.id == id)
        .unwrap_or_else(|| panic!("no partition {id}"));
    let regex = partition.region_regex;
    let pattern = RegionPattern::compile(regex).unwrap_or_else(|error| panic!("{error}"));
    for region in matching {
        assert!(
            pattern.matches(region),
            "{id} regex {regex} should match {region:?}"
        );
    }
    for region in not_matching {
        assert!(
            !pattern.matches(region),
            "{id} regex {regex} should not match {region:?}"
        );
    }
}

#[test]
fn region_regex_aws() {
    assert_region_regex(
        "aws",
        &[
            "us-east-1",
            "eu-west-3",
            "mx-central-1",
            "il-central-10",
            "af-south_x-1",
            "ca-west-99",
        ],
        &[
            "us-gov-west-1",
            "cn-north-1",
            "us-east-1a",
            "xx-east-1",
            "us-east-",
            "us--1",
            "US-east-1",
            "aws-global",
            "us-east-1-2",
        ],
    );
}

#[test]
fn region_regex_aws_cn() {
    assert_region_regex(
        "aws-cn",
        &["cn-north-1", "cn-northwest-1", "cn-south-25"],
        &[
            "aws-cn-global",
            "cn-north",
            "cn-north-1-x",
            "xcn-north-1",
            "cn-north-west-1",
        ],
    );
}

#[test]
fn region_regex_aws_eusc() {
    assert_region_regex(
        "aws-eusc",
        &["eusc-de-east-1", "eusc-de-west-22"],
        &[
            "eusc-fr-east-1",
            "eusc-east-1",
            "eusc-de-east",
            "eu-de-east-1",
        ],
    );
}

#[test]
fn region_regex_aws_iso() {
    assert_region_regex(
        "aws-iso",
        &["us-iso-east-1", "us-iso-west-1", "us-iso-south-3"],
        &[
            "us-isob-east-1",
            "us-iso-east",
            "us-iso-1",
            "aws-iso-global",
        ],
    );
}

#[test]
fn region_regex_aws_iso_b() {
    assert_region_regex(
        "aws-iso-b",
        &["us-isob-east-1", "us-isob-west-2"],
        &["us-iso-east-1", "us-isob-east", "us-isob-1"],
    );
}

#[test]
fn region_regex_aws_iso_e() {
    assert_region_regex(
        "aws-iso-e",
        &["eu-isoe-west-1", "eu-isoe-north-4"],
        &["eu-isoe-west", "us-isoe-west-1", "eu-iso-west-1"],
    );
}

#[test]
fn region_regex_aws_iso_f() {
    assert_region_regex(
        "aws-iso-f",
        &["us-isof-south-1", "us-isof-east-1"],
        &["us-isof-south", "us-iso-south-1", "eu-isof-east-1"],
    );
}

#[test]
fn region_regex_aws_us_gov() {
    assert_region_regex(
        "aws-us-gov",
        &["us-gov-west-1", "us-gov-east-1", "us-gov-north-7"],
        &[
            "us-gov-west",
            "us-gov-1",
            "eu-gov-west-1",
            "aws-us-gov-global",
        ],
    );
}

#[test]
fn region_regex_compiler_rejects_unsupported_syntax() {
    for regex in [
        "us-east-1",
        "^us.*$",
        "^[a-z]+$",
        "^(us|eu)+$",
        "^(us$",
        "^us\\$",
        "^a\\sb$",
    ] {
        assert!(
            RegionPattern::compile(regex).is_err(),
            "{regex:?} should be rejected"
        );
    }
}

#[test]
fn partition_lookup_prefers_listed_regions() {
    for (region, expected) in [
        ("aws-global", "aws"),
        ("us-east-1", "aws"),
        ("aws-cn-global", "aws-cn"),
        ("aws-us-gov-global", "aws-us-gov"),
        ("us-gov-west-1", "aws-us-gov"),
        ("aws-iso-b-global", "aws-iso-b"),
        ("aws-iso-e-global", "aws-iso-e"),
        ("aws-iso-f-global", "aws-iso-f"),
        ("aws-iso-global", "aws-iso"),
    ] {
        assert_eq!(partition_for_region(region).id, expected, "{region}");
    }
}

#[test]
fn partition_lookup_matches_unlisted_regions_by_regex() {
    for (region, expected) in [
        ("us-east-10", "aws"),
        ("cn-north-5", "aws-cn"),
        ("eusc-de-west-2", "aws-eusc"),
        ("us-iso-west-9", "aws-iso"),
        ("us-isob-west-4", "aws-iso-b"),
        ("eu-isoe-north-1", "aws-iso-e"),
        ("us-isof-east-3", "aws-iso-f"),
        ("us-gov-east-7", "aws-us-gov"),
    ] {
        assert_eq!(partition_for_region(region).id, expected, "{region}");
    }
}

#[test]
fn partition_lookup_falls_back_to_aws() {
    for region in ["mars-global", "local", "", "us-east-1\n"] {
        assert_eq!(partition_for_region(region).id, "aws", "{region:?}");
    }
}

/// botocore tests each partition's listed regions and regex together, in
/// table order. That finds the same partition as looking at all listed
/// regions first only while no listed region matches the regex of an earlier
/// partition, which this test checks.
#[test]
fn listed_regions_match_no_earlier_regex() {
    for (index, partition) in PARTITIONS.iter().enumerate() {
        for earlier in &PARTITIONS[..index] {
            let pattern = RegionPattern::compile(earlier.region_regex).expect("regex compiles");
            for region in partition.regions {
                assert!(
                    !pattern.matches(region),
                    "{region} of {} matches the regex of {}",
                    partition.id,
                    earlier.id
                );
            }
        }
    }
}

// ---- Templates, getAttr and rule evaluation ----

/// Builds a rule set from its `parameters` and `rules` members.
fn rule_set(parameters: Json, rules: Json) -> RuleSet {
    let document = json!({ "version": "1.0", "parameters": parameters, "rules": rules });
    match load_rule_set(&document) {
        Ok(rule_set) => rule_set,
        Err(error) => panic!("rule set does not load: {error}"),
    }
}

fn string_parameter() -> Json {
    json!({ "type": "string" })
}

fn region_input(region: &str) -> [(&str, Option<Value<'_>>); 1] {
    [("Region", Some(Value::String(Cow::Borrowed(region))))]
}

/// Returns the URL, or the error message, that `rule_set` resolves to.
fn outcome(rule_set: &RuleSet, inputs: &[(&str, Option<Value<'_>>)]) -> Result<String, String> {
    rule_set
        .evaluate(inputs)
        .map(|endpoint| endpoint.url)
        .map_err(|error| error.to_string())
}

#[test]
fn template_fills_placeholders() {
    let rules = rule_set(
        json!({ "Region": string_parameter() }),
        json!([{
            "type": "endpoint",
            "conditions": [
                { "fn": "aws.partition", "argv": [{ "ref": "Region" }], "assign": "PartitionResult" }
            ],
            "endpoint": { "url": "https://sts.{Region}.{PartitionResult#dnsSuffix}" }
        }]),
    );
    assert_eq!(
        outcome(&rules, &region_input("cn-north-1")),
        Ok("https://sts.cn-north-1.amazonaws.com.cn".to_owned())
    );
}

#[test]
fn template_unescapes_doubled_braces() {
    let rules = rule_set(
        json!({ "Region": string_parameter() }),
        json!([{ "type": "error", "conditions": [], "error": "{{Region}} is {Region}}}" }]),
    );
    assert_eq!(
        outcome(&rules, &region_input("us-east-1")),
        Err("{Region} is us-east-1}".to_owned())
    );
}

#[test]
fn template_rejects_malformed_placeholders() {
    for text in ["{Region", "Region}", "{}", "{#name}", "{a#}", "{a#b..c}"] {
        assert!(
            Template::parse(text).is_err(),
            "{text:?} should be rejected"
        );
    }
}

#[test]
fn get_attr_path_parses() {
    use PathSegment::{Index, Key};

    let key = |name: &'static str| Key(name);
    assert_eq!(parse_path("name"), Ok(vec![key("name")]));
    assert_eq!(parse_path("a.b[0]"), Ok(vec![key("a"), key("b"), Index(0)]));
    assert_eq!(
        parse_path("resourceId[12]"),
        Ok(vec![key("resourceId"), Index(12)])
    );
    assert_eq!(parse_path("[1]"), Ok(vec![Index(1)]));
}

#[test]
fn get_attr_path_rejects_malformed() {
    for path in ["", "a..b", "a.", "a[", "a[x]", "a[1]b", "a[-1]"] {
        assert!(parse_path(path).is_err(), "{path:?} should be rejected");
    }
}

#[test]
fn get_attr_follows_nested_path() {
    let string = |text: &'static str| Value::String(Cow::Borrowed(text));
    let value = Value::Record(vec![(
        "a",
        Value::Record(vec![(
            "b",
            Value::Array(vec![string("first"), string("second")]),
        )]),
    )]);
    let path = |text: &str| parse_path(text).expect("path parses");

    assert_eq!(
        get_attr(value.clone(), &path("a.b[1]")),
        Ok(Some(string("second")))
    );
    assert_eq!(get_attr(value.clone(), &path("a.b[2]")), Ok(None));
    assert!(get_attr(value.clone(), &path("a.c")).is_err());
    assert!(get_attr(value, &path("a[0]")).is_err());
}

#[test]
fn get_attr_in_rule_reads_array_index() {
    let rules = rule_set(
        json!({}),
        json!([
            {
                "type": "error",
                "conditions": [
                    { "fn": "getAttr", "argv": [["x", "y"], "[2]"], "assign": "missing" }
                ],
                "error": "an index past the end should leave the condition unmatched"
            },
            {
                "type": "error",
                "conditions": [
                    { "fn": "getAttr", "argv": [["x", "y"], "[1]"], "assign": "second" }
                ],
                "error": "second is {second}"
            }
        ]),
    );
    assert_eq!(outcome(&rules, &[]), Err("second is y".to_owned()));
}

#[test]
fn assigned_variable_is_scoped_to_its_rule() {
    let rules = rule_set(
        json!({}),
        json!([
            {
                "type": "error",
                "conditions": [
                    { "fn": "aws.partition", "argv": ["us-east-1"], "assign": "partition" },
                    { "fn": "booleanEquals", "argv": [true, false] }
                ],
                "error": "unreachable"
            },
            { "type": "error", "conditions": [], "error": "{partition#name}" }
        ]),
    );
    let error = outcome(&rules, &[]).expect_err("the second rule cannot see `partition`");
    assert!(error.contains("`partition`"), "{error}");
}

#[test]
fn exhausted_tree_ends_evaluation() {
    let rules = rule_set(
        json!({}),
        json!([
            {
                "type": "tree",
                "conditions": [],
                "rules": [
                    { "type": "error", "conditions": [{ "fn": "booleanEquals", "argv": [true, false] }], "error": "unreachable" }
                ]
            },
            { "type": "error", "conditions": [], "error": "sibling of the tree" }
        ]),
    );
    assert_eq!(
        outcome(&rules, &[]),
        Err("no endpoint rule matched the endpoint parameters".to_owned())
    );
}

#[test]
fn evaluation_checks_parameters() {
    let rules = rule_set(
        json!({ "Region": { "type": "string", "required": true } }),
        json!([{ "type": "error", "conditions": [], "error": "{Region}" }]),
    );
    assert_eq!(
        outcome(&rules, &[]),
        Err("missing required endpoint parameter `Region`".to_owned())
    );
    assert_eq!(
        outcome(&rules, &[("Zone", None)]),
        Err("the endpoint rule set has no parameter named `Zone`".to_owned())
    );
    let error = outcome(&rules, &[("Region", Some(Value::Bool(true)))]).expect_err("wrong type");
    assert!(error.contains("must be of type String"), "{error}");
}

#[test]
fn unsupported_function_fails_to_load() {
    let document = json!({
        "version": "1.0",
        "parameters": {},
        "rules": [{
            "type": "error",
            "conditions": [{ "fn": "aws.parseArn", "argv": ["arn:aws:s3:::bucket"] }],
            "error": "unreachable"
        }]
    });
    let error = load_rule_set(&document).expect_err("aws.parseArn is unsupported");
    assert!(error.contains("aws.parseArn"), "{error}");
}

// ---- Standard library functions ----

#[test]
fn is_valid_host_label_cases() {
    let long_label = "a".repeat(63);
    let too_long_label = "a".repeat(64);
    for (text, allow_subdomains, expected) in [
        ("us-east-1", false, true),
        ("3aws4", false, true),
        (long_label.as_str(), false, true),
        (too_long_label.as_str(), false, false),
        ("", false, false),
        ("-abc", false, false),
        ("abc-", false, false),
        ("a_b", false, false),
        ("part1 part2", false, false),
        ("part1.part2", false, false),
        ("part1.part2", true, true),
        ("part1.", true, false),
        ("part1..part2", true, false),
        ("part1.-part2", true, false),
    ] {
        assert_eq!(
            is_valid_host_label(text, allow_subdomains),
            expected,
            "{text:?} with allow_subdomains = {allow_subdomains}"
        );
    }
}

#[test]
fn parse_url_accepts_http_urls() {
    let parsed = |scheme, authority, path, normalized_path: &str, is_ip| ParsedUrl {
        scheme,
        authority,
        path,
        normalized_path: normalized_path.to_owned(),
        is_ip,
    };
    for (url, expected) in [
        (
            "https://example.com",
            parsed("https", "example.com", "", "/", false),
        ),
        (
            "https://example.com/",
            parsed("https", "example.com", "/", "/", false),
        ),
        (
            "http://example.com:80/foo/bar",
            parsed("http", "example.com:80", "/foo/bar", "/foo/bar/", false),
        ),
        (
            "https://127.0.0.1",
            parsed("https", "127.0.0.1", "", "/", true),
        ),
        (
            "http://192.168.1.1:1234/foo/",
            parsed("http", "192.168.1.1:1234", "/foo/", "/foo/", true),
        ),
        (
            "https://[fe80::1]",
            parsed("https", "[fe80::1]", "", "/", true),
        ),
        (
            "https://[2001:db8:85a3:8d3:1319:8a2e:370:7348]:443",
            parsed(
                "https",
                "[2001:db8:85a3:8d3:1319:8a2e:370:7348]:443",
                "",
                "/",
                true,
            ),
        ),
        (
            "https://999.999.abc.blah",
            parsed("https", "999.999.abc.blah", "", "/", false),
        ),
        (
            "http://99_ab-.com",
            parsed("http", "99_ab-.com", "", "/", false),
        ),
        (
            "https://user@example.com/a",
            parsed("https", "example.com", "/a", "/a/", false),
        ),
    ] {
        assert_eq!(parse_url(url), Some(expected), "{url}");
    }
}

#[test]
fn parse_url_rejects_invalid_urls() {
    for url in [
        "https://example.com:8443?foo=bar&faz=baz",
        "https://example.com/path?query1=foo",
        "acbd://example.com",
        "example.com",
        "http://abc.com:a/foo",
        "http://abc.com:+80/foo",
        "http://abc.com:65536",
        "https://",
        "https://[not-an-ip]",
        "https://a:b:c",
    ] {
        assert_eq!(parse_url(url), None, "{url}");
    }
}

#[test]
fn uri_encode_cases() {
    for (text, expected) in [
        ("abcdefg", "abcdefg"),
        ("abc:defg", "abc%3Adefg"),
        (
            "/:,?#[]{}|@! $&'()*+;=%<>\"^`\\",
            "%2F%3A%2C%3F%23%5B%5D%7B%7D%7C%40%21%20%24%26%27%28%29%2A%2B%3B%3D%25%3C%3E%22%5E%60%5C",
        ),
        ("0123456789.underscore_dash-Tilda~", "0123456789.underscore_dash-Tilda~"),
        ("\u{1F639}", "%F0%9F%98%B9"),
        ("", ""),
    ] {
        assert_eq!(uri_encode(text), expected, "{text:?}");
    }
}

#[test]
fn substring_cases() {
    for (text, start, stop, reverse, expected) in [
        ("abcdefg", 0, 4, false, Some("abcd")),
        ("abcd", 0, 4, false, Some("abcd")),
        ("abc", 0, 4, false, None),
        ("", 0, 4, false, None),
        ("\u{fdfd}", 0, 4, false, None),
        ("abcdef\u{80}", 0, 4, false, None),
        ("\u{7f}abcdef", 0, 4, false, Some("\u{7f}abc")),
        ("abcdefg", 0, 4, true, Some("defg")),
        ("abc", 0, 4, true, None),
        ("defg", 1, 3, false, Some("ef")),
        ("def", 1, 3, false, Some("ef")),
        ("ab", 1, 3, false, None),
        ("abc", 2, 2, false, None),
        ("abc", -1, 2, false, None),
    ] {
        assert_eq!(
            substring(text, start, stop, reverse),
            expected,
            "substring({text:?}, {start}, {stop}, {reverse})"
        );
    }
}
