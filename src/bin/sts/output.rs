//! Output formats: the AWS CLI's JSON and text layouts, shell `export` lines, and the JSON
//! document that `credential_process` expects.

use std::fmt::Write as _;

use aws_sts_blocking::Credentials;
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use time::{OffsetDateTime, UtcOffset};

/// The `--output` formats.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The document the AWS CLI prints with `--output json`.
    #[default]
    Json,
    /// The tab-separated lines the AWS CLI prints with `--output text`.
    Text,
    /// `export NAME=value` lines for a POSIX shell.
    Env,
    /// The `Version: 1` document of the `credential_process` setting.
    CredentialProcess,
}

impl Format {
    pub fn parse(word: &str) -> Option<Format> {
        match word {
            "json" => Some(Format::Json),
            "text" => Some(Format::Text),
            "env" => Some(Format::Env),
            "credential-process" => Some(Format::CredentialProcess),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Text => "text",
            Format::Env => "env",
            Format::CredentialProcess => "credential-process",
        }
    }

    /// Returns whether the format prints credentials only, so it needs a command that
    /// returns them.
    pub fn needs_credentials(self) -> bool {
        matches!(self, Format::Env | Format::CredentialProcess)
    }
}

/// A response document: members keep the order of the STS model, as the AWS CLI prints them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    String(String),
    Integer(i64),
    // TODO: remove the allowance with the one on `args::Kind::List`.
    #[allow(dead_code)]
    List(Vec<Value>),
    Object(Vec<(String, Value)>),
}

impl Value {
    fn is_scalar(&self) -> bool {
        matches!(self, Value::String(_) | Value::Integer(_))
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::String(text) => serializer.serialize_str(text),
            Value::Integer(number) => serializer.serialize_i64(*number),
            Value::List(items) => {
                let mut sequence = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    sequence.serialize_element(item)?;
                }
                sequence.end()
            }
            Value::Object(members) => {
                let mut map = serializer.serialize_map(Some(members.len()))?;
                for (name, value) in members {
                    map.serialize_entry(name, value)?;
                }
                map.end()
            }
        }
    }
}

/// Builder of a [`Value::Object`] that leaves out absent optional members, as the AWS CLI does.
#[derive(Debug, Default)]
pub struct Object {
    members: Vec<(String, Value)>,
}

impl Object {
    pub fn new() -> Object {
        Object::default()
    }

    pub fn string(mut self, name: &str, value: impl Into<String>) -> Object {
        self.members
            .push((name.to_string(), Value::String(value.into())));
        self
    }

    pub fn optional_string(self, name: &str, value: Option<&str>) -> Object {
        match value {
            Some(value) => self.string(name, value),
            None => self,
        }
    }

    pub fn optional_integer(mut self, name: &str, value: Option<i32>) -> Object {
        if let Some(value) = value {
            self.members
                .push((name.to_string(), Value::Integer(value.into())));
        }
        self
    }

    pub fn timestamp(self, name: &str, value: OffsetDateTime) -> Object {
        self.string(name, timestamp(value))
    }

    pub fn optional_timestamp(self, name: &str, value: Option<OffsetDateTime>) -> Object {
        match value {
            Some(value) => self.timestamp(name, value),
            None => self,
        }
    }

    pub fn value(mut self, name: &str, value: Value) -> Object {
        self.members.push((name.to_string(), value));
        self
    }

    pub fn optional_value(self, name: &str, value: Option<Value>) -> Object {
        match value {
            Some(value) => self.value(name, value),
            None => self,
        }
    }

    pub fn build(self) -> Value {
        Value::Object(self.members)
    }
}

/// Builds the `Credentials` structure of an STS response.
pub fn credentials_value(credentials: &Credentials) -> Value {
    Object::new()
        .string("AccessKeyId", credentials.access_key_id())
        .string("SecretAccessKey", credentials.secret_access_key())
        .optional_string("SessionToken", credentials.session_token())
        .optional_timestamp("Expiration", credentials.expiration())
        .build()
}

/// Formats a timestamp in UTC as ISO 8601, `2024-05-01T12:34:56Z`, with `.ffffff`
/// microseconds only when the time has a fraction of a second.
///
/// The AWS CLI (checked with awscli 1.46.3) prints timestamps exactly as STS sent them: STS
/// sends whole seconds with `Z`, and moto sends six fraction digits. This form reproduces
/// both. NOTE: a fraction with more than six digits is cut to microseconds.
pub fn timestamp(value: OffsetDateTime) -> String {
    let utc = value.to_offset(UtcOffset::UTC);
    let mut text = date_and_time(utc);
    if utc.microsecond() != 0 {
        let _ = write!(text, ".{:06}", utc.microsecond());
    }
    text.push('Z');
    text
}

