"""Actor fixtures shared by every test: staff, district_staff, deputy, unit_officer, outsider."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from accounts.services import user_sync_roles

from . import factories

pytest_plugins = ["tests.log_guard"]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "import_export": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private" / "imports"},
        },
    }


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # PBKDF2 costs ~0.3 s per user created; tests create many.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_figures():
    # The dashboards' figures kept in the cache (core/figures.py) are renewed by writes; a test's
    # rows are rolled back after it, and on SQLite their ids are given again to the next test's:
    # each test starts with a version of its own.
    from core import figures

    figures._bump()


@pytest.fixture
def city(db):
    return factories.CongressFactory()


@pytest.fixture
def term(city):
    return factories.TermFactory(congress=city)


@pytest.fixture
def electoral_unit(city):
    return factories.ElectoralUnitFactory(congress=city, name="玄武区")


@pytest.fixture
def district(city):
    return factories.DistrictCongressFactory(parent=city, name="示例市玄武区人民代表大会", short_name="玄武区")


def with_totp(user):
    """Give a user a TOTP device, as staff must have when REQUIRE_STAFF_MFA is on."""
    TOTP.activate(user, generate_totp_secret())
    return user


@pytest.fixture
def staff(city):
    return with_totp(factories.StaffFactory(congress=city, full_name="工作人员甲"))


@pytest.fixture
def district_staff(district):
    return with_totp(factories.StaffFactory(congress=district, full_name="区工作人员"))


@pytest.fixture
def deputy(city, term, electoral_unit):
    """A deputy's user account, linked to one municipal mandate (``user.mandate``)."""
    user = factories.UserFactory(full_name="李代表")
    mandate = factories.DeputyFactory(congress=city, term=term, electoral_unit=electoral_unit, name="李代表", user=user)
    user_sync_roles(user=user)
    user.mandate = mandate
    return user


@pytest.fixture
def unit_officer(city):
    unit = factories.UnitFactory(congress=city, name="示例市交通运输局")
    user = factories.UserFactory(full_name="承办人", unit=unit)
    user_sync_roles(user=user)
    return user


@pytest.fixture
def outsider(db):
    return factories.UserFactory(full_name="无关人员")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def deputy_client(client, deputy):
    client.force_login(deputy)
    return client
