"""Detection: every recogniser over one text, overlaps resolved, known names spread.

The order of work for one interaction:

1. structured values (e-mail, resident ID, card, phone, plate, address) and
   their look-alikes, matched on the ASCII view of the text;
2. names the format reveals (speaker labels, voice tags, headers, signature
   lines), names from context (Chinese and English recognisers) and the
   reader's name hints; persona names are collected and protected;
3. the names found become a per-interaction lexicon searched everywhere;
4. overlaps are resolved (look-alikes claimed by a stronger recogniser stay
   un-redacted), spans are cut at turn boundaries so every turn can be
   re-offset, and aliases are linked to their full names.

Each recogniser is a plain function over the text, so the whole pass is a
fixed number of compiled-regex scans plus one scan for the lexicon: linear
in the length of the text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import pairwise

from semcrm.ingest.model import Interaction
from semcrm.ingest.pii.addresses import find_addresses
from semcrm.ingest.pii.cards import find_cards
from semcrm.ingest.pii.context import BARRIER
from semcrm.ingest.pii.emails import find_emails
from semcrm.ingest.pii.ids import find_resident_ids
from semcrm.ingest.pii.invisible import fold
from semcrm.ingest.pii.known_names import build_lexicon, find_known, name_value, resolve_aliases
from semcrm.ingest.pii.names import (
    find_format_names,
    find_line_names,
    find_reply_names,
    labelled_content_spans,
    parse_label,
)
from semcrm.ingest.pii.names_en import find_en_names
from semcrm.ingest.pii.names_zh import (
    HAS_CJK,
    find_context_names,
    find_names_before_values,
    find_title_forms,
    find_titled_names,
    split_zh_name,
)
from semcrm.ingest.pii.numerals import ascii_view, number_view
from semcrm.ingest.pii.phones import find_phones
from semcrm.ingest.pii.plates import find_plates
from semcrm.ingest.pii.pseudonyms import canonical_type
from semcrm.ingest.pii.spans import Candidate, PiiSpan, resolve_overlaps
from semcrm.ingest.pii.spoken import find_spoken_numbers

_CONTACT_TYPES = frozenset(["mobile_phone", "phone", "email", "cn_resident_id"])
_HONORIFIC = re.compile(r"^((?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Madam)\.?)\s+")


@dataclass(frozen=True)
class Detection:
    """Spans plus what redaction needs besides them.

    ``values[i]`` is the value span ``i``'s pseudonym is computed from (a name
    without its title); ``aliases[i]`` is the full name span ``i`` refers to.
    """

    spans: list[PiiSpan]
    values: list[str]
    aliases: dict[int, str]


@lru_cache(maxsize=64)
def parse_hints(hints: tuple[str, ...]) -> tuple[list[tuple[str, str]], set[str]]:
    """The names in speaker-style hints: ``([(surface, value)], persona surfaces)``.

    Role labels (``客户``, ``Agent``) yield nothing; bots and personas are returned apart.
    The result is cached and shared: do not mutate it.
    """
    names: list[tuple[str, str]] = []
    personas: set[str] = set()
    for hint in hints:
        hint = hint.strip()
        if not hint:
            continue
        found, persona = parse_label(hint)
        if found is None:
            continue
        surface = hint[found.start : found.end]
        if persona:
            personas.add(surface)
        else:
            names.append((surface, found.value or _HONORIFIC.sub("", surface)))
    return names, personas


def _title_of(surface: str) -> tuple[str, str | None]:
    """``(value, title)`` of a person surface: ``("Tolliver", "Dr.")``, ``("阚经理", "经理")``."""
    match = _HONORIFIC.match(surface)
    if match:
        return surface[match.end() :], match.group(1)
    parsed = split_zh_name(surface, strict=False)
    if parsed is not None and parsed.kind == "title":
        return surface, parsed.title
    return surface, None


def _split_at(candidates: list[Candidate], bounds: Sequence[int]) -> list[Candidate]:
    """Cut candidates at turn boundaries so that no span crosses one."""
    if not bounds:
        return candidates
    result: list[Candidate] = []
    for candidate in candidates:
        cuts = [b for b in bounds if candidate.start < b < candidate.end]
        if not cuts:
            result.append(candidate)
            continue
        edges = [candidate.start, *cuts, candidate.end]
        result.extend(replace(candidate, start=start, end=end) for start, end in pairwise(edges))
    return result


def _find(
    text: str,
    name_hints: Sequence[str],
    turn_bounds: Sequence[tuple[int, int]],
    known_names: frozenset[str],
) -> tuple[list[PiiSpan], list[str]]:
    """Every recogniser over ``text``: the spans (raw offsets) and the value of each."""
    original = text
    folded = fold(text)
    text = folded.text
    turn_bounds = folded.bounds_to_folded(turn_bounds)
    view = ascii_view(text)
    numbers = number_view(view)
    structured: list[Candidate] = [
        *find_emails(text, view),
        *find_resident_ids(text, numbers),
        *find_cards(text, numbers),
        *find_phones(text, numbers),
        *find_spoken_numbers(text, view),
        *find_plates(text, view),
        *find_addresses(text, view),
    ]
    format_names, personas = find_format_names(text)
    hint_names, hint_personas = parse_hints(tuple(name_hints))
    personas |= hint_personas
    starts, ends = labelled_content_spans(text)
    starts += [start for start, _ in turn_bounds]
    ends += [end for _, end in turn_bounds]
    names = [*format_names, *find_line_names(text), *find_reply_names(text, starts, ends)]
    if HAS_CJK.search(text):
        contact_starts = [c.start for c in structured if c.type in _CONTACT_TYPES]
        names += [
            *find_title_forms(text),
            *find_context_names(text),
            *find_titled_names(text),
            *find_names_before_values(text, contact_starts),
        ]
    names += find_en_names(text)
    names = [c for c in names if text[c.start : c.end] not in personas]
    pairs = [(text[c.start : c.end], name_value(c, text)) for c in names] + hint_names
    names += find_known(text, build_lexicon(text, pairs, personas) | (known_names - personas))
    chosen = resolve_overlaps(structured + names)
    bounds = sorted({edge for bound in turn_bounds for edge in bound})
    chosen = [c for c in _split_at(chosen, bounds) if c.is_pii]
    spans: list[PiiSpan] = []
    values: list[str] = []
    for candidate in chosen:
        surface = text[candidate.start : candidate.end]
        title = candidate.title
        value = candidate.value or surface
        pii_type = candidate.type
        if pii_type == "person_name":
            derived_value, derived_title = _title_of(surface)
            title = title or derived_title
            value = candidate.value or derived_value
        else:
            pii_type = canonical_type(pii_type, value)
        start, end = folded.span_to_original(candidate.start, candidate.end)
        spans.append(PiiSpan(start, end, pii_type, original[start:end], candidate.recognizer,
                             title=title))  # fmt: skip
        values.append(value)
    return spans, values


def _with_aliases(text: str, spans: list[PiiSpan], values: list[str]) -> Detection:
    """The detection of ``text``, with aliases (阚经理 -> 阚立新) linked to full names."""
    person_indexes = [i for i, span in enumerate(spans) if span.type == "person_name"]
    person_candidates = [
        Candidate(spans[i].start, spans[i].end, "person_name", spans[i].recognizer, 0, values[i])
        for i in person_indexes
    ]
    resolved = resolve_aliases(text, person_candidates)
    aliases = {person_indexes[local]: target for local, target in resolved.items()}
    return Detection(spans, values, aliases)


def detect_in_text(
    text: str,
    name_hints: Sequence[str] = (),
    turn_bounds: Sequence[tuple[int, int]] = (),
    known_names: frozenset[str] = frozenset(),
) -> Detection:
    """Run every recogniser over ``text``; ``turn_bounds`` are the turns' ``(start, end)``.

    ``known_names`` are name surfaces already known from elsewhere (the body of
    the interaction a subject line belongs to); they are searched for as is.
    """
    spans, values = _find(text, name_hints, turn_bounds, known_names)
    return _with_aliases(text, spans, values)


#: Between texts detected in one pass: no cue looks back across the barrier character
#: (:data:`~semcrm.ingest.pii.context.BARRIER`), and the blank lines end every line-based
#: context (speaker labels, signatures, header continuations) as the end of a text would.
BATCH_SEPARATOR = "\n\n\n" + BARRIER + "\n\n\n"


def detect_in_texts(
    texts: Sequence[str], known_names: frozenset[str] = frozenset()
) -> list[Detection]:
    """:func:`detect_in_text` for many short texts (an interaction's side fields) in one pass.

    One pass over the texts joined by :data:`BATCH_SEPARATOR` instead of one per text:
    the recognisers' fixed cost is paid once. Spans are cut at the texts' edges and
    aliases are resolved within each text, as :func:`detect_in_text` would; names found
    in one text are searched for in the others (they belong to one interaction).
    """
    if not texts:
        return []
    starts: list[int] = []
    position = 0
    for text in texts:
        starts.append(position)
        position += len(text) + len(BATCH_SEPARATOR)
    joined = BATCH_SEPARATOR.join(texts)
    spans, values = _find(joined, (), (), known_names)
    per_text: list[tuple[list[PiiSpan], list[str]]] = [([], []) for _ in texts]
    for span, value in zip(spans, values, strict=True):
        first = bisect_right(starts, span.start) - 1
        last = bisect_right(starts, span.end - 1) - 1
        for index in range(first, last + 1):  # a span is cut at the texts' edges
            offset, text = starts[index], texts[index]
            start, end = max(span.start - offset, 0), min(span.end - offset, len(text))
            if start >= end:
                continue
            whole = (start, end) == (span.start - offset, span.end - offset)
            per_text[index][0].append(replace(span, start=start, end=end, text=text[start:end]))
            per_text[index][1].append(value if whole else text[start:end])
    return [
        _with_aliases(text, local_spans, local_values)
        for text, (local_spans, local_values) in zip(texts, per_text, strict=True)
    ]


def known_name_surfaces(text: str, detection: Detection, hints: Sequence[str]) -> frozenset[str]:
    """Every name surface an interaction's detection and hints know, for its side fields."""
    hint_names, personas = parse_hints(tuple(hints))
    pairs = [
        (span.text, value)
        for span, value in zip(detection.spans, detection.values, strict=True)
        if span.type == "person_name"
    ]
    return frozenset(build_lexicon(text, pairs + hint_names, personas))


def interaction_hints(interaction: Interaction) -> list[str]:
    """The name hints a reader gave: hints, speakers (with their titles) and participants."""
    hints = [hint.text for hint in interaction.name_hints]
    for turn in interaction.turns:
        if turn.speaker:
            extra = ", ".join(part for part in (turn.speaker_org, turn.speaker_title) if part)
            hints.append(f"{turn.speaker} ({extra})" if extra else turn.speaker)
    hints.extend(interaction.participants)
    return hints


def detect_interaction(interaction: Interaction) -> Detection:
    """:func:`detect_in_text` over an interaction's text, hints and turns."""
    bounds = [(turn.start, turn.end) for turn in interaction.turns]
    return detect_in_text(interaction.text, interaction_hints(interaction), bounds)


def detect(interaction: Interaction) -> list[PiiSpan]:
    """The personal data in ``interaction.text``: non-overlapping, sorted, raw offsets."""
    return detect_interaction(interaction).spans
