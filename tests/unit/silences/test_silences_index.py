from dataclasses import replace

from silences_helpers import T0, sil

from alertmanager.silences import Silences


def _big_store(clock, n=10_000):
    store = Silences(clock=clock)
    ids = [store.set(sil(("alertname", "=", f"A{i}"), ("job", "=~", "api|web"))) for i in range(n)]
    return store, ids


def test_mutes_only_checks_candidates_among_10000(clock):
    store, ids = _big_store(clock)
    scan = [store.set(sil(("severity", "=~", "crit.*"))), store.set(sil(("env", "!=", "prod")))]
    before = store.matcher_evaluations
    active, pending = store.mutes({"alertname": "A42", "job": "api", "env": "prod"}, T0)
    assert active == [ids[42]] and pending == []
    # one indexed candidate plus the two silences without an equality matcher, not 10,002
    assert store.matcher_evaluations - before == 3
    before = store.matcher_evaluations
    assert store.mutes({"alertname": "nope", "severity": "critical"}, T0) == (sorted(scan), [])  # env absent
    assert store.matcher_evaluations - before == 2


def test_query_by_labels_uses_the_index(clock):
    store, ids = _big_store(clock, 1000)
    before = store.matcher_evaluations
    assert [s.id for s in store.query(matches_labels={"alertname": "A7", "job": "web"})] == [ids[7]]
    assert store.matcher_evaluations - before == 1


def test_empty_equality_matcher_is_scanned_not_indexed(clock):
    store = Silences(clock=clock)
    sid = store.set(sil(("team", "=", ""), ("alertname", "=~", "Disk.*")))
    assert store.mutes({"alertname": "DiskFull"}, T0) == ([sid], [])  # team missing matches ""
    assert store.mutes({"alertname": "DiskFull", "team": "x"}, T0) == ([], [])


def test_index_follows_updates_and_gc(clock):
    store = Silences(clock=clock)
    sid = store.set(sil(("alertname", "=", "A")))
    new = store.set(replace(store.get(sid), matchers=sil(("alertname", "=", "B")).matchers))
    now = clock.advance(seconds=1)
    assert store.mutes({"alertname": "B"}, now) == ([new], [])
    assert store.mutes({"alertname": "A"}, now) == ([], [])
    clock.advance(hours=500)
    assert store.gc() == 2
    before = store.matcher_evaluations
    assert store.mutes({"alertname": "B"}, clock.now) == ([], [])
    assert store.matcher_evaluations == before


def test_index_matches_brute_force(clock):
    store = Silences(clock=clock)
    specs = [
        (("a", "=", "1"),), (("a", "=", "1"), ("b", "=", "2")), (("a", "=~", "1|2"),),
        (("b", "!=", "2"), ("a", "=", "2")), (("c", "!~", ".+"), ("a", "=", "1")),
    ]
    for s in specs:
        store.set(sil(*s))
    for labels in [{"a": "1"}, {"a": "1", "b": "2"}, {"a": "2"}, {"a": "2", "b": "3"}, {"a": "1", "c": "x"}, {}]:
        expected = sorted(s.id for s in store.query() if s.matches(labels))
        assert store.mutes(labels, T0)[0] == expected, labels
