"""Nothing leaves the ingestion pipeline unseen: every way out ends in the dead-letter queue an alarm watches."""

from __future__ import annotations

from typing import Any

from infra.constructs.ingestion import MAX_RECEIVES


def _one(synth: Any, kind: str) -> tuple[str, dict[str, Any]]:
    (found,) = synth.resources(kind).items()
    return found[0], found[1]["Properties"]


def _queue_ids(synth: Any) -> tuple[str, str]:
    """(ingestion queue, its dead-letter queue): the queue is the one with a redrive policy."""
    queues = synth.resources("AWS::SQS::Queue")
    source = next(k for k, v in queues.items() if "RedrivePolicy" in v["Properties"])
    dlq = queues[source]["Properties"]["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
    return source, dlq


def _watched_queues(synth: Any) -> set[str]:
    """Queues whose visible-message count an alarm with an SNS action watches."""
    watched = set()
    for alarm in synth.resources("AWS::CloudWatch::Alarm").values():
        props = alarm["Properties"]
        if props.get("MetricName") != "ApproximateNumberOfMessagesVisible" or not props.get("AlarmActions"):
            continue
        for dimension in props["Dimensions"]:
            if dimension["Name"] == "QueueName":
                watched.add(dimension["Value"]["Fn::GetAtt"][0])
    return watched


def test_given_the_document_rule_then_its_queue_target_has_a_dead_letter_queue_and_a_retry_policy(each_profile):
    _, rule = _one(each_profile, "AWS::Events::Rule")
    (target,) = rule["Targets"]
    source, dlq = _queue_ids(each_profile)
    assert target["Arn"] == {"Fn::GetAtt": [source, "Arn"]}
    assert target["DeadLetterConfig"] == {"Arn": {"Fn::GetAtt": [dlq, "Arn"]}}
    # EventBridge's maxima, written down: a day of retries, 185 attempts
    # (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-retry-policy.html).
    assert target["RetryPolicy"] == {"MaximumEventAgeInSeconds": 86400, "MaximumRetryAttempts": 185}


def test_given_the_target_dead_letter_queue_then_eventbridge_may_send_to_it_for_this_rule_only(dev):
    rule_id, _ = _one(dev, "AWS::Events::Rule")
    _, dlq = _queue_ids(dev)
    policies = [p["Properties"] for p in dev.resources("AWS::SQS::QueuePolicy").values() if {"Ref": dlq} in p["Properties"]["Queues"]]
    statements = [s for p in policies for s in p["PolicyDocument"]["Statement"] if s["Effect"] == "Allow"]
    (grant,) = [s for s in statements if s.get("Principal") == {"Service": "events.amazonaws.com"}]
    assert grant["Action"] == "sqs:SendMessage"
    assert grant["Condition"] == {"ArnEquals": {"aws:SourceArn": {"Fn::GetAtt": [rule_id, "Arn"]}}}


def test_given_the_event_source_mapping_then_failed_messages_reach_a_dead_letter_queue_that_an_alarm_watches(each_profile):
    _, mapping = _one(each_profile, "AWS::Lambda::EventSourceMapping")
    source, dlq = _queue_ids(each_profile)
    assert mapping["EventSourceArn"] == {"Fn::GetAtt": [source, "Arn"]}
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    redrive = each_profile.resources("AWS::SQS::Queue")[source]["Properties"]["RedrivePolicy"]
    assert redrive["maxReceiveCount"] == MAX_RECEIVES
    assert dlq in _watched_queues(each_profile)


def test_given_every_way_out_of_the_pipeline_then_each_ends_in_an_alarmed_queue(each_profile):
    """The EventBridge target's dead-letter queue and the queue's redrive target: both watched."""
    _, rule = _one(each_profile, "AWS::Events::Rule")
    source, _ = _queue_ids(each_profile)
    assert all("DeadLetterConfig" in target for target in rule["Targets"])
    exits = {target["DeadLetterConfig"]["Arn"]["Fn::GetAtt"][0] for target in rule["Targets"]}
    exits.add(each_profile.resources("AWS::SQS::Queue")[source]["Properties"]["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0])
    assert len(exits) == 1  # one place to look, one alarm, one redrive command (docs/operations.md#dead-letter-queue)
    assert exits <= _watched_queues(each_profile)
