"""JSON Schema files for every message, so that scrapers in any language can validate."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
from pydantic import TypeAdapter

from schemas.alerts import Alert
from schemas.deadletter import DeadLetter
from schemas.events import AnyEvent
from schemas.news import ClassifiedNews, NewsItem

SCHEMAS: dict[str, Any] = {
    "NewsItem": NewsItem,
    "ClassifiedNews": ClassifiedNews,
    "ExchangeEvent": AnyEvent,
    "Alert": Alert,
    "DeadLetter": DeadLetter,
}

# Where the committed copies live (inside the package, so that they ship with it).
PACKAGED = Path(__file__).parent / "jsonschema"


def schema_documents() -> dict[str, bytes]:
    """File name to JSON Schema bytes, stable (sorted keys, two-space indent)."""
    docs: dict[str, bytes] = {}
    for name, typ in SCHEMAS.items():
        schema = TypeAdapter(typ).json_schema(mode="validation")
        schema = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"exchange-watch/{name}.schema.json",
            "title": name,
            **{k: v for k, v in schema.items() if k != "title"},
        }
        docs[f"{name}.schema.json"] = (
            orjson.dumps(schema, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"
        )
    return docs


def export(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for filename, data in schema_documents().items():
        path = directory / filename
        path.write_bytes(data)
        written.append(path)
    return written