/// Formats the date and time to the second, `2024-05-01T12:34:56`, without an offset.
fn date_and_time(value: OffsetDateTime) -> String {
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        value.year(),
        u8::from(value.month()),
        value.day(),
        value.hour(),
        value.minute(),
        value.second()
    )
}

/// Renders a document as the AWS CLI's `--output json` does: four-space indentation,
/// non-ASCII characters unescaped, and a final newline.
pub fn render_json(value: &Value) -> String {
    let mut buffer = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut serializer = serde_json::Serializer::with_formatter(&mut buffer, formatter);
    value
        .serialize(&mut serializer)
        .expect("serializing a Value into memory cannot fail");
    let mut text = String::from_utf8(buffer).expect("serde_json writes UTF-8");
    text.push('\n');
    text
}

/// Renders a document as the AWS CLI's `--output text` does (checked against awscli 1.46.3).
///
/// An object prints one tab-separated line of its scalar members sorted by name, led by the
/// upper-cased name of the member that contains it when it is nested, and no line when it has
/// no scalars. Its list and object members follow, sorted by name. In a list of objects every
/// object prints the scalar members that any of them has, with an empty field where one is
/// missing. A nested list of scalars prints one line per item; a top-level one prints a
/// single line.
pub fn render_text(value: &Value) -> String {
    let mut text = String::new();
    write_text(value, None, None, &mut text);
    text
}

/// Writes `value` in the text layout. `identifier` is the upper-cased name that leads its
/// lines, and `scalar_names` the scalar member names shared by the objects of one list.
fn write_text(
    value: &Value,
    identifier: Option<&str>,
    scalar_names: Option<&[&str]>,
    text: &mut String,
) {
    match value {
        Value::String(_) | Value::Integer(_) => {
            text.push_str(&scalar_text(value));
            text.push('\n');
        }
        Value::List(items) => write_list(items, identifier, text),
        Value::Object(members) => write_object(members, identifier, scalar_names, text),
    }
}

fn write_list(items: &[Value], identifier: Option<&str>, text: &mut String) {
    if items.iter().any(|item| matches!(item, Value::Object(_))) {
        let mut names: Vec<&str> = items
            .iter()
            .filter_map(|item| match item {
                Value::Object(members) => Some(members),
                _ => None,
            })
            .flatten()
            .filter(|(_, value)| value.is_scalar())
            .map(|(name, _)| name.as_str())
            .collect();
        names.sort_unstable();
        names.dedup();
        for item in items {
            write_text(item, identifier, Some(&names), text);
        }
        return;
    }

    let scalars: Vec<&Value> = items.iter().filter(|item| item.is_scalar()).collect();
    match identifier {
        Some(identifier) => {
            for scalar in &scalars {
                text.push_str(identifier);
                text.push('\t');
                text.push_str(&scalar_text(scalar));
                text.push('\n');
            }
        }
        None if !scalars.is_empty() => {
            let fields: Vec<String> = scalars.iter().map(|scalar| scalar_text(scalar)).collect();
            text.push_str(&fields.join("\t"));
            text.push('\n');
        }
        None => {}
    }
    for nested in items.iter().filter(|item| matches!(item, Value::List(_))) {
        write_text(nested, identifier, None, text);
    }
}

fn write_object(
    members: &[(String, Value)],
    identifier: Option<&str>,
    scalar_names: Option<&[&str]>,
    text: &mut String,
) {
    let mut sorted: Vec<&(String, Value)> = members.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));

    let mut fields: Vec<String> = Vec::new();
    let nested: Vec<&(String, Value)> = match scalar_names {
        Some(names) => {
            for name in names {
                let value = members.iter().find(|(member, _)| member == name);
                fields.push(
                    value
                        .map(|(_, value)| scalar_text(value))
                        .unwrap_or_default(),
                );
            }
            sorted
                .into_iter()
                .filter(|(name, _)| !names.contains(&name.as_str()))
                .collect()
        }
        None => {
            let (scalars, nested): (Vec<_>, Vec<_>) =
                sorted.into_iter().partition(|(_, value)| value.is_scalar());
            fields.extend(scalars.iter().map(|(_, value)| scalar_text(value)));
            nested
        }
    };

    if !fields.is_empty() {
        if let Some(identifier) = identifier {
            fields.insert(0, identifier.to_string());
        }
        text.push_str(&fields.join("\t"));
        text.push('\n');
    }
    for (name, value) in nested {
        write_text(value, Some(&name.to_uppercase()), None, text);
    }
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(string) => string.clone(),
        Value::Integer(number) => number.to_string(),
        Value::List(_) | Value::Object(_) => String::new(),
    }
}

