"""Conversation titles: set automatically, renamed (PATCH /conversations/{id}), searched (GET /conversations?q=).

Through the real chat handler, moto DynamoDB and the Bedrock simulator (its guardrail masks and blocks as configured).
"""

from __future__ import annotations

import unicodedata

import boto3

from tests.integration.conftest import TABLE
from tests.integration.test_chat import call, chat

ITEM = "/conversations/{id}"


def rename(conversation: str, title, *, sub: str = "user-a"):
    return call("PATCH", f"/conversations/{conversation}", {"title": title}, sub=sub, resource=ITEM)


def listing(sub: str, **query: str):
    status, body, _ = call("GET", "/conversations", sub=sub, query=query or None)
    assert status == 200, body
    return body


def titles(body) -> list[str]:
    return [c["title"] for c in body["conversations"]]


def test_given_a_long_first_message_then_the_title_is_cut_on_a_character_boundary_with_dates_in_the_listing(sim):
    decomposed = unicodedata.normalize("NFD", "한국어 제목 " * 20)  # jamo sequences: 3 code points per syllable
    chat(decomposed, sub="titler")
    listed = listing("titler")["conversations"][0]
    assert listed["title"].endswith("…")
    assert len(listed["title"]) <= 60
    assert listed["title"] == unicodedata.normalize("NFC", listed["title"])  # whole syllables, none cut mid-way
    assert listed["title"].startswith("한국어 제목 한국어 제목")
    assert listed["created_at"] <= listed["updated_at"]
    assert listed["created_at"].endswith("+00:00")
    emoji = "👍🏽" * 40  # thumbs up + skin tone: never split
    chat(emoji, sub="titler")
    cut = listing("titler")["conversations"][0]["title"]
    assert cut.removesuffix("…") == "👍🏽" * (len(cut.removesuffix("…")) // 2)


def test_given_a_conversation_when_renamed_then_the_listing_and_detail_show_the_new_title_trimmed(sim):
    _, first, _ = chat("처음 질문", sub="renamer")
    conversation = first["conversation_id"]
    before = listing("renamer")["conversations"][0]
    status, body, _ = rename(conversation, "  분기 보고서 초안  ", sub="renamer")
    assert status == 200, body
    assert body["conversation"]["title"] == "분기 보고서 초안"
    assert body["guardrail"]["action"] == "NONE"
    after = listing("renamer")["conversations"][0]
    assert (after["title"], after["updated_at"], after["turns"]) == ("분기 보고서 초안", before["updated_at"], 1)
    _, detail, _ = call("GET", f"/conversations/{conversation}", sub="renamer", resource=ITEM)
    assert detail["conversation"]["title"] == "분기 보고서 초안"
    chat("다음 질문", conversation_id=conversation, sub="renamer")  # a later turn keeps the typed title
    assert titles(listing("renamer")) == ["분기 보고서 초안"]


def test_given_bad_titles_when_renaming_then_400_naming_the_title_field_and_nothing_changes(sim):
    _, first, _ = chat("제목 검증", sub="validator")
    conversation = first["conversation_id"]
    for bad in ("", "   ", "줄\n바꿈", "탭\t문자", "널\u0000문자", "가" * 101, 42, None):
        status, body, _ = rename(conversation, bad, sub="validator")
        assert status == 400, (bad, body)
        assert body["error"]["code"] == "validation_error"
        assert [d["field"] for d in body["error"]["details"]] == ["title"], (bad, body)
    status, body, _ = call("PATCH", f"/conversations/{conversation}", {"title": "ok", "extra": 1}, sub="validator", resource=ITEM)
    assert status == 400
    assert rename(conversation, "가" * 100, sub="validator")[0] == 200  # the limit itself is allowed


def test_given_another_users_or_a_missing_conversation_when_renaming_then_404_like_get(sim):
    _, mine, _ = chat("남의 대화", sub="owner")
    conversation = mine["conversation_id"]
    for target in (conversation, "x" * 24):
        status, body, _ = rename(target, "가로채기", sub="intruder")
        assert (status, body["error"]) == (404, {"code": "not_found", "message": "conversation not found"})
    assert titles(listing("owner")) == ["남의 대화"]
    call("DELETE", f"/conversations/{conversation}", sub="owner", resource=ITEM)
    assert rename(conversation, "지운 뒤", sub="owner")[0] == 404
    leftovers = boto3.client("dynamodb").query(
        TableName=TABLE, KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": {"S": f"USER#owner#CONV#{conversation}"}}
    )["Items"]
    assert leftovers == []  # the rename created no summary for a deleted conversation


def test_given_a_title_with_pii_or_a_denied_word_then_the_guardrail_masks_or_refuses_it(sim):
    _, first, _ = chat("가드레일 제목", sub="guarded")
    conversation = first["conversation_id"]
    status, body, _ = rename(conversation, "kim.minsu@example.com 에게 보낼 답장", sub="guarded")
    assert status == 200
    assert body["guardrail"]["action"] == "ANONYMIZED"
    assert body["conversation"]["title"] == "{EMAIL} 에게 보낼 답장"
    assert titles(listing("guarded")) == ["{EMAIL} 에게 보낼 답장"]
    status, body, _ = rename(conversation, "대외비 프로젝트", sub="guarded")
    assert status == 200
    assert body["guardrail"]["action"] == "BLOCKED"
    assert body["guardrail"]["message"]
    assert body["conversation"]["title"] == "{EMAIL} 에게 보낼 답장"  # left as it was
    assert sim.recorded("ApplyGuardrail")[-1]["source"] == "INPUT"


def test_given_titles_when_searching_then_matches_are_case_insensitive_korean_included_newest_first(sim):
    for message in ("Budget Review 2027", "서울 출장 계획", "weekly BUDGET sync", "부산 출장 정리", "점심 메뉴"):
        chat(message, sub="searcher")
    assert titles(listing("searcher", q="budget")) == ["weekly BUDGET sync", "Budget Review 2027"]
    assert titles(listing("searcher", q="ＢＵＤＧＥＴ")) == ["weekly BUDGET sync", "Budget Review 2027"]  # full-width
    assert titles(listing("searcher", q="출장")) == ["부산 출장 정리", "서울 출장 계획"]
    assert titles(listing("searcher", q=unicodedata.normalize("NFD", "출장"))) == ["부산 출장 정리", "서울 출장 계획"]
    assert titles(listing("searcher", q="없는 제목")) == []
    assert listing("searcher", q="없는 제목")["next_token"] is None
    assert len(titles(listing("searcher", q="  "))) == 5  # a blank search lists everything
    assert titles(listing("someone-else", q="budget")) == []  # only the caller's own conversations
    first = listing("searcher")["conversations"][-1]["conversation_id"]
    rename(first, "Quarterly numbers", sub="searcher")
    assert titles(listing("searcher", q="QUARTERLY")) == ["Quarterly numbers"]
    assert titles(listing("searcher", q="budget")) == ["weekly BUDGET sync"]
    assert call("GET", "/conversations", sub="searcher", query={"q": "가" * 101})[0] == 400


def test_given_a_search_when_paging_then_pages_are_full_disjoint_and_complete(sim):
    expected: list[str] = []
    for n in range(7):
        chat(f"노트 {n}", sub="pager2")
        chat(f"other {n}", sub="pager2")
        expected.insert(0, f"노트 {n}")
    seen, token, pages = [], None, 0
    while True:
        body = listing("pager2", q="노트", limit="3", **({"next_token": token} if token else {}))
        pages += 1
        seen += titles(body)
        token = body["next_token"]
        if not token:
            break
        assert len(body["conversations"]) == 3  # filled, even though most summaries read do not match
    assert seen == expected
    assert pages == 3
    assert call("GET", "/conversations", sub="pager3", query={"q": "노트", "next_token": "garbage!"})[0] == 400


def test_given_a_conversation_stored_before_the_search_key_then_search_still_finds_it_by_its_title(sim):
    _, first, _ = chat("Legacy Title", sub="legacy")
    chat("something else", sub="legacy")
    boto3.client("dynamodb").update_item(
        TableName=TABLE,
        Key={"pk": {"S": f"USER#legacy#CONV#{first['conversation_id']}"}, "sk": {"S": "SUMMARY"}},
        UpdateExpression="REMOVE title_search",
    )
    assert titles(listing("legacy", q="Legacy")) == ["Legacy Title"]


def _stored_summaries(sub: str, titles_by_age: list[str]) -> None:
    """Summaries as the chat function writes them (common/conversations.py), oldest first, written straight to the table."""
    from common.titles import search_key

    db = boto3.client("dynamodb")
    for start in range(0, len(titles_by_age), 25):
        puts = []
        for n, title in enumerate(titles_by_age[start : start + 25], start):
            cid, when = f"bulk{n:020d}", f"2026-01-01T{n // 3600:02d}:{n // 60 % 60:02d}:{n % 60:02d}.000+00:00"
            item = {
                "pk": f"USER#{sub}#CONV#{cid}",
                "sk": "SUMMARY",
                "conversation_id": cid,
                "title": title,
                "title_search": search_key(title),
                "model_id": "m",
                "created_at": when,
                "updated_at": when,
                "turns": 1,
                "expires_at": 4_102_444_800,
                "gsi1pk": f"USER#{sub}",
                "gsi1sk": f"{when}#{cid}",
            }
            puts.append({"PutRequest": {"Item": {k: {"N": str(v)} if isinstance(v, int) else {"S": v} for k, v in item.items()}}})
        db.batch_write_item(RequestItems={TABLE: puts})


def test_given_rare_matches_among_many_conversations_then_one_request_reads_at_most_500_and_the_token_goes_on(sim):
    titles_by_age = [f"잡담 {n}" for n in range(600)]
    for n in (50, 450, 599):  # newest first: the 1st, the 150th (a second Query) and the 550th (past one request's reads)
        titles_by_age[n] = f"Rare 보고서 {n}"
    _stored_summaries("bulk", titles_by_age)
    first = listing("bulk", q="rare", limit="5")
    assert titles(first) == ["Rare 보고서 599", "Rare 보고서 450"]
    assert first["next_token"]  # 500 summaries read, 2 matches: the rest is on the next request
    second = listing("bulk", q="rare", limit="5", next_token=first["next_token"])
    assert titles(second) == ["Rare 보고서 50"]
    assert second["next_token"] is None
