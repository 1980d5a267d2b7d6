"""Seed a fresh moto server with the IAM user, access key and roles the tests use.

Every entry of SEED_STEPS sends exactly one request, so SEED_CALL_COUNT is the
number of requests that seeding sends. The launcher gives moto exactly that many
requests without authentication; a wrong count would either leave later
requests unauthenticated or make a seeding request fail.
"""

import json

import boto3
import botocore.config

USER_NAME = "alice"
TRUSTED_ROLE = "trusted-role"
UNTRUSTED_ROLE = "untrusted-role"
EXTERNAL_ID_ROLE = "external-id-role"
EXTERNAL_ID = "harness-external-id"
WEB_ROLE = "web-role"
SAML_ROLE = "saml-role"
OIDC_PROVIDER_HOST = "oidc.harness.invalid"
SAML_PROVIDER_NAME = "harness-saml"
# An account that is not moto's; untrusted-role trusts only this account.
OTHER_ACCOUNT_ROOT = "arn:aws:iam::111122223333:root"

_STS_ACTIONS = ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"]

# Allows everything the client tests call, so that IAM permissions never block
# a test and only signatures and trust policies decide. The named STS actions
# are already covered by "sts:*" but are listed to show what the tests rely on.
_ALLOW_ALL_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": [
                    "sts:AssumeRole",
                    "sts:GetSessionToken",
                    "sts:GetFederationToken",
                    "sts:GetCallerIdentity",
                    "sts:GetAccessKeyInfo",
                    "sts:TagSession",
                    "sts:SetSourceIdentity",
                    "sts:*",
                    "iam:*",
                ],
                "Resource": "*",
            }
        ],
    }
)


def _trust_policy(statement):
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def _create_user(iam, state):
    response = iam.create_user(UserName=USER_NAME)
    state["user_arn"] = response["User"]["Arn"]
    # The user ARN has the form arn:aws:iam::<account>:user/alice.
    state["account_id"] = state["user_arn"].split(":")[4]


def _create_access_key(iam, state):
    key = iam.create_access_key(UserName=USER_NAME)["AccessKey"]
    state["access_key_id"] = key["AccessKeyId"]
    state["secret_access_key"] = key["SecretAccessKey"]


def _put_user_policy(iam, state):
    iam.put_user_policy(
        UserName=USER_NAME, PolicyName="allow-all", PolicyDocument=_ALLOW_ALL_POLICY
    )


def _create_trusted_role(iam, state):
    # moto 5.2.5 compares the caller's ARN with the trust policy's AWS
    # principals as plain strings, so the account root alone would not let
    # alice in. Real AWS accepts either entry.
    account_root = f"arn:aws:iam::{state['account_id']}:root"
    trust = _trust_policy(
        {
            "Effect": "Allow",
            "Principal": {"AWS": [account_root, state["user_arn"]]},
            "Action": _STS_ACTIONS,
        }
    )
    iam.create_role(RoleName=TRUSTED_ROLE, AssumeRolePolicyDocument=trust)


def _put_trusted_role_policy(iam, state):
    # Session credentials of trusted-role act with this policy, so a test can
    # sign further calls with them.
    iam.put_role_policy(
        RoleName=TRUSTED_ROLE, PolicyName="allow-all", PolicyDocument=_ALLOW_ALL_POLICY
    )


def _create_untrusted_role(iam, state):
    trust = _trust_policy(
        {
            "Effect": "Allow",
            "Principal": {"AWS": OTHER_ACCOUNT_ROOT},
            "Action": _STS_ACTIONS,
        }
    )
    iam.create_role(RoleName=UNTRUSTED_ROLE, AssumeRolePolicyDocument=trust)


def _create_external_id_role(iam, state):
    # moto 5.2.5 rejects a wrong ExternalId but, unlike AWS, accepts a request
    # that sends none, because it only compares the values a request carries.
    trust = _trust_policy(
        {
            "Effect": "Allow",
            "Principal": {"AWS": state["user_arn"]},
            "Action": _STS_ACTIONS,
            "Condition": {"StringEquals": {"sts:ExternalId": EXTERNAL_ID}},
        }
    )
    iam.create_role(RoleName=EXTERNAL_ID_ROLE, AssumeRolePolicyDocument=trust)


def _create_oidc_provider(iam, state):
    response = iam.create_open_id_connect_provider(
        Url=f"https://{OIDC_PROVIDER_HOST}",
        ClientIDList=["sts.amazonaws.com"],
        ThumbprintList=["0" * 40],
    )
    state["oidc_provider_arn"] = response["OpenIDConnectProviderArn"]


def _create_web_role(iam, state):
    trust = _trust_policy(
        {
            "Effect": "Allow",
            "Principal": {"Federated": state["oidc_provider_arn"]},
            "Action": "sts:AssumeRoleWithWebIdentity",
        }
    )
    iam.create_role(RoleName=WEB_ROLE, AssumeRolePolicyDocument=trust)


def _saml_metadata_document():
    # botocore requires at least 1000 characters. moto 5.2.5 stores the document
    # without parsing it, so the certificate is a placeholder, not a real one.
    certificate = "MIIC" + "A" * 1000
    return (
        '<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" '
        'entityID="https://idp.harness.invalid/saml">'
        '<IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
        '<KeyDescriptor use="signing"><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#">'
        f"<X509Data><X509Certificate>{certificate}</X509Certificate></X509Data>"
        "</KeyInfo></KeyDescriptor>"
        '<SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" '
        'Location="https://idp.harness.invalid/sso"/>'
        "</IDPSSODescriptor></EntityDescriptor>"
    )


def _create_saml_provider(iam, state):
    response = iam.create_saml_provider(
        Name=SAML_PROVIDER_NAME, SAMLMetadataDocument=_saml_metadata_document()
    )
    state["saml_provider_arn"] = response["SAMLProviderArn"]


def _create_saml_role(iam, state):
    trust = _trust_policy(
        {
            "Effect": "Allow",
            "Principal": {"Federated": state["saml_provider_arn"]},
            "Action": "sts:AssumeRoleWithSAML",
        }
    )
    iam.create_role(RoleName=SAML_ROLE, AssumeRolePolicyDocument=trust)


SEED_STEPS = [
    _create_user,
    _create_access_key,
    _put_user_policy,
    _create_trusted_role,
    _put_trusted_role_policy,
    _create_untrusted_role,
    _create_external_id_role,
    _create_oidc_provider,
    _create_web_role,
    _create_saml_provider,
    _create_saml_role,
]
SEED_CALL_COUNT = len(SEED_STEPS)


def seed(endpoint):
    """Create the user, key, providers and roles on the server at `endpoint`.

    Returns the facts a test needs: account id, user ARN, access key, provider
    ARNs and the seeded names. Retries are off, so every step sends exactly one
    request.
    """
    iam = boto3.client(
        "iam",
        endpoint_url=endpoint,
        region_name="us-east-1",
        # Seeding runs inside moto's no-auth budget, so any key is accepted.
        aws_access_key_id="seeding",
        aws_secret_access_key="seeding",
        config=botocore.config.Config(retries={"total_max_attempts": 1}),
    )
    state = {}
    for step in SEED_STEPS:
        step(iam, state)
    # The Rust side checks these against its own constants.
    state["user_name"] = USER_NAME
    state["role_names"] = [
        TRUSTED_ROLE,
        UNTRUSTED_ROLE,
        EXTERNAL_ID_ROLE,
        WEB_ROLE,
        SAML_ROLE,
    ]
    state["external_id"] = EXTERNAL_ID
    state["other_account_root"] = OTHER_ACCOUNT_ROOT
    return state