/// Renders `export` lines for a POSIX shell, for `eval "$(sts ... --output env)"`.
pub fn render_env(credentials: &Credentials) -> String {
    let mut lines = vec![
        ("AWS_ACCESS_KEY_ID", credentials.access_key_id().to_string()),
        (
            "AWS_SECRET_ACCESS_KEY",
            credentials.secret_access_key().to_string(),
        ),
    ];
    if let Some(token) = credentials.session_token() {
        lines.push(("AWS_SESSION_TOKEN", token.to_string()));
    }
    if let Some(expiration) = credentials.expiration() {
        lines.push(("AWS_CREDENTIAL_EXPIRATION", timestamp(expiration)));
    }
    let mut text = String::new();
    for (name, value) in lines {
        let _ = writeln!(text, "export {name}={}", shell_quote(&value));
    }
    text
}

/// Quotes a value for a POSIX shell. Values made only of characters that are safe unquoted,
/// such as access keys and base64 session tokens, are left as they are.
fn shell_quote(value: &str) -> String {
    let is_safe = |c: char| c.is_ascii_alphanumeric() || "+/=.,:@%_-".contains(c);
    if !value.is_empty() && value.chars().all(is_safe) {
        return value.to_string();
    }
    format!("'{}'", value.replace('\'', "'\\''"))
}

