//! Conversion of option values into request members: files, integers, lists, and the
//! structures that the AWS CLI accepts in shorthand (`Key=k,Value=v`) or as JSON.

use aws_sts_blocking::{PolicyDescriptor, ProvidedContext, Tag};

use super::Failure;
use crate::args::{Arguments, UsageError};
use crate::prompt;

/// The option values of one command, with the command's name for error messages.
pub struct Values<'a> {
    arguments: &'a Arguments,
    command: &'static str,
}

impl<'a> Values<'a> {
    pub fn new(arguments: &'a Arguments, command: &'static str) -> Values<'a> {
        Values { arguments, command }
    }

    fn usage(&self, message: String) -> Failure {
        Failure::Usage(UsageError::new(message, Some(self.command)))
    }

    /// Returns an option's value. As in the AWS CLI, a value `file://PATH` is replaced by the
    /// contents of the file, unchanged (a final newline is kept).
    pub fn text(&self, name: &str) -> Result<Option<String>, Failure> {
        let Some(value) = self.arguments.single(name) else {
            return Ok(None);
        };
        let Some(path) = value.strip_prefix("file://") else {
            return Ok(Some(value.to_string()));
        };
        std::fs::read_to_string(path).map(Some).map_err(|error| {
            self.usage(format!("failed to read {name} from file {path:?}: {error}"))
        })
    }

    /// Returns a required option's value, read through [`Values::text`].
    pub fn required(&self, name: &str) -> Result<String, Failure> {
        self.text(name)?
            .ok_or_else(|| self.usage(format!("missing required option {name}")))
    }

    /// Returns an integer option's value.
    pub fn integer(&self, name: &str) -> Result<Option<i32>, Failure> {
        let Some(value) = self.arguments.single(name) else {
            return Ok(None);
        };
        value
            .parse()
            .map(Some)
            .map_err(|_| self.usage(format!("invalid {name} {value:?}: expected a whole number")))
    }

    /// Returns the strings of a list option: its values, or the items of a single JSON array
    /// value such as `["a", "b"]`.
    pub fn strings(&self, name: &str) -> Result<Option<Vec<String>>, Failure> {
        let Some(values) = self.arguments.values(name) else {
            return Ok(None);
        };
        let [value] = values else {
            return Ok(Some(values.to_vec()));
        };
        if !value.trim_start().starts_with('[') {
            return Ok(Some(values.to_vec()));
        }
        let items: Vec<String> = serde_json::from_str(value).map_err(|error| {
            self.usage(format!(
                "invalid {name}: expected a JSON list of strings ({error})"
            ))
        })?;
        Ok(Some(items))
    }

    /// Returns the managed policy ARNs of `--policy-arns` style options.
    pub fn policy_arns(&self, name: &str) -> Result<Option<Vec<PolicyDescriptor>>, Failure> {
        let structures = self.structures(name, &["arn"])?;
        Ok(structures.map(|list| {
            list.into_iter()
                .map(|mut members| PolicyDescriptor::new(members.remove(0)))
                .collect()
        }))
    }

    /// Returns the single policy ARN of `--task-policy-arn`.
    pub fn policy_arn(&self, name: &str) -> Result<PolicyDescriptor, Failure> {
        let value = self.required(name)?;
        let mut members = self.structure(name, &value, &["arn"])?;
        Ok(PolicyDescriptor::new(members.remove(0)))
    }

    /// Returns the tags of a `--tags` option.
    pub fn tags(&self, name: &str) -> Result<Option<Vec<Tag>>, Failure> {
        let structures = self.structures(name, &["Key", "Value"])?;
        Ok(structures.map(|list| {
            list.into_iter()
                .map(|members| Tag::new(members[0].clone(), members[1].clone()))
                .collect()
        }))
    }

    /// Returns the trusted context assertions of `--provided-contexts`.
    pub fn provided_contexts(&self, name: &str) -> Result<Option<Vec<ProvidedContext>>, Failure> {
        let structures = self.structures(name, &["ProviderArn", "ContextAssertion"])?;
        Ok(structures.map(|list| {
            list.into_iter()
                .map(|members| ProvidedContext::new(members[0].clone(), members[1].clone()))
                .collect()
        }))
    }

    /// Returns the MFA code from `--token-code`, else reads it when `serial_number` is given
    /// (see [`prompt::token_code`]), else `None`.
    pub fn token_code(&self, serial_number: Option<&str>) -> Result<Option<String>, Failure> {
        if let Some(code) = self.text("--token-code")? {
            return Ok(Some(code));
        }
        let Some(serial_number) = serial_number else {
            return Ok(None);
        };
        log::debug!("--token-code is missing; reading the MFA code for {serial_number}");
        prompt::token_code(serial_number)
            .map(Some)
            .map_err(|error| {
                self.usage(format!(
                    "--token-code is missing and reading the MFA code failed: {error}"
                ))
            })
    }

    /// Returns the structures of a list option, each with the values of `members` in order.
    /// The option's values are structures in shorthand or as JSON objects, or a single value
    /// is a JSON list of objects.
    fn structures(
        &self,
        name: &str,
        members: &[&str],
    ) -> Result<Option<Vec<Vec<String>>>, Failure> {
        let Some(values) = self.arguments.values(name) else {
            return Ok(None);
        };
        if let [value] = values {
            if value.trim_start().starts_with('[') {
                let items: Vec<serde_json::Value> =
                    serde_json::from_str(value).map_err(|error| {
                        self.usage(format!("invalid {name}: expected a JSON list ({error})"))
                    })?;
                let structures = items
                    .iter()
                    .map(|item| self.json_structure(name, item, members))
                    .collect::<Result<_, _>>()?;
                return Ok(Some(structures));
            }
        }
        let structures = values
            .iter()
            .map(|value| self.structure(name, value, members))
            .collect::<Result<_, _>>()?;
        Ok(Some(structures))
    }

    /// Parses one structure: a JSON object, shorthand `Name=value,Name=value`, or, for
    /// structures whose only member is `arn`, a bare ARN.
    fn structure(&self, name: &str, value: &str, members: &[&str]) -> Result<Vec<String>, Failure> {
        if value.trim_start().starts_with('{') {
            let item: serde_json::Value = serde_json::from_str(value).map_err(|error| {
                self.usage(format!("invalid {name}: expected a JSON object ({error})"))
            })?;
            return self.json_structure(name, &item, members);
        }
        if members == ["arn"] && value.starts_with("arn:") {
            return Ok(vec![value.to_string()]);
        }

        let expected = shorthand_form(members);
        let mut found: Vec<Option<String>> = vec![None; members.len()];
        for pair in value.split(',') {
            let Some((member, member_value)) = pair.split_once('=') else {
                return Err(self.usage(format!("invalid {name} {value:?}: expected {expected}")));
            };
            let Some(index) = members.iter().position(|known| *known == member) else {
                return Err(self.usage(format!(
                    "invalid {name} {value:?}: unknown member {member:?}; expected {expected}"
                )));
            };
            found[index] = Some(member_value.to_string());
        }
        self.complete(name, value, members, found)
    }

    fn json_structure(
        &self,
        name: &str,
        item: &serde_json::Value,
        members: &[&str],
    ) -> Result<Vec<String>, Failure> {
        let Some(object) = item.as_object() else {
            return Err(self.usage(format!("invalid {name}: {item} is not a JSON object")));
        };
        let mut found: Vec<Option<String>> = vec![None; members.len()];
        for (member, member_value) in object {
            let Some(index) = members.iter().position(|known| known == member) else {
                return Err(self.usage(format!(
                    "invalid {name}: unknown member {member:?}; expected {}",
                    members.join(" and ")
                )));
            };
            let Some(text) = member_value.as_str() else {
                return Err(self.usage(format!(
                    "invalid {name}: member {member:?} must be a string"
                )));
            };
            found[index] = Some(text.to_string());
        }
        self.complete(name, &item.to_string(), members, found)
    }

    /// Checks that every member was given and returns their values in order.
    fn complete(
        &self,
        name: &str,
        value: &str,
        members: &[&str],
        found: Vec<Option<String>>,
    ) -> Result<Vec<String>, Failure> {
        let mut complete = Vec::with_capacity(members.len());
        for (member, member_value) in members.iter().zip(found) {
            match member_value {
                Some(member_value) => complete.push(member_value),
                None => {
                    return Err(self.usage(format!(
                        "invalid {name} {value:?}: missing {member}; expected {}",
                        shorthand_form(members)
                    )))
                }
            }
        }
        Ok(complete)
    }
}

