"""Naming users for admins: the usage function's directory against a user pool in moto's Cognito."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from usage.people import CACHE_SECONDS, Directory


class Ticks:
    """The directory's clock (injected): seconds that move only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def pool(moto_server: str) -> tuple[Any, str]:
    client = boto3.client("cognito-idp", endpoint_url=moto_server)
    return client, client.create_user_pool(PoolName="usage-names")["UserPool"]["Id"]


def add_user(client: Any, pool_id: str, email: str, name: str | None) -> str:
    attributes = [{"Name": "email", "Value": email}] + ([{"Name": "name", "Value": name}] if name else [])
    user = client.admin_create_user(UserPoolId=pool_id, Username=email, UserAttributes=attributes, MessageAction="SUPPRESS")["User"]
    return next(a["Value"] for a in user["Attributes"] if a["Name"] == "sub")


def count_calls(client: Any) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = []
    client.meta.events.register("provide-client-params.cognito-idp.ListUsers", lambda params, **_: calls.append(dict(params)))
    return calls


def test_given_a_pool_of_more_than_one_page_then_every_user_is_named_korean_names_intact(pool):
    client, pool_id = pool
    subs = {add_user(client, pool_id, f"user{i}@example.com", f"사용자 {i}번"): i for i in range(65)}  # ListUsers pages hold 60
    calls = count_calls(client)

    people = Directory(client, pool_id).lookup(list(subs))

    assert {sub: person["name"] for sub, person in people.items()} == {sub: f"사용자 {i}번" for sub, i in subs.items()}
    assert len(calls) == 2
    assert all(c["AttributesToGet"] == ["sub", "email", "name"] for c in calls)


def test_given_a_user_created_after_the_listing_then_asked_for_alone_and_a_stranger_is_not_asked_for_again(pool):
    client, pool_id = pool
    ticks = Ticks()
    directory = Directory(client, pool_id, clock=ticks)
    first = add_user(client, pool_id, "kim@example.com", "김민준")
    assert directory.lookup([first]) == {first: {"email": "kim@example.com", "name": "김민준"}}
    calls = count_calls(client)

    later = add_user(client, pool_id, "lee@example.com", None)
    assert directory.lookup([first, later, "deleted-user-sub"]) == {
        first: {"email": "kim@example.com", "name": "김민준"},
        later: {"email": "lee@example.com", "name": None},
    }
    assert [c.get("Filter") for c in calls] == [f'sub = "{later}"', 'sub = "deleted-user-sub"']

    ticks.now += 60
    directory.lookup([first, later, "deleted-user-sub"])
    assert len(calls) == 2  # all known, the stranger remembered
    ticks.now += CACHE_SECONDS
    directory.lookup([first])
    assert len(calls) == 3
    assert "Filter" not in calls[-1]


def test_given_a_pool_that_cannot_be_read_then_no_names_and_no_error(moto_server):
    client = boto3.client("cognito-idp", endpoint_url=moto_server)
    assert Directory(client, "us-west-2_doesnotexist").lookup(["a", "b"]) == {}
    assert Directory(client, "").lookup(["a"]) == {}  # no pool configured: no call at all
