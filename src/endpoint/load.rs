//! Loading of endpoint rule sets from their JSON form, for tests.
//!
//! The loader builds the `'static` types of the `rules` module by leaking
//! every string and list, which is fine in tests and would not be in a
//! client. It parses templates and `getAttr` paths, and rejects unsupported
//! functions and calls with the wrong number of arguments, so that the
//! evaluator meets none of them. Members that the evaluator does not use,
//! such as `version` and `documentation`, are ignored.

use serde_json::{Map, Value as Json};

use super::rules::{
    Call, Condition, DefaultValue, EndpointTemplate, Expr, Function, Parameter, ParameterType,
    PathSegment, PropertyValue, Rule, RuleKind, RuleSet, Template, TemplatePart,
};

/// Parses the JSON text of a rule set.
pub(super) fn parse_rule_set(text: &str) -> Result<RuleSet, String> {
    let document: Json = serde_json::from_str(text)
        .map_err(|error| format!("rule set is not valid JSON: {error}"))?;
    load_rule_set(&document)
}

/// Builds a rule set from its JSON document.
pub(super) fn load_rule_set(document: &Json) -> Result<RuleSet, String> {
    let document = as_object(document, "rule set")?;

    let mut parameters = Vec::new();
    for (name, parameter) in as_object(member(document, "parameters", "rule set")?, "parameters")? {
        parameters.push((leak_str(name), load_parameter(name, parameter)?));
    }
    parameters.sort_by_key(|(name, _)| *name);

    Ok(RuleSet {
        parameters: parameters.leak(),
        rules: load_rules(member(document, "rules", "rule set")?)?,
    })
}

fn load_parameter(name: &str, parameter: &Json) -> Result<Parameter, String> {
    let context = format!("parameter `{name}`");
    let parameter = as_object(parameter, &context)?;

    let kind = match member(parameter, "type", &context)? {
        Json::String(kind) if kind == "string" => ParameterType::String,
        Json::String(kind) if kind == "boolean" => ParameterType::Boolean,
        other => {
            return Err(format!(
                "{context} has type {other}, expected \"string\" or \"boolean\""
            ))
        }
    };
    let required = match parameter.get("required") {
        None => false,
        Some(Json::Bool(required)) => *required,
        Some(other) => {
            return Err(format!(
                "{context} has `required` {other}, expected a boolean"
            ))
        }
    };
    let default = match parameter.get("default") {
        None | Some(Json::Null) => None,
        Some(Json::Bool(value)) => Some(DefaultValue::Bool(*value)),
        Some(Json::String(text)) => Some(DefaultValue::String(leak_str(text))),
        Some(other) => {
            return Err(format!(
                "{context} has default {other}, expected a boolean or a string"
            ))
        }
    };

    Ok(Parameter {
        kind,
        required,
        default,
    })
}

fn load_rules(rules: &Json) -> Result<&'static [Rule], String> {
    let rules = as_array(rules, "rules")?
        .iter()
        .map(load_rule)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rules.leak())
}

fn load_rule(rule: &Json) -> Result<Rule, String> {
    let rule = as_object(rule, "rule")?;

    let conditions = as_array(member(rule, "conditions", "rule")?, "conditions")?
        .iter()
        .map(load_condition)
        .collect::<Result<Vec<_>, _>>()?;

    let kind = match member(rule, "type", "rule")? {
        Json::String(kind) if kind == "endpoint" => RuleKind::Endpoint {
            endpoint: load_endpoint(member(rule, "endpoint", "endpoint rule")?)?,
        },
        Json::String(kind) if kind == "error" => RuleKind::Error {
            error: load_expr(member(rule, "error", "error rule")?)?,
        },
        Json::String(kind) if kind == "tree" => RuleKind::Tree {
            rules: load_rules(member(rule, "rules", "tree rule")?)?,
        },
        other => {
            return Err(format!(
                "rule has type {other}, expected \"endpoint\", \"error\" or \"tree\""
            ))
        }
    };

    Ok(Rule {
        conditions: conditions.leak(),
        kind,
    })
}