/// Returns the shorthand form of a structure, such as `Key=...,Value=...`.
fn shorthand_form(members: &[&str]) -> String {
    members
        .iter()
        .map(|member| format!("{member}=..."))
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arguments(line: &[&str]) -> Arguments {
        let words: Vec<String> = line.iter().map(|word| word.to_string()).collect();
        match crate::args::parse(&words).unwrap().action {
            crate::args::Action::Run(_, arguments) => arguments,
            other => panic!("expected a command to run, got {other:?}"),
        }
    }

    fn usage_message(failure: Failure) -> String {
        match failure {
            Failure::Usage(error) => error.message,
            Failure::Call { error, .. } => panic!("expected a usage error, got {error}"),
        }
    }

    const ROLE: &[&str] = &[
        "assume-role",
        "--role-arn",
        "arn:aws:iam::1:role/r",
        "--role-session-name",
        "s",
    ];

    fn with_role(extra: &[&str]) -> Arguments {
        let mut line = ROLE.to_vec();
        line.extend_from_slice(extra);
        arguments(&line)
    }

    #[test]
    fn tags_in_shorthand_and_json() {
        let shorthand = with_role(&["--tags", "Key=team,Value=a=b", "Key=env,Value="]);
        let tags = Values::new(&shorthand, "assume-role")
            .tags("--tags")
            .unwrap()
            .unwrap();
        assert_eq!(tags, vec![Tag::new("team", "a=b"), Tag::new("env", "")]);

        let json = with_role(&["--tags", r#"[{"Key": "team", "Value": "x,y"}]"#]);
        let tags = Values::new(&json, "assume-role")
            .tags("--tags")
            .unwrap()
            .unwrap();
        assert_eq!(tags, vec![Tag::new("team", "x,y")]);

        let object = with_role(&["--tags", r#"{"Value": "v", "Key": "k"}"#]);
        let tags = Values::new(&object, "assume-role")
            .tags("--tags")
            .unwrap()
            .unwrap();
        assert_eq!(tags, vec![Tag::new("k", "v")]);
    }

    #[test]
    fn repeated_list_option_appends() {
        let arguments = with_role(&["--tags", "Key=a,Value=1", "--tags", "Key=b,Value=2"]);
        let tags = Values::new(&arguments, "assume-role")
            .tags("--tags")
            .unwrap()
            .unwrap();
        assert_eq!(tags, vec![Tag::new("a", "1"), Tag::new("b", "2")]);
    }

    #[test]
    fn policy_arns_forms() {
        let arguments = with_role(&[
            "--policy-arns",
            "arn=arn:aws:iam::aws:policy/ReadOnlyAccess",
            "arn:aws:iam::1:policy/p",
        ]);
        let arns = Values::new(&arguments, "assume-role")
            .policy_arns("--policy-arns")
            .unwrap()
            .unwrap();
        assert_eq!(
            arns,
            vec![
                PolicyDescriptor::new("arn:aws:iam::aws:policy/ReadOnlyAccess"),
                PolicyDescriptor::new("arn:aws:iam::1:policy/p"),
            ]
        );
    }

    #[test]
    fn strings_from_values_or_json() {
        let arguments = with_role(&["--transitive-tag-keys", "a", "b"]);
        let values = Values::new(&arguments, "assume-role");
        assert_eq!(
            values.strings("--transitive-tag-keys").unwrap(),
            Some(vec!["a".to_string(), "b".to_string()])
        );

        let arguments = with_role(&["--transitive-tag-keys", r#"["a", "b c"]"#]);
        let values = Values::new(&arguments, "assume-role");
        assert_eq!(
            values.strings("--transitive-tag-keys").unwrap(),
            Some(vec!["a".to_string(), "b c".to_string()])
        );
    }

    #[test]
    fn malformed_structures_are_usage_errors() {
        let cases = [
            (vec!["--tags", "team"], "invalid --tags \"team\": expected Key=...,Value=..."),
            (
                vec!["--tags", "Key=a,Colour=b"],
                "invalid --tags \"Key=a,Colour=b\": unknown member \"Colour\"; expected Key=...,Value=...",
            ),
            (
                vec!["--tags", "Key=a"],
                "invalid --tags \"Key=a\": missing Value; expected Key=...,Value=...",
            ),
            (
                vec!["--tags", r#"[{"Key": "a", "Value": 1}]"#],
                "invalid --tags: member \"Value\" must be a string",
            ),
            (vec!["--tags", "[not json"], "invalid --tags: expected a JSON list"),
            (
                vec!["--policy-arns", "name=x"],
                "invalid --policy-arns \"name=x\": unknown member \"name\"; expected arn=...",
            ),
        ];
        for (extra, expected) in cases {
            let arguments = with_role(&extra);
            let values = Values::new(&arguments, "assume-role");
            let failure = if extra[0] == "--tags" {
                values.tags("--tags").unwrap_err()
            } else {
                values.policy_arns("--policy-arns").unwrap_err()
            };
            let message = usage_message(failure);
            assert!(message.starts_with(expected), "{extra:?}: {message}");
        }
    }

    #[test]
    fn integers_must_be_whole_numbers() {
        let arguments = with_role(&["--duration-seconds", "15m"]);
        let failure = Values::new(&arguments, "assume-role")
            .integer("--duration-seconds")
            .unwrap_err();
        assert_eq!(
            usage_message(failure),
            "invalid --duration-seconds \"15m\": expected a whole number"
        );
    }

    #[test]
    fn token_code_given_needs_no_prompt() {
        let arguments = with_role(&[
            "--serial-number",
            "arn:aws:iam::1:mfa/a",
            "--token-code",
            "123456",
        ]);
        let values = Values::new(&arguments, "assume-role");
        assert_eq!(
            values.token_code(Some("arn:aws:iam::1:mfa/a")).unwrap(),
            Some("123456".to_string())
        );
        let without_serial = with_role(&[]);
        let values = Values::new(&without_serial, "assume-role");
        assert_eq!(values.token_code(None).unwrap(), None);
    }
}
