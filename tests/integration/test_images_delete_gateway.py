"""DELETE /images/{id} through the local gateway (the route table in infra/routes.py): Cognito first, then the image
function; a signed-in user deletes their own picture and it leaves GET /images; another user's id is a 404."""

from __future__ import annotations

from pathlib import PurePosixPath

from tests.integration.live import create_user, request

PASSWORD = "Delete-pictures-1!"


def test_given_no_token_then_delete_is_401_before_the_function_runs(stack):
    status, body, _ = request(stack, "DELETE", "images/" + "A" * 24)
    assert status == 401, body
    assert body["error"]["code"] == "UNAUTHORIZED"


def test_given_a_signed_in_user_then_their_picture_is_deleted_and_another_users_id_is_404(stack):
    owner = create_user(stack, "gateway-delete-owner@example.com", PASSWORD)
    other = create_user(stack, "gateway-delete-other@example.com", PASSWORD)
    status, made, _ = request(stack, "POST", "images", owner, {"prompt": "a gateway lighthouse"})
    assert status == 200, made
    picture_id = PurePosixPath(made["images"][0]["key"]).stem
    status, body, _ = request(stack, "DELETE", f"images/{picture_id}", other)
    assert (status, body["error"]["code"]) == (404, "not_found"), body
    assert [p["key"] for p in request(stack, "GET", "images", owner)[1]["images"]] == [made["images"][0]["key"]]
    status, body, _ = request(stack, "DELETE", f"images/{picture_id}", owner)
    assert (status, body) == (204, None)
    assert request(stack, "GET", "images", owner)[1]["images"] == []
    status, body, _ = request(stack, "DELETE", "images/not-an-id", owner)
    assert (status, body["error"]["code"]) == (400, "validation_error"), body
