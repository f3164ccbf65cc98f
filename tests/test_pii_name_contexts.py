"""Person names in the contexts an adversarial review tried (issue 3): exact spans.

Each case was left readable before. All people are invented.
"""

from __future__ import annotations

import pytest

from semcrm.ingest.model import Interaction, Source, Turn
from semcrm.ingest.pii import detect


def names(text: str) -> list[str]:
    interaction = Interaction(Source("test.txt", "0", "email"), "email", text,
                              (Turn(0, text, 0, len(text)),))  # fmt: skip
    return [span.text for span in detect(interaction) if span.type == "person_name"]


@pytest.mark.issue(3)
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我们老板司马测远下周回来拍板。", ["司马测远"]),
        ("欧阳测娜已经同意了。", ["欧阳测娜"]),
        ("诸葛测说过这个价格不行。", ["诸葛测"]),
        ("请转告甄测豪先生明天到。", ["甄测豪"]),
        ("贾演怡女士已经签字。", ["贾演怡"]),
        ("感谢钱测教授的分享。", ["钱测"]),
    ],
)
def test_compound_surnames_and_full_names_before_a_title(text: str, expected: list[str]) -> None:
    assert names(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "你可以上官网去搜一下。",
        "东方明珠很漂亮。",
        "濮阳市的项目下周开标。",
        "谢谢金老师的分享。",
        "欧阳总已经批了。",
    ],
)
def test_word_like_compound_surnames_and_title_forms_are_not_full_names(text: str) -> None:
    found = names(text)
    assert not any(len(name) >= 3 and not name.endswith(("总", "老师")) for name in found)


def test_a_title_form_wins_over_a_name_that_ends_in_its_surname() -> None:
    assert names("谢谢金老师的分享。") == ["金老师"]
    assert names("欧阳总已经批了。") == ["欧阳总"]


@pytest.mark.issue(3)
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Customer: Zhang Wei will call you.", ["Zhang Wei"]),
        ("Please ask Wei Zhang about it.", ["Wei Zhang"]),
        ("my name is orla testwood and I need help", ["orla testwood"]),
        ("talk to orla testwood tomorrow", ["orla testwood"]),
        ("hi, my name is orla, thanks", ["orla"]),
    ],
)
def test_pinyin_names_and_lower_case_names_after_a_strong_cue(
    text: str, expected: list[str]
) -> None:
    assert names(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "He Can do it twice.",
        "Long Beach is sunny.",
        "the dollar and the Chinese Yuan",
        "Hang Lung Group reported",
        "talk to sales about it",
        "this is amazing",
    ],
)
def test_english_words_that_parse_as_pinyin_or_follow_a_cue_are_not_names(text: str) -> None:
    assert names(text) == []


@pytest.mark.issue(3)
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("> 您好，附件是报价。\n> 甄测峰\n\n好的，收到。", ["甄测峰"]),
        ("谢谢，甄测峰", ["甄测峰"]),
        ("Best regards, Orla Testwood", ["Orla Testwood"]),
        ("价格太高了。\n\n甄测峰", ["甄测峰"]),
    ],
)
def test_signatures_at_the_end_of_quoted_blocks_and_after_closings(
    text: str, expected: list[str]
) -> None:
    assert names(text) == expected


@pytest.mark.issue(3)
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("甄测明 13900001234 价格太高", ["甄测明"]),
        ("联系人：贾演红，quill.test@example.com", ["贾演红"]),
        ("甄测明/510107197809234613", ["甄测明"]),
    ],
)
def test_a_chinese_name_right_before_a_contact_value_is_a_name(
    text: str, expected: list[str]
) -> None:
    assert names(text) == expected