/// Renders the document that `credential_process` in the AWS config file must print:
/// `Version` 1, the key pair, and the session token, expiration and account id when known.
pub fn render_credential_process(credentials: &Credentials, account_id: Option<&str>) -> String {
    let mut document = Object::new()
        .value("Version", Value::Integer(1))
        .string("AccessKeyId", credentials.access_key_id())
        .string("SecretAccessKey", credentials.secret_access_key())
        .optional_string("SessionToken", credentials.session_token());
    if let Some(expiration) = credentials.expiration() {
        document = document.string("Expiration", timestamp(expiration));
    }
    let document = document.optional_string("AccountId", account_id).build();
    render_json(&document)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn temporary_credentials() -> Credentials {
        Credentials::new(
            "ASIAEXAMPLE",
            "secret/with+chars=",
            Some("token+/=".to_string()),
            Some(datetime!(2030-01-02 03:04:05.25 +02:00)),
        )
    }

    fn assume_role_document() -> Value {
        Object::new()
            .value("Credentials", credentials_value(&temporary_credentials()))
            .value(
                "AssumedRoleUser",
                Object::new()
                    .string("AssumedRoleId", "AROAEXAMPLE:s")
                    .string("Arn", "arn:aws:sts::123456789012:assumed-role/r/s")
                    .build(),
            )
            .optional_integer("PackedPolicySize", Some(6))
            .optional_string("SourceIdentity", None)
            .build()
    }

    #[test]
    fn timestamps_in_utc_with_optional_fraction() {
        let whole = datetime!(2030-01-02 03:04:05 UTC);
        assert_eq!(timestamp(whole), "2030-01-02T03:04:05Z");

        let micros = datetime!(2030-01-02 03:04:05.190780 UTC);
        assert_eq!(timestamp(micros), "2030-01-02T03:04:05.190780Z");

        let nanos = datetime!(2030-01-02 03:04:05.123456789 -01:00);
        assert_eq!(timestamp(nanos), "2030-01-02T04:04:05.123456Z");
    }

    #[test]
    fn json_keeps_model_order_and_indents_by_four() {
        let expected = r#"{
    "Credentials": {
        "AccessKeyId": "ASIAEXAMPLE",
        "SecretAccessKey": "secret/with+chars=",
        "SessionToken": "token+/=",
        "Expiration": "2030-01-02T01:04:05.250000Z"
    },
    "AssumedRoleUser": {
        "AssumedRoleId": "AROAEXAMPLE:s",
        "Arn": "arn:aws:sts::123456789012:assumed-role/r/s"
    },
    "PackedPolicySize": 6
}
"#;
        assert_eq!(render_json(&assume_role_document()), expected);
    }

    #[test]
    fn json_keeps_non_ascii_and_lists() {
        let document = Object::new()
            .string("Name", "Zoë \"q\"")
            .value("Empty", Value::List(Vec::new()))
            .value(
                "Audience",
                Value::List(vec![Value::String("a".to_string())]),
            )
            .build();
        assert_eq!(
            render_json(&document),
            "{\n    \"Name\": \"Zoë \\\"q\\\"\",\n    \"Empty\": [],\n    \"Audience\": [\n        \"a\"\n    ]\n}\n"
        );
    }

    #[test]
    fn text_sorts_scalars_and_names_sections() {
        let expected = "6\n\
            ASSUMEDROLEUSER\tarn:aws:sts::123456789012:assumed-role/r/s\tAROAEXAMPLE:s\n\
            CREDENTIALS\tASIAEXAMPLE\t2030-01-02T01:04:05.250000Z\tsecret/with+chars=\ttoken+/=\n";
        assert_eq!(render_text(&assume_role_document()), expected);
    }

    #[test]
    fn text_of_flat_object_and_lists() {
        let identity = Object::new()
            .string("UserId", "AIDAEXAMPLE")
            .string("Account", "123456789012")
            .string("Arn", "arn:aws:iam::123456789012:user/alice")
            .build();
        assert_eq!(
            render_text(&identity),
            "123456789012\tarn:aws:iam::123456789012:user/alice\tAIDAEXAMPLE\n"
        );

        let lists = Object::new()
            .value(
                "Audience",
                Value::List(vec![
                    Value::String("a".to_string()),
                    Value::String("b".to_string()),
                ]),
            )
            .value(
                "Tags",
                Value::List(vec![
                    Object::new()
                        .string("Key", "k1")
                        .string("Value", "v1")
                        .build(),
                    Object::new()
                        .string("Key", "k2")
                        .string("Value", "v2")
                        .build(),
                ]),
            )
            .build();
        assert_eq!(
            render_text(&lists),
            "AUDIENCE\ta\nAUDIENCE\tb\nTAGS\tk1\tv1\nTAGS\tk2\tv2\n"
        );
    }

    #[test]
    fn text_edge_cases_match_aws_cli() {
        // Expected lines produced by awscli 1.46.3's text formatter from the same document.
        let string = |text: &str| Value::String(text.to_string());
        let document = Object::new()
            .value(
                "Context",
                Object::new()
                    .value(
                        "Origin",
                        Object::new()
                            .string("Subject", "u1")
                            .string("Issuer", "i")
                            .build(),
                    )
                    .value(
                        "Transaction",
                        Object::new()
                            .value(
                                "IdentityProvider",
                                Object::new().string("b", "2").string("a", "1").build(),
                            )
                            .build(),
                    )
                    .build(),
            )
            .value(
                "Tags",
                Value::List(vec![
                    Object::new()
                        .string("Key", "k1")
                        .string("Value", "v1")
                        .build(),
                    Object::new().string("Key", "k2").build(),
                    Object::new()
                        .string("Value", "v3")
                        .string("Extra", "x")
                        .build(),
                ]),
            )
            .value("Empty", Value::List(Vec::new()))
            .optional_integer("Count", Some(3))
            .build();
        assert_eq!(
            render_text(&document),
            "3\nORIGIN\ti\tu1\nIDENTITYPROVIDER\t1\t2\nTAGS\t\tk1\tv1\nTAGS\t\tk2\t\nTAGS\tx\t\tv3\n"
        );

        let top_level_list = Value::List(vec![string("a"), string("b")]);
        assert_eq!(render_text(&top_level_list), "a\tb\n");
    }

    #[test]
    fn env_lines() {
        assert_eq!(
            render_env(&temporary_credentials()),
            "export AWS_ACCESS_KEY_ID=ASIAEXAMPLE\n\
             export AWS_SECRET_ACCESS_KEY=secret/with+chars=\n\
             export AWS_SESSION_TOKEN=token+/=\n\
             export AWS_CREDENTIAL_EXPIRATION=2030-01-02T01:04:05.250000Z\n"
        );
        let static_keys = Credentials::new("AKIDEXAMPLE", "it's $HOME", None, None);
        assert_eq!(
            render_env(&static_keys),
            "export AWS_ACCESS_KEY_ID=AKIDEXAMPLE\n\
             export AWS_SECRET_ACCESS_KEY='it'\\''s $HOME'\n"
        );
    }

    #[test]
    fn shell_quote_cases() {
        assert_eq!(shell_quote(""), "''");
        assert_eq!(shell_quote("abc+/=_-"), "abc+/=_-");
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("$(x)"), "'$(x)'");
    }

    #[test]
    fn credential_process_document() {
        assert_eq!(
            render_credential_process(&temporary_credentials(), Some("123456789012")),
            r#"{
    "Version": 1,
    "AccessKeyId": "ASIAEXAMPLE",
    "SecretAccessKey": "secret/with+chars=",
    "SessionToken": "token+/=",
    "Expiration": "2030-01-02T01:04:05.250000Z",
    "AccountId": "123456789012"
}
"#
        );
        let static_keys = Credentials::new("AKIDEXAMPLE", "secret", None, None);
        assert_eq!(
            render_credential_process(&static_keys, None),
            "{\n    \"Version\": 1,\n    \"AccessKeyId\": \"AKIDEXAMPLE\",\n    \"SecretAccessKey\": \"secret\"\n}\n"
        );
    }
}