fn load_condition(condition: &Json) -> Result<Condition, String> {
    let condition = as_object(condition, "condition")?;

    let function = match member(condition, "fn", "condition")? {
        Json::String(function) => function,
        other => {
            return Err(format!(
                "condition has `fn` {other}, expected a function name"
            ))
        }
    };
    let args = as_array(member(condition, "argv", "condition")?, "argv")?
        .iter()
        .map(load_expr)
        .collect::<Result<Vec<_>, _>>()?;
    let assign = match condition.get("assign") {
        None | Some(Json::Null) => None,
        Some(Json::String(name)) => Some(leak_str(name)),
        Some(other) => return Err(format!("condition assigns to {other}, expected a string")),
    };

    Ok(Condition {
        call: load_call(function, args)?,
        assign,
    })
}

/// Builds a call of the function `name`, after checking that the function
/// is supported and takes as many arguments as `args` contains.
fn load_call(name: &str, mut args: Vec<Expr>) -> Result<Call, String> {
    let (function, arity) = match name {
        "booleanEquals" => (Function::BooleanEquals, 2),
        "stringEquals" => (Function::StringEquals, 2),
        "isSet" => (Function::IsSet, 1),
        "not" => (Function::Not, 1),
        "getAttr" => {
            let path = match (args.len(), args.pop()) {
                (2, Some(Expr::String(path))) => path.as_literal().map(parse_path),
                _ => None,
            };
            let Some(path) = path else {
                return Err("getAttr takes a value and a literal path string".to_owned());
            };
            (Function::GetAttr(path?.leak()), 1)
        }
        "isValidHostLabel" => (Function::IsValidHostLabel, 2),
        "parseURL" => (Function::ParseUrl, 1),
        "uriEncode" => (Function::UriEncode, 1),
        "substring" => (Function::Substring, 4),
        "aws.partition" => (Function::Partition, 1),
        other => return Err(format!("unsupported rule-set function `{other}`")),
    };
    if args.len() != arity {
        return Err(format!(
            "function `{name}` takes {arity} arguments, but the rule passes {}",
            args.len()
        ));
    }
    Ok(Call {
        function,
        args: args.leak(),
    })
}

fn load_endpoint(endpoint: &Json) -> Result<EndpointTemplate, String> {
    let endpoint = as_object(endpoint, "endpoint")?;

    let mut properties = Vec::new();
    if let Some(object) = endpoint.get("properties") {
        for (name, value) in as_object(object, "endpoint properties")? {
            properties.push((leak_str(name), load_property(value)?));
        }
    }
    properties.sort_by_key(|(name, _)| *name);

    let mut headers = Vec::new();
    if let Some(object) = endpoint.get("headers") {
        for (name, values) in as_object(object, "endpoint headers")? {
            let values = as_array(values, "header values")?
                .iter()
                .map(load_expr)
                .collect::<Result<Vec<_>, _>>()?;
            headers.push((leak_str(name), &*values.leak()));
        }
    }
    headers.sort_by_key(|(name, _)| *name);

    Ok(EndpointTemplate {
        url: load_expr(member(endpoint, "url", "endpoint")?)?,
        properties: properties.leak(),
        headers: headers.leak(),
    })
}

/// Builds an argument, endpoint URL, header value or error message.
fn load_expr(json: &Json) -> Result<Expr, String> {
    match json {
        Json::Bool(value) => Ok(Expr::Bool(*value)),
        Json::Number(number) => number
            .as_i64()
            .map(Expr::Integer)
            .ok_or_else(|| format!("unsupported number {number}: only integers are allowed")),
        Json::String(text) => Template::parse(text).map(Expr::String),
        Json::Array(items) => {
            let items = items.iter().map(load_expr).collect::<Result<Vec<_>, _>>()?;
            Ok(Expr::Array(items.leak()))
        }
        Json::Object(object) => {
            if let Some(Json::String(name)) = object.get("ref") {
                return Ok(Expr::Reference(leak_str(name)));
            }
            let Some(Json::String(function)) = object.get("fn") else {
                return Err(format!(
                    "expected a {{\"ref\": ...}} or {{\"fn\": ...}} object, found {json}"
                ));
            };
            let args = match object.get("argv") {
                Some(Json::Array(args)) => args.iter().map(load_expr).collect::<Result<_, _>>()?,
                _ => return Err(format!("call of `{function}` has no argv array")),
            };
            let call = Box::new(load_call(function, args)?);
            Ok(Expr::Call(Box::leak(call)))
        }
        Json::Null => Err("unexpected null in a rule".to_owned()),
    }
}

