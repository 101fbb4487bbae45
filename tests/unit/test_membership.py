"""The worker's group membership settings reach Faust's consumer configuration."""

from __future__ import annotations

import pytest

from streams.app import make_app
from streams.settings import Settings, SettingsError


def test_static_membership_is_off_unless_an_instance_id_is_set() -> None:
    assert Settings.from_env({}).group_instance_id is None  # Faust's default: dynamic
    # (one app per process: the Prometheus sensor registers its metrics once)
    app = make_app(Settings.from_env({"EXWATCH_GROUP_INSTANCE_ID": "worker-1"}))
    assert app.conf.consumer_group_instance_id == "worker-1"
    assert app.conf.broker_session_timeout == 10.0


def test_an_instance_id_that_kafka_would_refuse_is_refused_by_name() -> None:
    with pytest.raises(SettingsError, match="EXWATCH_GROUP_INSTANCE_ID"):
        Settings.from_env({"EXWATCH_GROUP_INSTANCE_ID": "worker 1; drop"})
