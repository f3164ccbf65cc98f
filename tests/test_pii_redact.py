"""Redaction: replacement tokens, re-offset turns, offset maps, labels and metadata."""

from __future__ import annotations

import re

from semcrm.ingest.model import Interaction, NameHint, Source, Turn
from semcrm.ingest.pii import Pseudonymizer, redact, redact_text

PSEUDONYMIZER = Pseudonymizer(b"k" * 32)


def transcript(lines: list[tuple[str | None, str]], **fields: object) -> Interaction:
    """An interaction of "speaker：text" lines built by hand, with exact turn offsets."""
    text = ""
    turns = []
    for index, (speaker, words) in enumerate(lines):
        prefix = f"{speaker}：" if speaker else ""
        start = len(text) + len(prefix)
        text += prefix + words + "\n"
        turns.append(Turn(index, words, start, start + len(words), speaker=speaker))
    return Interaction(Source("call.txt", "0", "transcript"), "call", text, tuple(turns), **fields)


CALL = transcript(
    [
        ("蓝若溪", "您好，我是星桥科技的蓝若溪，手机139 0000 1234。"),
        ("客户", "蓝经理好，邮件发 yue.zx@example.cn 就行。"),
        ("Ridgelet", "I'm a bot."),
        ("蓝若溪", "好的，岳总那边我也抄送。"),
    ],
    title="与蓝若溪的通话",
    name_hints=(NameHint("蓝若溪", "speaker"),),
    participants=("岳知行",),
    metadata={"from_address": "yue.zx@example.cn", "message_id": "<20990101.1200@example.cn>"},
)


def test_each_span_is_replaced_by_its_bracketed_pseudonym_and_turns_stay_consistent() -> None:
    redaction = redact(CALL, PSEUDONYMIZER)
    redaction.interaction.check()
    text = redaction.interaction.text
    for start, end, span in redaction.redacted_spans():
        assert text[start:end] == f"[{span.pseudonym}]"
        assert CALL.text[span.start : span.end] == span.text
    assert [span.type for span in redaction.spans] == [
        "person_name", "person_name", "mobile_phone", "person_name", "email", "person_name",
        "person_name",
    ]  # fmt: skip
    for raw in ("蓝若溪", "139 0000 1234", "yue.zx@example.cn", "蓝经理", "岳总"):
        assert raw not in text


def test_labels_hints_participants_title_and_metadata_are_redacted() -> None:
    redacted = redact(CALL, PSEUDONYMIZER).interaction
    person = PSEUDONYMIZER.pseudonym("person_name", "蓝若溪")
    assert [turn.speaker for turn in redacted.turns] == [person, "客户", "Ridgelet", person]
    assert redacted.name_hints == (NameHint(person, "speaker"),)
    assert redacted.participants == (PSEUDONYMIZER.pseudonym("person_name", "岳知行"),)
    assert redacted.title == f"与[{person}]的通话"
    assert redacted.metadata == {
        "from_address": f"[{PSEUDONYMIZER.pseudonym('email', 'yue.zx@example.cn')}]",
        "message_id": "<20990101.1200@example.cn>",
    }


def test_an_alias_resolves_to_the_only_full_name_with_its_surname() -> None:
    spans = redact(CALL, PSEUDONYMIZER).spans
    alias = next(span for span in spans if span.text == "蓝经理")
    full = PSEUDONYMIZER.pseudonym("person_name", "蓝若溪")
    assert (alias.pseudonym, alias.refers_to, alias.title) == (full, full, "经理")
    unresolved = next(span for span in spans if span.text == "岳总")
    assert unresolved.refers_to is None
    assert unresolved.pseudonym == PSEUDONYMIZER.pseudonym("person_name", "岳总")


def test_offsets_map_both_ways() -> None:
    redaction = redact(CALL, PSEUDONYMIZER)
    original, redacted = CALL.text, redaction.interaction.text
    quote = "邮件发"
    start = original.index(quote)
    mapped = redaction.to_redacted(start, start + len(quote))
    assert redacted[mapped[0] : mapped[1]] == quote
    assert redaction.to_original(*mapped) == (start, start + len(quote))
    phone = next(span for span in redaction.spans if span.type == "mobile_phone")
    r_start, r_end, _ = next(item for item in redaction.redacted_spans() if item[2] is phone)
    assert redaction.to_redacted(phone.start, phone.end) == (r_start, r_end)
    assert redaction.to_original(r_start + 2, r_start + 5) == (phone.start, phone.end)
    for turn, new in zip(CALL.turns, redaction.interaction.turns, strict=True):
        assert redaction.to_original(new.start, new.end) == (turn.start, turn.end)


def test_categories_are_the_dpv_iris_of_what_was_removed() -> None:
    assert redact(CALL, PSEUDONYMIZER).categories() == {
        "https://w3id.org/dpv/pd#Name",
        "https://w3id.org/dpv/pd#TelephoneNumber",
        "https://w3id.org/dpv/pd#EmailAddress",
    }


def test_redact_text_for_free_standing_strings() -> None:
    text, spans = redact_text("岳知行-报价单-139 0000 1234.pdf", PSEUDONYMIZER, ("岳知行",))
    assert [span.type for span in spans] == ["person_name", "mobile_phone"]
    assert re.fullmatch(r"\[PERSON-[0-9A-F]{8}\]-报价单-\[MOBILE-[0-9A-F]{8}\]\.pdf", text)


def test_a_text_without_pii_is_unchanged() -> None:
    plain = transcript([("客户", "报价单QT-2099-001收到了。")])
    redaction = redact(plain, PSEUDONYMIZER)
    assert redaction.interaction.text == plain.text
    assert redaction.spans == ()
    assert redaction.to_redacted(3, 8) == (3, 8)
