"""Real input from ../shared: every corpus file and devset record is read, with sensible kinds.

Nothing from ../shared is copied here: expected kinds and counts are read
at run time from the devset README's record index, the gold files and the
corpora's SOURCE.md files.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from semcrm.ingest.errors import RejectedInput
from semcrm.ingest.model import Interaction
from semcrm.ingest.readers import iter_files, read_path, read_path_with_rejections

pytestmark = pytest.mark.slow

#: Devset README kinds -> interaction kinds.
KIND_OF = {
    "call_transcript": "call",
    "chat_log": "chat",
    "email": "email",
    "meeting_minutes": "meeting",
    "tender_excerpt": "tender",
    "captions": "call",
    "event_log": "event_log",
}


def devset_records(devset_dir: Path) -> list[Path]:
    return sorted(
        p
        for p in devset_dir.iterdir()
        if re.fullmatch(r"D\d\d\.(txt|eml|md|vtt|srt|jsonl)", p.name)
    )


def readme_kinds(devset_dir: Path) -> dict[str, str]:
    """Record id -> kind, from the README's record index table."""
    kinds: dict[str, str] = {}
    for line in (devset_dir / "README.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 4 and re.fullmatch(r"D\d\d", cells[0]):
            kinds[cells[0]] = cells[3]
    return kinds


def gold_evidence(gold: dict) -> list[str]:
    evidence = [item["evidence"] for item in gold["stated_needs"]]
    evidence += [e for item in gold["unstated_needs"] for e in item["evidence"]]
    evidence += [item["evidence"] for item in gold["objections"]]
    evidence += [e for item in gold["intents"] for e in item["evidence"]]
    evidence += [item["trigger_evidence"] for item in gold["emotion_turning_points"]]
    return evidence


def read_single(path: Path) -> Interaction:
    [interaction] = read_path(path)
    interaction.check()
    return interaction


def test_devset_has_36_records_and_the_index_names_them_all(devset_dir: Path) -> None:
    records = devset_records(devset_dir)
    assert len(records) == 36
    assert set(readme_kinds(devset_dir)) == {p.stem for p in records}


def test_devset_every_record_is_read_with_the_kind_of_the_record_index(devset_dir: Path) -> None:
    kinds = readme_kinds(devset_dir)
    wrong = {}
    for path in devset_records(devset_dir):
        interaction = read_single(path)
        gold = json.loads((devset_dir / f"{path.stem}.gold.json").read_text(encoding="utf-8"))
        assert gold["kind"] == kinds[path.stem]
        if interaction.kind != KIND_OF[kinds[path.stem]]:
            wrong[path.name] = interaction.kind
        assert interaction.turns, path.name
    assert wrong == {}


def test_devset_every_gold_evidence_string_is_in_the_interaction_text(devset_dir: Path) -> None:
    missing: list[tuple[str, str]] = []
    total = 0
    for path in devset_records(devset_dir):
        interaction = read_single(path)
        gold = json.loads((devset_dir / f"{path.stem}.gold.json").read_text(encoding="utf-8"))
        for evidence in gold_evidence(gold):
            total += 1
            if evidence not in interaction.text:
                missing.append((path.name, evidence))
    assert total > 400
    assert missing == []


def test_devset_speakers_are_found_in_transcripts_and_chats(devset_dir: Path) -> None:
    kinds = readme_kinds(devset_dir)
    for path in devset_records(devset_dir):
        if kinds[path.stem] in ("call_transcript", "chat_log"):
            interaction = read_single(path)
            spoken = [t for t in interaction.turns if t.speaker]
            assert len(spoken) >= 0.8 * len(interaction.turns), path.name
            assert len({t.speaker for t in spoken}) >= 2, path.name


def test_devset_gold_files_and_checker_are_rejected_with_reasons(devset_dir: Path) -> None:
    for path in sorted(devset_dir.glob("*.gold.json")):
        with pytest.raises(RejectedInput) as caught:
            read_path(path)
        assert "JSON document that is neither an ASR transcript" in caught.value.reason
    with pytest.raises(RejectedInput) as caught:
        read_path(devset_dir / "check_gold.py")
    assert "source code" in caught.value.reason


def test_devset_readme_is_read_as_a_markdown_document(devset_dir: Path) -> None:
    interaction = read_single(devset_dir / "README.md")
    assert (interaction.source.format, interaction.kind) == ("markdown", "document")


def test_enron_mbox_files_give_552_messages_without_rejections(corpora_dir: Path) -> None:
    files = sorted((corpora_dir / "enron" / "mbox").glob("*.mbox"))
    assert len(files) == 54
    messages: list[Interaction] = []
    for path in files:
        interactions, rejections = read_path_with_rejections(path)
        assert rejections == [], path.name
        messages += interactions
    assert len(messages) == 552
    assert all(m.kind == "email" and m.source.format == "mbox" for m in messages)
    assert len({m.source.content_hash for m in messages}) == 552
    assert all(m.turns for m in messages)
    assert sum(1 for m in messages if m.title) > 500


def test_subtitles_every_file_is_read_with_the_cue_counts_of_its_source_notes(
    corpora_dir: Path,
) -> None:
    folder = corpora_dir / "subtitles"
    notes = (folder / "SOURCE.md").read_text(encoding="utf-8")
    expected = {f"{name}.vtt": int(count) for name, count in re.findall(r"(\w[\w-]*) (\d+)", notes)}
    srt_cues = int(re.search(r"(\d+) cues each", notes).group(1))
    captions = [p for p in iter_files([folder]) if p.suffix in (".srt", ".vtt")]
    assert len(captions) == 9
    for path in captions:
        interaction = read_single(path)
        assert interaction.kind == "call"
        wanted = srt_cues if path.suffix == ".srt" else expected[path.name]
        assert interaction.metadata["cues"] == str(wanted), path.name
        if "<v " in path.read_text(encoding="utf-8-sig"):
            assert any(h.origin == "voice-tag" for h in interaction.name_hints), path.name
        assert "-->" not in interaction.text


def test_aws_call_analytics_sample_is_read_segment_by_segment(corpora_dir: Path) -> None:
    path = corpora_dir / "call-center-asr-aws-pca" / "testfile.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    interaction = read_single(path)
    assert interaction.source.format == "asr_json"
    assert len(interaction.turns) == len(document["SpeechSegments"])
    assert {t.speaker for t in interaction.turns} == {"Agent", "Customer"}
    assert "[PII]" in interaction.text
    starts = [float(t.meta["start"]) for t in interaction.turns]
    assert starts == sorted(starts)
    assert any(t.meta.get("overlaps_previous") == "true" for t in interaction.turns)


def test_every_corpus_file_of_the_three_corpora_is_read_or_rejected_cleanly(
    corpora_dir: Path,
) -> None:
    folders = [corpora_dir / n for n in ("subtitles", "call-center-asr-aws-pca", "enron")]
    for path in iter_files(folders):
        interactions, rejections = read_path_with_rejections(path)
        assert interactions, f"{path}: {rejections}"
        for interaction in interactions:
            interaction.check()
