"""Does the store scale? Per-turn save time and open+list time with 10 and with 10,000 stored calls.

    .venv/bin/python bench/store_scale.py [--turns 150] [--big 10000]

Opening is timed in this process and in a new interpreter (imports included, as when the app starts).
Builds each store in a temporary directory (the big one by writing the call files and index.json
directly, in the store's own format), then saves the turns of a new call into both stores, alternating
so that disk noise hits both alike. Targets: the 10,000-call per-turn median within 1.5x of the 10-call
one; opening and listing 10,000 calls under 0.5 s more than 10.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from roleplay.domain.transcript import Transcript, Turn  # noqa: E402
from roleplay.store import Store  # noqa: E402
from roleplay.store.atomic_storage import encode_json  # noqa: E402
from roleplay.store.layout import Layout, call_file, index_file  # noqa: E402
from roleplay.store.migrations import SCHEMA_VERSION  # noqa: E402
from roleplay.store.store import index_row  # noqa: E402

T0 = datetime(2025, 1, 6, 9, 0, tzinfo=timezone.utc)
LINES = [
    ("client", "Morning. I have about fifteen minutes, what is this about?"),
    ("rep", "Thanks for the time. How do you plan maintenance across the three plants today?"),
    ("client", "Mostly spreadsheets per site, and the supervisors know the machines."),
    ("rep", "What happens when a line stops without warning?"),
    ("client", "We lose a shift, sometimes two, and overtime goes through the roof."),
    ("rep", "How does that show up in what you report to the board each quarter?"),
]


def transcript(i: int, turns: int, ended: bool = True) -> Transcript:
    started = T0 + timedelta(minutes=7 * i)
    t = Transcript(id=f"{started:%Y%m%d-%H%M%S}-path_3_power_holder-{i:05x}", scenario="path_3_power_holder",
                   persona="busy_executive", rep=f"rep{i % 17}", started=started)
    for n in range(turns):
        speaker, text = LINES[n % len(LINES)]
        t.turns.append(Turn(speaker=speaker, text=text, at=started + timedelta(seconds=20 * n)))
    if ended:
        t.outcome, t.ended = "continuation", started + timedelta(minutes=6)
    return t


def build(home: Path, n: int) -> None:
    """n stored calls (the last 3 unfinished), written directly: no fsync, one index write."""
    layout = Layout(home)
    layout.calls.mkdir(parents=True)
    rows = []
    for i in range(n):
        t = transcript(i, 14, ended=i < n - 3)
        layout.call(t.id).write_bytes(encode_json(call_file({"schema": SCHEMA_VERSION,
                                                              "transcript": t.model_dump(mode="json")})))
        rows.append(index_row(t, None))
    layout.index.write_bytes(encode_json(index_file(rows, SCHEMA_VERSION)))


def open_and_list(home: Path) -> tuple[float, int]:
    t = time.perf_counter()
    n = len(Store(home).list())
    return time.perf_counter() - t, n


FRESH = """
import sys, time
t = time.perf_counter()
from roleplay.store import Store
n = len(Store(sys.argv[1]).list())
print(time.perf_counter() - t)
"""


def fresh_process_open_and_list(home: Path) -> float:
    """Import the store, open it and list it in a new interpreter, as `roleplay` starting up would."""
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-c", FRESH, str(home)], cwd=root, capture_output=True, text=True,
                         check=True)
    return float(out.stdout)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--turns", type=int, default=150, help="turns saved into each store (default 150)")
    ap.add_argument("--big", type=int, default=10_000, help="calls in the big store (default 10000)")
    args = ap.parse_args()
    sizes = (10, args.big)
    with tempfile.TemporaryDirectory(prefix="roleplay-bench-") as tmp:
        homes = {}
        for n in sizes:
            homes[n] = Path(tmp) / f"store{n}"
            t = time.perf_counter()
            build(homes[n], n)
            print(f"built {n:>6} calls in {time.perf_counter() - t:5.2f} s", file=sys.stderr)

        opening = {}
        for n in sizes:
            first, count = open_and_list(homes[n])
            assert count == n, (count, n)
            rest = [open_and_list(homes[n])[0] for _ in range(5)]
            fresh = statistics.median(fresh_process_open_and_list(homes[n]) for _ in range(3))
            opening[n] = (first, statistics.median(rest), fresh)

        stores = {n: Store(homes[n]) for n in sizes}
        calls = {n: transcript(10**6 + n, 1, ended=False) for n in sizes}
        start = {}
        for n in sizes:  # the first save of a call adds its index row
            t = time.perf_counter()
            stores[n].save(calls[n])
            start[n] = time.perf_counter() - t
        per_turn = {n: [] for n in sizes}
        for k in range(args.turns):
            for n in sizes if k % 2 else reversed(sizes):
                speaker, text = LINES[k % len(LINES)]
                calls[n].turns.append(Turn(speaker=speaker, text=text))
                t = time.perf_counter()
                stores[n].save(calls[n])
                per_turn[n].append(time.perf_counter() - t)
        end = {}
        for n in sizes:  # the call ends: its index row changes once more
            calls[n].outcome = "advance"
            t = time.perf_counter()
            stores[n].save(calls[n])
            end[n] = time.perf_counter() - t

    small, big = sizes
    med = {n: statistics.median(per_turn[n]) for n in sizes}
    p90 = {n: statistics.quantiles(per_turn[n], n=10)[-1] for n in sizes}
    print(f"{'stored calls':>14} {'turn save median':>17} {'p90':>8} {'call start':>11} {'call end':>9} "
          f"{'open+list first':>16} {'open+list median':>17} {'new process':>12}")
    for n in sizes:
        print(f"{n:>14} {med[n] * 1000:>14.2f} ms {p90[n] * 1000:>5.1f} ms {start[n] * 1000:>8.1f} ms "
              f"{end[n] * 1000:>6.1f} ms {opening[n][0] * 1000:>13.1f} ms {opening[n][1] * 1000:>14.1f} ms "
              f"{opening[n][2] * 1000:>9.1f} ms")
    ratio = med[big] / med[small]
    extra = max(opening[big][1] - opening[small][1], opening[big][2] - opening[small][2])
    print(f"\nturn save, {big} vs {small} calls: {ratio:.2f}x (target <= 1.5x)")
    print(f"open+list, extra for {big} calls: {extra * 1000:.0f} ms (target < 500 ms)")
    return 0 if ratio <= 1.5 and extra < 0.5 else 1


if __name__ == "__main__":
    raise SystemExit(main())
