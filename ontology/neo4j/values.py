"""RDF literals as Neo4j property values, the way neosemantics (n10s) types them.

=========================================  ==============================================
literal                                    Neo4j value
=========================================  ==============================================
``xsd:string``, no datatype                ``String``
``rdf:langString`` with a tag              ``"value@lang"`` (``keep_lang_tag``, semcrm's
                                           default: zh and en labels stay apart) or
                                           ``"value"`` (n10s's default)
``rdf:langString`` *without* a tag         ``"value"`` (never ``"value@"`` or
                                           ``"value@None"``)
``xsd:integer`` and its sub-types          ``Integer`` (64-bit; larger values stay text)
``xsd:decimal``, ``xsd:double``,           ``Float``
``xsd:float``
``xsd:boolean``                            ``Boolean``
``xsd:dateTime`` with a zone               ``DateTime`` with that offset: ``+08:00`` and
                                           ``Z`` stay as written, and the same instant
                                           has the same ``epochMillis``
``xsd:dateTime`` without a zone            ``LocalDateTime``
``xsd:date`` without a zone                ``Date`` (with a zone: the lexical text, since
                                           Neo4j has no zoned date)
``xsd:time``                               ``Time`` / ``LocalTime``
``xsd:duration`` and its sub-types         ``Duration``
anything else (or an invalid lexical)      the lexical text, unchanged
=========================================  ==============================================

Values keep nanosecond precision (xsd allows more digits; the rest is cut,
not rounded). A property with several values becomes a list; Neo4j lists are
homogeneous, so when the values are of different kinds (an integer and a
text, a zoned and a local date-time) every value of that list is its lexical
text instead (:func:`homogeneous`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

import pyoxigraph as ox
from neo4j.time import Date, DateTime, Duration, Time

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

_INTEGERS = frozenset(
    XSD + name
    for name in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "nonPositiveInteger",
        "positiveInteger",
        "negativeInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    )
)
_FLOATS = frozenset(XSD + name for name in ("decimal", "double", "float"))
_DURATIONS = frozenset(XSD + name for name in ("duration", "dayTimeDuration", "yearMonthDuration"))

_INT = re.compile(r"[+-]?[0-9]+")
_FLOAT = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?|[+-]?INF|NaN")
_ZONE = r"(?P<zone>Z|[+-](?:0[0-9]|1[0-4]):[0-5][0-9])?"
_DATETIME = re.compile(
    r"(?P<y>[0-9]{4})-(?P<mo>[0-9]{2})-(?P<d>[0-9]{2})T"
    r"(?P<h>[0-9]{2}):(?P<mi>[0-9]{2}):(?P<s>[0-9]{2})(?:\.(?P<f>[0-9]+))?" + _ZONE
)
_DATE = re.compile(r"(?P<y>[0-9]{4})-(?P<mo>[0-9]{2})-(?P<d>[0-9]{2})" + _ZONE)
_TIME = re.compile(r"(?P<h>[0-9]{2}):(?P<mi>[0-9]{2}):(?P<s>[0-9]{2})(?:\.(?P<f>[0-9]+))?" + _ZONE)
_DURATION = re.compile(
    r"(?P<neg>-)?P(?:(?P<y>[0-9]+)Y)?(?:(?P<mo>[0-9]+)M)?(?:(?P<d>[0-9]+)D)?"
    r"(?:T(?:(?P<h>[0-9]+)H)?(?:(?P<mi>[0-9]+)M)?(?:(?P<s>[0-9]+(?:\.[0-9]+)?)S)?)?"
)
_INT64 = (-(2**63), 2**63 - 1)


def lexical(literal: ox.Literal, *, keep_lang_tag: bool = True) -> str:
    """The literal as text: its lexical form, with ``@lang`` when tagged and asked for."""
    if keep_lang_tag and literal.language:
        return f"{literal.value}@{literal.language}"
    return literal.value


def literal_value(literal: ox.Literal, *, keep_lang_tag: bool = True) -> Any:
    """The Neo4j property value of one literal (see the module table)."""
    datatype = literal.datatype.value
    text = literal.value
    if datatype == RDF_LANGSTRING:
        return lexical(literal, keep_lang_tag=keep_lang_tag)
    try:
        if datatype in _INTEGERS and _INT.fullmatch(text.strip()):
            number = int(text)
            return number if _INT64[0] <= number <= _INT64[1] else text
        if datatype in _FLOATS and _FLOAT.fullmatch(text.strip()):
            return float(text.strip().replace("INF", "inf"))
        if datatype == XSD + "boolean" and text.strip() in ("true", "false", "1", "0"):
            return text.strip() in ("true", "1")
        if datatype in (XSD + "dateTime", XSD + "dateTimeStamp"):
            return _datetime(text) or text
        if datatype == XSD + "date":
            return _date(text) or text
        if datatype == XSD + "time":
            return _time(text) or text
        if datatype in _DURATIONS:
            return _duration(text) or text
    except (ValueError, OverflowError):
        return text
    return text


def homogeneous(values: Sequence[Any], texts: Sequence[str]) -> list[Any]:
    """``values`` as a list Neo4j can store: when their kinds differ, their ``texts``."""
    kinds = {_kind(v) for v in values}
    return list(values) if len(kinds) <= 1 else list(texts)


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"  # Neo4j stores a mixed int/float list as floats
    if isinstance(value, DateTime | Time):
        return f"{type(value).__name__}:{value.tzinfo is not None}"
    return type(value).__name__


def _zone(text: str | None) -> dt.tzinfo | None:
    if text is None:
        return None
    if text == "Z":
        return dt.UTC
    sign = -1 if text[0] == "-" else 1
    hours, minutes = int(text[1:3]), int(text[4:6])
    return dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))


def _nanos(fraction: str | None) -> int:
    return int((fraction or "").ljust(9, "0")[:9])


def _datetime(text: str) -> DateTime | None:
    m = _DATETIME.fullmatch(text.strip())
    if not m:
        return None
    hour = int(m["h"])
    if hour == 24:  # xsd allows 24:00:00 for the end of a day
        if int(m["mi"]) or int(m["s"]) or _nanos(m["f"]):
            return None
        start = Date(int(m["y"]), int(m["mo"]), int(m["d"])).to_native() + dt.timedelta(days=1)
        return DateTime(start.year, start.month, start.day, 0, 0, 0, 0, tzinfo=_zone(m["zone"]))
    return DateTime(
        int(m["y"]),
        int(m["mo"]),
        int(m["d"]),
        hour,
        int(m["mi"]),
        int(m["s"]),
        _nanos(m["f"]),
        tzinfo=_zone(m["zone"]),
    )


def _date(text: str) -> Date | None:
    m = _DATE.fullmatch(text.strip())
    if not m or m["zone"]:
        return None
    return Date(int(m["y"]), int(m["mo"]), int(m["d"]))


def _time(text: str) -> Time | None:
    m = _TIME.fullmatch(text.strip())
    if not m or int(m["h"]) > 23:
        return None
    return Time(int(m["h"]), int(m["mi"]), int(m["s"]), _nanos(m["f"]), tzinfo=_zone(m["zone"]))


def _duration(text: str) -> Duration | None:
    m = _DURATION.fullmatch(text.strip())
    if not m or text.strip() in ("P", "-P") or text.strip().endswith("T"):
        return None
    sign = -1 if m["neg"] else 1
    seconds = float(m["s"] or 0)
    whole = int(seconds)
    return Duration(
        years=sign * int(m["y"] or 0),
        months=sign * int(m["mo"] or 0),
        days=sign * int(m["d"] or 0),
        hours=sign * int(m["h"] or 0),
        minutes=sign * int(m["mi"] or 0),
        seconds=sign * whole,
        nanoseconds=sign * round((seconds - whole) * 1e9),
    )


__all__ = ["homogeneous", "lexical", "literal_value"]
