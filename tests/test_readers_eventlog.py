"""JSON-lines event logs: the field mapping, the rendering, and whole-file rejection."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from semcrm.ingest.errors import RejectedInput
from semcrm.ingest.model import Interaction
from semcrm.ingest.readers import read_path
from semcrm.ingest.readers.eventlog import mapping_doc

ALARM = {
    "ts": "2030-04-03T09:41:27Z",
    "event": "alarm",
    "device_sn": "EX-DEV-0001",
    "fault_code": "F-999",
    "severity": "minor",
    "msg": "F-999 demo voltage imbalance on rack 2",
}
TICKET = {
    "ts": "2030-04-18T16:05:00Z",
    "event": "ticket_opened",
    "opened_by": "customer",
    "contact_name": "Mira Testwood",
    "msg": "Fan is loud. Please send someone.",
}
CHAT = {
    "ts": "2030-09-10T10:32:47+08:00",
    "tenant_id": "T-00001",
    "event": "chat_message",
    "agent_name": "示例顾问 甄测试",
    "plans": ["标准版", "专业版"],
    "text": "续费可按未用月数抵扣差价。",
}


def write_log(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def read_log(tmp_path: Path, events: list[dict]) -> Interaction:
    lines = [json.dumps(e, ensure_ascii=False) for e in events]
    [interaction] = read_path(write_log(tmp_path, lines))
    interaction.check()
    return interaction


def test_event_is_rendered_as_a_readable_line_then_its_raw_json(tmp_path: Path) -> None:
    interaction = read_log(tmp_path, [ALARM])
    [turn] = interaction.turns
    rendering, raw = turn.text.split("\n")
    assert rendering == (
        "2030-04-03T09:41:27Z alarm device_sn=EX-DEV-0001 fault_code=F-999 severity=minor: "
        "F-999 demo voltage imbalance on rack 2"
    )
    assert raw == json.dumps(ALARM, ensure_ascii=False)
    assert interaction.kind == "event_log"
    assert interaction.source.format == "jsonl"


def test_event_fields_map_to_actor_time_action_object(tmp_path: Path) -> None:
    alarm, ticket, chat = read_log(tmp_path, [ALARM, TICKET, CHAT]).turns
    assert (alarm.timestamp, alarm.speaker) == ("2030-04-03T09:41:27Z", None)
    assert alarm.meta["mapped_action"] == "alarm"
    assert alarm.meta["mapped_object"] == "EX-DEV-0001"
    assert ticket.speaker == "customer"
    assert chat.speaker == "T-00001"
    assert chat.meta["plans"] == '["标准版", "专业版"]'
    assert chat.meta["line"] == "3"


def test_message_strings_and_raw_fields_appear_verbatim_in_the_text(tmp_path: Path) -> None:
    interaction = read_log(tmp_path, [ALARM, TICKET, CHAT])
    assert "Fan is loud. Please send someone." in interaction.text
    assert "续费可按未用月数抵扣差价。" in interaction.text
    assert '"event": "ticket_opened"' in interaction.text
    assert interaction.occurred_at == "2030-04-03T09:41:27Z"
    assert interaction.metadata["events"] == "3"


def test_person_name_fields_become_name_hints(tmp_path: Path) -> None:
    interaction = read_log(tmp_path, [TICKET, CHAT])
    assert [h.text for h in interaction.name_hints] == ["Mira Testwood", "甄测试"]


def test_a_bad_line_rejects_the_whole_log_naming_it(tmp_path: Path) -> None:
    good = [json.dumps(e, ensure_ascii=False) for e in (ALARM, TICKET, CHAT, ALARM)]
    path = write_log(tmp_path, [*good[:2], '{"ts": "2030-01-01", "event": ', *good[2:]])
    with pytest.raises(RejectedInput) as caught:
        read_path(path)
    assert caught.value.where == "line 3"
    assert "invalid JSON" in caught.value.reason


def test_a_line_that_is_not_an_object_is_rejected(tmp_path: Path) -> None:
    path = write_log(tmp_path, [json.dumps(ALARM), "[1, 2, 3]"])
    with pytest.raises(RejectedInput) as caught:
        read_path(path)
    assert caught.value.where == "line 2"


def test_blank_lines_are_skipped(tmp_path: Path) -> None:
    path = write_log(tmp_path, [json.dumps(ALARM), "", json.dumps(TICKET)])
    [interaction] = read_path(path)
    assert [t.meta["line"] for t in interaction.turns] == ["1", "3"]


def test_the_mapping_doc_lists_every_role_with_its_first_key() -> None:
    doc = mapping_doc()
    assert "| time | `ts`, `timestamp`" in doc
    assert "| actor | `actor`, `user_id`" in doc
    assert "| message | `msg`" in doc
