"""JSON-lines event logs: one event per line, one turn per event.

Field mapping (the first key present wins; keys compare case-sensitively):

============  ==============================================================
role          keys, in order
============  ==============================================================
time          ``ts``, ``timestamp``, ``time``, ``@timestamp``, ``datetime``,
              ``date``, ``created_at``, ``event_time``
actor         ``actor``, ``user_id``, ``user``, ``author``, ``sender``,
              ``opened_by``, ``customer_id``, ``customer``, ``tenant_id``,
              ``tenant``, ``account_id``, ``account``
action        ``event``, ``action``, ``type``, ``event_type``, ``name``,
              ``activity``
object        ``object``, ``feature``, ``page``, ``device_sn``, ``device_id``,
              ``device``, ``file``, ``form``, ``plan``, ``plans``,
              ``ticket_id``, ``resource``, ``target``, ``item``, ``sku``,
              ``site_id``
message       ``msg``, ``message``, ``text``, ``comment``, ``description``,
              ``body``
person names  ``contact_name``, ``author_name``, ``agent_name``,
              ``user_name``, ``display_name``, ``full_name``, ``technician``
============  ==============================================================

Each event's turn is two lines. The first is a readable rendering::

    2030-01-15T08:05:00Z alarm device_sn=VM-0001 fault_code=F-1 severity=minor: <msg>

(time, actor, action, object as ``key=value``, the remaining scalar fields
as ``key=value``, then the message verbatim). The second is the event's
JSON line exactly as written in the file: annotators and analysts quote
events by their fields (``"service_plan": "none"``), and only the original
line guarantees such a quote is found character for character. The turn's
``speaker`` is the actor, its ``timestamp`` the time, and its meta the raw
fields (scalars as text, lists and objects as compact JSON) plus the
mapped ``actor``/``action``/``object`` and the 1-based ``line``.

A person-name field (``contact_name``, ``agent_name`` ...) gives a name
hint; ``agent_name: "青禾顾问 申奥"`` gives the name after the affiliation.

**Bad lines reject the whole file**, naming the first one: a log ingested
with holes looks complete and is not, which is worse than a log that is
visibly missing and can be fixed and re-ingested. Blank lines are skipped.
"""

from __future__ import annotations

import json
from typing import Any

from semcrm.ingest.model import Interaction, NameHint
from semcrm.ingest.readers.base import RawFile, ReadItem, TextBuilder, dedupe_hints, finish_turns
from semcrm.ingest.readers.dates import iso_datetime
from semcrm.ingest.readers.labels import person_in_phrase

TIME_KEYS = (
    "ts",
    "timestamp",
    "time",
    "@timestamp",
    "datetime",
    "date",
    "created_at",
    "event_time",
)
ACTOR_KEYS = (
    "actor", "user_id", "user", "author", "sender", "opened_by", "customer_id", "customer",
    "tenant_id", "tenant", "account_id", "account",
)  # fmt: skip
ACTION_KEYS = ("event", "action", "type", "event_type", "name", "activity")
OBJECT_KEYS = (
    "object", "feature", "page", "device_sn", "device_id", "device", "file", "form", "plan",
    "plans", "ticket_id", "resource", "target", "item", "sku", "site_id",
)  # fmt: skip
MESSAGE_KEYS = ("msg", "message", "text", "comment", "description", "body")
PERSON_KEYS = (
    "contact_name", "author_name", "agent_name", "user_name", "display_name", "full_name",
    "technician",
)  # fmt: skip


def mapping_doc() -> str:
    """The field mapping as a markdown table, ready for the README."""
    rows = [
        ("time", TIME_KEYS), ("actor", ACTOR_KEYS), ("action", ACTION_KEYS),
        ("object", OBJECT_KEYS), ("message", MESSAGE_KEYS), ("person names", PERSON_KEYS),
    ]  # fmt: skip
    lines = ["| role | event keys, first present wins |", "|---|---|"]
    lines += [f"| {role} | {', '.join(f'`{k}`' for k in keys)} |" for role, keys in rows]
    return "\n".join(lines)


