"""Side fields (titles, labels, metadata) are detected in one batched pass, as if one by one.

``detect_in_texts`` joins an interaction's side fields so the recognisers run
once instead of once per field; these tests pin down that the batch gives
each text what :func:`detect_in_text` gives it alone, in particular that no
cue in one field (an office line, an account) reaches into the next.
"""

from __future__ import annotations

from semcrm.ingest.model import Interaction, Source, Turn
from semcrm.ingest.pii import Pseudonymizer, redact
from semcrm.ingest.pii.detect import detect_in_text, detect_in_texts

SIDE_FIELDS = [
    "Direct line",
    "(555) 555-0142",
    "账号",
    "4111 1111 1111 1111",
    "价格太高了。\n\n甄测峰",
    "阚经理、阚测群：",
    "Ridgelet (virtual assistant)",
    "Ridgelet",
    "from_address: quill.test@example.com",
    "message_id: <20990101.1200@example.cn>",
    "Re: 报价 甄测明 13900001234",
    "",
]


def summary(text: str, detection) -> list[tuple[str, str, str, str | None]]:
    return [
        (text[span.start : span.end], span.type, value, detection.aliases.get(index))
        for index, (span, value) in enumerate(zip(detection.spans, detection.values, strict=True))
    ]


def test_a_batch_gives_each_text_what_it_gets_alone() -> None:
    known = frozenset(["甄测明"])
    batched = detect_in_texts(SIDE_FIELDS, known)
    alone = [detect_in_text(text, known_names=known) for text in SIDE_FIELDS]
    assert [summary(t, d) for t, d in zip(SIDE_FIELDS, batched, strict=True)] == [
        summary(t, d) for t, d in zip(SIDE_FIELDS, alone, strict=True)
    ]


def test_an_office_cue_in_one_field_does_not_reach_the_next() -> None:
    [_cue, number] = detect_in_texts(["Office line", "(555) 555-0142"])
    assert [span.type for span in number.spans] == ["phone"]


def test_an_interactions_side_fields_are_redacted() -> None:
    text = "甄测明：您好。\n"
    interaction = Interaction(
        Source("call.txt", "0", "transcript"), "call", text,
        (Turn(0, "您好。", 4, 7, speaker="甄测明", meta={"phone": "13900001234"}),),
        title="与甄测明的通话 13900001234",
        metadata={"from_address": "quill.test@example.com", "subject": "Re: 甄测明"},
    )  # fmt: skip
    pseudonymizer = Pseudonymizer(b"s" * 32)
    redacted = redact(interaction, pseudonymizer).interaction
    person = pseudonymizer.pseudonym("person_name", "甄测明")
    mobile = pseudonymizer.pseudonym("mobile_phone", "13900001234")
    assert redacted.title == f"与[{person}]的通话 [{mobile}]"
    assert redacted.turns[0].speaker == person
    assert redacted.turns[0].meta == {"phone": f"[{mobile}]"}
    assert redacted.metadata == {
        "from_address": f"[{pseudonymizer.pseudonym('email', 'quill.test@example.com')}]",
        "subject": f"Re: [{person}]",
    }
