"""CPU time of `replay` and of `Engine.apply` in it, for one source tree and one events file.

    python bench/engine_cpu.py TREE EVENTS.jsonl

Imports the engine from TREE (a checkout or `git archive` of any commit, older ones
included), so that `bench_engine.py --against` can time two trees with the same
interpreter, one process each. Prints two numbers: seconds of this thread's CPU for the
whole replay and for the time inside `Engine.apply`.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def timed_replay(
    engine: Any, run: Callable[..., Any], events: Path, config: Any, clock: Callable[[], float]
) -> tuple[float, float, Any]:
    """`run([events], config)` timed by `clock`: seconds for the whole replay, seconds inside
    `engine.apply` (the Engine class is patched for the run, then restored), and the result.
    Takes the engine's parts as arguments: it times any tree's engine."""
    inside = [0.0]
    apply = engine.apply

    def timed(self: Any, event: Any) -> Any:
        started = clock()
        try:
            return apply(self, event)
        finally:
            inside[0] += clock() - started

    engine.apply = timed
    try:
        started = clock()
        result = run([events], config)
        took = clock() - started
    finally:
        engine.apply = apply
    return took, inside[0], result


def main() -> int:
    tree, events = Path(sys.argv[1]).resolve(), Path(sys.argv[2])
    sys.path.insert(0, str(tree))
    from agents.core.config import Config
    from agents.core.engine import Engine
    from agents.core.replay import run

    # Older trees read their settings with Config.from_env; newer ones with Config.load.
    load = getattr(Config, "load", None)
    config = load() if load is not None else Config.from_env({})  # type: ignore[attr-defined]
    took, inside, result = timed_replay(Engine, run, events, config, time.thread_time)
    if result.rejected:
        raise SystemExit(f"{events}: {len(result.rejected)} lines rejected")
    print(f"{took:.4f} {inside:.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
