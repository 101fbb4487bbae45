"""Corrections to faust-streaming 0.15 that the service's guarantees depend on.

Exactly-once commit: Faust's `TransactionManager.commit` sends the consumed offsets and commits
the transactions without first draining the producer buffer where table changelog writes wait
(`send_soon`); its at-least-once path does flush. Writes of an event whose offset is committed
could then land in the next transaction, and a crash lost them: found by the kill -9 test,
where one swap was counted twice after a restart. The fix flushes before committing.
"""

from __future__ import annotations

from typing import Any

from faust.transport.consumer import TransactionManager

_original_commit = TransactionManager.commit


async def _commit_after_flush(
    self: TransactionManager, offsets: Any, start_new_transaction: bool = True
) -> bool:
    await self.producer.flush()
    return bool(await _original_commit(self, offsets, start_new_transaction))


def apply() -> None:
    """Install the corrections (idempotent)."""
    if TransactionManager.commit is not _commit_after_flush:
        TransactionManager.commit = _commit_after_flush  # type: ignore[method-assign]
