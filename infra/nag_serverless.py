"""cdk-nag ServerlessChecks acknowledgments: each rule that fires, checked against the AWS docs named in its reason.

The pack also checks what the stack already satisfies (explicit memory and timeout, X-Ray tracing,
log retention, access logs in JSON, stage throttling, a redrive policy on the ingestion queue) and,
since the ingestion rule got a target dead-letter queue, EventBusDLQ. What is left is acknowledged here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aws_cdk import Acknowledgment, Validations
from constructs import IConstruct

if TYPE_CHECKING:
    from infra.stack import GenAiStack

PYTHON_313 = (
    "python3.13 is a supported Lambda runtime (deprecation date Jun 30, 2029: "
    "https://docs.aws.amazon.com/lambda/latest/dg/lambda-python.html); the pack flags it only because python3.14 "
    "exists. The product pins Python 3.13 (arm64), the version its dependency wheels are built and tested for; "
    "moving to 3.14 is a deliberate, tested upgrade."
)
API_SYNCHRONOUS = (
    "Invoked only by API Gateway's Lambda proxy integration (the live alias), which invokes synchronously and does "
    "not retry (https://docs.aws.amazon.com/lambda/latest/dg/services-apigateway-errors.html). A function's "
    "dead-letter queue receives only events of asynchronous invocations "
    "(https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html), which nothing sends it: "
    "a failure is answered to the caller as a 4XX/5XX, counted by the Api5xxRate and function-error alarms."
)
STREAM_SYNCHRONOUS = (
    "Invoked only by API Gateway's response-streaming integration (the live alias), which calls "
    "InvokeWithResponseStream (https://docs.aws.amazon.com/apigateway/latest/developerguide/response-transfer-mode-lambda.html), "
    "a synchronous invocation; a function's dead-letter queue receives only events of asynchronous invocations "
    "(https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html). A failure before the stream "
    "starts is answered as a 4XX/5XX; after it, as an `error` event; a crash or timeout is counted by the function-error alarm."
)
INGEST_SYNCHRONOUS = (
    "Invoked only by its SQS event source mapping, which invokes synchronously "
    "(https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html); a function dead-letter queue would receive "
    "only asynchronous invocations. Failed messages go back to the ingestion queue and, after its redrive "
    "policy's receives, to the queue's dead-letter queue."
)
DLQ_END_OF_LINE = (
    "This queue is the dead-letter queue of the ingestion pipeline (the SQS queue's redrive target and the "
    "EventBridge target's dead-letter queue): it holds messages that were not processed, for inspection and redrive "
    "(https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html). "
    "Nothing consumes it, so a redrive policy of its own would never apply; messages stay 14 days."
)

EMAIL_SUBSCRIPTION = (
    "The e-mail subscription (features.alarm_email) only carries alarm notifications: each alarm keeps its state and "
    "history in CloudWatch whether or not an e-mail arrives, so a failed delivery loses no alarm. SNS can write to a "
    "subscription dead-letter queue only if it is unencrypted or encrypted with a customer managed KMS key "
    "(https://docs.aws.amazon.com/sns/latest/dg/sns-dead-letter-queues.html): a fixed monthly key charge, or a "
    "plaintext queue, for no gain."
)


def _ack(scope: IConstruct, rule: str, reason: str) -> None:
    Validations.of(scope).acknowledge(Acknowledgment(id=f"Serverless::Serverless-{rule}", reason=reason))


def _esm_reason(alarmed: bool) -> str:
    where = (
        "the DeadLetterQueueNotEmpty alarm watches that queue"
        if alarmed
        else "features.alarms is off in this configuration (no idle charge), so no alarm watches it: check its depth "
        "as docs/operations.md#dead-letter-queue shows"
    )
    return (
        "Lambda offers no on-failure destination for SQS event sources: DestinationConfig is for Kinesis, DynamoDB "
        "Streams, Amazon MSK and self-managed Kafka only "
        "(https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-eventsourcemapping.html). "
        "A failed SQS batch returns to the queue (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html), "
        f"whose redrive policy moves it to the ingestion dead-letter queue; {where}."
    )


def acknowledge_serverless_findings(stack: GenAiStack) -> None:
    functions = stack.functions
    for name, function in functions.functions.items():
        _ack(function, "LambdaLatestVersion", PYTHON_313)
        reason = {"ingest": INGEST_SYNCHRONOUS, "chat_stream": STREAM_SYNCHRONOUS, "rag_stream": STREAM_SYNCHRONOUS}
        _ack(function, "LambdaDLQ", reason.get(name, API_SYNCHRONOUS))
    ingestion = stack.ingestion
    _ack(ingestion.dead_letter_queue, "SQSRedrivePolicy", DLQ_END_OF_LINE)
    features = stack.deployment.config.features
    _ack(ingestion.consumer, "LambdaEventSourceMappingDestination", _esm_reason(features.alarms))
    if features.alarm_email:
        _ack(stack.observability.topic, "SNSRedrivePolicy", EMAIL_SUBSCRIPTION)
