"""The project must not contain text copied from the devset.

The devset (``../shared/devset``) is a development set read at run time; a
private hold-out set is the real judge. Names, organisations, products,
quotes or raw record lines lifted from it into code, lexicons, tests, docs or
samples would tune the product to the devset and leak its content. This test
reads the gold annotations and the raw records at run time, collects their
distinctive strings and asserts that none of them occurs in the project's own
files: gold people, organisations, products and competitors, evidence quotes,
personal data values, speaker labels' affiliations and raw record lines.
The parts already cleaned (:data:`CLEAN_PARTS`) must stay clean; the whole
repository is checked too, expected to fail until the rest is cleaned.

Run it as a script (``python tests/test_no_devset_text.py``) to list every hit
with its file and line.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# Folders that are not the project's own text: environments, VCS, build output and
# data folders (stores written by the product at run time).
EXCLUDED_PARTS = {
    ".venv",
    "venv",
    ".git",
    "node_modules",
    "target",
    "build",
    "dist",
    "semcrm-data",
    "data",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
}
EXCLUDED_SUFFIXES = {".egg-info"}
# Every text file under these folders is checked, whatever its suffix ...
CHECKED_FOLDERS = ("samples", "bench", "docs", "tests", "tools")
# ... and these suffixes anywhere in the repository.
CHECKED_SUFFIXES = {".py", ".ttl", ".md"}
BINARY_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".pdf", ".zip", ".gz", ".pyc", ".db", ".sqlite"}

# Gold strings that are general vocabulary, not content of a record: a domain expert
# would write them anyway. Keep this list short and generic; never add a name, an
# organisation, a product or a sentence of a record here.
ALLOWLIST = {
    # titles and forms of address
    "董事长",
    "我们老板",
    # edition names every vendor uses
    "标准版",
    "专业版",
    "旗舰版",
    "本地部署版",
    # e-mail header and quoting lines (RFC 822 / MIME, mail clients)
    'Content-Type: text/plain; charset="utf-8"',
    'Content-Type: text/html; charset="utf-8"',
    "Content-Transfer-Encoding: 8bit",
    "Content-Transfer-Encoding: quoted-printable",
    "-----Original Message-----",
    "---------- 转发的邮件 ----------",
    # generic product categories and editions a catalogue lexicon lists for any vendor
    "Enterprise",
    "Professional tier",
    "maintenance contract",
    "二维码",
    "补光灯",
    "家充桩",
    "充电券",
    "叫号系统",
    "RFID芯片",
    # generic words, persona roles and field syntax of event logs
    "virtual assistant",
    "brackets",
    '"event": "ticket_opened"',
    '"service_plan": "none"',
    "招标文件（节选）",
}

# Minimum sizes of a distinctive string.
MIN_CJK_NAME = 3  # a person / organisation / product of at least 3 characters with CJK
MIN_LATIN_NAME = 5  # ... or, in Latin script, at least 5 letters
MIN_QUOTE = 8  # evidence, quotes and personal data values
MIN_RAW_LINE = 25  # a line of a raw record
RAW_PREFIX = 60  # a raw line is matched by its first 60 characters
_TIMING_ONLY = re.compile(r"^[\d:.,\s\->]+$")
_LABEL = re.compile(
    r"^(?:\[[^\]]*\]\s*|\d{1,2}:\d{2}(?::\d{2})?\s+)?"
    r"(?P<name>[^:：()（）\[\]]{2,40}?)\s*[(（](?P<paren>[^)）]{2,60})[)）]\s*[:：]"
)


def _is_cjk(ch: str) -> bool:
    return ord(ch) >= 0x2E80


def _name_like(text: str) -> bool:
    if any(_is_cjk(ch) for ch in text):  # 阚经理, 宓*萍, Neil 湛
        return len(text.replace(" ", "")) >= MIN_CJK_NAME
    return sum(1 for ch in text if ch.isalpha()) >= MIN_LATIN_NAME


def _strings_of(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value.strip()
    elif isinstance(value, list):
        for item in value:
            yield from _strings_of(item)


def gold_strings(devset: Path, allowlist: frozenset[str] | set[str] = ALLOWLIST) -> dict[str, str]:
    """Distinctive strings of the devset, each with where it comes from."""
    found: dict[str, str] = {}

    def add(text: str, origin: str, keep: bool) -> None:
        if keep and text and text not in allowlist:
            found.setdefault(text, origin)

    for gold_file in sorted(devset.glob("*.gold.json")):
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        rid = gold_file.name.split(".")[0]
        org = gold.get("customer_org") or {}
        for name in _strings_of(org.get("name")):
            add(name, f"{rid} customer_org", _name_like(name))
        for person in gold.get("people") or []:
            for name in _strings_of([person.get("mention"), *(person.get("aliases") or [])]):
                add(name, f"{rid} person", _name_like(name))
        for key in ("products", "competitors"):
            for name in _strings_of(gold.get(key)):
                add(name, f"{rid} {key}", _name_like(name))
        for key in ("stated_needs", "unstated_needs", "objections", "intents"):
            for item in gold.get(key) or []:
                for quote in _strings_of(item.get("evidence")):
                    add(quote, f"{rid} {key} evidence", len(quote) >= MIN_QUOTE)
        for turn in gold.get("emotion_turning_points") or []:
            for quote in _strings_of(turn.get("trigger_evidence")):
                add(quote, f"{rid} emotion evidence", len(quote) >= MIN_QUOTE)
        for key in ("pii", "non_pii_lookalikes"):
            for item in gold.get(key) or []:
                for text in _strings_of([item.get("text"), item.get("decoded")]):
                    keep = len(text) >= MIN_QUOTE or (
                        item.get("type") == "person_name" and _name_like(text)
                    )
                    add(text, f"{rid} {key}", keep)
    for raw in sorted(devset.glob("D*")):
        if raw.name.endswith(".gold.json") or not raw.is_file():
            continue
        rid = raw.name.split(".")[0]
        for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
            line = line.strip()
            # pure syntax (SRT/WebVTT timings "00:00:01,200 --> 00:00:05,600") is no content
            content = len(line) >= MIN_RAW_LINE and not _TIMING_ONLY.match(line)
            add(line[:RAW_PREFIX], f"{rid} raw line", content)
            # A speaker label with its affiliation names the vendor too, which the gold
            # does not list: "Name (Vendor Ltd, Account Executive):", "姓名（某某科技 销售）："
            label = _LABEL.match(line)
            if label:
                name, paren = label.group("name").strip(), label.group("paren")
                org = re.split(r"[,，]", paren)[0] if re.search(r"[,，]", paren) else paren
                if " " in org.strip() and any(_is_cjk(ch) for ch in org):
                    org = org.strip().rsplit(" ", 1)[0]  # （公司 职务）: the role is last
                add(name, f"{rid} speaker label", _name_like(name))
                add(org.strip(), f"{rid} speaker label", _name_like(org.strip()))
    return found


def project_files(root: Path = REPO) -> Iterator[Path]:
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = sorted(
            name
            for name in subfolders
            if name not in EXCLUDED_PARTS and Path(name).suffix not in EXCLUDED_SUFFIXES
        )
        for name in sorted(names):
            path = Path(folder) / name
            rel = path.relative_to(root)
            if path.suffix.lower() in BINARY_SUFFIXES:
                continue
            if path.suffix in CHECKED_SUFFIXES or rel.parts[0] in CHECKED_FOLDERS:
                yield path


def find_hits(devset: Path, root: Path = REPO) -> list[tuple[str, int, str, str]]:
    """(file, line, string, origin) of every devset string found in the project."""
    strings = gold_strings(devset)
    texts = {
        str(path.relative_to(root)): path.read_text(encoding="utf-8", errors="replace")
        for path in project_files(root)
    }
    # One search over all files first: most strings occur nowhere.
    joined = "\x00".join(texts.values())
    hits = []
    for text, origin in strings.items():
        if text not in joined:
            continue
        for name, content in texts.items():
            start = content.find(text)
            if start >= 0:
                hits.append((name, content.count("\n", 0, start) + 1, text, origin))
    return sorted(hits)


@pytest.fixture
def devset(request: pytest.FixtureRequest) -> Path:
    """The devset through the shared ``devset_dir`` fixture, or a skip when it is absent
    (the shared fixture fails the run instead: most tests cannot do without it)."""
    configured = os.environ.get("SEMCRM_SHARED")
    path = (Path(configured) if configured else REPO.parent / "shared") / "devset"
    if not any(path.glob("*.gold.json")):
        pytest.skip(f"no devset gold files at {path}: nothing to compare the project with")
    return request.getfixturevalue("devset_dir")


# Parts of the project already cleaned: they must stay clean whatever the rest does.
CLEAN_PARTS = (
    "ingest/pii/",
    "ingest/readers/",
    "ingest/model.py",
    "ingest/pipeline.py",
    "ingest/decode.py",
    "ingest/detect.py",
    "tests/test_pii_",
    "tests/test_readers_",
    "tests/test_decode.py",
    "tests/test_detect.py",
    "tests/test_tokenizer.py",
    "tests/test_ingest_",
    "tests/test_no_devset_text.py",
)


@cache
def _project_hits(devset: Path) -> tuple[tuple[str, int, str, str], ...]:
    """The hits of the repository, computed once per run for both tests below."""
    return tuple(find_hits(devset))


def _report(hits: list[tuple[str, int, str, str]]) -> str:
    return f"{len(hits)} devset strings found in the project:\n" + "\n".join(
        f"  {name}:{line}: {text!r} ({origin})" for name, line, text, origin in hits
    )


def test_no_devset_text_in_pii_and_readers(devset: Path) -> None:
    strings = gold_strings(devset)
    # The collector must see the devset's content, or the check below could not fail.
    assert len(strings) > 500, f"only {len(strings)} distinctive strings collected"
    hits = [h for h in _project_hits(devset) if h[0].replace(os.sep, "/").startswith(CLEAN_PARTS)]
    assert not hits, _report(hits)


def test_no_devset_text_in_the_project(devset: Path) -> None:
    hits = list(_project_hits(devset))
    assert not hits, _report(hits)


def test_every_allowlisted_string_is_one_the_scan_would_report(devset: Path) -> None:
    """The allowlist holds no dead entries: each one is a string the devset yields."""
    collected = gold_strings(devset, allowlist=set())
    assert sorted(text for text in ALLOWLIST if text not in collected) == []


def test_the_scan_finds_a_copied_string(devset: Path, tmp_path: Path) -> None:
    """The scan itself works: a gold string written into a project file is reported."""
    strings = gold_strings(devset)
    sample = next(text for text, origin in strings.items() if origin.endswith("person"))
    (tmp_path / "ingest").mkdir()
    (tmp_path / "ingest" / "mod.py").write_text(f'"""e.g. {sample}"""\n', encoding="utf-8")
    (tmp_path / ".venv").mkdir()
    (tmp_path / ".venv" / "lib.py").write_text(f"# {sample}\n", encoding="utf-8")
    hits = find_hits(devset, tmp_path)
    assert [(name, line, text) for name, line, text, _ in hits] == [
        (str(Path("ingest") / "mod.py"), 1, sample)
    ]


if __name__ == "__main__":
    shared = REPO.parent / "shared" / "devset"
    prefixes = tuple(sys.argv[1:])
    for name, line, text, origin in find_hits(shared):
        if not prefixes or name.startswith(prefixes):
            print(f"{name}:{line}: {text!r} ({origin})")
