"""The committed JSON Schema files are exactly what the models export."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import orjson

from schemas.export import PACKAGED, export, schema_documents
from tests.unit.test_schemas import EXCHANGE, ITEM


def test_committed_schemas_match_models() -> None:
    docs = schema_documents()
    committed = {p.name: p.read_bytes() for p in PACKAGED.glob("*.schema.json")}
    assert set(committed) == set(docs), "run: make schemas"
    for name, data in docs.items():
        assert committed[name] == data, f"{name} is stale; run: make schemas"


def test_export_writes_every_file(tmp_path: Path) -> None:
    written = export(tmp_path)
    assert {p.name for p in written} == set(schema_documents())


def test_schemas_validate_examples_like_pydantic() -> None:
    news = orjson.loads(schema_documents()["NewsItem.schema.json"])
    event = orjson.loads(schema_documents()["ExchangeEvent.schema.json"])
    jsonschema.validate(ITEM, news)
    jsonschema.validate(EXCHANGE, event)
    bad = {**EXCHANGE, "received": {"UA": -1}}
    try:
        jsonschema.validate(bad, event)
    except jsonschema.ValidationError:
        pass
    else:
        raise AssertionError("negative count passed the exported schema")
