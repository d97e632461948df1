"""bench/chat_table.py's report: the 10,000-message row beside the empty table's, and failed turns counted."""

from __future__ import annotations

from bench.chat_table import _conversation, lines


def test_given_both_phases_then_the_ratio_is_to_the_empty_tables_p50_and_failures_are_shown():
    result = {
        "empty": [40.0, 50.0, 60.0],
        "full": [70.0, 75.0, 900.0],
        "messages": 10_000,
        "items": 10_100,
        "seed_seconds": 9.5,
        "failed": {"empty": {}, "full": {503: 1}},
    }

    report = lines(result, 3)

    assert report[2].split()[:3] == ["0", "(baseline)", "50.0"]
    assert report[3].split()[0] == "10,000"
    assert "1.50x" in report[3]
    assert report[3].endswith("1 x 503")


def test_given_a_seeded_conversation_then_it_holds_a_summary_and_100_messages_of_the_user():
    items = _conversation("sub-1", 7)

    assert len(items) == 101
    assert {item["pk"] for item in items} == {"USER#sub-1#CONV#bench-seeded-00000007"}
    assert items[0]["sk"] == "SUMMARY"
    assert items[0]["gsi1pk"] == "USER#sub-1"
    assert len({item["sk"] for item in items}) == 101
