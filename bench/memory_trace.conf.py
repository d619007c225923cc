"""gunicorn settings for bench/memory.py --trace: deploy/gunicorn.conf.py's, plus allocation
tracing in each worker. Never used outside the benchmark.

After its app is loaded a worker starts tracemalloc (ABSHER_BENCH_TRACE_FRAMES frames per
allocation) and, on SIGUSR2 (which gunicorn leaves to its default, exiting, in a worker),
writes a snapshot to ABSHER_BENCH_TRACE_DIR/<pid>-<n>.snapshot for the benchmark to compare.
"""

from __future__ import annotations

import os
import runpy
import signal
import tracemalloc
from pathlib import Path

globals().update({name: value for name, value in runpy.run_path(
    str(Path(__file__).resolve().parent.parent / "deploy/gunicorn.conf.py")).items()
    if not name.startswith("__")})


def post_worker_init(worker):
    tracemalloc.start(int(os.environ.get("ABSHER_BENCH_TRACE_FRAMES", "8")))
    taken = []

    def snapshot(_signal, _frame):
        taken.append(None)
        target = Path(os.environ["ABSHER_BENCH_TRACE_DIR"]) / f"{os.getpid()}-{len(taken)}"
        tracemalloc.take_snapshot().dump(str(target) + ".part")
        os.rename(str(target) + ".part", str(target) + ".snapshot")

    signal.signal(signal.SIGUSR2, snapshot)
