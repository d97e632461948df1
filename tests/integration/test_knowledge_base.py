"""The offline Knowledge Base answers Retrieve like a knowledge base on S3 Vectors, through a real boto3 client.

Its own simulator and bucket, so the documents here do not mix with the other tests' corpus.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import boto3
import pytest
from botocore.exceptions import ClientError

from infra.config import load_config
from local.bedrock_sim import BedrockSimulator
from local.bedrock_sim.knowledge import KnowledgeStore
from tests.integration.conftest import ROOT

BUCKET = "retrieval-test"
KB, DS = "KBRETRIEVE", "DSRETRIEVE"
DOCUMENTS = {
    "vpn.md": ("The VPN client must be updated every month. Connect to the VPN first.", {"tags": ["vpn", "remote"], "year": 2026}),
    "lunch.md": ("점심시간은 12시부터 1시까지입니다. 구내식당은 2층에 있습니다.", {"tags": ["office"], "year": 2025}),
    "parking.md": ("Visitor parking is on level B2. Staff parking needs a permit.", {"tags": ["office", "visitors"], "year": 2024}),
}
OFF_TOPIC = "김치찌개 맛있게 끓이는 방법 알려주세요"


def _finish(store: KnowledgeStore) -> None:
    deadline = time.time() + 10
    while store.list_jobs(KB, DS, 1)[0]["status"] != "COMPLETE" and time.time() < deadline:
        time.sleep(0.02)


@pytest.fixture(scope="module")
def kb(local_aws) -> Iterator[BedrockSimulator]:
    context = json.loads((ROOT / "cdk.json").read_text(encoding="utf-8"))["context"]
    simulator = BedrockSimulator(load_config(context).guardrail).start()
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    for name, (text, metadata) in DOCUMENTS.items():
        s3.put_object(Bucket=BUCKET, Key="docs/" + name, Body=text.encode())
        s3.put_object(Bucket=BUCKET, Key=f"docs/{name}.metadata.json", Body=json.dumps({"metadataAttributes": metadata}).encode())
    simulator.knowledge = KnowledgeStore(knowledge_base_id=KB, data_source_id=DS, s3=s3, bucket=BUCKET, prefix="docs/", job_seconds=0.05)
    boto3.client("bedrock-agent", endpoint_url=simulator.endpoint_url).start_ingestion_job(knowledgeBaseId=KB, dataSourceId=DS)
    _finish(simulator.knowledge)
    yield simulator
    simulator.stop()


@pytest.fixture
def client(kb):
    return boto3.client("bedrock-agent-runtime", endpoint_url=kb.endpoint_url)


def retrieve(client, question: str, number: int = 5, condition: dict | None = None, kb_id: str = KB) -> list[dict]:
    search: dict = {"numberOfResults": number}
    if condition is not None:
        search["filter"] = condition
    answer = client.retrieve(
        knowledgeBaseId=kb_id, retrievalQuery={"text": question}, retrievalConfiguration={"vectorSearchConfiguration": search}
    )
    return answer["retrievalResults"]


def _names(results: list[dict]) -> list[str]:
    return [r["location"]["s3Location"]["uri"].rsplit("/", 1)[-1] for r in results]


def test_given_an_off_topic_question_over_a_non_empty_index_then_the_nearest_chunks_with_low_scores(client):
    results = retrieve(client, OFF_TOPIC, number=2)
    assert len(results) == 2
    assert all(0 < r["score"] < 0.15 for r in results)
    assert results == retrieve(client, OFF_TOPIC, number=2)  # ties are broken the same way every time


def test_given_an_on_topic_question_then_its_chunk_ranks_first_well_above_the_rest(client):
    results = retrieve(client, "How often must the VPN client be updated?")
    assert _names(results)[0] == "vpn.md"
    assert len(results) == 3  # the whole index: it holds fewer chunks than asked for
    assert results[0]["score"] > 0.3 > results[1]["score"]
    assert [r["score"] for r in results] == sorted((r["score"] for r in results), reverse=True)


def test_given_an_index_with_nothing_ingested_then_an_empty_list(kb, client):
    saved = kb.knowledge
    kb.knowledge = KnowledgeStore(knowledge_base_id="KBEMPTY000", data_source_id=DS, s3=boto3.client("s3"), bucket=BUCKET, prefix="none/")
    try:
        assert retrieve(client, OFF_TOPIC, kb_id="KBEMPTY000") == []
    finally:
        kb.knowledge = saved


def test_given_equals_on_a_list_valued_key_then_chunks_whose_list_holds_the_value_match(client):
    assert _names(retrieve(client, OFF_TOPIC, condition={"equals": {"key": "tags", "value": "remote"}})) == ["vpn.md"]
    office = retrieve(client, OFF_TOPIC, condition={"equals": {"key": "tags", "value": "office"}})
    assert sorted(_names(office)) == ["lunch.md", "parking.md"]
    assert _names(retrieve(client, OFF_TOPIC, condition={"in": {"key": "tags", "value": ["visitors", "nothing"]}})) == ["parking.md"]
    assert sorted(_names(retrieve(client, OFF_TOPIC, condition={"notEquals": {"key": "tags", "value": "office"}}))) == ["vpn.md"]


def test_given_filters_then_only_matching_chunks_and_none_when_nothing_matches(client):
    recent = {"andAll": [{"greaterThanOrEquals": {"key": "year", "value": 2025}}, {"notIn": {"key": "tags", "value": ["vpn"]}}]}
    assert _names(retrieve(client, OFF_TOPIC, condition=recent)) == ["lunch.md"]
    assert retrieve(client, OFF_TOPIC, condition={"equals": {"key": "tags", "value": "nothing"}}) == []


@pytest.mark.parametrize(
    ("condition", "operator"),
    [
        ({"listContains": {"key": "tags", "value": "vpn"}}, "listContains"),
        ({"stringContains": {"key": "tags", "value": "vp"}}, "stringContains"),
        ({"startsWith": {"key": "tags", "value": "v"}}, "startsWith"),
        ({"orAll": [{"equals": {"key": "year", "value": 2026}}, {"startsWith": {"key": "tags", "value": "v"}}]}, "startsWith"),
    ],
)
def test_given_an_operator_s3_vectors_lacks_then_validation_exception_naming_it(client, condition, operator):
    with pytest.raises(ClientError) as info:
        retrieve(client, OFF_TOPIC, condition=condition)
    assert info.value.response["Error"]["Code"] == "ValidationException"
    assert operator in info.value.response["Error"]["Message"]


@pytest.mark.parametrize(
    ("condition", "says"),
    [
        ({"greaterThan": {"key": "year", "value": "2025"}}, "must be a number"),
        ({"lessThanOrEquals": {"key": "year", "value": True}}, "must be a number"),
        ({"equals": {"key": "tags", "value": ["vpn"]}}, "string, number or boolean"),
        ({"in": {"key": "tags", "value": []}}, "non-empty list"),
    ],
)
def test_given_an_operand_of_the_wrong_type_then_validation_exception(client, condition, says):
    with pytest.raises(ClientError) as info:
        retrieve(client, OFF_TOPIC, condition=condition)
    assert info.value.response["Error"]["Code"] == "ValidationException"
    assert says in info.value.response["Error"]["Message"]


def test_given_more_than_100_results_asked_then_validation_exception_like_the_service_model(client):
    with pytest.raises(ClientError) as info:
        retrieve(client, OFF_TOPIC, number=101)
    assert info.value.response["Error"]["Code"] == "ValidationException"
    assert "less than or equal to 100" in info.value.response["Error"]["Message"]
    assert len(retrieve(client, OFF_TOPIC, number=100)) == 3
