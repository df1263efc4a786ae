"""A real Celery worker, over Redis, delivers what ``notify`` queued after commit.

The other notification tests run tasks in-process; this one checks the pieces they
cannot: the message reaches Redis, a separate worker process with the project's
settings picks it up, reads the committed row from the same test database, claims
and sends the e-mail. It fails, never skips, when Redis is unreachable: CI must
not go green without having run it.
"""

import email
import email.policy
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import redis
from django.conf import settings
from django.db import connection, transaction

import config.settings as project_settings
from config.celery import app as celery_app
from notifications.services import notify
from tests import factories

# A real worker on Redis database 15: the module runs in one process under pytest-xdist.
pytestmark = [pytest.mark.worker, pytest.mark.xdist_group("redis-db-15")]

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
PROJECT = Path(settings.BASE_DIR)
DELIVERY_TIMEOUT = 30  # seconds; a cold worker starts in about 3
SEPARATOR = "-" * 79  # what Django's file-based backend writes after each message


@pytest.fixture
def redis_client():
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3, socket_timeout=5)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.fail(
            f"Redis is not reachable at {REDIS_URL} (set TEST_REDIS_URL, or run scripts/ensure_test_deps.sh): {exc}"
        )
    yield client
    client.close()


def _reset_celery_connections() -> None:
    # The app caches its broker pool and its queue/route tables on first use; drop
    # them so the next publish is built from the configuration in force now.
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
        celery_app._pool = None
    celery_app.__dict__.pop("amqp", None)


@pytest.fixture
def celery_over_redis(settings, redis_client):
    """Publish tasks to Redis, on a queue of this test's own, instead of running them eagerly.

    config/celery.py read the Django settings when it was imported, so changing
    ``settings`` is not enough: the app's configuration is changed too, and put back.
    A queue name per run keeps a concurrent test run's worker from taking our message.
    """
    queue = f"test-deliver-{uuid.uuid4().hex[:12]}"
    wanted = {"broker_url": REDIS_URL, "task_always_eager": False, "task_default_queue": queue}
    saved = {name: getattr(celery_app.conf, name) for name in wanted}
    settings.CELERY_BROKER_URL = REDIS_URL
    settings.CELERY_TASK_ALWAYS_EAGER = False
    _reset_celery_connections()
    celery_app.conf.update(wanted)
    try:
        yield queue
    finally:
        _reset_celery_connections()
        celery_app.conf.update(saved)
        for key in redis_client.scan_iter(match=f"*{queue}*"):
            redis_client.delete(key)


def _test_database_url() -> str:
    """A DATABASE_URL for the worker that names the test database this process uses."""
    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        path = Path(name).resolve()
        assert path.is_file(), f"the worker needs the test database in a file, not {name!r}"
        return f"sqlite:///{path}"
    url = urlsplit(os.environ["DATABASE_URL"])
    return url._replace(path=f"/{name}").geturl()


def _worker_environment(tmp_path: Path, database_url: str, outbox: Path) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "PORTAL_TESTING": "1",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(outbox),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    if not hasattr(project_settings, "EMAIL_FILE_PATH"):
        # config/settings.py does not read EMAIL_FILE_PATH from the environment (yet):
        # run the worker on the project's settings plus that one line.
        (tmp_path / "worker_settings.py").write_text(
            "import os\n\nfrom config.settings import *  # noqa: F403\n\n"
            'EMAIL_FILE_PATH = os.environ["EMAIL_FILE_PATH"]\n',
            encoding="utf-8",
        )
        env["DJANGO_SETTINGS_MODULE"] = "worker_settings"
        env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), str(PROJECT)])
    else:
        env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    return env


@pytest.fixture
def outbox(tmp_path):
    path = tmp_path / "outbox"
    path.mkdir()
    return path


@pytest.fixture
def worker(transactional_db, celery_over_redis, tmp_path, outbox):
    """A `celery -A config worker` process on the test database; stopped at the end, pass or fail."""
    log_path = tmp_path / "worker.log"
    command = [
        sys.executable, "-m", "celery", "-A", "config", "worker",
        "--pool=solo", "--loglevel=INFO", "-Q", celery_over_redis, "-n", f"{celery_over_redis}@%h",
        "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]  # fmt: skip
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command,
            cwd=PROJECT,
            env=_worker_environment(tmp_path, _test_database_url(), outbox),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    process.log_path = log_path
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def _log_tail(process, lines: int = 40) -> str:
    text = process.log_path.read_text(encoding="utf-8", errors="replace")
    return "\n".join(text.splitlines()[-lines:])


def _sent_messages(outbox: Path) -> list[email.message.EmailMessage]:
    """Messages the file-based backend has finished writing (each ends with its separator)."""
    separator = SEPARATOR.encode() + b"\n"
    messages = []
    for path in sorted(outbox.glob("*.log")):
        data = path.read_bytes()
        if not data.endswith(separator):
            continue  # still being written
        for chunk in data.split(separator):
            if chunk.strip():
                # Parsed as bytes: an 8-bit UTF-8 body parsed as text would come back mangled.
                messages.append(email.message_from_bytes(chunk, policy=email.policy.default))
    return messages


def test_worker_delivers_a_notification_by_email(worker, redis_client, celery_over_redis, outbox):
    """GIVEN a worker consuming a Redis queue, on the same test database
    WHEN notify() asks for an e-mail inside a transaction that commits
    THEN the worker claims the notification (emailed_at) and the e-mail goes out, once."""
    user = factories.UserFactory(full_name="李代表", email="li.daibiao@example.org")
    with transaction.atomic():
        notification = notify(
            user,
            key=f"worker-test:{uuid.uuid4().hex}",
            title="请于 3 月 15 日前答复代表建议",
            body="第 12 号建议的答复期限将至。",
            url="/portal/",
            email=True,
        )
        assert notification is not None and notification.want_email

    deadline = time.monotonic() + DELIVERY_TIMEOUT
    while True:
        if worker.poll() is not None:
            pytest.fail(f"the worker exited with {worker.returncode}:\n{_log_tail(worker)}")
        notification.refresh_from_db()
        if notification.delivery_error:
            pytest.fail(f"the worker failed to send: {notification.delivery_error}\n{_log_tail(worker)}")
        messages = _sent_messages(outbox)
        if notification.emailed_at is not None and messages:
            break
        if time.monotonic() > deadline:
            pytest.fail(
                f"no delivery within {DELIVERY_TIMEOUT} s (emailed_at={notification.emailed_at}, "
                f"{len(messages)} e-mail(s), {redis_client.llen(celery_over_redis)} message(s) still queued):\n"
                f"{_log_tail(worker)}"
            )
        time.sleep(0.2)

    assert len(messages) == 1
    message = messages[0]
    assert message["To"] == "li.daibiao@example.org"
    assert message["Subject"] == "请于 3 月 15 日前答复代表建议"
    text = message.get_content()
    assert "第 12 号建议的答复期限将至。" in text
    assert text.rstrip().endswith("/portal/")
    assert notification.sms_sent_at is None  # not asked for
    succeeded = [
        line for line in _log_tail(worker, 200).splitlines() if "notifications.deliver[" in line and "succeeded" in line
    ]
    assert len(succeeded) == 1 and "'email': True" in succeeded[0], _log_tail(worker)
