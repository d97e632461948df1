"""Files in chat: the attachments/ prefix of the images bucket (private, SSE-S3, TLS-only, access-logged like every bucket
of the stack: infra/constructs/buckets.py), its expiry, browser uploads, and the chat functions' grants on it.

- Expiry: a message item expires `memory.conversation_ttl_days` after it is written (DynamoDB TTL, common/conversations.py),
  so a file expires that many days after its upload, plus one day for the time between upload and turn. S3 expires an
  object at the next midnight UTC after the age is reached
  (https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-expire-general-considerations.html).
- Grants: chat signs the presigned POST with its own credentials, so it needs s3:PutObject on the prefix; chat and
  chat_stream read the files (s3:GetObject, which HeadObject also needs:
  https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html); chat deletes a conversation's files with it
  (DeleteObjects is authorized as s3:DeleteObject on each key:
  https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html). No listing, no other prefix. The
  per-user sub-prefix is enforced by the function (a Cognito user-pool caller has no IAM identity of its own).
"""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3

from infra.constants import ATTACHMENTS_PREFIX
from infra.constructs.buckets import grant_prefix


def expiry_rule(conversation_ttl_days: int) -> s3.LifecycleRule:
    return s3.LifecycleRule(id="expire-attachments", prefix=ATTACHMENTS_PREFIX, expiration=Duration.days(conversation_ttl_days + 1))


def upload_cors(origins: list[str]) -> list[s3.CorsRule]:
    """A browser's form POST to the presigned URL (configured origins only; none: no CORS rule)."""
    if not origins:
        return []
    return [s3.CorsRule(allowed_methods=[s3.HttpMethods.POST], allowed_origins=origins, allowed_headers=["*"], max_age=3000)]


def grant_attachments(bucket: s3.IBucket, chat: iam.IGrantable, chat_stream: iam.IGrantable) -> None:
    grant_prefix(bucket, chat, ATTACHMENTS_PREFIX, ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"])
    grant_prefix(bucket, chat_stream, ATTACHMENTS_PREFIX, ["s3:GetObject"])
