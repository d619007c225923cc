"""The one table `make bench` ends with: every benchmark's verdicts, from the file each
script added its lines to (bench/support.py `record`).

    .venv/bin/python bench/summary.py FILE [--expect NAME ...]

A benchmark named with --expect that added no line (it crashed before its verdicts) is a
line of its own, marked MISSING. Exit status 1 if any line missed its target or is missing.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--expect", nargs="*", default=[],
                        help="benchmarks that must have added at least one line")
    args = parser.parse_args()
    lines = []
    if args.file.exists():
        lines = [json.loads(text) for text in args.file.read_text(encoding="utf-8").splitlines()
                 if text.strip()]
    seen = {line["benchmark"] for line in lines}
    lines += [{"benchmark": name, "measure": "(no result: the script failed, see above)",
               "figure": "-", "target": "-", "ok": False, "missing": True}
              for name in args.expect if name not in seen]
    machines = sorted({line["machine"] for line in lines if line.get("machine")})
    widths = [max([len(heading)] + [len(str(line[key])) for line in lines])
              for heading, key in (("benchmark", "benchmark"), ("measure", "measure"),
                                   ("figure", "figure"), ("target", "target"))]
    header = (f"{'benchmark':<{widths[0]}}  {'measure':<{widths[1]}}  {'figure':>{widths[2]}}  "
              f"{'target':<{widths[3]}}  verdict")
    print("\n== make bench: every target ==")
    for machine in machines:
        print(f"machine: {machine}")
    print(header)
    print("-" * len(header))
    failed = 0
    for line in lines:
        if line.get("missing"):
            verdict = "MISSING"
        elif line["ok"] is None:
            verdict = "(information)"
        else:
            verdict = "ok" if line["ok"] else "MISSED"
        failed += verdict in ("MISSING", "MISSED")
        print(f"{line['benchmark']:<{widths[0]}}  {line['measure']:<{widths[1]}}  "
              f"{line['figure']:>{widths[2]}}  {line['target']:<{widths[3]}}  {verdict}")
    print(f"{len(lines)} lines, {failed} missed or missing")
    return 1 if failed or not lines else 0


if __name__ == "__main__":
    sys.exit(main())
