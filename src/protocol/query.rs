//! Query-protocol form encoding: `Action`, `Version` and the operation's members.
//!
//! Values are encoded as botocore encodes them (Python's `urlencode`): letters, digits and
//! `-_.~` stay as they are, a space becomes `+`, and every other UTF-8 byte becomes an
//! uppercase `%XX`. AWS verifies the signature over the bytes it receives, so any correct
//! encoding works there, but moto re-encodes the parsed form this way before checking the
//! signature, so only this exact encoding passes against it.

use std::fmt::Write;

/// The STS API version that every request names.
pub(crate) const API_VERSION: &str = "2011-06-15";

/// Builds an `application/x-www-form-urlencoded` Query-protocol request body. Its `Debug`
/// shows the body length only, because the body can hold tokens and assertions.
pub(crate) struct QueryWriter {
    body: String,
}

impl std::fmt::Debug for QueryWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QueryWriter")
            .field("body_bytes", &self.body.len())
            .finish()
    }
}

impl QueryWriter {
    /// Starts a body with `Action={action}&Version=2011-06-15`.
    pub(crate) fn new(action: &str) -> QueryWriter {
        let mut writer = QueryWriter {
            body: String::with_capacity(256),
        };
        writer.string("Action", action);
        writer.string("Version", API_VERSION);
        writer
    }

    /// Appends `name=value`.
    pub(crate) fn string(&mut self, name: &str, value: &str) {
        if !self.body.is_empty() {
            self.body.push('&');
        }
        encode_into(&mut self.body, name);
        self.body.push('=');
        encode_into(&mut self.body, value);
    }

    /// Appends `name=value` when the value is present.
    pub(crate) fn optional_string(&mut self, name: &str, value: Option<&str>) {
        if let Some(value) = value {
            self.string(name, value);
        }
    }

    /// Appends an integer member when it is present.
    pub(crate) fn optional_integer(&mut self, name: &str, value: Option<i32>) {
        if let Some(value) = value {
            self.string(name, &value.to_string());
        }
    }

    /// Appends a non-flattened list as `name.member.1...`, or `name=` when the list is empty.
    ///
    /// `write_item` receives the writer and the item's prefix (`Tags.member.2`) and appends
    /// the item's members under that prefix.
    pub(crate) fn list<T>(
        &mut self,
        name: &str,
        items: &[T],
        mut write_item: impl FnMut(&mut QueryWriter, &str, &T),
    ) {
        if items.is_empty() {
            self.string(name, "");
            return;
        }
        let mut prefix = String::with_capacity(name.len() + 12);
        for (index, item) in items.iter().enumerate() {
            prefix.clear();
            let _ = write!(prefix, "{name}.member.{}", index + 1);
            write_item(self, &prefix, item);
        }
    }

    /// Appends a list of strings as `name.member.1=...`, or `name=` when the list is empty.
    pub(crate) fn string_list(&mut self, name: &str, items: &[String]) {
        self.list(name, items, |writer, prefix, item| {
            writer.string(prefix, item)
        });
    }

    /// Returns the encoded body.
    pub(crate) fn finish(self) -> String {
        self.body
    }
}

/// Percent-encodes `value` into `out` as Python's `urllib.parse.quote_plus` does.
fn encode_into(out: &mut String, value: &str) {
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(byte))
            }
            b' ' => out.push('+'),
            _ => {
                let _ = write!(out, "%{byte:02X}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_and_version_come_first() {
        let writer = QueryWriter::new("GetCallerIdentity");
        assert_eq!(
            writer.finish(),
            "Action=GetCallerIdentity&Version=2011-06-15"
        );
    }

    #[test]
    fn encoding_matches_botocore() {
        let mut writer = QueryWriter::new("AssumeRole");
        writer.string("Policy", "a b+c*d/e~f:g=h&i\u{e9}\u{1f600}");
        assert_eq!(
            writer.finish(),
            "Action=AssumeRole&Version=2011-06-15&Policy=a+b%2Bc%2Ad%2Fe~f%3Ag%3Dh%26i%C3%A9%F0%9F%98%80"
        );
    }

    #[test]
    fn lists_of_structures_and_empty_lists() {
        let mut writer = QueryWriter::new("AssumeRole");
        let tags = [("k1", "v1"), ("k2", "v 2")];
        writer.list("Tags", &tags, |writer, prefix, (key, value)| {
            writer.string(&format!("{prefix}.Key"), key);
            writer.string(&format!("{prefix}.Value"), value);
        });
        writer.string_list("TransitiveTagKeys", &[]);
        writer.optional_integer("DurationSeconds", Some(900));
        writer.optional_string("ExternalId", None);
        assert_eq!(
            writer.finish(),
            "Action=AssumeRole&Version=2011-06-15&Tags.member.1.Key=k1&Tags.member.1.Value=v1\
             &Tags.member.2.Key=k2&Tags.member.2.Value=v+2&TransitiveTagKeys=&DurationSeconds=900"
        );
    }
}
