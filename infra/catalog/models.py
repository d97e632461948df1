"""The model facts, read from infra/catalog/models.json (the one file a reader scans and a contributor extends).

The file is checked strictly when it is read: its sections are the ones named below, each model is a
ChatModelInfo / ImageModelInfo / EmbeddingModelInfo (infra/catalog/model_info.py) with no unknown, missing or
mistyped field, every `profiles` entry names a table in `profile_tables`, and no model id appears twice.
A malformed entry raises CatalogDataError at import, naming the entry and the field.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TypeVar

from pydantic import TypeAdapter, ValidationError

from infra.catalog.model_info import ChatModelInfo, EmbeddingModelInfo, ImageModelInfo

PATH = Path(__file__).with_name("models.json")
SECTIONS = {
    "note",
    "provider_notes",
    "profile_tables_note",
    "global_sources",
    "profile_tables",
    "chat_models",
    "image_models",
    "embedding_models",
}
Record = TypeVar("Record", ChatModelInfo, ImageModelInfo, EmbeddingModelInfo)


class CatalogDataError(ValueError):
    """models.json does not hold what the catalog's records need."""


def read(path: Path = PATH) -> dict[str, Any]:
    """The catalog file's sections, each model as its record (chat, image and embedding models keyed by id)."""
    document = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(document, dict) or set(document) != SECTIONS:
        found = sorted(document) if isinstance(document, dict) else type(document).__name__
        raise CatalogDataError(f"{path.name}: the sections must be {sorted(SECTIONS)}, found {found}")
    tables = _checked(TypeAdapter(dict[str, dict[str, tuple[str, ...]]]), document["profile_tables"], "profile_tables")
    return {
        "global_sources": _checked(TypeAdapter(tuple[str, ...]), document["global_sources"], "global_sources"),
        "chat_models": _records(ChatModelInfo, [_with_tables(entry, tables) for entry in _list(document, "chat_models")], "chat_models"),
        "image_models": _records(ImageModelInfo, _list(document, "image_models"), "image_models"),
        "embedding_models": _records(EmbeddingModelInfo, _list(document, "embedding_models"), "embedding_models"),
    }


def _list(document: dict[str, Any], section: str) -> list[Any]:
    entries = document[section]
    if not isinstance(entries, list):
        raise CatalogDataError(f"{PATH.name}: {section} must be a list of models")
    return entries


def _with_tables(entry: Any, tables: dict[str, dict[str, tuple[str, ...]]]) -> Any:
    """A chat model entry with each `profiles` table name replaced by the table it names."""
    if not isinstance(entry, dict) or not isinstance(entry.get("profiles"), dict):
        return entry  # the record's own check names what is wrong
    unknown = sorted(str(name) for name in entry["profiles"].values() if name not in tables)
    if unknown:
        raise CatalogDataError(f"{PATH.name}: chat model {entry.get('model_id')!r} names unknown profile table(s) {unknown}")
    return {**entry, "profiles": {prefix: tables[name] for prefix, name in entry["profiles"].items()}}


def _records(kind: type[Record], entries: list[Any], section: str) -> dict[str, Record]:
    adapter = TypeAdapter(kind)
    records: dict[str, Record] = {}
    for index, entry in enumerate(entries):
        label = f"{section}[{index}]" + (f" ({entry['model_id']})" if isinstance(entry, dict) and "model_id" in entry else "")
        record = _checked(adapter, entry, label)
        if record.model_id in records:
            raise CatalogDataError(f"{PATH.name}: {label}: model id {record.model_id} is listed twice")
        records[record.model_id] = record
    return records


def _checked(adapter: TypeAdapter[Any], value: Any, label: str) -> Any:
    # validate_json: JSON's arrays are the records' tuples; strict: no "1.0" for 1.0, no "true" for true.
    try:
        return adapter.validate_json(json.dumps(value), strict=True)
    except ValidationError as err:
        raise CatalogDataError(f"{PATH.name}: {label}: {err}") from None


_CATALOG = read()
CHAT_MODELS: dict[str, ChatModelInfo] = _CATALOG["chat_models"]
IMAGE_MODELS: dict[str, ImageModelInfo] = _CATALOG["image_models"]
EMBEDDING_MODELS: dict[str, EmbeddingModelInfo] = _CATALOG["embedding_models"]
GLOBAL_SOURCES: tuple[str, ...] = _CATALOG["global_sources"]  # commercial Regions that may call a `global.` profile
