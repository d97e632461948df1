"""Who a `sub` is, for the admin listing: e-mail and name from the user pool (ListUsers).

Usage rows are keyed by the Cognito `sub` only; an admin reads people. The pool is listed in bulk (60 users a
page, only sub, email and name: https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ListUsers.html)
at most every CACHE_SECONDS per container, up to MAX_PAGES pages (3,000 users); a sub the listing did not hold
(a user created since, or beyond the pages) is asked for alone with the filter `sub = "<sub>"`, at most
MAX_SINGLE a request, and a miss is remembered for CACHE_SECONDS (a deleted user keeps their usage rows).
Names are a courtesy: when the pool cannot be read (no pool configured, throttling, no permission) the listing
still answers, without them, and the log says why.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from common.observability import logger

PAGE_SIZE = 60  # ListUsers' maximum Limit
MAX_PAGES = 50
MAX_SINGLE = 20
CACHE_SECONDS = 300.0
ATTRIBUTES = ["sub", "email", "name"]
Person = dict[str, str | None]


def _person(user: dict[str, Any]) -> tuple[str | None, Person]:
    attributes = {a["Name"]: a.get("Value") for a in user.get("Attributes", [])}
    return attributes.get("sub"), {"email": attributes.get("email"), "name": attributes.get("name")}


class Directory:
    def __init__(self, client: Any, user_pool_id: str, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._client, self._pool, self._clock = client, user_pool_id, clock
        self._people: dict[str, Person] = {}
        self._misses: dict[str, float] = {}
        self._listed_at: float | None = None

    def _list_pool(self) -> None:
        people: dict[str, Person] = {}
        params: dict[str, Any] = {"UserPoolId": self._pool, "Limit": PAGE_SIZE, "AttributesToGet": ATTRIBUTES}
        for _ in range(MAX_PAGES):
            response = self._client.list_users(**params)
            for user in response.get("Users", []):
                sub, person = _person(user)
                if sub:
                    people[sub] = person
            if not response.get("PaginationToken"):
                break
            params["PaginationToken"] = response["PaginationToken"]
        self._people, self._misses = people, {}

    def _find(self, sub: str) -> None:
        quoted = sub.replace("\\", "\\\\").replace('"', '\\"')  # the API's escaping of quotes in a filter value
        users = self._client.list_users(UserPoolId=self._pool, Limit=1, AttributesToGet=ATTRIBUTES, Filter=f'sub = "{quoted}"')
        found = [_person(u) for u in users.get("Users", [])]
        if found and found[0][0] == sub:
            self._people[sub] = found[0][1]
        else:
            self._misses[sub] = self._clock()

    def lookup(self, subs: list[str]) -> dict[str, Person]:
        """E-mail and name of each known `sub` (unknown ones are left out)."""
        if not self._pool or not subs:
            return {}
        now = self._clock()
        try:
            if self._listed_at is None or now - self._listed_at >= CACHE_SECONDS:
                self._listed_at = now
                self._list_pool()
            missed_lately = {s for s, at in self._misses.items() if now - at < CACHE_SECONDS}
            unknown = [s for s in dict.fromkeys(subs) if s not in self._people and s not in missed_lately]
            for sub in unknown[:MAX_SINGLE]:
                self._find(sub)
        except (ClientError, BotoCoreError) as err:
            logger.warning("user pool not readable: users listed without names", extra={"error": str(err)})
        return {sub: self._people[sub] for sub in subs if sub in self._people}
