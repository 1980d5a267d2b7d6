//! One test per error the STS model defines (its 15 exception shapes): an error document with the model's code (and
//! the exception's shape name, where the two differ) parses into the typed kind.

use crate::error::ServiceErrorKind;
use crate::protocol::xml::{parse_document, parse_error_document};

/// Parses an STS error document carrying `code` and returns its code and kind.
fn kind_of(code: &str) -> ServiceErrorKind {
    let body = format!(
        "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
         <Error><Type>Sender</Type><Code>{code}</Code><Message>message</Message></Error>\
         <RequestId>4c1b3f8e-0000-4000-8000-000000000000</RequestId></ErrorResponse>"
    );
    let root = parse_document(&body).unwrap();
    let document = parse_error_document(&root).unwrap();
    assert_eq!(document.code, code);
    ServiceErrorKind::from_code(&document.code)
}

/// Declares a test that each of the codes parses into `$kind`.
macro_rules! error_kinds {
    ($($name:ident: [$($code:literal),+] => $kind:ident;)+) => {
        $(
            #[test]
            fn $name() {
                $(assert_eq!(kind_of($code), ServiceErrorKind::$kind, "{}", $code);)+
            }
        )+
    };
}

error_kinds! {
    expired_token: ["ExpiredTokenException"] => ExpiredToken;
    expired_trade_in_token: ["ExpiredTradeInTokenException"] => ExpiredTradeInToken;
    idp_communication_error: ["IDPCommunicationError", "IDPCommunicationErrorException"] => IdpCommunicationError;
    idp_rejected_claim: ["IDPRejectedClaim", "IDPRejectedClaimException"] => IdpRejectedClaim;
    insufficient_session_lifetime: ["InsufficientSessionLifetime", "InsufficientSessionLifetimeException"] => InsufficientSessionLifetime;
    invalid_authorization_message: ["InvalidAuthorizationMessageException"] => InvalidAuthorizationMessage;
    invalid_context_assertion: ["InvalidContextAssertion", "InvalidContextAssertionException"] => InvalidContextAssertion;
    invalid_identity_token: ["InvalidIdentityToken", "InvalidIdentityTokenException"] => InvalidIdentityToken;
    invalid_subject_credentials: ["InvalidSubjectCredentials", "InvalidSubjectCredentialsException"] => InvalidSubjectCredentials;
    jwt_payload_size_exceeded: ["JWTPayloadSizeExceededException"] => JwtPayloadSizeExceeded;
    malformed_policy_document: ["MalformedPolicyDocument", "MalformedPolicyDocumentException"] => MalformedPolicyDocument;
    outbound_federation_disabled: ["OutboundWebIdentityFederationDisabledException"] => OutboundWebIdentityFederationDisabled;
    packed_policy_too_large: ["PackedPolicyTooLarge", "PackedPolicyTooLargeException"] => PackedPolicyTooLarge;
    region_disabled: ["RegionDisabledException"] => RegionDisabled;
    session_duration_escalation: ["SessionDurationEscalationException"] => SessionDurationEscalation;
}

#[test]
fn unknown_code_kept_as_string() {
    assert_eq!(
        kind_of("SomeFutureException"),
        ServiceErrorKind::Other("SomeFutureException".to_string())
    );
}
