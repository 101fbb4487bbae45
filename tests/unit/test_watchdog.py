from agents.stream.watchdog import StallWatch

TP = ("exchange.events", 0)


def test_moving_consumer_is_not_stalled() -> None:
    w = StallWatch(limit_seconds=10)
    for t in range(0, 100, 5):
        w.observe(float(t), TP, position=t, highwater=t + 50)
    assert w.stalled(100.0) == []


def test_idle_consumer_without_lag_is_not_stalled() -> None:
    w = StallWatch(limit_seconds=10)
    for t in range(0, 100, 5):
        w.observe(float(t), TP, position=7, highwater=7)
    assert w.stalled(100.0) == []


def test_stuck_position_with_waiting_messages_is_stalled() -> None:
    w = StallWatch(limit_seconds=10)
    w.observe(0.0, TP, position=7, highwater=7)
    w.observe(5.0, TP, position=7, highwater=9)  # messages arrive; waiting starts
    w.observe(12.0, TP, position=7, highwater=9)
    assert w.stalled(12.0) == []  # 7 s of waiting: under the limit
    w.observe(16.0, TP, position=7, highwater=12)
    assert w.stalled(16.0) == [TP]
    assert w.lag()[TP] == 5
    w.observe(17.0, TP, position=12, highwater=12)  # it moves again
    assert w.stalled(17.0) == []


def test_reassigned_partitions_are_forgotten() -> None:
    w = StallWatch(limit_seconds=1)
    w.observe(0.0, TP, position=0, highwater=5)
    w.forget_others(set())
    assert w.stalled(10.0) == [] and w.lag() == {}


def test_a_consumer_that_stops_answering_is_reported() -> None:
    w = StallWatch(limit_seconds=10, started=0.0)
    assert w.problems(5.0) == []
    w.checked(5.0, assigned=2)
    assert w.problems(14.0) == []
    assert "not answered a check for 16 s" in w.problems(21.0)[0]


def test_a_worker_left_without_partitions_is_reported() -> None:
    w = StallWatch(limit_seconds=10, started=0.0)
    w.checked(1.0, assigned=0)
    w.checked(6.0, assigned=0)
    assert w.problems(6.0) == []
    w.checked(12.0, assigned=0)
    assert "no input partition assigned for 11 s" in w.problems(12.0)[0]
    w.checked(13.0, assigned=3)
    assert w.problems(13.0) == []
