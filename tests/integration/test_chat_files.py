"""Files in chat: presigned upload to moto's S3, then POST /chat with the keys, through the real handler and the offline
Bedrock (which enforces Converse's image and document rules: local/bedrock_sim/content_blocks.py)."""

from __future__ import annotations

import base64
import io
import json
from datetime import UTC, datetime

import boto3
import pytest
import requests
from PIL import Image, PngImagePlugin

from tests.documents import pdf
from tests.integration.conftest import IMAGES_BUCKET
from tests.integration.test_chat import call, chat, last_converse

PDF = pdf(["Q3 report: revenue grew 12% on the year."])  # a real text layer: its text is checked (chat/document_checks.py)


def png(size: tuple[int, int] = (16, 12), prompt: str = "") -> bytes:
    info = PngImagePlugin.PngInfo()
    if prompt:
        info.add_text("prompt", prompt)  # what the offline image filter reads (local/bedrock_sim/images.py)
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def gif() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, format="GIF")
    return out.getvalue()


def ask_upload(name: str, content_type: str, size: int, sub: str = "user-a"):
    return call("POST", "/chat/attachments", {"name": name, "content_type": content_type, "size": size}, sub=sub)


def upload(name: str, data: bytes, content_type: str, sub: str = "user-a") -> dict:
    status, body, _ = ask_upload(name, content_type, len(data), sub)
    assert status == 201, body
    posted = requests.post(body["upload"]["url"], data=body["upload"]["fields"], files={"file": (name, data)}, timeout=10)
    assert posted.status_code in (200, 204), posted.text
    return body


def test_given_a_png_and_a_pdf_uploaded_when_chatting_then_the_model_reads_both_and_the_conversation_lists_them(sim):
    picture = upload("화면 캡처.png", png(), "image/png")
    report = upload("Q3 report_final.pdf", PDF, "application/pdf")
    assert picture["key"].startswith("attachments/user-a/")
    assert picture["kind"] == "image"
    assert picture["max_bytes"] == 3_750_000
    assert report["upload"]["fields"]["Content-Type"] == "application/pdf"

    status, body, _ = chat(
        "이 두 파일을 요약해 주세요", attachments=[{"key": picture["key"]}, {"key": report["key"], "name": "Q3 report_final.pdf"}]
    )

    assert status == 200, body
    reply = body["message"]["content"]
    assert "image png" in reply
    assert "document «Q3 report-final» (pdf)" in reply
    content = last_converse(sim)["messages"][-1]["content"]
    assert [next(iter(block)) for block in content] == ["guardContent", "document", "guardContent"]  # the image guarded
    assert content[0]["guardContent"]["image"]["format"] == "png"
    status, detail, _ = call("GET", f"/conversations/{body['conversation_id']}", resource="/conversations/{id}")
    assert status == 200
    files = detail["messages"][0]["attachments"]
    assert [(f["name"], f["type"]) for f in files] == [("화면 캡처.png", "image/png"), ("Q3 report_final.pdf", "application/pdf")]
    assert files[1]["size"] == len(PDF)
    assert detail["messages"][1]["attachments"] == []


def test_given_another_users_upload_when_chatting_with_its_key_then_404_naming_the_file(sim):
    theirs = upload("secret.png", png(), "image/png", sub="user-b")
    status, body, _ = chat("what is in it?", attachments=[{"key": theirs["key"], "name": "secret.png"}])
    assert status == 404
    assert body["error"]["code"] == "not_found"
    assert "secret.png" in body["error"]["message"]
    assert not sim.recorded("Converse") or all("secret" not in str(c) for c in sim.recorded("Converse"))


def test_given_bytes_that_are_not_the_extension_when_chatting_then_400_naming_the_file_and_rule(sim):
    fake = upload("photo.png", b"MZ\x90\x00 not a picture at all", "image/png")
    status, body, _ = chat("look", attachments=[{"key": fake["key"]}])
    assert status == 400
    assert "photo.png" in body["error"]["message"]
    assert "first bytes do not match" in body["error"]["message"]
    assert body["error"]["details"][0]["field"] == "attachments[0]"


@pytest.mark.parametrize(
    ("name", "content_type", "size", "rule"),
    [
        ("run.exe", "application/octet-stream", 10, "cannot be attached"),
        ("notes.txt", "application/pdf", 10, "sent as text/plain"),
        ("big.png", "image/png", 3_750_001, "at most 3,750,000 bytes"),
        ("big.pdf", "application/pdf", 4_500_001, "at most 4,500,000 bytes"),
    ],
)
def test_given_a_bad_upload_request_when_asking_for_an_upload_then_400_naming_the_file_and_rule(sim, name, content_type, size, rule):
    status, body, _ = ask_upload(name, content_type, size)
    assert status == 400
    assert name in body["error"]["message"]
    assert rule in body["error"]["message"]


