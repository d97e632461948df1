"""The conversation table.

One table, two item kinds (pk/sk are strings):
  message       pk = USER#<sub>#CONV#<id>   sk = MSG#<time ns><random>#1|2  (user, assistant)
  summary       pk = USER#<sub>#CONV#<id>   sk = SUMMARY (sorts after every MSG# key)
                gsi1pk = USER#<sub>         gsi1sk = <updated_at ISO>#<id>
Query(pk, sk >= "MSG#", descending, Limit=2N+1) reads the summary and the latest N turns at once;
Query(GSI, descending) lists a user's conversations newest first (lambdas/common/conversations.py).
Every item carries `expires_at` (epoch seconds) for TTL. The user's sub is part of every key,
so a user can never address another user's conversation.
A third kind, registered custom models (lambdas/common/custom_models.py), has a partition of its own:
  registration  pk = REGISTRY#custom-models  sk = <deployment ARN>   (no TTL, not in the user index)
"""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_iam as iam
from constructs import Construct

from infra.constants import REGISTRY_PARTITION, TABLE_GSI_PK, TABLE_GSI_SK, TABLE_GSI_USER
from infra.constructs.tables import keyed_table


class ConversationTable(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, removal_policy: RemovalPolicy, deletion_protection: bool) -> None:
        super().__init__(scope, construct_id)
        index = (TABLE_GSI_USER, TABLE_GSI_PK, TABLE_GSI_SK)
        self.table = keyed_table(self, index=index, removal_policy=removal_policy, deletion_protection=deletion_protection)

    def grant(self, grantee: iam.IGrantable, *actions: str, index: bool = True) -> None:
        """`actions` on the table and (unless `index` is false) its user index (by exact ARN, no index wildcard)."""
        resource_arns = [self.table.table_arn]
        if index:
            resource_arns.append(f"{self.table.table_arn}/index/{TABLE_GSI_USER}")
        iam.Grant.add_to_principal(grantee=grantee, actions=list(actions), resource_arns=resource_arns)

    def grant_registry(self, grantee: iam.IGrantable) -> None:
        """Read and write the registry partition only: every key it names must lead with that partition
        (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html, dynamodb:LeadingKeys)."""
        grantee.grant_principal.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:Query"],
                resources=[self.table.table_arn],
                conditions={"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": [REGISTRY_PARTITION]}},
            )
        )
