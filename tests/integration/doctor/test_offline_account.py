"""The offline account behind the doctor: Bedrock control-plane reads from the catalog per signed region, Service
Quotas over awsJson1.1, Lambda's account settings, and the scenario controls over HTTP."""

from __future__ import annotations

import json
import urllib.request

import boto3
import pytest
from botocore.exceptions import ClientError

from infra.catalog import IMAGE_MODELS


def _client(service: str, sim, region: str = "us-west-2"):
    return boto3.client(service, endpoint_url=sim.endpoint_url, region_name=region)


def test_given_two_regions_then_each_lists_what_the_catalog_serves_there(account):
    west = {m["modelId"]: m for m in _client("bedrock", account).list_foundation_models()["modelSummaries"]}
    central = {m["modelId"] for m in _client("bedrock", account, "eu-central-1").list_foundation_models()["modelSummaries"]}
    stability = [i for i, m in IMAGE_MODELS.items() if m.family == "stability"]
    assert all(i in west for i in stability)
    assert not any(i in central for i in stability)
    profile_only = [m for m in west.values() if m["modelId"].startswith("anthropic.")]
    assert profile_only
    assert all(m["inferenceTypesSupported"] == ["INFERENCE_PROFILE"] for m in profile_only)
    images = _client("bedrock", account).list_foundation_models(byOutputModality="IMAGE")["modelSummaries"]
    assert {m["modelId"] for m in images} <= set(IMAGE_MODELS)


def test_given_a_geographic_profile_then_its_models_name_every_destination_region(account):
    profile = _client("bedrock", account, "eu-central-1").get_inference_profile(
        inferenceProfileIdentifier="eu.anthropic.claude-haiku-4-5-20251001-v1:0"
    )
    regions = {m["modelArn"].split(":")[3] for m in profile["models"]}
    assert len(regions) == 6
    assert "eu-central-1" in regions
    with pytest.raises(ClientError, match="ResourceNotFoundException"):
        _client("bedrock", account).get_inference_profile(inferenceProfileIdentifier="eu.anthropic.claude-haiku-4-5-20251001-v1:0")


def test_given_service_quotas_then_it_speaks_aws_json_with_pages_and_typed_errors(account):
    quotas = _client("service-quotas", account)
    pages = list(quotas.get_paginator("list_service_quotas").paginate(ServiceCode="bedrock", PaginationConfig={"PageSize": 5}))
    assert len(pages) > 1
    assert all(len(p["Quotas"]) <= 5 for p in pages)
    with pytest.raises(ClientError) as refused:
        quotas.list_service_quotas(ServiceCode="vpc")
    assert refused.value.response["Error"]["Code"] == "NoSuchResourceException"
    with pytest.raises(ClientError) as invalid:
        quotas.list_service_quotas(ServiceCode="bedrock", MaxResults=101)  # botocore does not check maximums client-side
    assert invalid.value.response["Error"]["Code"] == "ValidationException"
    assert "Member must have value less than or equal to 100" in invalid.value.response["Error"]["Message"]


def test_given_scenario_settings_over_http_then_the_account_answers_accordingly(account):
    def post(settings: dict) -> tuple[int, dict]:
        request = urllib.request.Request(f"{account.endpoint_url}/_sim/account", data=json.dumps(settings).encode(), method="POST")
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as err:
            return err.code, json.loads(err.read())

    assert post({"quota_value": 0, "concurrency_limit": 50, "use_case_submitted": False})[0] == 200
    quota = _client("service-quotas", account).list_service_quotas(ServiceCode="bedrock", MaxResults=1)["Quotas"][0]
    assert quota["Value"] == 0.0
    assert _client("lambda", account).get_account_settings()["AccountLimit"]["UnreservedConcurrentExecutions"] == 50
    with pytest.raises(ClientError, match="ResourceNotFoundException"):
        _client("bedrock", account).get_use_case_for_model_access()
    status, body = post({"quota": 1})
    assert status == 400
    assert "unknown account setting" in body["message"]