/// Builds a value of an endpoint's `properties`.
fn load_property(json: &Json) -> Result<PropertyValue, String> {
    match json {
        Json::Bool(value) => Ok(PropertyValue::Bool(*value)),
        Json::Number(number) => number
            .as_i64()
            .map(PropertyValue::Integer)
            .ok_or_else(|| format!("unsupported number {number}: only integers are allowed")),
        Json::String(text) => Template::parse(text).map(PropertyValue::String),
        Json::Array(items) => {
            let items = items
                .iter()
                .map(load_property)
                .collect::<Result<Vec<_>, _>>()?;
            Ok(PropertyValue::Array(items.leak()))
        }
        Json::Object(object) => {
            let fields = object
                .iter()
                .map(|(name, value)| Ok((leak_str(name), load_property(value)?)))
                .collect::<Result<Vec<_>, String>>()?;
            Ok(PropertyValue::Record(fields.leak()))
        }
        Json::Null => Err("unexpected null in endpoint properties".to_owned()),
    }
}

impl Template {
    /// Parses a string with `{name}` and `{name#path}` placeholders, in
    /// which `{{` and `}}` are literal braces.
    pub(super) fn parse(text: &str) -> Result<Template, String> {
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut chars = text.chars();
        while let Some(c) = chars.next() {
            match c {
                '{' if chars.as_str().starts_with('{') => {
                    chars.next();
                    literal.push('{');
                }
                '}' if chars.as_str().starts_with('}') => {
                    chars.next();
                    literal.push('}');
                }
                '{' => {
                    let rest = chars.as_str();
                    let Some(end) = rest.find('}') else {
                        return Err(format!("template `{text}` has an unclosed `{{`"));
                    };
                    let (name, path) = match rest[..end].split_once('#') {
                        Some((name, path)) => (name, parse_path(path)?),
                        None => (&rest[..end], Vec::new()),
                    };
                    if name.is_empty() {
                        return Err(format!(
                            "template `{text}` has a placeholder without a name"
                        ));
                    }
                    if !literal.is_empty() {
                        parts.push(TemplatePart::Literal(std::mem::take(&mut literal).leak()));
                    }
                    parts.push(TemplatePart::Variable {
                        name: leak_str(name),
                        path: path.leak(),
                    });
                    chars = rest[end + 1..].chars();
                }
                '}' => return Err(format!("template `{text}` has an unmatched `}}`")),
                c => literal.push(c),
            }
        }
        if !literal.is_empty() {
            parts.push(TemplatePart::Literal(literal.leak()));
        }
        Ok(Template {
            parts: parts.leak(),
        })
    }
}

/// Parses a `getAttr` path such as `resourceId[2]` or `a.b[0]`: keys
/// separated by `.`, each optionally followed by one `[index]`.
pub(super) fn parse_path(path: &str) -> Result<Vec<PathSegment>, String> {
    let mut segments = Vec::new();
    for part in path.split('.') {
        let (key, index) = match part.split_once('[') {
            Some((key, rest)) => {
                let index = rest
                    .strip_suffix(']')
                    .and_then(|digits| digits.parse::<usize>().ok())
                    .ok_or_else(|| format!("path `{path}` has an invalid index in `{part}`"))?;
                (key, Some(index))
            }
            None => (part, None),
        };
        if !key.is_empty() {
            segments.push(PathSegment::Key(leak_str(key)));
        } else if index.is_none() {
            return Err(format!("path `{path}` has an empty segment"));
        }
        if let Some(index) = index {
            segments.push(PathSegment::Index(index));
        }
    }
    Ok(segments)
}

fn leak_str(text: &str) -> &'static str {
    text.to_owned().leak()
}

fn member<'j>(
    object: &'j Map<String, Json>,
    name: &str,
    context: &str,
) -> Result<&'j Json, String> {
    object
        .get(name)
        .ok_or_else(|| format!("{context} has no `{name}` member"))
}

fn as_object<'j>(json: &'j Json, context: &str) -> Result<&'j Map<String, Json>, String> {
    json.as_object()
        .ok_or_else(|| format!("{context} is not a JSON object: {json}"))
}

fn as_array<'j>(json: &'j Json, context: &str) -> Result<&'j Vec<Json>, String> {
    json.as_array()
        .ok_or_else(|| format!("{context} is not a JSON array: {json}"))
}
