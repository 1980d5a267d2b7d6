//! An interpreter for Smithy endpoint rule sets (rules engine version 1.0).
//!
//! A [`RuleSet`] is a tree of `'static` data with its templates, `getAttr`
//! paths and function names already parsed, so [`RuleSet::evaluate`] only
//! walks the tree. The STS rule set is generated Rust source
//! (`sts_rule_set.rs`). Tests build other rule sets from JSON with the
//! `load` module, which checks function names, arities, templates and paths.
//! The standard functions `isSet`, `not`, `booleanEquals`, `stringEquals`,
//! `getAttr`, `isValidHostLabel`, `parseURL`, `uriEncode` and `substring` are
//! supported, and so is `aws.partition`. A rule set that calls any other
//! function, such as `aws.parseArn`, fails to load.
//!
//! Name-value lists (parameters, endpoint properties and headers) are sorted
//! by name, which fixes the order in which parameters are checked and
//! properties are returned.
//!
//! Some enum variants, such as `Function::Substring`, occur only in the rule
//! sets that tests load, so those enums allow dead code outside tests.

use std::borrow::Cow;
use std::net::{Ipv4Addr, Ipv6Addr};

use super::partitions::{self, PartitionOutputs};
use super::EndpointError;

/// An endpoint rule set.
#[derive(Debug)]
#[cfg_attr(test, derive(PartialEq))]
pub(super) struct RuleSet {
    /// Parameters sorted by name.
    pub(super) parameters: &'static [(&'static str, Parameter)],
    pub(super) rules: &'static [Rule],
}

