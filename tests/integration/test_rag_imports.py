"""A new container's first RAG query imports the LangChain it uses, not the rest (rag/lean_imports.py).

Each test starts a fresh interpreter, as Lambda does: it imports the RAG handler, answers one question through
it against the offline Knowledge Base and Bedrock, and reports what got imported and which clients were made.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.events import rest_event
from tests.integration.test_rag import corpus  # noqa: F401  (fixture: the sample corpus, ingested)

ROOT = Path(__file__).resolve().parents[2]
FIRST_QUERY = """
import json, os, sys
import boto3
created = []  # every client the function makes, by service
boto3.setup_default_session()
boto3.DEFAULT_SESSION.events.register("creating-client-class", lambda event_name, **_: created.append(event_name.split(".", 1)[1]))
from rag import handler
from tests.events import FakeContext
response = handler.handler(json.loads(os.environ["FIRST_EVENT"]), FakeContext("rag"))
print(json.dumps({"status": response["statusCode"], "body": json.loads(response["body"]), "modules": sorted(sys.modules),
                  "clients": created}))
"""


def first_query(body: dict[str, Any]) -> dict[str, Any]:
    env = {
        **os.environ,
        "FIRST_EVENT": json.dumps(rest_event("POST", "/rag/query", body=body)),
        "PYTHONPATH": os.pathsep.join([str(ROOT / "lambdas"), str(ROOT)]),
    }
    command = [sys.executable, "-c", FIRST_QUERY]
    result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, check=False, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    report: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return report


def test_given_a_new_container_when_it_answers_a_question_then_langsmiths_api_schemas_and_unused_langchain_aws_are_not_imported(
    corpus,  # noqa: F811
    sim,
):
    report = first_query({"question": "재택 근무는 일주일에 며칠까지 가능한가요?"})

    assert report["status"] == 200
    assert report["body"]["citations"], "the whole query path ran: retrieval, the model, citations"
    modules = set(report["modules"])
    assert {"langchain_aws.chat_models.bedrock_converse", "langchain_aws.retrievers.bedrock", "langsmith.run_trees"} <= modules
    # langsmith.run_trees needs one Literal of langsmith.types; the ~160 generated API models around it stay out.
    assert sorted(m for m in modules if m.startswith("langsmith.types.")) == ["langsmith.types.run_select_field"]
    # langchain_aws's package __init__s: ChatBedrock, the legacy Bedrock LLM, Kendra and S3 Vectors are never used.
    assert not modules & {
        "langchain_aws.chat_models.bedrock",
        "langchain_aws.llms",
        "langchain_aws.retrievers.kendra",
        "langchain_aws.retrievers.s3_vectors",
    }
    assert "numpy" not in modules  # a langchain-aws dependency, imported only by its embeddings and vector stores


def test_given_a_new_container_when_it_answers_a_question_then_no_control_plane_client_is_made(corpus, sim):  # noqa: F811
    """ChatBedrockConverse calls its `bedrock` client only for application inference profiles: created on first use.
    DynamoDB is the usage table's (every answer is metered: lambdas/common/usage/), even without a conversation."""
    report = first_query({"question": "재택 근무는 일주일에 며칠까지 가능한가요?"})

    assert report["status"] == 200
    assert sorted(set(report["clients"])) == ["bedrock-agent-runtime", "bedrock-runtime", "dynamodb", "s3"]


def test_given_snapstart_when_the_handler_is_imported_then_the_snapshot_holds_the_same_lean_langchain():
    """With SnapStart, init imports LangChain for the snapshot (rag/handler.py): the same modules as a query."""
    code = "import json, sys\nfrom rag import handler\nprint(json.dumps(sorted(sys.modules)))\n"
    env = {**os.environ, "AWS_LAMBDA_INITIALIZATION_TYPE": "snap-start", "PYTHONPATH": str(ROOT / "lambdas")}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, check=False, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    modules = set(json.loads(result.stdout.strip().splitlines()[-1]))

    assert {"langchain_aws.chat_models.bedrock_converse", "langchain_aws.retrievers.bedrock", "langchain_core.runnables.base"} <= modules
    assert sorted(m for m in modules if m.startswith("langsmith.types.")) == ["langsmith.types.run_select_field"]
    assert "langchain_aws.chat_models.bedrock" not in modules
