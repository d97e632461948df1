"""S3 buckets built one way: private, encrypted, TLS-only, access-logged."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from constructs import Construct


def secure_bucket(
    scope: Construct,
    construct_id: str,
    *,
    removal_policy: RemovalPolicy,
    access_logs: s3.IBucket | None,
    access_logs_prefix: str = "",
    versioned: bool = False,
    lifecycle_rules: Sequence[s3.LifecycleRule] = (),
    cors: Sequence[s3.CorsRule] = (),
) -> s3.Bucket:
    """A bucket with public access blocked, SSE-S3, enforced TLS and server access logs.

    With RemovalPolicy.DESTROY (the dev profile) its objects are emptied on stack deletion.
    """
    destroy = removal_policy == RemovalPolicy.DESTROY
    return s3.Bucket(
        scope,
        construct_id,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        encryption=s3.BucketEncryption.S3_MANAGED,
        enforce_ssl=True,
        minimum_tls_version=1.2,
        object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        versioned=versioned,
        server_access_logs_bucket=access_logs,
        server_access_logs_prefix=access_logs_prefix or None,
        lifecycle_rules=list(lifecycle_rules) or None,
        cors=list(cors) or None,
        removal_policy=removal_policy,
        auto_delete_objects=destroy,
    )


def access_logs_bucket(scope: Construct, construct_id: str, *, removal_policy: RemovalPolicy, retention_days: int) -> s3.Bucket:
    """The bucket that receives the other buckets' server access logs."""
    return secure_bucket(
        scope,
        construct_id,
        removal_policy=removal_policy,
        access_logs=None,
        lifecycle_rules=[s3.LifecycleRule(id="expire-access-logs", expiration=Duration.days(retention_days))],
    )


def grant_prefix(bucket: s3.IBucket, grantee: iam.IGrantable, prefix: str, actions: Sequence[str], *, list_objects: bool = False) -> None:
    """Exactly `actions` on the objects under `prefix` (and, optionally, listing that prefix only)."""
    iam.Grant.add_to_principal(grantee=grantee, actions=list(actions), resource_arns=[bucket.arn_for_objects(f"{prefix}*")])
    if list_objects:
        grantee.grant_principal.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["s3:ListBucket"],
                resources=[bucket.bucket_arn],
                conditions={"StringLike": {"s3:prefix": [prefix, f"{prefix}*"]}},
            )
        )
