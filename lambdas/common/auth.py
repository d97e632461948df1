"""The caller, from the Cognito claims API Gateway verified; never from the request body."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from common.errors import ForbiddenError, UnauthorizedError


@dataclass(frozen=True)
class Caller:
    sub: str
    groups: frozenset[str]

    def require_group(self, group: str) -> None:
        if group not in self.groups:
            raise ForbiddenError(f"this action needs membership of the {group!r} group")


def _groups(raw: Any) -> frozenset[str]:
    """REST API authorizers pass cognito:groups as a string ('admin', 'a,b' or '[a b]'); lists too."""
    if isinstance(raw, list):
        return frozenset(str(g) for g in raw)
    text = str(raw or "").strip().strip("[]")
    return frozenset(part for part in text.replace(",", " ").split() if part)


def caller_from(event: dict[str, Any]) -> Caller:
    claims = ((event.get("requestContext") or {}).get("authorizer") or {}).get("claims") or {}
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub:
        raise UnauthorizedError("no verified identity on this request")
    return Caller(sub=sub, groups=_groups(claims.get("cognito:groups")))
