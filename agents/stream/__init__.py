"""The Faust agents and what they share: thin wiring around the pure reader and engine.

`classify` reads news.items, `ingest` applies exchange.events and ticks; `service` holds the
handles both share, `sending` and `deadletters` what they send, `positions` each agent's own
place in its input, `watchdog` the stalled-partition check. Registered by `streams.app`.
"""
