"""Automatic ingestion: S3 object events -> EventBridge rule -> SQS (+DLQ) -> ingest function.

The queue batches many uploads into one ingestion job; a job already running makes the
function hand the messages back (partial batch response), so nothing is lost.
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


class Ingestion(Construct):
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
            targets=[targets.SqsQueue(self.queue)],
        )

    def attach(self, function: lambda_.IFunction) -> None:
        """Feed the queue to `function` in batches, with per-message failure reporting."""
        function.add_event_source(
            sources.SqsEventSource(
                self.queue,
                batch_size=100,
                max_batching_window=BATCH_WINDOW,
                report_batch_item_failures=True,
            )
        )
