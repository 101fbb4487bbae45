"""The pure domain core of exchange-watch: no Faust, no I/O besides reading the agreements file.

The Faust worker and the offline `replay` command drive the same `Engine` (engine.py) over the
same `Stores` (stores.py), so that they give the same alerts for the same events.

- config.py       thresholds and the agreements file (deploy/agreements.toml), EXWATCH_* vars
- dates.py        reduced-precision dates as periods; day, ISO week and month windows
- dedupe.py       same swap or not (date and figure tolerances); claims resolution policy
- exchanges.py    reports into swaps: match, merge, resolve, count the difference
- ledger.py       totals, windows and per-agreement progress
- agreements.py   agreements from the file and from commitment events; attachment
- suspensions.py  suspensions and their end (resumption, or a later exchange)
- reported.py     cumulative figures as reported, beside what the tables explain
- pace.py         commitment pace: delivered, recent rate, projection, behind or not
- rules.py        the stall rules and the alert state machine
- views.py        JSON views of agreements and suspensions
- from_news.py    facts of a classified news item into events
- replay.py       JSONL files through the engine, offline
"""
