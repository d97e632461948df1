"""The usage table: metered usage per user per day and month, the deployment's day, budget overrides.

Items (pk/sk strings; lambdas/common/usage/ledger.py writes them, docs/architecture.md#usage-metering-and-budgets):
  a user's day    pk = USER#<sub>   sk = DAY#<yyyy-mm-dd>   period = DAY#<yyyy-mm-dd>, user = <sub>
  a user's month  pk = USER#<sub>   sk = MONTH#<yyyy-mm>    period = MONTH#<yyyy-mm>, user = <sub>
  the deployment  pk = ACCOUNT      sk = DAY#<yyyy-mm-dd>   (no period: never listed as a user)
  an override     pk = BUDGET       sk = USER#<sub> | GROUP#<name>
Counters are numbers (money in integer micro-USD) updated with ADD, never read-modify-write. The `by_period` index
(partition `period`, sort `user`, all attributes) lists every user's row of one day or month (GET /admin/usage).
Dates are local dates in `budgets.time_zone`. `expires_at` (epoch seconds) is the TTL attribute: day rows go
35 days after their day, month rows 400 days after their month ("typically within two days" of it).
On demand, point-in-time recovery, the AWS-managed key, and the removal policy of the conversation table.
"""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_iam as iam
from constructs import Construct

from infra.constants import USAGE_BUDGET_PK, USAGE_GSI_PERIOD, USAGE_GSI_PK, USAGE_GSI_SK
from infra.constructs.tables import keyed_table

# What a metered function does on the table (the transaction's Update actions need UpdateItem:
# https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html), reading the caller's
# budget overrides (BatchGetItem) and the deployment's spend today (GetItem, with a daily ceiling).
METERING_ACTIONS = ("dynamodb:UpdateItem", "dynamodb:BatchGetItem", "dynamodb:GetItem")


class UsageTable(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, removal_policy: RemovalPolicy, deletion_protection: bool) -> None:
        super().__init__(scope, construct_id)
        index = (USAGE_GSI_PERIOD, USAGE_GSI_PK, USAGE_GSI_SK)
        self.table = keyed_table(self, index=index, removal_policy=removal_policy, deletion_protection=deletion_protection)

    @property
    def index_arn(self) -> str:
        return f"{self.table.table_arn}/index/{USAGE_GSI_PERIOD}"

    def grant(self, grantee: iam.IGrantable, *actions: str, index: bool = False) -> None:
        """`actions` on the table by its exact ARN (and, when `index`, the by_period index's exact ARN)."""
        resource_arns = [self.table.table_arn, *([self.index_arn] if index else [])]
        iam.Grant.add_to_principal(grantee=grantee, actions=list(actions), resource_arns=resource_arns)

    def grant_metering(self, grantee: iam.IGrantable) -> None:
        self.grant(grantee, *METERING_ACTIONS)

    def grant_budget_writes(self, grantee: iam.IGrantable) -> None:
        """PutItem and DeleteItem of BUDGET items only: every key the request touches must have partition key BUDGET.

        `dynamodb:LeadingKeys` is the request's partition key values; ForAllValues:StringEquals allows the call
        only when each of them is listed (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html ,
        https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html#amazondynamodb-policy-keys).
        A role holding this cannot touch a user's counters or the deployment's day.
        """
        grantee.grant_principal.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["dynamodb:PutItem", "dynamodb:DeleteItem"],
                resources=[self.table.table_arn],
                conditions={"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": [USAGE_BUDGET_PK]}},
            )
        )
