"""One shape for the stack's DynamoDB tables: string pk/sk, one string-keyed index projecting everything, on demand,
the AWS-managed key, point-in-time recovery, the TTL attribute, and the configured removal policy and protection."""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from constructs import Construct

from infra.constants import TABLE_PK, TABLE_SK, TABLE_TTL_ATTRIBUTE


def keyed_table(
    scope: Construct, *, index: tuple[str, str, str], removal_policy: RemovalPolicy, deletion_protection: bool
) -> dynamodb.TableV2:
    """The table `Table` in `scope`; `index` = (name, partition key, sort key)."""
    string = dynamodb.AttributeType.STRING
    index_name, index_pk, index_sk = index
    return dynamodb.TableV2(
        scope,
        "Table",
        partition_key=dynamodb.Attribute(name=TABLE_PK, type=string),
        sort_key=dynamodb.Attribute(name=TABLE_SK, type=string),
        billing=dynamodb.Billing.on_demand(),
        encryption=dynamodb.TableEncryptionV2.aws_managed_key(),
        point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(point_in_time_recovery_enabled=True),
        time_to_live_attribute=TABLE_TTL_ATTRIBUTE,
        deletion_protection=deletion_protection,
        removal_policy=removal_policy,
        global_secondary_indexes=[
            dynamodb.GlobalSecondaryIndexPropsV2(
                index_name=index_name,
                partition_key=dynamodb.Attribute(name=index_pk, type=string),
                sort_key=dynamodb.Attribute(name=index_sk, type=string),
                projection_type=dynamodb.ProjectionType.ALL,
            )
        ],
    )
