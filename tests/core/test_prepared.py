"""Statements planned once per connection (core.prepared): the same rows as the plain query, one
PREPARE per connection and statement, a bounded number kept, a new connection prepared again."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Unit
from core import prepared

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PREPARE is PostgreSQL's")


def kept() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {name for (name,) in cursor.fetchall()}


@pytest.mark.django_db
def test_fetch_gives_the_rows_of_the_plain_query(city):
    Unit.objects.create(name="示例市民政局", kind=Unit.Kind.GOVERNMENT, congress=city)
    sql = "SELECT name FROM accounts_unit WHERE name = %s"
    assert prepared.fetch("test_unit_by_name", sql, ["示例市民政局"]) == [("示例市民政局",)]
    assert prepared.fetch("test_unit_by_name", sql, ["无此单位"]) == []


@pytest.mark.django_db
def test_rows_together_keeps_each_parts_order(city):
    for name in ("乙局", "甲局", "丙局"):
        Unit.objects.create(name=name, kind=Unit.Kind.GOVERNMENT, congress=city)
    parts = prepared.rows_together(
        "test_units_together",
        [
            lambda: Unit.objects.order_by("name").values_list("name"),
            lambda: Unit.objects.order_by("-name").values_list("name"),
        ],
    )
    names = sorted(["乙局", "甲局", "丙局"])
    assert [row[0] for row in parts[0]] == names
    assert [row[0] for row in parts[1]] == names[::-1]


@on_postgresql
@pytest.mark.django_db
def test_a_statement_is_prepared_once_and_only_its_execution_is_logged():
    sql = "SELECT count(*) FROM accounts_unit WHERE kind = %s"
    with CaptureQueriesContext(connection) as queries:
        prepared.fetch("test_count_by_kind", sql, ["government"])
        prepared.fetch("test_count_by_kind", sql, ["government"])
    assert [q["sql"].split("(")[0] for q in queries.captured_queries] == ["EXECUTE test_count_by_kind"] * 2
    assert "test_count_by_kind" in kept()


@on_postgresql
@pytest.mark.django_db
def test_a_connection_keeps_a_bounded_number_of_statements(monkeypatch):
    monkeypatch.setattr(prepared, "MAX_PER_CONNECTION", 3)
    for i in range(10):
        assert prepared.fetch(f"test_bounded_{i}", f"SELECT {i}") == [(i,)]
        assert len([name for name in kept() if name.startswith("test_bounded_")]) <= 3
    # The forgotten ones are prepared again when asked for.
    assert prepared.fetch("test_bounded_0", "SELECT 0") == [(0,)]


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_new_connection_prepares_again():
    assert prepared.fetch("test_again", "SELECT 1") == [(1,)]
    connection.close()
    assert prepared.fetch("test_again", "SELECT 1") == [(1,)]
    assert "test_again" in kept()


@on_postgresql
@pytest.mark.django_db
def test_queryset_constants_are_written_into_the_statement():
    sql, params = prepared.queryset_sql(
        "test_inlined", lambda: Unit.objects.filter(kind="government").values_list("pk")
    )
    assert params == ()
    assert "'government'" in sql
