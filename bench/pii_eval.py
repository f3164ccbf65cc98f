"""De-identification on the devset: recall per PII unit and look-alike over-redaction.

Usage::

    .venv/bin/python bench/pii_eval.py [--devset DIR] [--json] [--verbose]

Each record is read with the product's readers (``semcrm.ingest.readers``),
so e-mails are evaluated on their decoded text, and scored as the devset
README defines (see :mod:`semcrm.ingest.pii.scoring`). ``--verbose`` lists
misses, leaks and over-redactions by record with the strings: a developer
tool for the synthetic devset, never to be pointed at real customer data.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from semcrm.ingest.pii.scoring import Report, evaluate_devset

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DEVSET = REPO.parent / "shared" / "devset"


def print_report(report: Report, seconds: float, characters: int, verbose: bool) -> None:
    """The figures for people; with ``verbose`` the misses and over-redactions too."""
    figures = report.as_dict()
    print(f"records            {figures['records']}")
    print(f"PII units          {report.units}")
    print(f"recalled           {report.recalled}  ({report.recall:.2%})")
    print(f"leaks (partial)    {report.leaks}")
    print(f"missed             {report.missed}")
    print(f"type accuracy      {report.type_accuracy:.2%} of recalled units")
    print("per type:")
    for pii_type, row in report.per_type().items():
        print(f"  {pii_type:<16} {row['recalled']:>4}/{row['units']:<4} {row['recall']:.2%}")
    print(f"redactions         {report.redactions}")
    print(
        f"look-alikes hit    {report.over_redactions}  "
        f"({report.lookalike_share:.2%} of all redactions)"
    )
    print(f"unlisted           {report.unlisted}  (redactions touching no gold string)")
    print(f"unlocated gold     {figures['unlocated_gold_strings']}")
    print(f"detection time     {seconds:.2f} s for {characters} characters (incl. first-use loads)")
    if verbose:
        for record in report.records:
            for label, units in (("MISS", record.missed), ("LEAK", record.leaks)):
                for unit in units:
                    print(f"{record.record} {label} {sorted(unit.types)} {sorted(unit.strings)}")
            for string in record.over_redactions:
                print(f"{record.record} OVER {string}")
            for string in record.unlocated:
                print(f"{record.record} UNLOCATED {string}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="De-identification recall on the devset.")
    parser.add_argument("--devset", type=Path, default=DEFAULT_DEVSET)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--verbose", action="store_true", help="list misses by record and type")
    args = parser.parse_args(argv)
    if not args.devset.is_dir():
        print(f"{args.devset}: no such devset folder; pass --devset DIR", file=sys.stderr)
        return 2
    report, seconds, characters = evaluate_devset(args.devset)
    if args.json:
        figures = report.as_dict()
        figures["detection_seconds"] = round(seconds, 3)
        figures["characters"] = characters
        print(json.dumps(figures, ensure_ascii=False, indent=2))
    else:
        print_report(report, seconds, characters, args.verbose)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
