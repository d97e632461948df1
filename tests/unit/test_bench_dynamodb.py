"""The growth bench's DynamoDB accounting: item sizes, and the units each request is billed (bench/dynamodb_units.py)."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from bench.dynamodb_units import Recorder, item_size


def test_given_attributes_then_the_item_size_follows_the_developer_guides_rules():
    assert item_size({"pk": {"S": "abc"}}) == 2 + 3
    assert item_size({"pk": {"S": "한"}}) == 2 + 3  # UTF-8 bytes
    assert item_size({"n": {"N": "12345"}}) == 1 + 3 + 1  # one byte per two significant digits, plus one
    assert item_size({"n": {"N": "1000"}}) == 1 + 1 + 1  # trailing zeros trimmed
    assert item_size({"m": {"M": {"a": {"BOOL": True}}}}) == 1 + 3 + (1 + 1 + 1)  # map: 3 bytes, 1 per element


@pytest.fixture
def recorded():
    with mock_aws():
        recorder = Recorder(usage_tables=("usage",)).install()
        client = boto3.client("dynamodb", region_name="us-west-2")
        reader = boto3.session.Session(region_name="us-west-2").client("dynamodb")
        string = "S"
        client.create_table(
            TableName="usage",
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": n, "AttributeType": string} for n in ("pk", "sk", "period", "user")],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": "by_period",
                    "Projection": {"ProjectionType": "ALL"},
                    "KeySchema": [{"AttributeName": "period", "KeyType": "HASH"}, {"AttributeName": "user", "KeyType": "RANGE"}],
                }
            ],
        )
        recorder.reset()
        try:
            yield recorder, client, reader
        finally:
            recorder.uninstall()


def _update(period: str, user: str) -> dict:
    return {
        "Update": {
            "TableName": "usage",
            "Key": {"pk": {"S": "USER#a"}, "sk": {"S": "DAY#1"}},
            "UpdateExpression": "ADD #c :one SET #p = :p, #w = :w",
            "ExpressionAttributeNames": {"#c": "committed", "#p": "period", "#w": "user"},
            "ExpressionAttributeValues": {":one": {"N": "1"}, ":p": {"S": period}, ":w": {"S": user}},
        }
    }


def test_given_transactions_then_each_write_costs_two_units_per_kb_plus_its_index_writes(recorded):
    recorder, client, reader = recorded
    units = []
    for period in ("DAY#1", "DAY#1", "DAY#2"):  # one request at a time, as the bench times them
        recorder.reset()
        client.transact_write_items(TransactItems=[_update(period, "a")])
        recorder.finish(reader)
        units += [(r.label, r.write_units) for r in recorder.requests]

    reservation = "TransactWriteItems: usage reservation"
    # A new row: 2, and its index entry put: 1. A projected attribute changed: 2 + 1. The index key changed: 2 + 2 (delete, put).
    assert units == [(reservation, 3.0), (reservation, 3.0), (reservation, 4.0)]


def test_given_reads_then_consistency_and_missing_items_are_billed_as_documented(recorded):
    recorder, client, _ = recorded
    client.transact_write_items(TransactItems=[_update("DAY#1", "a")])
    recorder.reset()

    key = {":pk": {"S": "USER#a"}}
    client.query(TableName="usage", KeyConditionExpression="pk = :pk", ExpressionAttributeValues=key, ConsistentRead=True)
    keys = [{"pk": {"S": "USER#a"}, "sk": {"S": "DAY#1"}}, {"pk": {"S": "BUDGET"}, "sk": {"S": "USER#a"}}]  # the second is missing
    client.batch_get_item(RequestItems={"usage": {"Keys": keys}})

    assert recorder.by_label() == {
        "Query": {"requests": 1, "read_units": 1.0, "write_units": 0.0},  # strongly consistent, under 4 KB
        "BatchGetItem": {"requests": 1, "read_units": 1.0, "write_units": 0.0},  # eventually consistent: 0.5 a key, found or not
    }
