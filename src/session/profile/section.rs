//! Sections and properties after parsing, with secret values kept out of
//! `Debug` output.

use std::collections::BTreeMap;
use std::fmt;

/// Characters other than ASCII letters and digits that profile, section,
/// property and sub-property names may contain.
const NAME_PUNCTUATION: &str = "-/.%@_:+";

/// Text that `Debug` prints in place of a secret value.
const REDACTED: &str = "** redacted **";

/// Returns whether `name` is a valid profile, section, property or
/// sub-property name: not empty, and only ASCII letters, digits and
/// `- / . % @ _ : +`.
pub(super) fn is_valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.chars().all(|character| {
            character.is_ascii_alphanumeric() || NAME_PUNCTUATION.contains(character)
        })
}

/// Returns whether a lowercase property name may contain a secret, such as
/// `aws_secret_access_key` or `aws_session_token`.
fn is_secret_name(name: &str) -> bool {
    name.contains("secret") || name.contains("token")
}

/// A named group of properties: a profile, an `[sso-session NAME]` section
/// or a `[services NAME]` section.
///
/// Property and sub-property names are case-insensitive. They are stored in
/// ASCII lowercase, and lookups lowercase the requested name. The section
/// name is case-sensitive.
///
/// `Debug` prints `** redacted **` for the value of every property or
/// sub-property whose name contains `secret` or `token`.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Section {
    name: String,
    properties: BTreeMap<String, Property>,
}

impl Section {
    pub(super) fn new(name: &str) -> Self {
        Section {
            name: name.to_owned(),
            properties: BTreeMap::new(),
        }
    }

    /// Returns the section name, for example `foo` for `[profile foo]`.
    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// Returns the value of a property, looked up case-insensitively.
    ///
    /// For a property with sub-properties the value is the sub-property
    /// lines joined as `"\nname = value\nname2 = value2"`, so use
    /// [`Section::get_sub`] for those.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.property(name).map(|property| property.value.as_str())
    }

    /// Returns the value of a sub-property, such as `endpoint_url` in
    ///
    /// ```text
    /// sts =
    ///   endpoint_url = http://127.0.0.1:8080
    /// ```
    ///
    /// Both names are looked up case-insensitively.
    pub(crate) fn get_sub(&self, name: &str, sub_name: &str) -> Option<&str> {
        let property = self.property(name)?;
        property
            .sub_properties
            .get(&sub_name.to_ascii_lowercase())
            .map(String::as_str)
    }

    /// Returns each property's lowercase name and value, sorted by name.
    pub(crate) fn properties(&self) -> impl Iterator<Item = (&str, &str)> {
        self.properties
            .iter()
            .map(|(name, property)| (name.as_str(), property.value.as_str()))
    }

    /// Sets a property, replacing any earlier value and sub-properties.
    /// `name` must already be lowercase.
    pub(super) fn insert(&mut self, name: String, property: Property) {
        self.properties.insert(name, property);
    }

    fn property(&self, name: &str) -> Option<&Property> {
        self.properties.get(&name.to_ascii_lowercase())
    }
}

/// One property's value and, when the value is a block of indented
/// `name = value` lines, its sub-properties.
#[derive(Clone, PartialEq, Eq)]
pub(super) struct Property {
    value: String,
    /// Sub-properties by lowercase name. Empty unless the property's own line
    /// had an empty value and indented `name = value` lines followed.
    sub_properties: BTreeMap<String, String>,
}

impl Property {
    pub(super) fn new(value: String, sub_properties: BTreeMap<String, String>) -> Self {
        Property {
            value,
            sub_properties,
        }
    }
}

impl fmt::Debug for Section {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Section")
            .field("name", &self.name)
            .field("properties", &RedactedProperties(&self.properties))
            .finish()
    }
}

/// `Debug` view of a property map. A property with sub-properties prints as
/// a map of them, any other as its value.
struct RedactedProperties<'a>(&'a BTreeMap<String, Property>);

