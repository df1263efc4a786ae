"""The dashboards' figures kept in the cache (core/figures.py): any write to a domain table,
whatever makes it (a model's save, a bulk update, bulk_create, a queryset's delete, raw SQL),
renews them; writes elsewhere (notifications, sessions) leave them; the bump is made again
after the commit; with the cache down the figures are counted each time."""

import datetime
import uuid
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection, transaction

from core import figures
from deputies.models import Congress
from notifications.models import Notification
from proposals.models import Assignment, Suggestion
from tests import factories
from tests.builders import assigned, make_officer, submitted
from tests.core.test_public_cache_core import top_level_imports

SOURCE = Path(figures.__file__)


@pytest.fixture
def local_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"figures-{uuid.uuid4().hex}",
        }
    }
    yield
    cache.clear()


class Counter:
    """A figure that counts the suggestions, and how many times it was computed."""

    def __init__(self):
        self.computed = 0

    def __call__(self):
        self.computed += 1
        return {"suggestions": Suggestion.objects.count()}


@pytest.fixture
def world(city, term):
    return {
        "session": factories.SessionFactory(
            term=term, number=1, start_date=datetime.date(2025, 1, 10), end_date=datetime.date(2025, 1, 14)
        ),
        "transport": make_officer(city, "示例市交通运输局"),
    }


def read(counter, parts=("test", 1)):
    return figures.cached(parts, counter)["suggestions"]


def test_the_module_imports_no_project_app_but_core():
    modules = top_level_imports(SOURCE)
    assert modules <= {"hashlib", "re", "collections", "django", "core"}


def test_the_watched_tables_are_the_domain_apps_and_not_the_others():
    tables = figures.watched_tables()
    assert {"proposals_suggestion", "proposals_assignment", "deputies_deputy", "deputies_participation"} <= tables
    assert "notifications_notification" not in tables
    assert "accounts_user" not in tables
    assert "django_session" not in tables


def test_a_second_read_comes_from_the_cache(db, local_cache):
    counter = Counter()
    assert read(counter) == 0
    assert read(counter) == 0
    assert counter.computed == 1
    assert "counted_at" in figures.cached(("test", 1), counter)


def test_the_key_tells_callers_parts_apart(db, local_cache):
    counter = Counter()
    read(counter, ("test", 1))
    read(counter, ("test", 2))
    assert counter.computed == 2


@pytest.mark.parametrize(
    "write",
    [
        "save",
        "bulk_update",
        "bulk_create",
        "queryset_delete",
        "raw_sql",
        "insert_ignoring_conflicts",
    ],
)
def test_every_kind_of_write_to_a_domain_table_renews_the_figures(db, local_cache, world, deputy, write):
    item = submitted(deputy, session=world["session"], title="关于增设公交站台遮雨棚的建议")
    counter = Counter()
    assert read(counter) == 1
    if write == "save":
        item.title = "关于增设公交站台遮雨棚和座椅的建议"
        item.save(update_fields=["title"])
        expected = 1
    elif write == "bulk_update":
        Suggestion.objects.filter(pk=item.pk).update(title="改过的题目")
        expected = 1
    elif write == "bulk_create":
        Congress.objects.bulk_create([Congress(name="示例区人大", short_name="示例区", level=Congress.Level.DISTRICT)])
        expected = 1
    elif write == "queryset_delete":
        Suggestion.objects.filter(pk=item.pk).delete()
        expected = 0
    elif write == "raw_sql":
        with connection.cursor() as cursor:
            cursor.execute("UPDATE proposals_suggestion SET title = %s WHERE id = %s", ["原始语句", item.pk])
        expected = 1
    else:  # SQLite writes "INSERT OR IGNORE INTO", PostgreSQL "INSERT … ON CONFLICT DO NOTHING"
        Congress.objects.bulk_create(
            [Congress(name="示例县人大", short_name="示例县", level=Congress.Level.DISTRICT)], ignore_conflicts=True
        )
        expected = 1
    assert read(counter) == expected
    assert counter.computed == 2


def test_writes_to_other_tables_leave_the_figures(db, local_cache, world, deputy):
    counter = Counter()
    read(counter)
    Notification.objects.create(user=deputy, title="提醒", body="", key=f"k-{uuid.uuid4().hex}")
    deputy.last_login = datetime.datetime.now(datetime.UTC)
    deputy.save(update_fields=["last_login"])
    read(counter)
    assert counter.computed == 1


