"""Regression tests: each fault found while building the recognisers, with the right value.

Inputs are invented; each test names the fault it pins down.
"""

from __future__ import annotations

import pytest

from semcrm.ingest.model import Interaction, Source, Turn
from semcrm.ingest.pii import detect


def found(text: str) -> list[tuple[str, str]]:
    interaction = Interaction(Source("test.txt", "0", "document"), "document", text,
                              (Turn(0, text, 0, len(text)),))  # fmt: skip
    return [(span.text, span.type) for span in detect(interaction)]


@pytest.mark.parametrize(
    "text",
    [
        # a markdown bold label after a surname character is not a masked name (席**)
        "**出席**：无",
        # the second word of a place name is not a given name on its own (… Business Park)
        "Unit 9, Harrow Business Park, Lowbridge",
        # an ISO timestamp's "00Z" is not a house number, "St…" inside a word is not a street
        "2099-01-01T02:00:00Z Northfield Storage Partners summary",
        # function characters never end a given name (关基的规定, 名单请)
        "关基的规定都得满足，驻场名单请补充。",
        # space-separated chat text: words after a space are not names (包邮, 谢谢您)
        "亲 包邮 的 哦 谢谢您 祝您 生活 愉快",
        # an English word that is also a given name, starting a sentence (Tone of …)
        "Tone of the call got friendlier after that.",
        # a hyphenated compound is not a name (Add-on)
        "The Add-on is priced separately.",
        # four digits after four zeros are not an international number (0000 1234)
        "batch 0000 1234 shipped",
        # a spelled-out "at" with a plain domain is a website, not an e-mail
        "start a return at example.com today",
        # a kinship word after a surname character in a label is a brand, not a name (林婆婆)
        "- 林婆婆：运营副总 詹牧之\n",
    ],
)
def test_look_alikes_found_while_building_are_not_redacted(text: str) -> None:
    assert [pair for pair in found(text) if pair[0] != "詹牧之"] == []


def test_an_organisation_in_a_speaker_labels_parentheses_is_not_a_name() -> None:
    text = "Mirabel Stanhope (Ferncastle Labs, Practice Operations Manager): Hello.\n"
    assert found(text) == [("Mirabel Stanhope", "person_name")]


def test_an_organisation_heading_an_attendee_line_is_not_a_name() -> None:
    text = "- Northfield Aero Components: Ada Quintrell (Stores Lead)\n"
    assert found(text) == [("Ada Quintrell", "person_name")]


def test_a_number_after_a_hyphen_that_follows_chinese_text_is_still_a_phone() -> None:
    assert found("报价单-139 0000 1234") == [("139 0000 1234", "mobile_phone")]


def test_a_bot_named_in_a_label_is_not_redacted_anywhere() -> None:
    text = "Ridgelet (virtual assistant): Hi! I'm Ridgelet.\nCustomer: thanks Ridgelet\n"
    assert found(text) == []


def test_a_full_name_as_a_speaker_label_inside_a_line_is_found():
    """Regression: a transcript flattened to one line kept 顾文博 (a label after a time stamp)."""
    text = "[00:00:01] 甲：您好，请问是哪位？ [00:00:05] 顾文博：好的，价格可以谈。"
    assert ("顾文博", "person_name") in found(text)


@pytest.mark.parametrize(
    ("path", "suffix"),
    [("note.13912345678", ""), ("call.txt", ".txt"), ("mail.eml", ".eml"), ("a.b.c.docx", ".docx")],
)
def test_logged_file_names_keep_only_an_extension_shaped_suffix(path, suffix):
    """Regression: the log kept ``Path.suffix[:12]``, so ``note.13912345678`` logged the number."""
    from semcrm.ingest.errors import logged_name

    logged = logged_name(path)
    assert logged.startswith("file-") and logged.endswith(suffix)
    assert "1391234" not in logged


def test_a_name_set_off_by_commas_after_a_role_is_found_when_no_list_knows_it() -> None:
    """Regression: "our managing director, Barnaby Quillfeather, has" leaked: neither the
    given name nor the surname is on Faker's lists, and role appositives needed one of them."""
    text = "Our managing director, Barnaby Quillfeather, has the final say on this."
    assert found(text) == [("Barnaby Quillfeather", "person_name")]


def test_everyday_words_after_a_role_and_comma_are_not_a_name() -> None:
    assert found("Send it to the director, Product Marketing, by Friday.") == []


def test_a_capitalised_word_before_a_name_does_not_hide_it() -> None:
    """Regression (Enron mail, names invented here): "To X Y, ..." kept the first name of the list."""
    assert found("To Marcus Pellham, Dana Quillon and the desk.") == [
        ("Marcus Pellham", "person_name"),
        ("Dana Quillon", "person_name"),
    ]


def test_two_people_joined_by_an_ampersand_across_a_wrapped_line() -> None:
    """Regression (Enron mail, names invented here): "A B & C \\nD" was left whole: '&' marked
    a firm (Hollis & Wren) and the surname sat after a soft line break."""
    text = "the traders on the desk are Tobias Wrenfield & Marcus \nHalloway"
    assert found(text) == [
        ("Tobias Wrenfield", "person_name"),
        ("Marcus \nHalloway", "person_name"),
    ]
    assert found("We hired Hollis & Wren for it.") == []
