"""The peer of bench/excel.ts: openpyxl's write-only workbook writing the same rows.

Generates the benchmark's 15-column call-list rows (the same values as `syntheticRow` in
bench/excel.ts), then times only the write phase: appending the rows and saving the file.
Prints one JSON line: rows, seconds, rows_per_s, file_bytes, extra_rss_mb, lxml.

    python3 bench/openpyxl_writer.py ROWS OUT.xlsx
"""

import datetime
import json
import resource
import sys
import time

import openpyxl
from openpyxl import LXML

DIRECTIONS = ["incoming", "outgoing"]
STATUSES = ["answered", "missed", "abandoned"]
QUEUES = ["sales", "support", "billing", "vip"]
DISPOSITIONS = ["resolved", "callback", "escalated", "none"]
HANGUP = ["agent", "customer", "system"]
BASE = datetime.datetime(2026, 10, 25)
HEADER = ["Start time", "Call ID", "Direction", "Status", "Queue", "Agent",
          "Customer number", "Customer ID", "Duration (s)", "Ring (s)", "Talk (s)",
          "Hold (s)", "Wrap-up (s)", "Disposition", "Hung up by"]


def row(i):
    return [
        BASE + datetime.timedelta(seconds=2 * i),
        "C%d" % (1_000_000_000 + i),
        DIRECTIONS[i % 2],
        STATUSES[i % 3],
        QUEUES[i % 4],
        "Agent %d" % (i % 50),
        "+9198%d" % (10_000_000 + (i * 7919) % 90_000_000),
        "CU%d" % (i % 20_000),
        (i * 37) % 1800,
        i % 30,
        (i * 31) % 1500,
        (i * 7) % 120,
        (i * 11) % 90,
        DISPOSITIONS[i % 4],
        HANGUP[i % 3],
    ]


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    n = int(sys.argv[1])
    out = sys.argv[2]
    rows = [row(i) for i in range(n)]
    before = peak_rss_mb()
    t0 = time.perf_counter()
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Call list")
    ws.append(HEADER)
    for r in rows:
        ws.append(r)
    wb.save(out)
    seconds = time.perf_counter() - t0
    import os
    print(json.dumps({
        "rows": n,
        "seconds": seconds,
        "rows_per_s": n / seconds,
        "file_bytes": os.path.getsize(out),
        "extra_rss_mb": max(0.0, peak_rss_mb() - before),
        "lxml": bool(LXML),
    }))


if __name__ == "__main__":
    main()
