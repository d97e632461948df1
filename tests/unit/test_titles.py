"""Conversation titles (lambdas/common/titles.py): cut where a reader sees a character end, validated, folded for search."""

from __future__ import annotations

import unicodedata

from common.titles import TITLE_MAX_CHARS, boundary, search_key, shortened, title_from, title_problem


def test_given_text_over_the_limit_then_the_cut_never_splits_a_cluster():
    family = "👩\u200d👩\u200d👧"  # a ZWJ sequence: 5 code points, one picture
    flag = "🇰🇷"  # two regional indicators
    accent = "e\u0301"  # e + combining acute
    for unit in (family, flag, accent, "👍🏽", unicodedata.normalize("NFD", "한")):
        text = unit * 30
        for limit in range(2, 40):
            cut = shortened(text, limit)
            assert len(cut) <= limit, (unit, limit)
            assert cut.removesuffix("…") == unit * (len(cut.removesuffix("…")) // len(unit)), (unit, limit, cut)


def test_given_a_boundary_inside_a_flag_pair_then_it_moves_before_the_pair():
    flags = "🇰🇷🇯🇵"
    assert [boundary(flags, at) for at in range(5)] == [0, 0, 2, 2, 4]


def test_given_a_decomposed_korean_message_then_the_automatic_title_is_whole_syllables():
    title = title_from(unicodedata.normalize("NFD", "서울   출장\n계획 " * 10))
    assert title == unicodedata.normalize("NFC", title)
    assert title.startswith("서울 출장 계획 서울 출장 계획")
    assert title.endswith("…")
    assert len(title) <= 60


def test_given_typed_titles_then_blank_control_and_long_ones_are_refused():
    assert title_problem("  좋은 제목  ") is None
    assert title_problem("   ") == "must contain text, not only spaces"
    assert title_problem("a\u2028b") == "must not contain control characters or line breaks"
    assert title_problem("a\x7fb") == "must not contain control characters or line breaks"
    assert title_problem("가" * TITLE_MAX_CHARS) is None
    assert title_problem("가" * (TITLE_MAX_CHARS + 1)) == f"at most {TITLE_MAX_CHARS} characters"
    assert title_problem("👩\u200d👩\u200d👧 가족") is None  # ZWJ is a format character, not a control character


def test_given_case_width_and_composition_variants_then_the_search_key_is_the_same():
    assert search_key("Budget ＲＥＶＩＥＷ") == search_key("budget review")
    assert search_key(unicodedata.normalize("NFD", "출장")) == search_key("출장")
    assert search_key("STRASSE") == search_key("straße")