def _first(event: dict[str, Any], keys: tuple[str, ...]) -> str | None:
    return next((key for key in keys if event.get(key) not in (None, "")), None)


def _value(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float) or value is None:
        return json.dumps(value)
    return json.dumps(value, ensure_ascii=False)


def render_event(event: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """The readable line of one event (module doc) and its role mapping."""
    roles = {
        "time": _first(event, TIME_KEYS),
        "actor": _first(event, ACTOR_KEYS),
        "action": _first(event, ACTION_KEYS),
        "object": _first(event, OBJECT_KEYS),
        "message": _first(event, MESSAGE_KEYS),
    }
    used = {key for key in roles.values() if key}
    words: list[str] = []
    if roles["time"]:
        words.append(_value(event[roles["time"]]))
    if roles["actor"]:
        words.append(_value(event[roles["actor"]]))
    if roles["action"]:
        words.append(_value(event[roles["action"]]))
    if roles["object"]:
        words.append(f"{roles['object']}={_value(event[roles['object']])}")
    for key, value in event.items():
        if key not in used and not isinstance(value, dict | list):
            words.append(f"{key}={_value(value)}")
    line = " ".join(words)
    if roles["message"]:
        line += f": {_value(event[roles['message']])}"
    mapping = {role: _value(event[key]) for role, key in roles.items() if key and role != "message"}
    return line, mapping


def read_event_log(raw: RawFile) -> list[ReadItem]:
    """Read a JSON-lines log into one ``event_log`` interaction, or reject it (module doc)."""
    builder = TextBuilder()
    hints: list[NameHint] = []
    times: list[str] = []
    for number, line in enumerate(raw.text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            event = json.loads(line)
        except RecursionError:
            return [
                raw.reject(
                    "JSON nested too deeply to read (over 1000 levels); the whole log is rejected",
                    where=f"line {number}",
                )
            ]
        except json.JSONDecodeError as error:
            return [
                raw.reject(
                    f"invalid JSON ({error.msg} at column {error.colno}); the whole log is "
                    "rejected so that it is never stored with holes: fix or remove the line",
                    where=f"line {number}",
                )
            ]
        except ValueError:  # an integer of more than 4,300 digits
            return [
                raw.reject(
                    "a number of more than 4,300 digits cannot be read; the whole log is "
                    "rejected so that it is never stored with holes: fix or remove the line",
                    where=f"line {number}",
                )
            ]
        if not isinstance(event, dict):
            return [
                raw.reject(
                    "a JSON-lines event must be an object ({...}); fix or remove the line",
                    where=f"line {number}",
                )
            ]
        rendering, mapping = render_event(event)
        meta = {key: _value(value) for key, value in event.items()}
        meta.update({f"mapped_{role}": value for role, value in mapping.items()})
        meta["line"] = str(number)
        builder.separate("\n\n")
        builder.turn(
            f"{rendering}\n{line.strip()}",
            speaker=mapping.get("actor"),
            timestamp=mapping.get("time"),
            meta=meta,
        )
        if "time" in mapping:
            times.append(mapping["time"])
        for key in PERSON_KEYS:
            if isinstance(event.get(key), str) and (name := person_in_phrase(event[key])):
                hints.append(NameHint(name, "speaker"))
    if not builder.drafts:
        return [raw.reject("the JSON-lines log has no events")]
    text = builder.text()
    metadata = {"events": str(len(builder.drafts))}
    if times:
        metadata["first_event"], metadata["last_event"] = times[0], times[-1]
    return [
        Interaction(
            source=raw.source(),
            kind="event_log",
            text=text,
            turns=finish_turns(text, builder.drafts),
            occurred_at=iso_datetime(times[0]) if times else None,
            name_hints=dedupe_hints(hints),
            metadata=metadata,
        )
    ]
