"""The usage table (issue 14): metered use per user per day and month, the deployment's day, budget overrides.

Items (pk/sk are strings; money is integer micro-USD):
  a user's day      pk = USER#<sub>  sk = DAY#<YYYY-MM-DD>  period = DAY#<YYYY-MM-DD>  user = <sub>  (+ counters)
  a user's month    pk = USER#<sub>  sk = MONTH#<YYYY-MM>   period = MONTH#<YYYY-MM>   user = <sub>  (+ counters)
  the deployment    pk = ACCOUNT     sk = DAY#<YYYY-MM-DD>  (no period: not listed per user)
  budget override   pk = BUDGET      sk = USER#<sub> | GROUP#<name>
Index by_period (partition period, sort user, all attributes): every user's row of one day or month
(GET /admin/usage). Rows carry `expires_at` (epoch seconds) for TTL; dates are local to config budgets.time_zone.
"""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from constructs import Construct

from infra.constants import TABLE_PK, TABLE_SK, TABLE_TTL_ATTRIBUTE, USAGE_BUDGET_PK, USAGE_GSI_PERIOD, USAGE_GSI_PK, USAGE_GSI_SK


class UsageTable(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, removal_policy: RemovalPolicy, deletion_protection: bool) -> None:
        super().__init__(scope, construct_id)
        string = dynamodb.AttributeType.STRING
        self.table = dynamodb.TableV2(
            self,
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
                    index_name=USAGE_GSI_PERIOD,
                    partition_key=dynamodb.Attribute(name=USAGE_GSI_PK, type=string),
                    sort_key=dynamodb.Attribute(name=USAGE_GSI_SK, type=string),
                    projection_type=dynamodb.ProjectionType.ALL,
                )
            ],
        )

    @property
    def index_arn(self) -> str:
        return f"{self.table.table_arn}/index/{USAGE_GSI_PERIOD}"

    def grant(self, grantee: iam.IGrantable, *actions: str, index: bool = False) -> None:
        """`actions` on the table and (when `index`) its by_period index, by exact ARN (no index wildcard)."""
        resource_arns = [self.table.table_arn, *([self.index_arn] if index else [])]
        iam.Grant.add_to_principal(grantee=grantee, actions=list(actions), resource_arns=resource_arns)

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
