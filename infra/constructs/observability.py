"""Dashboard and alarms, with an SNS topic (optionally e-mailed) for the alarms.

Both bill while idle (an alarm per metric-month, a dashboard per month: docs/cost.md), so each can be
turned off (features.alarms, features.dashboard) for a deployment with no idle charge.
"""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.constants import (
    DIMENSION_MODEL,
    METRIC_COST,
    METRIC_DAILY_SPEND,
    METRIC_GUARDRAIL_INTERVENTIONS,
    METRIC_INPUT_TOKENS,
    METRIC_OUTPUT_TOKENS,
    METRICS_NAMESPACE,
)
from infra.constructs.functions import pascal_case

PERIOD = Duration.minutes(5)
API_5XX_PERCENT_THRESHOLD = 5
CEILING_WARNING_SHARE = 0.8  # the ceiling alarm fires at 80 % of budgets.daily_ceiling_usd (a design choice)


class Observability(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        name: str,
        api: apigw.RestApi,
        functions: dict[str, lambda_.Function],
        dead_letter_queue: sqs.IQueue,
        model_ids: list[str],
        alarm_email: str | None,
        alarms: bool = True,
        dashboard: bool = True,
        daily_ceiling_usd: float | None = None,
        cost_model_ids: list[str] | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.alarms: list[cloudwatch.Alarm] = []
        self._cost_model_ids = cost_model_ids or model_ids
        self.dashboard = self._build_dashboard(name, api, functions, dead_letter_queue, model_ids) if dashboard else None
        if not alarms:
            return
        self.topic = sns.Topic(self, "AlarmTopic", display_name=f"{name} alarms", enforce_ssl=True)
        if alarm_email:
            self.topic.add_subscription(subscriptions.EmailSubscription(alarm_email))
        self._api_alarm(api)
        for key, function in functions.items():
            self._add_alarm(
                f"{pascal_case(key)}Errors",
                function.metric_errors(period=PERIOD, statistic="Sum"),
                threshold=1,
                description=f"The {key} function raised errors (unhandled exceptions or timeouts).",
            )
        self._add_alarm(
            "DeadLetterQueueNotEmpty",
            dead_letter_queue.metric_approximate_number_of_messages_visible(period=PERIOD, statistic="Maximum"),
            threshold=1,
            description=(
                "Document events could not be delivered to the ingestion queue, or could not be ingested after every "
                "retry; see docs/operations.md#dead-letter-queue."
            ),
        )
        if daily_ceiling_usd is not None:
            self._ceiling_alarm(daily_ceiling_usd)

    def _ceiling_alarm(self, ceiling_usd: float) -> None:
        """Before the deployment's daily spend ceiling is reached (the functions refuse requests past it with 429).
        The metric is the day's committed spend the functions read after each settle (lambdas/common/usage/metrics.py);
        Maximum over 5 minutes with the default sliding window: the day boundary lives in the counter's key, so no
        calendar-aligned window is needed."""
        threshold = round(ceiling_usd * CEILING_WARNING_SHARE * 1_000_000)
        spend = cloudwatch.Metric(
            namespace=METRICS_NAMESPACE,
            metric_name=METRIC_DAILY_SPEND,
            dimensions_map={"service": "metering"},
            statistic="Maximum",
            period=PERIOD,
            label="spend today (micro-USD)",
        )
        self._add_alarm(
            "DailySpendNearCeiling",
            spend,
            threshold=threshold,
            description=(
                f"Today's spend reached {CEILING_WARNING_SHARE:.0%} of the daily ceiling (${ceiling_usd:,.2f}, "
                "budgets.daily_ceiling_usd); past the ceiling every paid request is refused (429 budget_exceeded) "
                "until midnight in budgets.time_zone. See docs/operations.md."
            ),
        )

    def _api_alarm(self, api: apigw.RestApi) -> None:
        rate = cloudwatch.MathExpression(
            expression="IF(requests >= 20, 100 * errors / requests, 0)",
            using_metrics={
                "errors": api.metric_server_error(period=PERIOD, statistic="Sum"),
                "requests": api.metric_count(period=PERIOD, statistic="Sum"),
            },
            label="5XX %",
            period=PERIOD,
        )
        self._add_alarm(
            "Api5xxRate",
            rate,
            threshold=API_5XX_PERCENT_THRESHOLD,
            description=f"More than {API_5XX_PERCENT_THRESHOLD}% of API requests failed with 5XX (at least 20 requests).",
        )

    def _add_alarm(self, construct_id: str, metric: cloudwatch.IMetric, *, threshold: float, description: str) -> None:
        alarm = cloudwatch.Alarm(
            self,
            construct_id,
            metric=metric,
            threshold=threshold,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=description,
        )
        alarm.add_alarm_action(actions.SnsAction(self.topic))
        self.alarms.append(alarm)

    def _build_dashboard(
        self, name: str, api: apigw.RestApi, functions: dict[str, lambda_.Function], dlq: sqs.IQueue, model_ids: list[str]
    ) -> cloudwatch.Dashboard:
        dashboard = cloudwatch.Dashboard(self, "Dashboard", dashboard_name=f"{name}-overview", default_interval=Duration.hours(6))
        dashboard.add_widgets(
            cloudwatch.GraphWidget(title="API requests", left=[api.metric_count(period=PERIOD)], width=8),
            cloudwatch.GraphWidget(
                title="API errors", left=[api.metric_client_error(period=PERIOD), api.metric_server_error(period=PERIOD)], width=8
            ),
            cloudwatch.GraphWidget(
                title="API latency (p50, p99)",
                left=[api.metric_latency(period=PERIOD, statistic="p50"), api.metric_latency(period=PERIOD, statistic="p99")],
                width=8,
            ),
        )
        dashboard.add_widgets(
            cloudwatch.GraphWidget(
                title="Function errors", left=[f.metric_errors(period=PERIOD, label=k) for k, f in functions.items()], width=8
            ),
            cloudwatch.GraphWidget(
                title="Function duration p90",
                left=[f.metric_duration(period=PERIOD, statistic="p90", label=k) for k, f in functions.items()],
                width=8,
            ),
            cloudwatch.GraphWidget(
                title="Function throttles", left=[f.metric_throttles(period=PERIOD, label=k) for k, f in functions.items()], width=8
            ),
        )
        dashboard.add_widgets(
            cloudwatch.GraphWidget(
                title="Tokens in (per model)", left=[_model_metric(METRIC_INPUT_TOKENS, m) for m in model_ids], stacked=True, width=8
            ),
            cloudwatch.GraphWidget(
                title="Tokens out (per model)", left=[_model_metric(METRIC_OUTPUT_TOKENS, m) for m in model_ids], stacked=True, width=8
            ),
            cloudwatch.GraphWidget(
                title="Cost per model (micro-USD; guardrail checks as 'guardrail')",
                left=[_model_metric(METRIC_COST, m) for m in [*self._cost_model_ids, "guardrail"]],
                stacked=True,
                width=8,
            ),
            cloudwatch.GraphWidget(
                title="Guardrail interventions and DLQ depth",
                left=[
                    _search_sum(f'Namespace="{METRICS_NAMESPACE}" MetricName="{METRIC_GUARDRAIL_INTERVENTIONS}"', "guardrail interventions")
                ],
                right=[dlq.metric_approximate_number_of_messages_visible(period=PERIOD, label="DLQ messages")],
                width=8,
            ),
        )
        return dashboard


def _search_sum(query: str, label: str) -> cloudwatch.IMetric:
    seconds = int(PERIOD.to_seconds())
    return cloudwatch.MathExpression(expression=f"SUM(SEARCH('{query}', 'Sum', {seconds}))", label=label, period=PERIOD)


def _model_metric(metric_name: str, model_id: str) -> cloudwatch.IMetric:
    # Powertools adds `service` (and the functions add `model_id`); a search without a {schema}
    # matches every dimension set, so the sum spans the chat and RAG functions.
    return _search_sum(f'Namespace="{METRICS_NAMESPACE}" MetricName="{metric_name}" {DIMENSION_MODEL}="{model_id}"', model_id)
