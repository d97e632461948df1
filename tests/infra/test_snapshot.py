"""Template snapshots per profile. Asset hashes are normalized, so handler edits do not break them.

Update after an intended infrastructure change: `.venv/bin/pytest tests/infra/test_snapshot.py --snapshot-update`.
"""

from __future__ import annotations

import json
import re

import pytest
from syrupy.extensions.json import JSONSnapshotExtension

HASH = re.compile(r"[0-9a-f]{64}")
VERSION_ID = re.compile(r"(CurrentVersion[0-9A-F]{8})[0-9a-f]{32}")  # Lambda version ids hash the code too


@pytest.fixture
def snapshot_json(snapshot):
    return snapshot.use_extension(JSONSnapshotExtension)


def normalized(template: dict) -> dict:
    text = VERSION_ID.sub(r"\1<code-hash>", HASH.sub("<asset-hash>", json.dumps(template, sort_keys=True)))
    document = json.loads(text)
    document.get("Parameters", {}).pop("BootstrapVersion", None)
    return document


@pytest.mark.parametrize("profile", ["dev", "prod"])
def test_given_profile_then_template_matches_snapshot(request, profile, snapshot_json):
    synth = request.getfixturevalue(profile)
    assert normalized(synth.json) == snapshot_json


def test_given_a_code_asset_change_then_only_hashes_differ_and_normalization_hides_them(dev, tmp_path):
    """The runtime config is part of the code asset: changing it is a code change, like a handler edit."""
    from tests.infra.conftest import cdk_context, synth

    context = cdk_context("dev")
    context["genai:profiles"]["dev"]["limits"] = {"max_message_chars": 1234}
    changed = synth(context, tmp_path)
    assert changed.json != dev.json
    assert normalized(changed.json) == normalized(dev.json)
