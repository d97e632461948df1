"""The local stack's state on disk: the tables (conversations, usage) and the buckets, kept across restarts.

moto keeps everything in memory, so the stack saves what users make (table items, S3 objects with
their content type and metadata) under `<state>/data/` every few seconds and when it stops, and
loads it back at the next start. Files are written beside their final name and renamed into place,
so a stop at any moment leaves the previous save whole. Cognito is not saved: the pool, its client
and the demo users are created again with the same ids (see `local.stack`), so the users' `sub`
(part of every storage key) stays the same and their data stays theirs.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

BATCH = 25  # DynamoDB BatchWriteItem's limit


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(data)
    os.replace(partial, path)


class Snapshot:
    def __init__(
        self,
        root: Path,
        dynamodb: Any,
        s3: Any,
        tables: tuple[str, ...],
        buckets: tuple[str, ...],
        read_items: Callable[[str], list[dict[str, Any]]] | None = None,
    ) -> None:
        """`read_items`: a table's items (given its name) read another way than a Scan (the local stack reads moto's memory)."""
        self.root = root
        self._dynamodb, self._s3, self._tables, self._buckets = dynamodb, s3, tables, buckets
        self._read_items = read_items
        self._lock = threading.Lock()
        self._stop = threading.Event()

    @property
    def exists(self) -> bool:
        return (self.root / "saved").exists()

    # -- save ---------------------------------------------------------------------------------------
    def save(self) -> None:
        with self._lock:
            for table in self._tables:
                if self._read_items is not None:
                    items = self._read_items(table)
                else:
                    items = [item for page in self._dynamodb.get_paginator("scan").paginate(TableName=table) for item in page["Items"]]
                lines = "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items)
                _write_atomically(self.root / "dynamodb" / f"{table}.jsonl", lines.encode("utf-8"))
            for bucket in self._buckets:
                self._save_bucket(bucket)
            _write_atomically(self.root / "saved", b"")

    def _save_bucket(self, bucket: str) -> None:
        folder = self.root / "s3" / bucket
        index_path = folder / "index.json"
        index: dict[str, dict[str, Any]] = json.loads(index_path.read_text(encoding="utf-8")) if index_path.exists() else {}
        current: dict[str, dict[str, Any]] = {}
        for page in self._s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            for listed in page.get("Contents", []):
                key, etag = listed["Key"], str(listed["ETag"])
                known = index.get(key)
                if known and known["etag"] == etag and (folder / known["file"]).exists():
                    current[key] = known
                    continue
                obj = self._s3.get_object(Bucket=bucket, Key=key)
                entry = {
                    "etag": etag,
                    "file": quote(key, safe=""),
                    "content_type": obj.get("ContentType"),
                    "metadata": obj.get("Metadata", {}),
                }
                _write_atomically(folder / entry["file"], obj["Body"].read())
                current[key] = entry
        _write_atomically(index_path, json.dumps(current, ensure_ascii=False, indent=1).encode("utf-8"))
        for key in set(index) - set(current):
            (folder / index[key]["file"]).unlink(missing_ok=True)

    # -- restore ------------------------------------------------------------------------------------
    def restore(self) -> dict[str, int]:
        """Load the last save into the (empty) tables and buckets; returns what was loaded."""
        counts = {"items": 0, "objects": 0}
        for table in self._tables:
            table_file = self.root / "dynamodb" / f"{table}.jsonl"
            if not table_file.exists():  # e.g. a table added since the save
                continue
            items = [json.loads(line) for line in table_file.read_text(encoding="utf-8").splitlines() if line]
            for start in range(0, len(items), BATCH):
                requests = {table: [{"PutRequest": {"Item": item}} for item in items[start : start + BATCH]]}
                while requests:
                    requests = self._dynamodb.batch_write_item(RequestItems=requests).get("UnprocessedItems") or {}
            counts["items"] += len(items)
        for bucket in self._buckets:
            index_path = self.root / "s3" / bucket / "index.json"
            if not index_path.exists():
                continue
            for key, entry in json.loads(index_path.read_text(encoding="utf-8")).items():
                extra = {"ContentType": entry["content_type"]} if entry.get("content_type") else {}
                body = (index_path.parent / entry["file"]).read_bytes()
                self._s3.put_object(Bucket=bucket, Key=key, Body=body, Metadata=entry.get("metadata") or {}, **extra)
                counts["objects"] += 1
        return counts

    # -- in the background --------------------------------------------------------------------------
    def start(self, interval: float = 5.0) -> Snapshot:
        def run() -> None:
            while not self._stop.wait(interval):
                try:
                    self.save()
                except Exception as err:  # a failed round is retried on the next one
                    print(f"local state: save failed ({err}); retrying", flush=True)

        threading.Thread(target=run, name="local-state", daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop saving in the background, then save one last time."""
        self._stop.set()
        self.save()
