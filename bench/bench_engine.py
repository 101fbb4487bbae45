"""Throughput of the engine alone, and its store reads and writes per event.

    python bench/bench_engine.py [--events 10000] [--repeat 3] [--against TREE [--rounds 7]]

The events are bench_ingest's: distinct swaps plus half as many re-deliveries, shuffled in
after their originals (`tests.support.swap_stream`, seed 7). Prints `replay` events per second
(decoding and the engine on plain dicts; the best of `--repeat` runs) and the time inside
`Engine.apply` alone. Then one more run over stores that count their accesses: reads (`get`,
`[]`, `in`) and writes (set, delete) per event, as the worker's Faust tables would see them
(each read there costs RocksDB lookups and a JSON decode, each write a changelog record).

With `--against TREE` (another commit's tree, e.g. `git archive <commit> | tar -x -C TREE`),
it then times both trees on the same events, one process each (`engine_cpu.py`), in turns for
`--rounds` rounds: the medians of thread CPU seconds for the replay and inside
`Engine.apply`, and the medians of the per-round ratios TREE / this tree.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, MutableMapping
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from agents.core.config import Config
from agents.core.engine import Engine
from agents.core.replay import run as replay
from agents.core.stores import JSON, Stores
from bench.engine_cpu import timed_replay
from tests.support import swap_stream


class Counted(MutableMapping[str, JSON]):
    """A dict that counts reads and writes into a shared tally."""

    def __init__(self, tally: dict[str, int]) -> None:
        self.data: dict[str, JSON] = {}
        self.tally = tally

    def __getitem__(self, key: str) -> JSON:
        self.tally["reads"] += 1
        return self.data[key]

    def __contains__(self, key: object) -> bool:
        self.tally["reads"] += 1
        return key in self.data

    def __setitem__(self, key: str, value: JSON) -> None:
        self.tally["writes"] += 1
        self.data[key] = value

    def __delitem__(self, key: str) -> None:
        self.tally["writes"] += 1
        del self.data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(list(self.data))

    def __len__(self) -> int:
        return len(self.data)


def timed_run(path: Path, config: Config) -> tuple[float, float]:
    """Seconds for the whole replay and seconds inside `Engine.apply`."""
    took, inside, result = timed_replay(Engine, replay, path, config, time.perf_counter)
    assert not result.rejected
    return took, inside


def cpu(tree: Path, events: Path) -> tuple[float, float]:
    """Thread CPU seconds of the replay and inside `Engine.apply`, in a process of its own."""
    script = Path(__file__).resolve().parent / "engine_cpu.py"
    out = subprocess.run(
        [sys.executable, str(script), str(tree), str(events)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return float(out[0]), float(out[1])


def against(baseline: Path, events: Path, rounds: int) -> None:
    here = Path(__file__).resolve().parent.parent
    runs: dict[str, list[tuple[float, float]]] = {"baseline": [], "this tree": []}
    for _ in range(rounds):
        runs["baseline"].append(cpu(baseline, events))
        runs["this tree"].append(cpu(here, events))
    for name, got in runs.items():
        replay_s = statistics.median(r for r, _ in got)
        engine_s = statistics.median(e for _, e in got)
        print(f"{name}: replay {replay_s:.2f} s CPU, Engine.apply {engine_s:.2f} s (medians)")
    pairs = list(zip(runs["baseline"], runs["this tree"], strict=True))
    replay_ratio = statistics.median(b[0] / t[0] for b, t in pairs)
    engine_ratio = statistics.median(b[1] / t[1] for b, t in pairs)
    print(
        f"baseline / this tree, median of {rounds} rounds: replay {replay_ratio:.2f}x, "
        f"Engine.apply {engine_ratio:.2f}x"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000, help="distinct swaps")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs (the best is shown)")
    parser.add_argument("--against", type=Path, help="another tree to time in turns with this one")
    parser.add_argument("--rounds", type=int, default=7, help="rounds of --against")
    args = parser.parse_args()
    lines, _, _ = swap_stream(
        args.events, args.events // 2, seed=7, source="bench", id_prefix="bench"
    )
    config = Config.load()
    with tempfile.TemporaryDirectory(prefix="bench-engine-") as tmp:
        path = Path(tmp) / "events.jsonl"
        path.write_bytes(b"\n".join(lines) + b"\n")
        runs = [timed_run(path, config) for _ in range(args.repeat)]
        took, inside = min(runs)
        print(f"{len(lines):,} events ({args.events:,} distinct swaps)")
        print(f"replay: {len(lines) / took:,.0f} events/s ({took:.2f} s)")
        print(f"engine alone (Engine.apply): {len(lines) / inside:,.0f} events/s ({inside:.2f} s)")
        tally = {"reads": 0, "writes": 0}
        names = [f.name for f in dataclasses.fields(Stores)]
        stores = Stores(**{name: Counted(tally) for name in names})
        replay([path], config, stores=stores)
        print(
            f"store accesses per event: {tally['reads'] / len(lines):.1f} reads, "
            f"{tally['writes'] / len(lines):.1f} writes"
        )
        if args.against is not None:
            against(args.against, path, args.rounds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
