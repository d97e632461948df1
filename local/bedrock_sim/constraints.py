"""The constraints botocore's ParamValidator skips, checked from the same service models.

ParamValidator (which boto3 runs client-side, and protocol.py runs on every request) checks
required members, types, minimums and unions. Bedrock also enforces, on the server:

- maximum lengths of strings, blobs, lists and maps (`shape.metadata["max"]`);
- enums (`shape.enum`);
- patterns (`shape.metadata["pattern"]`), matched against the whole value;
- numeric ranges, minimum and maximum (integer, long, float, double).

A violation is answered the way Bedrock answers it (AWS's validation format), e.g.
`1 validation error detected: Value 'Complete Session' at 'toolConfig.tools.22.member.toolSpec.name'
failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_-]+`
(captured Bedrock answers: https://github.com/aws-samples/remote-swe-agents/pull/457 ,
https://github.com/BerriAI/litellm/issues/19384 , https://github.com/genkit-ai/aws-bedrock-js-plugin/issues/43):
list elements are `<list>.<n>.member` counting from 1, several violations are joined by `; `.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from botocore.model import Shape

# The models' patterns use Java regex syntax. Python compiles all of Bedrock's but those listed here,
# which are translated into a predicate; one neither compiles nor is listed is skipped (UNCHECKED).
JAVA_ONLY: dict[str, Callable[[str], bool]] = {
    # \P{C}: no character of Unicode category "Other" (control, format, surrogate, private use, unassigned).
    r"^\P{C}*$": lambda value: not any(unicodedata.category(c).startswith("C") for c in value),
}
UNCHECKED: set[str] = set()
_SHOWN = 256  # longer values are left out of the message (the path and the constraint still say what broke)


@dataclass(frozen=True)
class Violation:
    path: str
    value: Any
    constraint: str

    def __str__(self) -> str:
        shown = self.value
        if isinstance(shown, str | int | float) and not isinstance(shown, bool) and len(str(shown)) <= _SHOWN:
            return f"Value '{shown}' at '{self.path}' failed to satisfy constraint: {self.constraint}"
        return f"Value at '{self.path}' failed to satisfy constraint: {self.constraint}"


def message(found: list[Violation]) -> str:
    count = f"{len(found)} validation error{'s' if len(found) > 1 else ''} detected"
    return f"{count}: " + "; ".join(str(v) for v in found)


@lru_cache(maxsize=256)
def matcher(pattern: str) -> Callable[[str], bool] | None:
    if pattern in JAVA_ONLY:
        return JAVA_ONLY[pattern]
    try:
        compiled = re.compile(pattern)
    except re.error:
        UNCHECKED.add(pattern)
        return None
    return lambda value: compiled.fullmatch(value) is not None


def check(shape: Shape | None, value: Any, path: str = "") -> list[Violation]:
    """Every violation in `value` (parameters as boto3 had them: blobs as bytes) of `shape` and its members."""
    if shape is None:
        return []
    found: list[Violation] = []
    _walk(shape, value, path, found)
    return found


def _walk(shape: Shape, value: Any, path: str, found: list[Violation]) -> None:
    kind = shape.type_name
    if kind == "structure":
        if getattr(shape, "is_document_type", False) or not isinstance(value, dict):
            return  # documents are free-form; a wrong type is ParamValidator's report
        for name, member in shape.members.items():
            if name in value and value[name] is not None:
                _walk(member, value[name], f"{path}.{name}" if path else name, found)
    elif kind == "list" and isinstance(value, list):
        _length(shape, value, path, found)
        for i, item in enumerate(value, start=1):
            _walk(shape.member, item, f"{path}.{i}.member", found)
    elif kind == "map" and isinstance(value, dict):
        _length(shape, value, path, found)
        for key, item in value.items():
            _walk(shape.key, key, f"{path}.{key}", found)
            _walk(shape.value, item, f"{path}.{key}", found)
    elif kind == "string" and isinstance(value, str):
        _length(shape, value, path, found)
        if shape.enum and value not in shape.enum:
            found.append(Violation(path, value, f"Member must satisfy enum value set: [{', '.join(shape.enum)}]"))
        pattern = shape.metadata.get("pattern")
        matches = matcher(pattern) if pattern else None
        if matches is not None and not matches(value):
            found.append(Violation(path, value, f"Member must satisfy regular expression pattern: {pattern}"))
    elif kind == "blob" and isinstance(value, bytes | bytearray):
        _length(shape, value, path, found)
    elif kind in ("integer", "long", "float", "double") and isinstance(value, int | float) and not isinstance(value, bool):
        low, high = shape.metadata.get("min"), shape.metadata.get("max")
        if low is not None and value < low:
            found.append(Violation(path, value, f"Member must have value greater than or equal to {low}"))
        if high is not None and value > high:
            found.append(Violation(path, value, f"Member must have value less than or equal to {high}"))


def _length(shape: Shape, value: Any, path: str, found: list[Violation]) -> None:
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    if low is not None and len(value) < low:
        found.append(Violation(path, value, f"Member must have length greater than or equal to {low}"))
    if high is not None and len(value) > high:
        found.append(Violation(path, value, f"Member must have length less than or equal to {high}"))
