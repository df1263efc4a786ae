"""The log guard (tests/log_guard.py) fails a run whose log leaks personal data or secrets."""

import logging
import sys
from pathlib import Path

import pytest

from tests import log_guard

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parent.parent


def _run(pytester, monkeypatch, body: str, *extra):
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    monkeypatch.delenv("DJANGO_SETTINGS_MODULE", raising=False)
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    pytester.makepyfile(test_sample=body)
    # In a subprocess: the records of the inner run must not reach this run's guard.
    return pytester.runpytest_subprocess("-p", "tests.log_guard", "-p", "no:django", "-p", "no:cacheprovider", *extra)


def test_a_run_that_logs_a_mobile_number_fails(pytester, monkeypatch):
    result = _run(
        pytester,
        monkeypatch,
        """
import logging

def test_logs_a_number():
    logging.getLogger("notifications.sms").warning("SMS to %s", "1" + "3812345678")
""",
    )
    assert result.ret != 0
    result.stdout.fnmatch_lines(
        ["*log guard*", "*test_logs_a_number*mobile number*", "*SMS to 13812345678*", "*1 passed*"]
    )
    assert "13812345678" in result.stdout.str()


def test_a_leak_in_a_parallel_worker_fails_the_run(pytester, monkeypatch):
    """Under pytest-xdist the leak is found in a worker process; the controller fails the run."""
    result = _run(
        pytester,
        monkeypatch,
        """
import logging

def test_clean():
    logging.getLogger("notifications.sms").warning("SMS to %s", "138****5678")

def test_logs_a_number():
    logging.getLogger("notifications.sms").warning("SMS to %s", "1" + "3812345678")
""",
        "-n",
        "2",
    )
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*log guard*", "*test_logs_a_number*mobile number*", "*2 passed*"])


def test_a_clean_run_passes(pytester, monkeypatch):
    result = _run(
        pytester,
        monkeypatch,
        """
import logging

def test_logs_a_masked_number():
    logging.getLogger("notifications.sms").warning("SMS to %s", "138****5678")
""",
    )
    assert result.ret == 0
    assert "log guard" not in result.stdout.str()


def test_exception_text_is_checked_too(pytester, monkeypatch):
    result = _run(
        pytester,
        monkeypatch,
        """
import logging

def test_logs_an_exception():
    try:
        raise ValueError("bad row: 11010119900307" + "2316")
    except ValueError:
        logging.getLogger("dataio").exception("import failed")
""",
    )
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*ID number*"])


TOKEN = "c9x8y7-" + "0123456789abcdef0123456789abcdef"


@pytest.mark.parametrize(
    ("line", "what"),
    [
        ("SMS to 13912345678", "mobile number"),
        ("phone=+8613912345678", "mobile number"),
        ("login form: password=hunter2x", "password value"),
        ("{'password': 's3cret!'}", "password value"),
        ("密码：abc12345", "password value"),
        ("posted correct-horse-42", "test password"),
        ("posted Demo-2026-pass", "test password"),
        (f"link https://rd.example.org/accounts/invitation/MTI/{TOKEN}/", "set-password token"),
        (f"token {TOKEN}", "set-password token"),
        ("wrong TOTP code 123456 for user 5", "second-factor code"),
        ("recovery code 12345678 used", "second-factor code"),
        ("row 3: 32010219851231002X", "ID number"),
    ],
)
def test_what_counts_as_a_leak(line, what):
    assert what in log_guard.findings(line)


@pytest.mark.parametrize(
    "line",
    [
        "SMS to 138****5678",
        "order 213812345678901 imported",  # part of a longer number
        "password=*** (hidden)",
        "Event password_set for user 12",
        "SMS to 138****1234: 王芳，请打开链接设置密码：https://rddb.example.gov.cn/…",
        "GET /admin/ status code 200 in 123 ms",
        "entry 123456 imported",  # six digits, but no code mentioned
        "hash 5f1c0e3a9b2d4c6e8f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e",
        "audit chain OK: 1000000 entries verified",
        "32010219851231002X7",  # longer than an ID number
    ],
)
def test_what_does_not(line):
    assert log_guard.findings(line) == []


def test_the_handler_formats_arguments_and_exceptions():
    handler = log_guard.LeakHandler()
    handler.current_test = "tests/x.py::t"
    try:
        raise RuntimeError("password=opensesame")
    except RuntimeError:
        exc_info = sys.exc_info()
    record = logging.LogRecord("accounts", logging.ERROR, __file__, 1, "user %s", ("13712345678",), exc_info)
    handler.handle(record)
    clean = logging.LogRecord("accounts", logging.INFO, __file__, 1, "user %s", ("137****5678",), None)
    handler.handle(clean)
    ((test, what, text),) = handler.leaks
    assert test == "tests/x.py::t"
    assert what == "mobile number, password value"
    assert "RuntimeError: password=opensesame" in text


def test_the_guard_is_on_in_this_session(request):
    guard = request.config.pluginmanager.get_plugin("log_guard")
    assert isinstance(guard, log_guard.LogGuard)
    assert guard.handler in logging.getLogger().handlers
    assert {"accounts", "notifications", "dataio", "core"} <= guard.packages
