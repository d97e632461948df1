"""Converse content blocks for attached files: this turn's, and earlier turns' within the window's byte budget.

This turn: documents as DocumentBlocks (a name Converse accepts: chat/file_rules.py), images as ImageBlocks — inside
`guardContent` where the deployed guardrail filters images, so its image content filters assess them
(https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-use-converse-api.html: with guardContent, only the
marked content is assessed; GuardrailConverseImageBlock takes png | jpeg). Files come before the text, as a
message with a document must also carry a text block (API_runtime_Message.html).

Earlier turns (the window): their files are sent again, newest first, while their bytes fit in
`attachments.window_bytes` and the model reads that kind; any other is replaced by a note "[attached: name]" in the
message's text, so the model still knows a file was there. History is not guarded again (it was when it was sent: a
document's text by chat/document_checks.py), and a document the guardrail withheld is never sent (only noted).
"""

from __future__ import annotations

from typing import Any

from chat.attachments import Attachments, Loaded
from chat.file_rules import document_name, format_of
from common.runtime_config import ChatModelSpec


def _block(kind: str, file_format: str, data: bytes, name: str, taken: set[str], index: int, guard: bool) -> dict[str, Any]:
    if kind == "document":
        return {"document": {"format": file_format, "name": document_name(name, index, taken), "source": {"bytes": data}}}
    image = {"format": file_format, "source": {"bytes": data}}
    return {"guardContent": {"image": image}} if guard else {"image": image}


def turn_content(
    text_block: dict[str, Any], files: list[Loaded], images_guarded: bool, documents: list[dict[str, str]] | None = None
) -> list[dict[str, Any]]:
    """The new message's content; `documents` gets each document block's file ({name, key, title: the block's name})."""
    # `files` are those the guardrail let through: documents' text was checked first (chat/document_checks.py).
    taken: set[str] = set()
    blocks = [_block(f.spec.kind, f.spec.format, f.data, f.name, taken, i, images_guarded) for i, f in enumerate(files, start=1)]
    if documents is not None:
        documents += [
            {"name": f.name, "key": f.key, "title": b["document"]["name"]} for f, b in zip(files, blocks, strict=True) if "document" in b
        ]
    return [*blocks, text_block]


def note(name: str) -> str:
    return f"[attached: {name}]"


def history_messages(
    history: list[dict[str, Any]],
    files: Attachments | None,
    model: ChatModelSpec,
    budget: int,
    documents: list[dict[str, str]] | None = None,
) -> list[dict[str, Any]]:
    """Converse messages for the window: text, and each user message's files resent or noted (module docstring);
    `documents` gets each resent document block's file ({name, key, title}), in order (for chat/doc_citations.py)."""
    resend = _within_budget(history, model, budget) if files is not None else set()
    messages: list[dict[str, Any]] = []
    for m in history:
        attached = m.get("attachments") or []
        blocks: list[dict[str, Any]] = []
        notes: list[str] = []
        taken: set[str] = set()
        for i, stored in enumerate(attached, start=1):
            data = files.read(stored["key"]) if files is not None and stored["key"] in resend else None
            spec = format_of(stored["key"])
            if data is None or spec is None:
                notes.append(note(stored["name"]))
                continue
            blocks.append(_block(spec.kind, spec.format, data, stored["name"], taken, i, guard=False))
            if documents is not None and "document" in blocks[-1]:
                documents.append({"name": stored["name"], "key": stored["key"], "title": blocks[-1]["document"]["name"]})
        text = m["content"] if not notes else f"{m['content']}\n" + " ".join(notes)
        messages.append({"role": m["role"], "content": [*blocks, {"text": text}]})
    return messages


def _within_budget(history: list[dict[str, Any]], model: ChatModelSpec, budget: int) -> set[str]:
    """Keys of earlier files to send again: newest message first, whole messages only, while they fit."""
    keys: set[str] = set()
    used = 0
    for m in reversed(history):
        attached = m.get("attachments") or []
        readable = [a for a in attached if _readable(a["key"], model) and a.get("read_check") != "withheld"]
        size = sum(int(a["size"]) for a in readable)
        if not readable:
            continue
        if used + size > budget:
            break
        keys.update(a["key"] for a in readable)
        used += size
    return keys


def _readable(key: str, model: ChatModelSpec) -> bool:
    spec = format_of(key)
    if spec is None:
        return False
    return model.files.images if spec.kind == "image" else model.files.documents
