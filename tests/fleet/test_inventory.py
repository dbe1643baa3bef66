"""Inventory readers and --fail-on parsing: pure, no network."""

from __future__ import annotations

import io

import pytest

from dbdoctor.errors import InputError
from dbdoctor.fleet.inventory import engine_of_target, parse_target, read_inventory
from dbdoctor.fleet.policy import parse_fail_on
from dbdoctor.fleet.probe import _weak_key
from dbdoctor.fleet.records import Endpoint, Result


@pytest.mark.parametrize(
    ("text", "engine"),
    [
        ("postgresql://db:5432/app", "postgresql"),
        ("postgres://db", "postgresql"),
        ("postgresql+asyncpg://u@db/app", "postgresql"),
        ("jdbc:postgresql://db:5432/app", "postgresql"),
        ("mysql://db:3306", "mysql"),
        ("mariadb://db", "mysql"),
        ("mysql+pymysql://u@db/app", "mysql"),
        ("db.example.com:5432", "postgresql"),
        ("db.example.com:6432", "postgresql"),
        ("db.example.com:3306", "mysql"),
        ("db.example.com:9999", None),
        ("db.example.com", None),
        ("http://db.example.com", None),
    ],
)
def test_engine_of_target(text: str, engine: str | None) -> None:
    assert engine_of_target(text) == engine


def test_url_keeps_user_and_database_but_never_the_password() -> None:
    ep = parse_target("postgresql://app:s3cret@db.example.com:6543/orders?hostaddr=10.0.0.5")
    assert (ep.host, ep.port, ep.engine, ep.user, ep.dbname, ep.address) == (
        "db.example.com", 6543, "postgresql", "app", "orders", "10.0.0.5")
    assert "s3cret" not in repr(ep)
    assert parse_target("mysql://db").port == 3306


def test_host_port_lines_ipv6_and_comments() -> None:
    text = "# fleet\n\n10.0.0.1:5432\n[::1]:3306   # local\nmysql://db2\n"
    eps = list(read_inventory(io.StringIO(text)))
    assert [(e.host, e.port, e.engine) for e in eps] == [
        ("10.0.0.1", 5432, "postgresql"), ("::1", 3306, "mysql"), ("db2", 3306, "mysql")]


def test_engine_option_gives_the_default_port() -> None:
    (ep,) = read_inventory(io.StringIO("db.internal\n"), engine="mysql")
    assert (ep.port, ep.engine) == (3306, "mysql")
    with pytest.raises(InputError, match="no port"):
        list(read_inventory(io.StringIO("db.internal\n")))


def test_bad_line_names_file_and_line() -> None:
    with pytest.raises(InputError, match=r"fleet.txt:2"):
        list(read_inventory(io.StringIO("db:5432\nnot a target at all\n"), name="fleet.txt"))
    with pytest.raises(InputError, match="port 70000"):
        list(read_inventory(io.StringIO("db:70000\n")))


def test_csv_with_names_and_label_columns() -> None:
    text = "name,host,port,team,servername\norders,10.0.0.1,5432,payments,orders.db.internal\n" \
           "billing,10.0.0.2,3306,,\n"
    eps = list(read_inventory(io.StringIO(text), name="fleet.csv"))
    assert eps[0] == Endpoint("10.0.0.1", 5432, "postgresql", "orders", (("team", "payments"),),
                              "orders.db.internal")
    assert (eps[1].name, eps[1].labels, eps[1].engine) == ("billing", (), "mysql")


def test_yaml_list_and_targets_mapping_guessed_from_content() -> None:
    text = "targets:\n  - url: postgresql://db1:5432\n    name: one\n    labels: {env: prod}\n" \
           "  - host: db2:3306\n  - mysql://db3\n"
    eps = list(read_inventory(io.StringIO(text)))
    assert [(e.display, e.engine, e.labels) for e in eps] == [
        ("one", "postgresql", (("env", "prod"),)), ("db2:3306", "mysql", ()), ("db3:3306", "mysql", ())]
    with pytest.raises(InputError, match="list of targets"):
        list(read_inventory(io.StringIO("targets: 3\n"), name="x.yaml"))


def test_inventory_is_read_lazily() -> None:
    def lines():  # type: ignore[no-untyped-def]
        yield "db1:5432\n"
        raise AssertionError("read too far")

    it = read_inventory(lines(), fmt="lines")
    assert next(it).host == "db1"


def test_fail_on() -> None:
    p = parse_fail_on("expiring=2w,tls-optional")
    assert p.codes == {"expiring", "tls-optional"} and p.expiring_days == 14 and p.min_status is None
    ep = Endpoint("db", 5432)
    r = Result(ep, "postgresql", "warn", ("tls-optional",), "offered")
    assert p.matches(r) == ("tls-optional",)
    assert parse_fail_on("fail").matches(r) == ()
    assert parse_fail_on("warn").matches(r) == ("status warn",)
    assert parse_fail_on("none").matches(Result(ep, None, "error", ("unreachable",), "unknown")) == ()
    with pytest.raises(InputError, match="unknown item"):
        parse_fail_on("expring")
    with pytest.raises(InputError, match="only expiring"):
        parse_fail_on("tls-optional=3d")


def test_weak_key() -> None:
    assert _weak_key("RSA 1024") and not _weak_key("RSA 2048") and not _weak_key("EC secp256r1")
