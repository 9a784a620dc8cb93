"""The routing tree: inheritance, matching with continue, keys and ids as upstream prints them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from alertmanager.config.schema import RouteConfig
from alertmanager.dispatch.group import group_key
from alertmanager.dispatch.route import DEFAULT_ROUTE_OPTS, Route, matchers_string
from alertmanager.model.matchers import Matcher


def eq(name: str, value: str) -> Matcher:
    return Matcher.create(name, "=", value)


def rx(name: str, value: str) -> Matcher:
    return Matcher.create(name, "=~", value)


def rc(*matchers: Matcher, **kw: object) -> RouteConfig:
    return RouteConfig(matchers=tuple(matchers), **kw)  # type: ignore[arg-type]


# The tree of upstream's dispatch/route_test.go TestRouteMatch (match/match_re become matchers;
# legacy match_re values are anchored as upstream 0.25 prints them).
UPSTREAM_TREE = rc(
    receiver="notify-def",
    routes=(
        rc(
            eq("owner", "team-A"),
            receiver="notify-A",
            routes=(
                rc(eq("env", "testing"), receiver="notify-testing", group_by_all=True),
                rc(
                    eq("env", "production"),
                    receiver="notify-productionA",
                    group_wait=timedelta(minutes=1),
                    continue_=True,
                ),
                rc(
                    rx("env", "^(?:produ.*)$"),
                    rx("job", "^(?:.*)$"),
                    receiver="notify-productionB",
                    group_wait=timedelta(seconds=30),
                    group_interval=timedelta(minutes=5),
                    repeat_interval=timedelta(hours=1),
                    group_by=("job",),
                ),
            ),
        ),
        rc(
            rx("owner", "^(?:team-(B|C))$"),
            group_by=("foo", "bar"),
            group_wait=timedelta(minutes=2),
            receiver="notify-BC",
        ),
        rc(
            eq("group_by", "role"),
            group_by=("role",),
            routes=(
                rc(
                    eq("env", "testing"),
                    receiver="notify-testing",
                    routes=(rc(eq("wait", "long"), group_wait=timedelta(minutes=2)),),
                ),
            ),
        ),
    ),
)


@pytest.mark.parametrize(
    ("labels", "receivers", "keys"),
    [
        ({"owner": "team-A"}, ["notify-A"], ['{}/{owner="team-A"}']),
        ({"owner": "team-A", "env": "unset"}, ["notify-A"], ['{}/{owner="team-A"}']),
        ({"owner": "team-C"}, ["notify-BC"], ['{}/{owner=~"^(?:team-(B|C))$"}']),
        (
            {"owner": "team-A", "env": "testing"},
            ["notify-testing"],
            ['{}/{owner="team-A"}/{env="testing"}'],
        ),
        (
            {"owner": "team-A", "env": "production"},
            ["notify-productionA", "notify-productionB"],
            [
                '{}/{owner="team-A"}/{env="production"}',
                '{}/{owner="team-A"}/{env=~"^(?:produ.*)$",job=~"^(?:.*)$"}',
            ],
        ),
        ({"group_by": "role"}, ["notify-def"], ['{}/{group_by="role"}']),
        (
            {"group_by": "role", "env": "testing"},
            ["notify-testing"],
            ['{}/{group_by="role"}/{env="testing"}'],
        ),
        (
            {"group_by": "role", "env": "testing", "wait": "long"},
            ["notify-testing"],
            ['{}/{group_by="role"}/{env="testing"}/{wait="long"}'],
        ),
        ({"other": "x"}, ["notify-def"], ["{}"]),
    ],
    ids=["team-A", "team-A-unset-env", "team-C-regex", "testing", "production-continue",
         "role", "role-testing", "role-testing-long", "root-fallback"],
)
def test_match_receivers_and_keys(labels: dict[str, str], receivers: list[str], keys: list[str]) -> None:
    tree = Route.from_config(UPSTREAM_TREE)
    matched = tree.match(labels)
    assert [r.receiver for r in matched] == receivers
    assert [r.key() for r in matched] == keys


def test_inheritance_of_every_option() -> None:
    tree = Route.from_config(UPSTREAM_TREE)
    by_key = {r.key(): r for r in tree.walk()}
    root = by_key["{}"]
    assert root.opts.group_wait == DEFAULT_ROUTE_OPTS.group_wait == timedelta(seconds=30)
    assert root.opts.group_interval == timedelta(minutes=5)
    assert root.opts.repeat_interval == timedelta(hours=4)
    assert root.opts.group_by == frozenset() and not root.opts.group_by_all

    prod_a = by_key['{}/{owner="team-A"}/{env="production"}'].opts
    assert (prod_a.receiver, prod_a.group_wait) == ("notify-productionA", timedelta(minutes=1))
    assert prod_a.repeat_interval == timedelta(hours=4)

    testing = by_key['{}/{owner="team-A"}/{env="testing"}'].opts
    assert testing.group_by_all

    long_wait = by_key['{}/{group_by="role"}/{env="testing"}/{wait="long"}'].opts
    # Receiver and group_by come from two different ancestors.
    assert long_wait.receiver == "notify-testing"
    assert long_wait.group_by == frozenset({"role"})
    assert long_wait.group_wait == timedelta(minutes=2)


def test_group_by_all_is_inherited_and_reset_by_explicit_list() -> None:
    cfg = rc(
        receiver="r",
        group_by_all=True,
        routes=(rc(eq("a", "1"), routes=(rc(eq("b", "1"), group_by=("x",)),)),),
    )
    tree = Route.from_config(cfg)
    child = tree.routes[0]
    grandchild = child.routes[0]
    assert child.opts.group_by_all
    assert child.group_labels({"a": "1", "z": "9"}) == {"a": "1", "z": "9"}
    assert not grandchild.opts.group_by_all
    assert grandchild.group_labels({"a": "1", "b": "1", "x": "2"}) == {"x": "2"}


def test_empty_group_by_inherits_like_go() -> None:
    tree = Route.from_config(rc(receiver="r", group_by=("a",), routes=(rc(eq("k", "v"), group_by=()),)))
    assert tree.routes[0].opts.group_by == frozenset({"a"})


def test_time_intervals_are_not_inherited() -> None:
    cfg = rc(
        receiver="r",
        routes=(rc(eq("a", "1"), mute_time_intervals=("night",), routes=(rc(eq("b", "1")),)),),
    )
    tree = Route.from_config(cfg)
    assert tree.routes[0].opts.mute_time_intervals == ("night",)
    assert tree.routes[0].routes[0].opts.mute_time_intervals == ()


def test_route_labels_merge_down_the_tree() -> None:
    cfg = rc(receiver="r", labels={"a": "1"}, routes=(rc(eq("k", "v"), labels={"b": "2", "a": "3"}),))
    tree = Route.from_config(cfg)
    assert dict(tree.routes[0].opts.labels) == {"a": "3", "b": "2"}
    assert dict(tree.opts.labels) == {"a": "1"}


def test_continue_matches_siblings_in_order() -> None:
    cfg = rc(
        receiver="default",
        routes=(
            rc(rx("test", "^[12]$"), receiver="test1", continue_=True),
            rc(eq("test", "2"), receiver="test2"),
            rc(eq("test", "2"), receiver="never"),
        ),
    )
    tree = Route.from_config(cfg)
    assert [r.receiver for r in tree.match({"test": "2"})] == ["test1", "test2"]
    assert [r.receiver for r in tree.match({"test": "1"})] == ["test1"]
    assert [r.receiver for r in tree.match({"test": "3"})] == ["default"]


def test_root_matchers_can_reject() -> None:
    tree = Route.from_config(rc(eq("x", "1"), receiver="r"))
    assert tree.match({"x": "2"}) == ()


def test_ids_as_upstream_route_id_test() -> None:
    def c(m: Matcher, receiver: str = "", routes: tuple[RouteConfig, ...] = ()) -> RouteConfig:
        return rc(m, receiver=receiver, continue_=True, routes=routes)

    cfg = rc(
        receiver="default",
        routes=(
            c(eq("foo", "bar"), "test1", (rc(eq("bar", "baz")),)),
            c(eq("foo", "bar"), "test1", (rc(eq("bar", "baz")),)),
            c(eq("foo", "bar"), "test2", (rc(eq("bar", "baz")),)),
            c(eq("bar", "baz"), "test3", (rc(eq("baz", "qux")), rc(eq("qux", "corge")))),
            c(rx("qux", "[a-zA-Z0-9]+")),
            c(Matcher.create("corge", "!~", "[0-9]+")),
        ),
    )
    ids = [r.id() for r in Route.from_config(cfg).walk()]
    assert ids == [
        "{}",
        '{}/{foo="bar"}/0',
        '{}/{foo="bar"}/0/{bar="baz"}/0',
        '{}/{foo="bar"}/1',
        '{}/{foo="bar"}/1/{bar="baz"}/0',
        '{}/{foo="bar"}/2',
        '{}/{foo="bar"}/2/{bar="baz"}/0',
        '{}/{bar="baz"}/3',
        '{}/{bar="baz"}/3/{baz="qux"}/0',
        '{}/{bar="baz"}/3/{qux="corge"}/1',
        '{}/{qux=~"[a-zA-Z0-9]+"}/4',
        '{}/{corge!~"[0-9]+"}/5',
    ]


def test_indices_children_first() -> None:
    cfg = rc(receiver="r", routes=(rc(eq("a", "1"), routes=(rc(eq("b", "1")),)), rc(eq("c", "1"))))
    tree = Route.from_config(cfg)
    assert [(r.key(), r.idx) for r in tree.walk()] == [
        ("{}", 3),
        ('{}/{a="1"}', 1),
        ('{}/{a="1"}/{b="1"}', 0),
        ('{}/{c="1"}', 2),
    ]


def test_walk_visits_in_depth_first_order() -> None:
    seen: list[str] = []
    tree = Route.from_config(UPSTREAM_TREE)
    tree.walk(lambda r: seen.append(r.receiver))
    assert seen[:3] == ["notify-def", "notify-A", "notify-testing"]
    assert len(seen) == 9


@pytest.mark.parametrize(
    ("matchers", "expected"),
    [
        ((Matcher.create("b", "=", "1"), Matcher.create("a", "!=", "2")), '{a!="2",b="1"}'),
        ((Matcher.create("a", "!=", "x"), Matcher.create("a", "=", "x")), '{a="x",a!="x"}'),
        ((Matcher.create("a", "=", 'q"\\\n'),), '{a="q\\"\\\\\\n"}'),
        ((Matcher.create("a", "=", "tab\there"),), '{a="tab\there"}'),
        ((Matcher.create("my label", "=", "v"),), '{"my label"="v"}'),
        ((Matcher.create("dotted.name", "=", "v"),), '{dotted.name="v"}'),
    ],
    ids=["sorted-by-name", "same-name-by-type", "escapes", "tab-kept-raw", "reserved-name-quoted",
         "utf8-name-unquoted"],
)
def test_matchers_string_as_go(matchers: tuple[Matcher, ...], expected: str) -> None:
    route = Route.from_config(rc(receiver="r", routes=(rc(*matchers),)))
    assert route.routes[0].key() == "{}/" + expected
    assert matchers_string(route.routes[0].matchers) == expected


@pytest.mark.parametrize(
    ("group_by", "labels", "expected"),
    [
        ((), {"alertname": "x"}, "{}/{team=\"a\"}:{}"),
        (("alertname",), {"alertname": "x", "b": "1"}, '{}/{team="a"}:{alertname="x"}'),
        (("b", "alertname"), {"alertname": "x", "b": "1"}, '{}/{team="a"}:{alertname="x", b="1"}'),
        (("v",), {"v": 'a"b\\c'}, '{}/{team="a"}:{v="a\\"b\\\\c"}'),
    ],
    ids=["no-group-by", "one-label", "sorted-comma-space", "escaped-value"],
)
def test_group_key_format(group_by: tuple[str, ...], labels: dict[str, str], expected: str) -> None:
    tree = Route.from_config(rc(receiver="r", routes=(rc(eq("team", "a"), group_by=group_by),)))
    route = tree.routes[0]
    assert group_key(route, route.group_labels(labels)) == expected


def test_match_cache_is_per_label_set() -> None:
    tree = Route.from_config(UPSTREAM_TREE)
    first = tree.match({"owner": "team-A", "env": "production"})
    again = tree.match({"env": "production", "owner": "team-A"})
    assert first is again
    assert tree.match({"owner": "team-B"})[0].receiver == "notify-BC"


def test_wide_tree_matches_the_right_sibling() -> None:
    # 500 sibling routes; the cached lookup must return the same answer as a fresh tree.
    cfg = rc(receiver="r", routes=tuple(rc(eq("svc", f"s{i}"), receiver=f"r{i}") for i in range(500)))
    tree = Route.from_config(cfg)
    for i in range(0, 500, 7):
        assert tree.match({"svc": f"s{i}"})[0].receiver == f"r{i}"
        assert tree.match({"svc": f"s{i}"})[0].receiver == f"r{i}"
    assert tree.match({"svc": "none"})[0].receiver == "r"


def _naive(cfg: RouteConfig, labels: dict[str, str], receiver: str = "") -> list[str]:
    """The reference: upstream's Match written plainly over the config, without any index."""
    receiver = cfg.receiver or receiver
    if not all(m.matches(labels.get(m.name, "")) for m in cfg.matchers):
        return []
    found: list[str] = []
    for child in cfg.routes:
        sub = _naive(child, labels, receiver)
        found.extend(sub)
        if sub and not child.continue_:
            break
    return found or [receiver]