impl fmt::Debug for RedactedProperties<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (name, property) in self.0 {
            let secret = is_secret_name(name);
            if property.sub_properties.is_empty() {
                map.entry(name, &RedactedValue::new(&property.value, secret));
            } else {
                let sub_properties = RedactedSubProperties {
                    sub_properties: &property.sub_properties,
                    secret,
                };
                map.entry(name, &sub_properties);
            }
        }
        map.finish()
    }
}

/// `Debug` view of sub-properties. `secret` redacts every value, because
/// the parent property's name marks them all as secret.
struct RedactedSubProperties<'a> {
    sub_properties: &'a BTreeMap<String, String>,
    secret: bool,
}

impl fmt::Debug for RedactedSubProperties<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (name, value) in self.sub_properties {
            let secret = self.secret || is_secret_name(name);
            map.entry(name, &RedactedValue::new(value, secret));
        }
        map.finish()
    }
}

/// `Debug` view of one value: the quoted value, or `** redacted **`
/// without quotes.
struct RedactedValue<'a> {
    value: &'a str,
    secret: bool,
}

impl<'a> RedactedValue<'a> {
    fn new(value: &'a str, secret: bool) -> Self {
        RedactedValue { value, secret }
    }
}

impl fmt::Debug for RedactedValue<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.secret {
            f.write_str(REDACTED)
        } else {
            fmt::Debug::fmt(self.value, f)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::ProfileSet;
    use super::*;

    #[test]
    fn valid_names() {
        assert!(is_valid_name("some-thing:long/the_one%only.foo@bar+"));
        assert!(is_valid_name("ABCxyz019"));
        assert!(!is_valid_name(""));
        assert!(!is_valid_name("in valid"));
        assert!(!is_valid_name("foo!bar"));
        assert!(!is_valid_name("caf\u{e9}"));
    }

    #[test]
    fn debug_redacts_secrets() {
        let credentials = "[default]\n\
            aws_access_key_id = AKIDEXAMPLE\n\
            aws_secret_access_key = wJalrXUtnFEMI\n\
            aws_session_token = FwoGZXIvYXdzEXAMPLE\n\
            region = us-west-2\n\
            my_secret = hidden-1\n\
            token_store =\n  \
              path = hidden-2\n\
            s3 =\n  \
              addressing_style = path\n  \
              client_secret = hidden-3\n";
        let set = ProfileSet::parse(None, Some(credentials)).unwrap();
        let profile = set.profile("default").unwrap();
        assert_eq!(
            format!("{profile:?}"),
            "Section { name: \"default\", properties: {\
             \"aws_access_key_id\": \"AKIDEXAMPLE\", \
             \"aws_secret_access_key\": ** redacted **, \
             \"aws_session_token\": ** redacted **, \
             \"my_secret\": ** redacted **, \
             \"region\": \"us-west-2\", \
             \"s3\": {\"addressing_style\": \"path\", \"client_secret\": ** redacted **}, \
             \"token_store\": {\"path\": ** redacted **}\
             } }"
        );
    }

    #[test]
    fn debug_of_set_redacts_secrets() {
        let set = ProfileSet::parse(
            Some("[profile p]\naws_secret_access_key = wJalrXUtnFEMI"),
            None,
        )
        .unwrap();
        let debug = format!("{set:?}");
        assert!(!debug.contains("wJalrXUtnFEMI"), "{debug}");
        assert!(debug.contains("** redacted **"), "{debug}");
    }

    #[test]
    fn lookups_ignore_name_case() {
        let set = ProfileSet::parse(
            Some("[profile p]\nRegion = x\nS3 =\n  Addressing_Style = path"),
            None,
        )
        .unwrap();
        let profile = set.profile("p").unwrap();
        assert_eq!(profile.get("REGION"), Some("x"));
        assert_eq!(profile.get_sub("s3", "ADDRESSING_STYLE"), Some("path"));
        assert_eq!(profile.get_sub("region", "anything"), None);
        assert_eq!(profile.get_sub("s3", "missing"), None);
        assert_eq!(
            profile.properties().collect::<Vec<_>>(),
            vec![("region", "x"), ("s3", "\nAddressing_Style = path")]
        );
    }
}
