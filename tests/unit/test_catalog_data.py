"""The model catalog is data (infra/catalog/models.json) read strictly by infra/catalog/models.py: a malformed
entry fails loudly at import, naming the entry and the field, instead of deploying a wrong fact."""

from __future__ import annotations

import copy
import json
import tomllib
from pathlib import Path
from typing import Any

import pytest

from infra.catalog import CHAT_MODELS, EMBEDDING_MODELS, IMAGE_MODELS, ChatModelInfo, Range
from infra.catalog.models import PATH, CatalogDataError, read

ROOT = Path(__file__).resolve().parents[2]


def _document() -> dict[str, Any]:
    return json.loads(PATH.read_text(encoding="utf-8"))


def _read(tmp_path: Path, document: dict[str, Any]) -> dict[str, Any]:
    path = tmp_path / "models.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return read(path)


def test_given_the_shipped_file_when_read_then_every_model_is_a_record_with_its_sources():
    data = read()
    assert data["chat_models"] == CHAT_MODELS
    assert data["image_models"] == IMAGE_MODELS
    assert data["embedding_models"] == EMBEDDING_MODELS
    assert all(isinstance(m, ChatModelInfo) and m.sources for m in CHAT_MODELS.values())
    haiku = CHAT_MODELS["anthropic.claude-haiku-4-5-20251001-v1:0"]
    assert haiku.top_k == Range(1, 500)
    assert isinstance(haiku.top_k.low, int)
    assert haiku.profiles["us"]["us-west-1"] == ("us-east-1", "us-east-2", "us-west-2", "us-west-1")  # a named table


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda m: m.update(price_input_per_millions=1.0), "price_input_per_millions"),  # a misspelt field
        (lambda m: m.pop("max_output_tokens"), "max_output_tokens"),  # a missing one
        (lambda m: m.update(price_output_per_million="16.50"), "price_output_per_million"),  # a number as text
        (lambda m: m.update(family="claude"), "family"),  # not a known family
        (lambda m: m["lifecycle"].update(end_of_lfe="2027-01-01"), "end_of_lfe"),  # in a nested record
        (lambda m: m.update(profiles={"us": "us-everywhere"}), "us-everywhere"),  # no such profile table
    ],
)
def test_given_a_malformed_chat_entry_when_read_then_it_fails_naming_the_entry_and_field(tmp_path, change, expected):
    document = _document()
    change(document["chat_models"][0])
    with pytest.raises(CatalogDataError) as raised:
        _read(tmp_path, document)
    assert expected in str(raised.value)
    assert document["chat_models"][0]["model_id"] in str(raised.value)


def test_given_a_model_listed_twice_when_read_then_it_fails(tmp_path):
    document = _document()
    document["image_models"].append(copy.deepcopy(document["image_models"][0]))
    with pytest.raises(CatalogDataError, match="listed twice"):
        _read(tmp_path, document)


def test_given_a_missing_section_when_read_then_it_fails(tmp_path):
    document = _document()
    del document["embedding_models"]
    with pytest.raises(CatalogDataError, match="sections"):
        _read(tmp_path, document)


def test_given_the_package_when_built_then_the_catalog_and_its_data_files_ship():
    """`genai doctor` (an installed package) reads the catalog: its package and JSON files must be in the build."""
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert "infra.catalog" in settings["packages"]
    assert "*.json" in settings["package-data"]["infra.catalog"]
