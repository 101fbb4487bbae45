"""Create the topics the service uses before the worker starts, so that it never depends on the
broker creating topics on first use (`auto.create.topics.enable`, off on most production
clusters). Topics that exist are left as they are."""

from __future__ import annotations

import logging

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import for_code

from streams.settings import Settings
from streams.topics import TopicNames, TopicSpec, topic_specs

log = logging.getLogger("exchange_watch")

# CreateTopics error codes that mean "there already": another worker created it meanwhile.
ALREADY_THERE = {0, 36}


class TopicError(RuntimeError):
    """The broker refused to create a topic; the message names it and says why."""


def wanted(settings: Settings) -> list[TopicSpec]:
    names = TopicNames.with_prefix(settings.topic_prefix)
    return topic_specs(names, settings.partitions, settings.retention_days)


async def create_topics(settings: Settings) -> list[str]:
    """Create every missing topic of `wanted(settings)`; returns the names created."""
    admin = AIOKafkaAdminClient(
        **settings.kafka_client_options(),
        client_id=f"{settings.app_id}-topics",
    )
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [spec for spec in wanted(settings) if spec.name not in existing]
        if not missing:
            return []
        response = await admin.create_topics(
            [
                NewTopic(
                    spec.name,
                    spec.partitions,
                    settings.replication,
                    topic_configs=spec.configs,
                )
                for spec in missing
            ]
        )
        problems = []
        for topic, code, *rest in response.topic_errors:
            if code not in ALREADY_THERE:
                message = rest[0] if rest and rest[0] else for_code(code).__name__
                problems.append(f"{topic}: {message}")
        if problems:
            raise TopicError("cannot create topics: " + "; ".join(problems))
        created = [spec.name for spec in missing]
        log.info("created topics: %s", ", ".join(created))
        return created
    finally:
        await admin.close()
