"""Call one STS operation with boto3 and print the outcome as one JSON line.

Reads a JSON object from stdin:
    {"endpoint": "http://127.0.0.1:PORT", "operation": "get_caller_identity",
     "params": {...}, "access_key_id": "...", "secret_access_key": "...",
     "session_token": null}
An absent access_key_id sends the request unsigned.

Prints {"ok": RESPONSE} without ResponseMetadata, or
{"error": {"code": ..., "message": ..., "status": HTTP_STATUS}} for an error
response. Retries are off, so the call sends exactly one request.
"""

import json
import sys

import boto3
import botocore
import botocore.config
import botocore.exceptions


def main():
    request = json.load(sys.stdin)
    config = botocore.config.Config(retries={"total_max_attempts": 1})
    if request.get("access_key_id") is None:
        config = config.merge(botocore.config.Config(signature_version=botocore.UNSIGNED))
    sts = boto3.client(
        "sts",
        endpoint_url=request["endpoint"],
        region_name="us-east-1",
        aws_access_key_id=request.get("access_key_id"),
        aws_secret_access_key=request.get("secret_access_key"),
        aws_session_token=request.get("session_token"),
        config=config,
    )
    try:
        response = getattr(sts, request["operation"])(**request.get("params", {}))
    except botocore.exceptions.ClientError as error:
        details = error.response.get("Error", {})
        outcome = {
            "error": {
                "code": details.get("Code"),
                "message": details.get("Message"),
                "status": error.response["ResponseMetadata"]["HTTPStatusCode"],
            }
        }
    else:
        response.pop("ResponseMetadata", None)
        outcome = {"ok": response}
    # default=str turns datetime values such as Credentials.Expiration into text.
    print(json.dumps(outcome, default=str))


if __name__ == "__main__":
    main()
