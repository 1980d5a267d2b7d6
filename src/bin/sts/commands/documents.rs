//! The nested structures of STS outputs as response documents, with members in model order.

use aws_sts_blocking::{
    AssumedRoleUser, FederatedUser, ScopedSession, TrustedIdentityPropagationContext,
};

use crate::output::{Object, Value};

pub fn assumed_role_user(user: &AssumedRoleUser) -> Value {
    Object::new()
        .string("AssumedRoleId", user.assumed_role_id())
        .string("Arn", user.arn())
        .build()
}

pub fn federated_user(user: &FederatedUser) -> Value {
    Object::new()
        .string("FederatedUserId", user.federated_user_id())
        .string("Arn", user.arn())
        .build()
}

pub fn scoped_session(session: &ScopedSession) -> Value {
    Object::new()
        .string("ScopedSessionId", session.scoped_session_id())
        .string("Arn", session.arn())
        .build()
}

pub fn trusted_identity_propagation_context(context: &TrustedIdentityPropagationContext) -> Value {
    let origin = context.origin_identity().map(|origin| {
        Object::new()
            .optional_string("Subject", origin.subject())
            .optional_string("SubjectType", origin.subject_type())
            .optional_string("Issuer", origin.issuer())
            .optional_string("FederatedProviderArn", origin.federated_provider_arn())
            .build()
    });
    let transaction = context.transaction_context().map(|transaction| {
        let provider = transaction.identity_provider().map(|map| {
            // NOTE: the library keeps the claims in a BTreeMap, so they print sorted by name,
            // where the AWS CLI keeps the order of the response.
            let mut object = Object::new();
            for (key, value) in map {
                object = object.string(key, value.as_str());
            }
            object.build()
        });
        Object::new()
            .optional_value("IdentityProvider", provider)
            .build()
    });
    Object::new()
        .optional_value("OriginIdentity", origin)
        .optional_value("TransactionContext", transaction)
        .build()
}
