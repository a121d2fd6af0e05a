"""Rewrite the golden reports from the current code.

    cd <repo> && .venv/bin/python -m tests.analyzers.golden.regenerate [NAME ...]

Run it only for an intentional behaviour change, and review the JSON diff in the
commit: the golden files are what ``tests/analyzers/test_golden.py`` holds the
pipeline to. Without names every case is rewritten (the benchmark call needs
espeak-ng; the transcribed ones the bundled tiny.en model).
"""

from __future__ import annotations

import json
import sys

from tests.analyzers.golden.cases import all_cases, report_json, run_case


def main(names: list[str]) -> None:
    for case in all_cases():
        if names and case.name not in names:
            continue
        data = report_json(run_case(case))
        case.path.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
        print(f"wrote {case.path.name}")


if __name__ == "__main__":
    main(sys.argv[1:])
