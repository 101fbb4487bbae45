"""The orjson codec, registered with Faust under the name `orjson`.

Output topics use it, so agents send pydantic models as they are. Input topics are read as raw
bytes and decoded with `schemas.codec`, because a message that fails to decode must reach the
dead-letter topic with its original bytes instead of stopping the agent.
"""

from __future__ import annotations

from typing import Any

import orjson
from faust.serializers import codecs

from schemas.codec import dumps


class OrjsonCodec(codecs.Codec):
    def _dumps(self, obj: Any) -> bytes:
        return dumps(obj)

    def _loads(self, s: bytes) -> Any:
        return orjson.loads(s)


def register() -> None:
    codecs.register("orjson", OrjsonCodec())
