"""Call GetCallerIdentity N times through boto3 and print the account.

Usage: python boto3_caller.py [N]   (default 1)

botocore finds the static credentials in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY and
the region in AWS_DEFAULT_REGION. The endpoint is read from AWS_ENDPOINT_URL_STS and passed
explicitly; it must be on 127.0.0.1 so a benchmark never reaches AWS.
"""

import os
import sys

import boto3


def main():
    calls = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    if calls < 1:
        sys.exit("usage: boto3_caller.py [N], where N is a number of calls from 1 up")
    endpoint = os.environ.get("AWS_ENDPOINT_URL_STS", "")
    if not endpoint.startswith("http://127.0.0.1:"):
        sys.exit("AWS_ENDPOINT_URL_STS must be set to an http://127.0.0.1 URL")

    client = boto3.client("sts", endpoint_url=endpoint)
    account = ""
    for _ in range(calls):
        account = client.get_caller_identity()["Account"]
    print(account)


if __name__ == "__main__":
    main()
