"""The feed poller: RSS and Atom feeds into `news.items`.

The pure parts (`config`, `entries`, `schedule`) import neither Kafka nor Faust; `fetch` does the
HTTP, `seen` keeps the ids already produced in a compacted topic, `poller` runs the loop.
"""