def test_given_an_upload_when_reading_its_policy_then_it_fixes_key_type_encryption_and_the_kinds_size_limit(sim):
    status, body, _ = ask_upload("작은 메모.txt", "text/plain", 5)
    assert status == 201
    policy = json.loads(base64.b64decode(body["upload"]["fields"]["policy"]))
    conditions = policy["conditions"]
    assert {"key": body["key"]} in conditions
    assert {"Content-Type": "text/plain"} in conditions
    assert {"x-amz-server-side-encryption": "AES256"} in conditions
    assert ["content-length-range", 1, 4_500_000] in conditions  # the kind's Converse limit
    expires = datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00"))
    assert 0 < (expires - datetime.now(UTC)).total_seconds() <= 300


def test_given_an_object_over_the_limit_when_chatting_then_400_naming_the_size_rule(sim):
    # moto does not enforce a POST policy's content-length-range (S3 does): the turn checks the size itself (HEAD).
    status, body, _ = ask_upload("huge.txt", "text/plain", 5)
    boto3.client("s3").put_object(Bucket=IMAGES_BUCKET, Key=body["key"], Body=b"a" * 4_500_001)
    status, answer, _ = chat("read it", attachments=[{"key": body["key"]}])
    assert status == 400
    assert "huge.txt" in answer["error"]["message"]
    assert "1 to 4,500,000 bytes" in answer["error"]["message"]


def test_given_more_files_than_a_turn_takes_when_chatting_then_400(sim):
    keys = [{"key": upload(f"n{i}.txt", b"note", "text/plain")["key"]} for i in range(6)]
    status, body, _ = chat("read these", attachments=keys)
    assert status == 400
    assert body["error"]["details"][0] == {"field": "attachments", "message": "6 files; at most 5"}


def test_given_a_gif_where_the_guardrail_filters_images_when_chatting_then_400_naming_the_rule(sim):
    moving = upload("dance.gif", gif(), "image/gif")
    status, body, _ = chat("what is this?", attachments=[{"key": moving["key"]}])
    assert status == 400
    assert "dance.gif" in body["error"]["message"]
    assert "PNG and JPEG" in body["error"]["message"]


def test_given_a_violent_image_when_chatting_then_the_guardrail_blocks_the_turn(sim):
    picture = upload("scene.png", png(prompt="a massacre"), "image/png")
    status, body, _ = chat("describe the picture", attachments=[{"key": picture["key"]}])
    assert status == 200
    assert body["guardrail"]["action"] == "BLOCKED"


def test_given_a_file_in_an_earlier_turn_when_chatting_again_then_it_is_resent_and_a_gone_file_becomes_a_note(sim):
    picture = upload("chart.png", png(), "image/png")
    report = upload("plan.txt", b"launch on friday", "text/plain")
    status, first, _ = chat("keep these", attachments=[{"key": picture["key"]}, {"key": report["key"]}])
    assert status == 200
    boto3.client("s3").delete_object(Bucket=IMAGES_BUCKET, Key=report["key"])  # as the lifecycle rule expires it

    status, second, _ = chat("what did I attach?", conversation_id=first["conversation_id"])

    assert status == 200
    earlier = last_converse(sim)["messages"][0]["content"]
    assert [next(iter(block)) for block in earlier] == ["image", "text"]  # resent as a plain image: it was guarded then
    assert earlier[-1]["text"].endswith("[attached: plan.txt]")
    assert "image png" in second["message"]["content"]


def test_given_a_conversation_with_files_when_deleted_then_its_files_go_with_it(sim):
    picture = upload("gone.png", png(), "image/png")
    status, body, _ = chat("remember this", attachments=[{"key": picture["key"]}])
    assert status == 200
    kept = upload("other.png", png(), "image/png")  # not in the conversation: stays

    status, _, _ = call("DELETE", f"/conversations/{body['conversation_id']}", resource="/conversations/{id}")

    assert status == 204
    s3 = boto3.client("s3")
    left = [o["Key"] for o in s3.list_objects_v2(Bucket=IMAGES_BUCKET, Prefix="attachments/user-a/").get("Contents", [])]
    assert picture["key"] not in left
    assert kept["key"] in left
