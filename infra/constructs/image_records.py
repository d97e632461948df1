"""The image function's records in the stack's table: its own partitions and nothing else.

Each stored picture has one record, pk = IMAGES#<sub> (lambdas/image/gallery.py), so GET /images reads a user's
pictures newest first with one Query, and DELETE /images/{id} finds a record with a Query and removes it with
DeleteItem. The function may PutItem, Query and DeleteItem only items whose partition key starts with IMAGES#:
`dynamodb:LeadingKeys` is the request's partition key values, ForAllValues requires each of them to match
(https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html ,
https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html#amazondynamodb-policy-keys),
and StringLike takes the `*` wildcard
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String).
The table's ARN is exact and no index is granted: a conversation, a message or a registration is out of its reach.
"""

from __future__ import annotations

from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam

from infra.constants import IMAGE_RECORDS_PARTITION

ACTIONS = ("dynamodb:PutItem", "dynamodb:Query", "dynamodb:DeleteItem")


def grant_image_records(table: dynamodb.ITableV2, grantee: iam.IGrantable) -> None:
    grantee.grant_principal.add_to_principal_policy(
        iam.PolicyStatement(
            actions=list(ACTIONS),
            resources=[table.table_arn],
            conditions={"ForAllValues:StringLike": {"dynamodb:LeadingKeys": [f"{IMAGE_RECORDS_PARTITION}*"]}},
        )
    )