#[derive(Debug)]
#[cfg_attr(test, derive(PartialEq))]
pub(super) struct Parameter {
    pub(super) kind: ParameterType,
    pub(super) required: bool,
    pub(super) default: Option<DefaultValue>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum ParameterType {
    String,
    Boolean,
}

#[derive(Debug)]
#[cfg_attr(test, derive(PartialEq))]
#[cfg_attr(not(test), allow(dead_code))]
pub(super) enum DefaultValue {
    Bool(bool),
    String(&'static str),
}

#[derive(Debug)]
#[cfg_attr(test, derive(PartialEq))]
pub(super) struct Rule {
    pub(super) conditions: &'static [Condition],
    pub(super) kind: RuleKind,
}

#[derive(Debug)]
#[cfg_attr(test, derive(PartialEq))]
pub(super) enum RuleKind {
    Endpoint { endpoint: EndpointTemplate },
    Error { error: Expr },
    Tree { rules: &'static [Rule] },
}

#[derive(Debug)]
#[cfg_attr(test, derive(PartialEq))]
pub(super) struct EndpointTemplate {
    pub(super) url: Expr,
    /// Properties sorted by name.
    pub(super) properties: &'static [(&'static str, PropertyValue)],
    /// Headers sorted by name, each with its list of values.
    pub(super) headers: &'static [(&'static str, &'static [Expr])],
}

/// A function call whose result must be set and not `false` for its rule to
/// match, optionally bound to a variable for the rest of the rule.
#[derive(Debug)]
#[cfg_attr(test, derive(PartialEq))]
pub(super) struct Condition {
    pub(super) call: Call,
    pub(super) assign: Option<&'static str>,
}

/// A call of a supported function. Its number of arguments matches the
/// function, which the `load` module checks.
#[derive(Debug)]
#[cfg_attr(test, derive(PartialEq))]
pub(super) struct Call {
    pub(super) function: Function,
    pub(super) args: &'static [Expr],
}

#[derive(Debug)]
#[cfg_attr(test, derive(PartialEq))]
#[cfg_attr(not(test), allow(dead_code))]
pub(super) enum Function {
    BooleanEquals,
    StringEquals,
    IsSet,
    Not,
    /// `getAttr`, with its path parsed at load time. Its only argument left
    /// in [`Call::args`] is the target value.
    GetAttr(&'static [PathSegment]),
    IsValidHostLabel,
    ParseUrl,
    UriEncode,
    Substring,
    Partition,
}

impl Function {
    pub(super) fn name(&self) -> &'static str {
        match self {
            Function::BooleanEquals => "booleanEquals",
            Function::StringEquals => "stringEquals",
            Function::IsSet => "isSet",
            Function::Not => "not",
            Function::GetAttr(_) => "getAttr",
            Function::IsValidHostLabel => "isValidHostLabel",
            Function::ParseUrl => "parseURL",
            Function::UriEncode => "uriEncode",
            Function::Substring => "substring",
            Function::Partition => "aws.partition",
        }
    }
}

/// An argument, endpoint URL, header value or error message.
#[derive(Debug)]
#[cfg_attr(test, derive(PartialEq))]
#[cfg_attr(not(test), allow(dead_code))]
pub(super) enum Expr {
    Reference(&'static str),
    Call(&'static Call),
    String(Template),
    Bool(bool),
    Integer(i64),
    Array(&'static [Expr]),
}

/// A value in an endpoint's `properties`, which may hold templates but no
/// references or function calls.
#[derive(Debug)]
#[cfg_attr(test, derive(PartialEq))]
#[cfg_attr(not(test), allow(dead_code))]
pub(super) enum PropertyValue {
    String(Template),
    Bool(bool),
    Integer(i64),
    Array(&'static [PropertyValue]),
    /// Fields in the order of the JSON object they come from.
    Record(&'static [(&'static str, PropertyValue)]),
}

/// A string with `{name}` and `{name#path}` placeholders, split into
/// literal text and variables.
#[derive(Debug, PartialEq)]
pub(super) struct Template {
    pub(super) parts: &'static [TemplatePart],
}

#[derive(Debug, PartialEq)]
pub(super) enum TemplatePart {
    Literal(&'static str),
    Variable {
        name: &'static str,
        path: &'static [PathSegment],
    },
}

impl Template {
    /// Returns the text of a template without placeholders.
    pub(super) fn as_literal(&self) -> Option<&'static str> {
        match self.parts {
            [] => Some(""),
            [TemplatePart::Literal(text)] => Some(text),
            _ => None,
        }
    }
}

/// One step of a `getAttr` path.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(not(test), allow(dead_code))]
pub(super) enum PathSegment {
    Key(&'static str),
    Index(usize),
}

/// A value computed while evaluating a rule set. Strings borrow from the
/// rule set or the parameters where they can.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Value<'a> {
    String(Cow<'a, str>),
    Bool(bool),
    Integer(i64),
    Array(Vec<Value<'a>>),
    Record(Vec<(&'a str, Value<'a>)>),
}

impl<'a> Value<'a> {
    pub(super) fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(text) => Some(text),
            _ => None,
        }
    }

    /// Returns the field `key` of a record.
    pub(super) fn get(&self, key: &str) -> Option<&Value<'a>> {
        match self {
            Value::Record(fields) => fields.iter().find(|(name, _)| *name == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

/// The endpoint that a rule set resolved to.
#[derive(Debug)]
pub(super) struct Endpoint<'a> {
    pub(super) url: String,
    pub(super) properties: Value<'a>,
    pub(super) headers: Vec<(&'a str, Vec<String>)>,
}

impl RuleSet {
    fn has_parameter(&self, name: &str) -> bool {
        self.parameters
            .iter()
            .any(|(parameter, _)| *parameter == name)
    }

    /// Evaluates the rules for `inputs`, which pairs parameter names with
    /// their values (`None` for unset).
    ///
    /// Returns the error message of the error rule that matched, or an error
    /// when the inputs do not fit the declared parameters, no rule matches,
    /// or a rule applies a function to values of the wrong type.
    pub(super) fn evaluate<'a>(
        &'a self,
        inputs: &[(&str, Option<Value<'a>>)],
    ) -> Result<Endpoint<'a>, EndpointError> {
        let mut evaluator = Evaluator {
            rule_set: self,
            scope: Vec::with_capacity(self.parameters.len() + 2),
        };
        evaluator.bind_parameters(inputs)?;
        evaluator.evaluate_rules(self.rules)
    }
}

struct Evaluator<'a> {
    rule_set: &'a RuleSet,
    /// Parameters that are set, then variables from `assign`, innermost last.
    scope: Vec<(&'a str, Value<'a>)>,
}

impl<'a> Evaluator<'a> {
    fn bind_parameters(
        &mut self,
        inputs: &[(&str, Option<Value<'a>>)],
    ) -> Result<(), EndpointError> {
        if let Some((name, _)) = inputs
            .iter()
            .find(|(name, _)| !self.rule_set.has_parameter(name))
        {
            return Err(EndpointError::new(format!(
                "the endpoint rule set has no parameter named `{name}`"
            )));
        }

        for &(name, ref parameter) in self.rule_set.parameters {
            let input = inputs
                .iter()
                .find(|(input_name, _)| *input_name == name)
                .and_then(|(_, value)| value.clone());
            let value = input.or_else(|| {
                parameter.default.as_ref().map(|default| match default {
                    DefaultValue::Bool(value) => Value::Bool(*value),
                    DefaultValue::String(text) => Value::String(Cow::Borrowed(text)),
                })
            });

            match value {
                Some(value) => {
                    let kind = match value {
                        Value::String(_) => Some(ParameterType::String),
                        Value::Bool(_) => Some(ParameterType::Boolean),
                        _ => None,
                    };
                    if kind != Some(parameter.kind) {
                        return Err(EndpointError::new(format!(
                            "endpoint parameter `{name}` must be of type {:?}, but its value is {value:?}",
                            parameter.kind
                        )));
                    }
                    self.scope.push((name, value));
                }
                None if parameter.required => {
                    return Err(EndpointError::new(format!(
                        "missing required endpoint parameter `{name}`"
                    )));
                }
                None => {}
            }
        }
        Ok(())
    }

    /// Returns the result of the first rule whose conditions hold. Variables
    /// that a rule assigns go out of scope when the rule is left.
    fn evaluate_rules(&mut self, rules: &'a [Rule]) -> Result<Endpoint<'a>, EndpointError> {
        for rule in rules {
            let scope_len = self.scope.len();
            let result = match self.conditions_hold(rule.conditions) {
                Ok(true) => Some(self.apply_rule(&rule.kind)),
                Ok(false) => None,
                Err(error) => Some(Err(error)),
            };
            self.scope.truncate(scope_len);
            if let Some(result) = result {
                return result;
            }
        }
        // The rules engine specification has an exhausted tree end
        // evaluation instead of falling through to the tree's siblings, so
        // this error is also the outcome of such a tree.
        Err(EndpointError::new(
            "no endpoint rule matched the endpoint parameters",
        ))
    }

    fn conditions_hold(&mut self, conditions: &'a [Condition]) -> Result<bool, EndpointError> {
        for condition in conditions {
            match self.call(&condition.call)? {
                None | Some(Value::Bool(false)) => return Ok(false),
                Some(value) => {
                    if let Some(name) = condition.assign {
                        self.scope.push((name, value));
                    }
                }
            }
        }
        Ok(true)
    }

    fn apply_rule(&mut self, kind: &'a RuleKind) -> Result<Endpoint<'a>, EndpointError> {
        match kind {
            RuleKind::Endpoint { endpoint } => self.build_endpoint(endpoint),
            RuleKind::Error { error } => Err(EndpointError::new(self.evaluate_string(error)?)),
            RuleKind::Tree { rules } => self.evaluate_rules(rules),
        }
    }

    fn build_endpoint(
        &self,
        endpoint: &'a EndpointTemplate,
    ) -> Result<Endpoint<'a>, EndpointError> {
        let url = self.evaluate_string(&endpoint.url)?.into_owned();

        let mut properties = Vec::with_capacity(endpoint.properties.len());
        for (name, value) in endpoint.properties {
            properties.push((*name, self.render_property(value)?));
        }

        let mut headers = Vec::with_capacity(endpoint.headers.len());
        for (name, values) in endpoint.headers {
            let values = values
                .iter()
                .map(|value| self.evaluate_string(value).map(Cow::into_owned))
                .collect::<Result<_, _>>()?;
            headers.push((*name, values));
        }

        Ok(Endpoint {
            url,
            properties: Value::Record(properties),
            headers,
        })
    }

    fn render_property(&self, value: &'a PropertyValue) -> Result<Value<'a>, EndpointError> {
        Ok(match value {
            PropertyValue::String(template) => Value::String(self.render(template)?),
            PropertyValue::Bool(value) => Value::Bool(*value),
            PropertyValue::Integer(value) => Value::Integer(*value),
            PropertyValue::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|item| self.render_property(item))
                    .collect::<Result<_, _>>()?,
            ),
            PropertyValue::Record(fields) => Value::Record(
                fields
                    .iter()
                    .map(|(name, item)| Ok((*name, self.render_property(item)?)))
                    .collect::<Result<_, EndpointError>>()?,
            ),
        })
    }

    /// Returns the value of a parameter or variable, or `None` for a
    /// parameter that is not set.
    fn lookup(&self, name: &str) -> Result<Option<Value<'a>>, EndpointError> {
        if let Some((_, value)) = self.scope.iter().rev().find(|(bound, _)| *bound == name) {
            return Ok(Some(value.clone()));
        }
        if self.rule_set.has_parameter(name) {
            Ok(None)
        } else {
            Err(EndpointError::new(format!(
                "endpoint rule refers to `{name}`, which is neither a parameter nor a variable in scope"
            )))
        }
    }

    fn evaluate(&self, expr: &'a Expr) -> Result<Option<Value<'a>>, EndpointError> {
        match expr {
            Expr::Reference(name) => self.lookup(name),
            Expr::Call(call) => self.call(call),
            Expr::String(template) => Ok(Some(Value::String(self.render(template)?))),
            Expr::Bool(value) => Ok(Some(Value::Bool(*value))),
            Expr::Integer(value) => Ok(Some(Value::Integer(*value))),
            Expr::Array(items) => {
                let mut values = Vec::with_capacity(items.len());
                for item in *items {
                    match self.evaluate(item)? {
                        Some(value) => values.push(value),
                        None => {
                            return Err(EndpointError::new(
                                "endpoint rule puts an unset value in an array",
                            ))
                        }
                    }
                }
                Ok(Some(Value::Array(values)))
            }
        }
    }

    /// Evaluates an expression that must produce a string, such as a URL
    /// or an error message.
    fn evaluate_string(&self, expr: &'a Expr) -> Result<Cow<'a, str>, EndpointError> {
        match self.evaluate(expr)? {
            Some(Value::String(text)) => Ok(text),
            other => Err(EndpointError::new(format!(
                "endpoint rule expected a string but computed {other:?}"
            ))),
        }
    }

    fn render(&self, template: &'a Template) -> Result<Cow<'a, str>, EndpointError> {
        if let Some(text) = template.as_literal() {
            return Ok(Cow::Borrowed(text));
        }

        let mut rendered = String::new();
        for part in template.parts {
            match part {
                TemplatePart::Literal(text) => rendered.push_str(text),
                TemplatePart::Variable { name, path } => {
                    let value = match self.lookup(name)? {
                        Some(value) => get_attr(value, path)?,
                        None => None,
                    };
                    match value {
                        Some(Value::String(text)) => rendered.push_str(&text),
                        other => {
                            return Err(EndpointError::new(format!(
                                "endpoint rule template refers to `{name}` with path {path:?}, whose value {other:?} is not a string"
                            )))
                        }
                    }
                }
            }
        }
        Ok(Cow::Owned(rendered))
    }

    /// Calls a function. An unset argument makes the result unset, except
    /// for `isSet`, which tests exactly that.
    fn call(&self, call: &'a Call) -> Result<Option<Value<'a>>, EndpointError> {
        match (&call.function, call.args) {
            (Function::IsSet, [arg]) => {
                return Ok(Some(Value::Bool(self.evaluate(arg)?.is_some())))
            }
            (Function::GetAttr(path), [target]) => {
                return match self.evaluate(target)? {
                    Some(value) => get_attr(value, path),
                    None => Ok(None),
                };
            }
            _ => {}
        }

        let mut args = Vec::with_capacity(call.args.len());
        for arg in call.args {
            match self.evaluate(arg)? {
                Some(value) => args.push(value),
                None => return Ok(None),
            }
        }
        apply_function(&call.function, &args)
    }
}

/// Applies a function other than `isSet` and `getAttr` to set arguments.
fn apply_function<'a>(
    function: &Function,
    args: &[Value<'a>],
) -> Result<Option<Value<'a>>, EndpointError> {
    let result = match (function, args) {
        (Function::BooleanEquals, [Value::Bool(a), Value::Bool(b)]) => Some(Value::Bool(a == b)),
        (Function::StringEquals, [Value::String(a), Value::String(b)]) => Some(Value::Bool(a == b)),
        (Function::Not, [Value::Bool(value)]) => Some(Value::Bool(!value)),
        (Function::IsValidHostLabel, [Value::String(text), Value::Bool(allow_subdomains)]) => {
            Some(Value::Bool(is_valid_host_label(text, *allow_subdomains)))
        }
        (Function::ParseUrl, [Value::String(url)]) => parse_url(url).map(ParsedUrl::into_value),
        (Function::UriEncode, [Value::String(text)]) => {
            Some(Value::String(Cow::Owned(uri_encode(text))))
        }
        (
            Function::Substring,
            [Value::String(text), Value::Integer(start), Value::Integer(stop), Value::Bool(reverse)],
        ) => substring(text, *start, *stop, *reverse)
            .map(|text| Value::String(Cow::Owned(text.to_owned()))),
        (Function::Partition, [Value::String(region)]) => Some(partition_value(
            &partitions::partition_for_region(region).outputs,
        )),
        (function, args) => {
            return Err(EndpointError::new(format!(
                "endpoint rule calls `{}` with arguments of the wrong type: {args:?}",
                function.name()
            )))
        }
    };
    Ok(result)
}

/// Follows `path` into `value`. An index past the end of an array gives
/// `None`, while a missing key or a step into a value of the wrong type is
/// an error in the rule set.
pub(super) fn get_attr<'a>(
    value: Value<'a>,
    path: &[PathSegment],
) -> Result<Option<Value<'a>>, EndpointError> {
    let mut current = value;
    for segment in path {
        current = match (segment, current) {
            (PathSegment::Key(key), Value::Record(fields)) => {
                match fields.into_iter().find(|(name, _)| name == key) {
                    Some((_, field)) => field,
                    None => {
                        return Err(EndpointError::new(format!(
                            "endpoint rule reads attribute `{key}`, which the record does not have"
                        )))
                    }
                }
            }
            (PathSegment::Index(index), Value::Array(items)) => match items.into_iter().nth(*index)
            {
                Some(item) => item,
                None => return Ok(None),
            },
            (segment, other) => {
                return Err(EndpointError::new(format!(
                    "endpoint rule applies path segment {segment:?} to {other:?}"
                )))
            }
        };
    }
    Ok(Some(current))
}

fn partition_value(outputs: &'static PartitionOutputs) -> Value<'static> {
    Value::Record(vec![
        ("name", Value::String(Cow::Borrowed(outputs.name))),
        (
            "dnsSuffix",
            Value::String(Cow::Borrowed(outputs.dns_suffix)),
        ),
        (
            "dualStackDnsSuffix",
            Value::String(Cow::Borrowed(outputs.dual_stack_dns_suffix)),
        ),
        ("supportsFIPS", Value::Bool(outputs.supports_fips)),
        (
            "supportsDualStack",
            Value::Bool(outputs.supports_dual_stack),
        ),
        (
            "implicitGlobalRegion",
            Value::String(Cow::Borrowed(outputs.implicit_global_region)),
        ),
    ])
}

/// Returns whether `text` is an RFC 1123 host label: 1 to 63 ASCII letters,
/// digits and hyphens, neither starting nor ending with a hyphen. With
/// `allow_subdomains`, every dot-separated part must be such a label.
pub(super) fn is_valid_host_label(text: &str, allow_subdomains: bool) -> bool {
    let is_label = |label: &str| {
        (1..=63).contains(&label.len())
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    if allow_subdomains {
        text.split('.').all(is_label)
    } else {
        is_label(text)
    }
}

/// The parts of a URL that `parseURL` returns.
#[derive(Debug, PartialEq)]
pub(super) struct ParsedUrl<'s> {
    pub(super) scheme: &'static str,
    /// Host and port as written, without any user information.
    pub(super) authority: &'s str,
    /// Path as written, empty when the URL has none.
    pub(super) path: &'s str,
    /// Path with a `/` added at the start and the end where missing.
    pub(super) normalized_path: String,
    pub(super) is_ip: bool,
}

impl ParsedUrl<'_> {
    fn into_value(self) -> Value<'static> {
        Value::Record(vec![
            ("scheme", Value::String(Cow::Borrowed(self.scheme))),
            (
                "authority",
                Value::String(Cow::Owned(self.authority.to_owned())),
            ),
            ("path", Value::String(Cow::Owned(self.path.to_owned()))),
            (
                "normalizedPath",
                Value::String(Cow::Owned(self.normalized_path)),
            ),
            ("isIp", Value::Bool(self.is_ip)),
        ])
    }
}

/// Parses an `http` or `https` URL. Returns `None` for other schemes, an
/// empty host, a port that is not a number up to 65535, an invalid bracketed
/// IPv6 address, or any query string. A fragment is ignored.
pub(super) fn parse_url(url: &str) -> Option<ParsedUrl<'_>> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme = if scheme.eq_ignore_ascii_case("https") {
        "https"
    } else if scheme.eq_ignore_ascii_case("http") {
        "http"
    } else {
        return None;
    };

    let rest = rest.split_once('#').map_or(rest, |(before, _)| before);
    if rest.contains('?') {
        return None;
    }
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let authority = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);

    let (host, port) = if authority.starts_with('[') {
        let end = authority.find(']')? + 1;
        let (host, after) = authority.split_at(end);
        if after.is_empty() {
            (host, None)
        } else {
            (host, Some(after.strip_prefix(':')?))
        }
    } else {
        match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    if host.is_empty() {
        return None;
    }
    if let Some(port) = port {
        let is_number = port.bytes().all(|b| b.is_ascii_digit()) && port.parse::<u16>().is_ok();
        if !port.is_empty() && !is_number {
            return None;
        }
    }

    let is_ip = match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        Some(inner) => {
            inner.parse::<Ipv6Addr>().ok()?;
            true
        }
        None => host.parse::<Ipv4Addr>().is_ok(),
    };

    let mut normalized_path = String::with_capacity(path.len() + 2);
    if !path.starts_with('/') {
        normalized_path.push('/');
    }
    normalized_path.push_str(path);
    if !normalized_path.ends_with('/') {
        normalized_path.push('/');
    }

    Some(ParsedUrl {
        scheme,
        authority,
        path,
        normalized_path,
        is_ip,
    })
}

/// Percent-encodes every byte of the UTF-8 form of `text` except the RFC
/// 3986 unreserved characters, with uppercase hexadecimal digits.
pub(super) fn uri_encode(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    crate::protocol::percent::encode_unreserved_into(&mut encoded, text);
    encoded
}

/// Returns the characters from `start` (inclusive) to `stop` (exclusive) of
/// an ASCII string, counted from the end when `reverse` is set. Returns
/// `None` for non-ASCII text or when the range does not fit.
pub(super) fn substring(text: &str, start: i64, stop: i64, reverse: bool) -> Option<&str> {
    if !text.is_ascii() {
        return None;
    }
    let start = usize::try_from(start).ok()?;
    let stop = usize::try_from(stop).ok()?;
    if start >= stop || stop > text.len() {
        return None;
    }
    if reverse {
        text.get(text.len() - stop..text.len() - start)
    } else {
        text.get(start..stop)
    }
}