def test_a_write_while_counting_is_not_kept_as_fresh(db, local_cache, world, deputy):
    """A write that lands while the figures are being counted (another request's) bumps the
    version the figures were about to be stored under: the next read counts again."""
    counter = Counter()

    def counting_while_someone_writes():
        result = counter()
        submitted(deputy, session=world["session"], title="关于在社区增设助餐点的建议")
        return result

    assert figures.cached(("test", 1), counting_while_someone_writes)["suggestions"] == 0
    assert read(counter) == 1
    assert counter.computed == 2


@pytest.mark.django_db(transaction=True)
def test_the_version_is_bumped_at_once_and_after_the_commit_once_per_transaction(
    local_cache, world, deputy, monkeypatch
):
    submitted(deputy, session=world["session"])
    bumps = []
    real = figures._bump
    monkeypatch.setattr(figures, "_bump", lambda: (bumps.append(connection.in_atomic_block), real()))
    with transaction.atomic():
        for n in range(5):
            Suggestion.objects.filter(number=n).update(title=f"题目{n}")
    assert bumps == [True, False]  # once at the first write, once after the commit
    bumps.clear()
    with pytest.raises(RuntimeError), transaction.atomic():
        Suggestion.objects.update(title="不会保存")
        raise RuntimeError
    assert bumps == [True]  # rolled back: nothing after
    bumps.clear()
    Suggestion.objects.update(title="自动提交")  # outside a transaction: the statement is the commit
    assert bumps == [False]


def test_a_connection_that_read_the_figures_sees_its_own_later_writes(db, local_cache, world, deputy):
    """Within one transaction (a test, a view that reads after it writes): read, write, read."""
    counter = Counter()
    with transaction.atomic():
        assert read(counter) == 0
        submitted(deputy, session=world["session"])
        assert read(counter) == 1
        submitted(deputy, session=world["session"])
        assert read(counter) == 2


def test_with_the_cache_down_the_figures_are_counted_each_time(db, settings, world, deputy):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    counter = Counter()
    submitted(deputy, session=world["session"])
    assert read(counter) == 1
    assert read(counter) == 1
    assert counter.computed == 2


def test_the_director_dashboard_shows_a_deadline_moved_by_a_bulk_update(db, local_cache, world, deputy, staff):
    """End to end: the page's overdue figure follows a queryset update (no model save)."""
    from django.test import Client

    item = assigned(deputy, staff, [world["transport"]], session=world["session"])
    client = Client()
    client.force_login(staff)
    first = client.get("/dashboard/", {"session": world["session"].pk})
    assert first.context["overdue"].value == 0
    Assignment.objects.filter(suggestion=item).update(deadline=datetime.date.today() - datetime.timedelta(days=3))
    second = client.get("/dashboard/", {"session": world["session"].pk})
    assert second.context["overdue"].value == 1


def test_the_admin_index_figures_follow_a_write(db, local_cache, world, deputy, staff):
    from django.test import Client

    client = Client()
    client.force_login(staff)
    first = client.get("/admin/", secure=True)
    before = first.context["dashboard"]["to_review"]
    submitted(deputy, session=world["session"])
    second = client.get("/admin/", secure=True)
    assert second.context["dashboard"]["to_review"] == before + 1


def test_the_admin_app_list_follows_the_users_permissions(db, local_cache, city):
    """The app list is kept per user; a permission given (to the user or to a group of theirs)
    shows its model on the next page."""
    from django.contrib.auth.models import Group, Permission
    from django.test import Client

    from tests.conftest import with_totp

    user = with_totp(factories.StaffFactory(congress=city, full_name="工作人员乙"))
    user.groups.clear()
    user.user_permissions.clear()
    user.is_staff = True
    user.save()
    client = Client()
    client.force_login(user)

    def models_listed():
        response = client.get("/admin/", secure=True)
        assert response.status_code == 200
        return {m["object_name"] for app in response.context["app_list"] for m in app["models"]}

    assert "Congress" not in models_listed()
    user.user_permissions.add(Permission.objects.get(codename="view_congress"))
    assert "Congress" in models_listed()
    group = Group.objects.create(name="看届次的组")
    group.permissions.add(Permission.objects.get(codename="view_term"))
    assert "Term" not in models_listed()
    user.groups.add(group)
    assert "Term" in models_listed()
