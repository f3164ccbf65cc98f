"""Throughput of the readers and de-identification, beside a plain decode + regex scan.

Reads every raw devset record and every Enron mbox file from ``../shared``,
repeating the list until at least ``--mb`` megabytes (default 50) have been
processed, through

* **semcrm**: ``read_path_with_rejections`` (format detection, decoding, MIME,
  reply chains, turns) and ``redact`` (every recogniser, pseudonyms, offset maps);
* **baseline**: the same bytes decoded with ``bytes.decode`` and scanned once by a
  single compiled regular expression for digit runs and e-mail-like tokens — the
  cheapest pass that touches every character, i.e. the floor any PII scanner sits on.

Both are measured in the same run, in CPU seconds of this process (one core),
and reported as MB/s per core with their ratio.

    .venv/bin/python bench/throughput.py [--mb 50] [--shared ../shared] [--json]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

from semcrm.ingest.pii import Pseudonymizer, redact
from semcrm.ingest.readers import read_path_with_rejections

BASELINE = re.compile(rb"\d[\d \-]{6,}\d|[\w.+-]+@[\w-]+\.[\w.]+")


def corpus(shared: Path) -> list[Path]:
    devset = sorted(
        p
        for p in (shared / "devset").iterdir()
        if p.name.startswith("D") and not p.name.endswith(".gold.json")
    )
    enron = sorted((shared / "corpora" / "enron" / "mbox").glob("*.mbox"))
    if not devset or not enron:
        sys.exit(f"the devset or the Enron mbox files are missing under {shared}")
    return devset + enron


def run(files: list[Path], target_bytes: int) -> dict[str, float]:
    pseudonymizer = Pseudonymizer(b"throughput-benchmark-key-0123456")
    data = {path: path.read_bytes() for path in files}
    one_pass = sum(len(b) for b in data.values())
    passes = max(1, -(-target_bytes // one_pass))

    started = time.process_time()
    interactions = 0
    for _ in range(passes):
        for path in files:
            found, _rejected = read_path_with_rejections(path)
            for interaction in found:
                redact(interaction, pseudonymizer)
                interactions += 1
    semcrm_seconds = time.process_time() - started

    started = time.process_time()
    matches = 0
    for _ in range(passes):
        for raw in data.values():
            raw.decode("utf-8", errors="replace")
            matches += sum(1 for _ in BASELINE.finditer(raw))
    baseline_seconds = time.process_time() - started

    megabytes = passes * one_pass / 1e6
    return {
        "megabytes": round(megabytes, 2),
        "passes": passes,
        "files_per_pass": len(files),
        "interactions": interactions,
        "semcrm_cpu_seconds": round(semcrm_seconds, 2),
        "semcrm_mb_per_s_per_core": round(megabytes / semcrm_seconds, 3),
        "baseline_cpu_seconds": round(baseline_seconds, 3),
        "baseline_mb_per_s_per_core": round(megabytes / baseline_seconds, 2),
        "baseline_over_semcrm": round(semcrm_seconds / baseline_seconds, 1),
        "baseline_matches": matches,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=50.0, help="megabytes to process (default 50)")
    parser.add_argument(
        "--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = run(corpus(args.shared), int(args.mb * 1e6))
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(
        f"processed {result['megabytes']} MB ({result['passes']} passes over {result['files_per_pass']} files, {result['interactions']} interactions)"
    )
    print(
        f"semcrm readers + de-identification: {result['semcrm_mb_per_s_per_core']} MB/s per core ({result['semcrm_cpu_seconds']} CPU s)"
    )
    print(
        f"baseline decode + regex scan:       {result['baseline_mb_per_s_per_core']} MB/s per core ({result['baseline_cpu_seconds']} CPU s)"
    )
    print(f"semcrm takes {result['baseline_over_semcrm']}x the baseline's time")


if __name__ == "__main__":
    main()
