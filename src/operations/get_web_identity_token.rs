//! GetWebIdentityToken: a JSON Web Token signed by STS that names the caller, for external
//! services that trust AWS as an OpenID Connect issuer.

use std::fmt;

use time::OffsetDateTime;

use super::members::{validate_tags, write_tags, SubjectMode, Tag};
use super::{Operation, Redacted};
use crate::protocol::query::QueryWriter;
use crate::protocol::validate;
use crate::protocol::xml::{Element, XmlError};
use crate::Error;

/// Input of GetWebIdentityToken.
#[derive(Debug, Clone)]
pub struct GetWebIdentityTokenRequest {
    audience: Vec<String>,
    duration_seconds: Option<i32>,
    signing_algorithm: String,
    scope: Option<String>,
    subject_mode: Option<SubjectMode>,
    tags: Option<Vec<Tag>>,
}

impl GetWebIdentityTokenRequest {
    /// Creates a request for a token whose `aud` claim lists `audience` (1 to 10 values of
    /// 1 to 1000 characters), signed with `signing_algorithm`, which STS documents as
    /// `RS256` or `ES384`.
    pub fn new(
        audience: Vec<String>,
        signing_algorithm: impl Into<String>,
    ) -> GetWebIdentityTokenRequest {
        GetWebIdentityTokenRequest {
            audience,
            duration_seconds: None,
            signing_algorithm: signing_algorithm.into(),
            scope: None,
            subject_mode: None,
            tags: None,
        }
    }

    /// Sets how long the token is valid, 60 to 3600 seconds.
    pub fn duration_seconds(mut self, seconds: i32) -> GetWebIdentityTokenRequest {
        self.duration_seconds = Some(seconds);
        self
    }

    /// Sets the token's `scope` claim: OAuth 2.0 scope values separated by single spaces,
    /// each of printable ASCII other than `"`, `,` and `\`.
    pub fn scope(mut self, scope: impl Into<String>) -> GetWebIdentityTokenRequest {
        self.scope = Some(scope.into());
        self
    }

    /// Sets which identity goes into the token's `sub` claim.
    pub fn subject_mode(mut self, subject_mode: SubjectMode) -> GetWebIdentityTokenRequest {
        self.subject_mode = Some(subject_mode);
        self
    }

    /// Sets up to 50 tags to add to the token as custom claims.
    pub fn tags(mut self, tags: Vec<Tag>) -> GetWebIdentityTokenRequest {
        self.tags = Some(tags);
        self
    }
}

/// Output of GetWebIdentityToken.
///
/// `Debug` redacts the token.
#[derive(Clone)]
pub struct GetWebIdentityTokenOutput {
    web_identity_token: Option<String>,
    expiration: Option<OffsetDateTime>,
    request_id: Option<String>,
}

impl GetWebIdentityTokenOutput {
    /// Returns the signed JSON Web Token, a bearer secret.
    pub fn web_identity_token(&self) -> Option<&str> {
        self.web_identity_token.as_deref()
    }

    /// Returns when the token expires.
    pub fn expiration(&self) -> Option<OffsetDateTime> {
        self.expiration
    }

    /// Returns the request id STS assigned.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
}

impl fmt::Debug for GetWebIdentityTokenOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GetWebIdentityTokenOutput")
            .field(
                "web_identity_token",
                &self.web_identity_token.as_ref().map(|_| Redacted),
            )
            .field("expiration", &self.expiration)
            .field("request_id", &self.request_id)
            .finish()
    }
}

impl Operation for GetWebIdentityTokenRequest {
    const NAME: &'static str = "GetWebIdentityToken";
    type Output = GetWebIdentityTokenOutput;

    fn validate(&self) -> Result<(), Error> {
        validate::list_size("Audience", self.audience.len(), 1, 10)?;
        for (index, audience) in self.audience.iter().enumerate() {
            let field = format!("Audience.member.{}", index + 1);
            validate::string(&field, audience, &validate::AUDIENCE)?;
        }
        validate::optional_integer(
            "DurationSeconds",
            self.duration_seconds,
            &validate::WEB_IDENTITY_TOKEN_DURATION,
        )?;
        validate::string(
            "SigningAlgorithm",
            &self.signing_algorithm,
            &validate::JWT_ALGORITHM,
        )?;
        if let Some(scope) = &self.scope {
            validate::scope("Scope", scope)?;
        }
        validate_tags(self.tags.as_deref())
    }

    fn write_members(&self, writer: &mut QueryWriter) {
        writer.string_list("Audience", &self.audience);
        writer.optional_integer("DurationSeconds", self.duration_seconds);
        writer.string("SigningAlgorithm", &self.signing_algorithm);
        writer.optional_string("Scope", self.scope.as_deref());
        writer.optional_string(
            "SubjectMode",
            self.subject_mode.as_ref().map(SubjectMode::as_str),
        );
        write_tags(writer, self.tags.as_deref());
    }

    fn parse_output(
        result: &Element,
        request_id: Option<String>,
    ) -> Result<GetWebIdentityTokenOutput, XmlError> {
        Ok(GetWebIdentityTokenOutput {
            web_identity_token: result.optional_text("WebIdentityToken")?,
            expiration: result.optional_timestamp("Expiration")?,
            request_id,
        })
    }
}