@pytest.mark.parametrize("seed", range(5), ids=lambda s: f"seed{s}")
def test_indexed_children_match_like_plain_search(seed: int) -> None:
    import random

    rng = random.Random(seed)
    names, values = ["svc", "env", "team"], ["a", "b", "c", ""]

    def rand_matcher() -> Matcher:
        op = rng.choice(["=", "=", "!=", "=~", "!~"])
        value = rng.choice(["a|b", "c", ".*", "b"]) if "~" in op else rng.choice(values[:3])
        return Matcher.create(rng.choice(names), op, value)

    def rand_route(depth: int, i: int) -> RouteConfig:
        children = tuple(rand_route(depth + 1, j) for j in range(rng.randint(0, 12) if depth < 2 else 0))
        return rc(*(rand_matcher() for _ in range(rng.randint(0, 2))), receiver=f"r{depth}-{i}",
                  continue_=rng.random() < 0.3, routes=children)

    cfg = rc(receiver="root", routes=tuple(rand_route(1, i) for i in range(20)))
    tree = Route.from_config(cfg)
    for _ in range(300):
        labels = {n: v for n in names if (v := rng.choice(values))}
        assert [r.receiver for r in tree.match(labels)] == _naive(cfg, labels)


def test_legacy_match_re_keys_are_anchored_as_go_prints_them() -> None:
    # As the loader gives it: match_re kept as written, its matcher in the combined list.
    cfg = rc(
        receiver="r",
        routes=(
            RouteConfig(
                match_re={"owner": "team-(B|C)"},
                matchers=(rx("env", "prod"), rx("owner", "team-(B|C)")),
                receiver="bc",
            ),
        ),
    )
    route = Route.from_config(cfg).routes[0]
    assert route.key() == '{}/{env=~"prod",owner=~"^(?:team-(B|C))$"}'
    assert route.matches({"owner": "team-B", "env": "prod"})
    assert not route.matches({"owner": "team-BC", "env": "prod"})
