from datetime import timedelta

from prometheus_client import CollectorRegistry
from silences_helpers import T0, sil

from alertmanager.model.labels import fingerprint
from alertmanager.silences import Silencer, Silences
from alertmanager.store.marker import MemMarker

H = timedelta(hours=1)
LABELS = {"alertname": "Foo", "job": "api"}
FP = fingerprint(LABELS)


def _setup(clock):
    reg = CollectorRegistry()
    store = Silences(clock=clock, registry=reg)
    marker = MemMarker()
    return store, marker, Silencer(store, marker), reg


def test_no_silence_marks_unsilenced_with_version(clock):
    store, marker, silencer, _ = _setup(clock)
    assert silencer.mutes(LABELS, T0) is False
    assert marker.silenced(FP) == ((), (), store.version, True)


def test_active_silence_mutes_and_marks(clock):
    store, marker, silencer, _ = _setup(clock)
    sid = store.set(sil(("alertname", "=", "Foo")))
    store.set(sil(("alertname", "=", "Other")))
    assert silencer.mutes(LABELS, T0) is True
    assert marker.silenced(FP) == ((sid,), (), store.version, True)
    assert marker.status(FP) == ("suppressed", (sid,), ())


def test_pending_becomes_active_without_version_change(clock):
    store, marker, silencer, reg = _setup(clock)
    sid = store.set(sil(("job", "=", "api"), start=T0 + H, end=T0 + 2 * H))
    assert silencer.mutes(LABELS, T0) is False
    assert marker.silenced(FP)[:2] == ((), (sid,))
    evaluations = store.matcher_evaluations
    assert silencer.mutes(LABELS, T0 + H) is True  # same version: only the known id is re-checked
    assert store.matcher_evaluations == evaluations
    assert marker.silenced(FP)[:2] == ((sid,), ())
    assert silencer.mutes(LABELS, T0 + 3 * H) is False  # and it ends
    assert marker.silenced(FP)[:2] == ((), ())


def test_unchanged_version_and_nothing_known_skips_the_store(clock):
    store, marker, silencer, reg = _setup(clock)
    store.set(sil(("alertname", "=", "Bar")))
    silencer.mutes(LABELS, T0)
    queries = reg.get_sample_value("alertmanager_silences_queries_total")
    assert silencer.mutes(LABELS, T0) is False
    assert reg.get_sample_value("alertmanager_silences_queries_total") == queries


def test_new_silence_bumps_version_and_is_found(clock):
    store, marker, silencer, _ = _setup(clock)
    assert silencer.mutes(LABELS, T0) is False
    sid = store.set(sil(("alertname", "=~", "F.*")))
    assert silencer.mutes(LABELS, T0) is True
    assert marker.silenced(FP)[0] == (sid,)


def test_expired_silence_unmutes(clock):
    store, marker, silencer, _ = _setup(clock)
    sid = store.set(sil(("alertname", "=", "Foo")))
    assert silencer.mutes(LABELS, T0) is True
    later = clock.advance(minutes=1)
    store.expire(sid)
    assert silencer.mutes(LABELS, later + timedelta(seconds=1)) is False
    assert marker.status(FP) == ("active", (), ())


def test_given_fingerprint_and_unrecorded_queries(clock):
    store, marker, silencer, reg = _setup(clock)
    sid = store.set(sil(("alertname", "=", "Foo")))
    before = reg.get_sample_value("alertmanager_silences_queries_total")
    assert silencer.mutes(LABELS, T0, 77, record=False) is True
    assert marker.silenced(77) == ((sid,), (), store.version, True)
    assert marker.silenced(FP)[3] is False  # nothing recomputed or marked under the labels' own fp
    assert reg.get_sample_value("alertmanager_silences_queries_total") == before
    store.record_queries(1, 0.5)
    assert reg.get_sample_value("alertmanager_silences_queries_total") == before + 1
    assert silencer.mutes(LABELS, T0, 77) is True
    assert reg.get_sample_value("alertmanager_silences_queries_total") == before + 2
