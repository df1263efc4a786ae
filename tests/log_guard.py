"""Pytest plugin: the run fails if any log line holds personal data or a secret.

A handler on the root logger sees every record of the whole session (the project's loggers are
made to propagate to it) and keeps the lines that contain a full mainland mobile number, a
password value or one of the test passwords, an invitation / set-password token, a second-factor
or recovery code next to the word "code", or an 18-character ID number. At the end the session's
exit status is set to failure and the lines are printed with the test that logged them.

Enabled for the suite by ``pytest_plugins = ["tests.log_guard"]`` in tests/conftest.py.
"""

import json
import logging
import re
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

MOBILE = re.compile(r"(?:(?<=\+86)|(?<=0086)|(?<!\d))1[3-9]\d{9}(?!\d)")
PASSWORD_VALUE = re.compile(r"(?i)(?:pass(?:word|wd)|pwd|密码)\w*[\"']?\s*[=:：]\s*[\"']?(?P<value>[^\s\"',;&)}\]]+)")
# Values that say a password is hidden rather than give it.
HIDDEN = re.compile(r"(?i)^(?:\*+|none|null|<?hidden>?|\[?redacted\]?|…+|\.\.\.|\(?unusable\)?)$")
# "设置密码：https://…" introduces a link (checked for tokens on its own), not a password.
NOT_A_PASSWORD = re.compile(r"(?i)^https?://")
# Django's password-reset token (what the invitation link carries): "<timestamp base36>-<hmac hex>".
RESET_TOKEN = re.compile(r"(?<![0-9A-Za-z])[0-9a-z]{1,13}-[0-9a-f]{20,}(?![0-9a-f])")
INVITATION_LINK = re.compile(r"/invitation/[A-Za-z0-9_-]+/[0-9A-Za-z-]+")
CODE_WORD = re.compile(r"(?i)code|验证码|动态码|恢复码|口令")
# A TOTP code (6 digits) or an allauth recovery code (8 digits), not part of a longer number.
CODE_VALUE = re.compile(r"(?<![\d.:/-])(?:\d{6}|\d{8})(?![\d.:/-])")
ID_NUMBER = re.compile(
    r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])"
)


def _known_test_passwords() -> set[str]:
    """The passwords the test data sets (tests/factories.py, demo data, ``set_password`` calls)."""
    found = set()
    sources = [HERE / "factories.py", ROOT / "demo" / "demo_data.py"]
    for path in sources:
        if path.exists():
            text = path.read_text(encoding="utf-8")
            found.update(re.findall(r"set_password[\"']?,\s*[\"']([^\"']{6,})[\"']", text))
            found.update(re.findall(r"PASSWORD\s*=\s*[\"']([^\"']{6,})[\"']", text))
    return found


KNOWN_PASSWORDS = _known_test_passwords() | {"correct-horse-42"}


def findings(line: str) -> list[str]:
    """What a log line leaks (empty when it is clean)."""
    found = []
    if MOBILE.search(line):
        found.append("mobile number")
    for match in PASSWORD_VALUE.finditer(line):
        value = match.group("value")
        if not HIDDEN.match(value) and not NOT_A_PASSWORD.match(value):
            found.append("password value")
            break
    if any(password in line for password in KNOWN_PASSWORDS):
        found.append("test password")
    if INVITATION_LINK.search(line) or RESET_TOKEN.search(line):
        found.append("set-password token")
    if CODE_WORD.search(line) and CODE_VALUE.search(line):
        found.append("second-factor code")
    if ID_NUMBER.search(line):
        found.append("ID number")
    return found


class LeakHandler(logging.Handler):
    """Keeps each formatted record (message, arguments, exception text) that leaks something."""

    def __init__(self):
        super().__init__(level=logging.NOTSET)
        self.leaks: list[tuple[str, str, str]] = []  # (test, what, line)
        self.current_test = "(outside a test)"
        self._exc_formatter = logging.Formatter()

    def text(self, record: logging.LogRecord) -> str:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 — a malformed record: keep what is there
            message = f"{record.msg!s} {record.args!r}"
        parts = [f"{record.name} {record.levelname}: {message}"]
        if record.exc_info:
            parts.append(self._exc_formatter.formatException(record.exc_info))
        elif record.exc_text:
            parts.append(record.exc_text)
        if record.stack_info:
            parts.append(record.stack_info)
        return "\n".join(parts)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = self.text(record)
            what = findings(text)
            if what:
                self.leaks.append((self.current_test, ", ".join(what), text))
        except Exception:  # noqa: BLE001
            self.handleError(record)


def _project_packages(rootdir: Path) -> set[str]:
    return {
        path.parent.name
        for path in rootdir.glob("*/__init__.py")
        if path.parent.name not in {"tests"} and not path.parent.name.startswith(".")
    }


class LogGuard:
    def __init__(self, config):
        self.config = config
        self.handler = LeakHandler()
        self.packages = _project_packages(Path(str(config.rootpath)))

    def attach(self) -> None:
        """(Re)attach the handler: a logging reconfiguration (Django's setup) drops root handlers."""
        root = logging.getLogger()
        if self.handler not in root.handlers:
            root.addHandler(self.handler)
        for name, logger in list(logging.root.manager.loggerDict.items()):
            if isinstance(logger, logging.Logger) and name.split(".")[0] in self.packages:
                logger.propagate = True
                logger.disabled = False

    @pytest.hookimpl(trylast=True)
    def pytest_sessionstart(self, session):
        self.attach()

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item):
        self.attach()
        self.handler.current_test = item.nodeid

    @pytest.hookimpl(trylast=True)
    def pytest_runtest_logfinish(self, nodeid, location):
        self.handler.current_test = "(outside a test)"

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session, exitstatus):
        workeroutput = getattr(self.config, "workeroutput", None)
        if workeroutput is not None:
            # A pytest-xdist worker: its leaks travel to the controller, which fails the run.
            workeroutput["log_guard_leaks"] = json.dumps(self.handler.leaks)
            return
        if self.handler.leaks and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node, error):
        """pytest-xdist (controller): collect what a finished worker's guard found."""
        found = getattr(node, "workeroutput", {}).get("log_guard_leaks")
        if found:
            self.handler.leaks.extend(tuple(leak) for leak in json.loads(found))

    def pytest_terminal_summary(self, terminalreporter):
        leaks = self.handler.leaks
        if not leaks:
            return
        terminalreporter.section("log guard: personal data or secrets in the log", red=True, bold=True)
        for test, what, text in leaks:
            terminalreporter.write_line(f"{test} [{what}]")
            for line in text.splitlines()[:20]:
                terminalreporter.write_line(f"    {line[:500]}")
        terminalreporter.write_line(f"log guard: {len(leaks)} log record(s) leak; the run fails.", red=True)

    def pytest_unconfigure(self, config):
        logging.getLogger().removeHandler(self.handler)


def pytest_configure(config):
    config.pluginmanager.register(LogGuard(config), "log_guard")
