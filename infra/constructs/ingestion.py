"""Automatic ingestion: S3 object events -> EventBridge rule -> SQS (+DLQ) -> ingest function.

The queue batches many uploads into one ingestion job; a job already running makes the
function hand the messages back (partial batch response), so nothing is lost.

Both ways out of the pipeline end in the one dead-letter queue that the DeadLetterQueueNotEmpty alarm
watches (infra/constructs/observability.py):
* EventBridge cannot deliver an event to the queue: it retries with backoff ("by default ... for 24 hours
  and up to 185 times"; https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-retry-policy.html),
  then, with a target dead-letter queue, sends the event there instead of dropping it; errors it does not
  retry (missing permission, a deleted queue) go there at once
  (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html: "EventBridge sends the events
  with failed invocations to the Amazon SQS queue", with attributes RULE_ARN, TARGET_ARN, ERROR_CODE, ...).
* the ingest function cannot start a job: SQS's redrive policy moves the message after MAX_RECEIVES
  receives. Lambda has no on-failure destination for SQS event sources: DestinationConfig is "(Kinesis,
  DynamoDB Streams, Amazon MSK, and self-managed Apache Kafka event sources only)"
  (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-eventsourcemapping.html;
  botocore's lambda model says the same of CreateEventSourceMapping), and a failed SQS batch goes back to
  the queue (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html), so the
  queue's redrive policy is what sets it aside.
"""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs
from constructs import Construct

# A job can run for many minutes: allow ~2 hours of hand-backs before a message goes to the DLQ.
MAX_RECEIVES = 20
BATCH_WINDOW = Duration.seconds(60)
# EventBridge's own limits, stated so the template says them: retries for up to a day, 185 attempts at most.
DELIVERY_MAX_AGE = Duration.hours(24)
DELIVERY_RETRIES = 185


class IngestionPipeline(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, bucket: s3.IBucket, prefix: str, function_timeout: Duration) -> None:
        super().__init__(scope, construct_id)
        self.dead_letter_queue = sqs.Queue(
            self,
            "DeadLetterQueue",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=Duration.days(14),
        )
        self.queue = sqs.Queue(
            self,
            "Queue",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            # Lambda's guidance: at least 6x the function timeout plus the batching window.
            visibility_timeout=Duration.seconds(function_timeout.to_seconds() * 6 + BATCH_WINDOW.to_seconds()),
            retention_period=Duration.days(4),
            dead_letter_queue=sqs.DeadLetterQueue(queue=self.dead_letter_queue, max_receive_count=MAX_RECEIVES),
        )
        self.rule = events.Rule(
            self,
            "DocumentChanged",
            description="Documents created or deleted under the knowledge-base prefix.",
            event_pattern=events.EventPattern(
                source=["aws.s3"],
                detail_type=["Object Created", "Object Deleted"],
                detail={"bucket": {"name": [bucket.bucket_name]}, "object": {"key": [{"prefix": prefix}]}},
            ),
            targets=[
                targets.SqsQueue(
                    self.queue,
                    dead_letter_queue=self.dead_letter_queue,
                    max_event_age=DELIVERY_MAX_AGE,
                    retry_attempts=DELIVERY_RETRIES,
                )
            ],
        )

    def attach(self, function: lambda_.IFunction) -> None:
        """Feed the queue to `function` in batches, with per-message failure reporting."""
        self.consumer = function
        function.add_event_source(
            sources.SqsEventSource(
                self.queue,
                batch_size=100,
                max_batching_window=BATCH_WINDOW,
                report_batch_item_failures=True,
            )
        )
