"""Every accepted upload goes through clamd when one is configured; without an answer, nothing is accepted.

The daemon here is a small fake that speaks clamd's INSTREAM protocol over TCP or a unix socket.
"""

import logging
import socket
import socketserver
import struct
import threading

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from core import antivirus
from core.uploads import check_upload
from proposals import services
from proposals.models import Attachment
from tests.builders import PDF_BYTES, draft

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
LIMIT = 10 * 1024 * 1024


def read_exactly(sock, n: int) -> bytes:
    data = b""
    while len(data) < n:
        part = sock.recv(n - len(data))
        if not part:
            raise ConnectionError("client went away")
        data += part
    return data


class FakeClamd(socketserver.BaseRequestHandler):
    """zINSTREAM\\0, then <4-byte length><chunk>… ending with a zero length; one NUL-terminated answer."""

    def handle(self):
        server = self.server
        command = read_exactly(self.request, len(b"zINSTREAM\0"))
        server.commands.append(command)
        data = b""
        while size := struct.unpack("!L", read_exactly(self.request, 4))[0]:
            data += read_exactly(self.request, size)
        server.scanned.append(data)
        if server.silent:
            server.release.wait(5)
            return
        if command != b"zINSTREAM\0":
            answer = b"UNKNOWN COMMAND\0"
        elif EICAR in data:
            answer = b"stream: Eicar-Test-Signature FOUND\0"
        else:
            answer = b"stream: OK\0"
        self.request.sendall(answer)


class TCPClamd(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class UnixClamd(socketserver.ThreadingUnixStreamServer):
    daemon_threads = True


def serve(server, *, silent=False):
    server.commands, server.scanned, server.silent, server.release = [], [], silent, threading.Event()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server


def stop(server):
    server.release.set()
    server.shutdown()
    server.server_close()


@pytest.fixture
def clamd_tcp(settings):
    server = serve(TCPClamd(("127.0.0.1", 0), FakeClamd))
    settings.CLAMD_SOCKET, settings.CLAMD_HOST, settings.CLAMD_PORT = "", "127.0.0.1", server.server_address[1]
    settings.CLAMD_TIMEOUT = 2
    yield server
    stop(server)


@pytest.fixture
def clamd_unix(settings, tmp_path):
    server = serve(UnixClamd(str(tmp_path / "clamd.ctl"), FakeClamd))
    settings.CLAMD_SOCKET, settings.CLAMD_HOST = str(tmp_path / "clamd.ctl"), ""
    settings.CLAMD_TIMEOUT = 2
    yield server
    stop(server)


@pytest.fixture
def closed_port():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there any more: connections are refused
    return port


def upload(content=PDF_BYTES, name="答复函.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def refusal(file) -> str:
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        check_upload(file, max_bytes=LIMIT)
    return " ".join(caught.value.message_dict["file"])


def test_a_clean_file_is_streamed_to_clamd_and_accepted(clamd_tcp):
    content = PDF_BYTES + b"%" + b"x" * 200_000 + b"\n"  # several chunks
    assert check_upload(upload(content), max_bytes=LIMIT)[0] == "application/pdf"
    assert clamd_tcp.commands == [b"zINSTREAM\0"] and clamd_tcp.scanned == [content]


def test_an_infected_file_is_refused_and_the_finding_logged_without_personal_data(clamd_tcp, caplog):
    with caplog.at_level(logging.WARNING, logger="core.antivirus"):
        message = refusal(upload(PDF_BYTES + b"%" + EICAR + b"\n", name="张三答复函13800138000.pdf"))
    assert message == "病毒扫描发现文件含有恶意内容，不予接受。"
    (record,) = [r for r in caplog.records if r.name == "core.antivirus"]
    assert record.levelno == logging.WARNING
    assert "Eicar-Test-Signature" in record.getMessage() and "张三答复函***.pdf" in record.getMessage()
    assert "13800138000" not in record.getMessage()


def test_the_unix_socket_is_used_when_configured(clamd_unix):
    assert check_upload(upload(), max_bytes=LIMIT)[0] == "application/pdf"
    assert clamd_unix.scanned == [PDF_BYTES]
    assert "病毒扫描发现" in refusal(upload(PDF_BYTES + EICAR))


def test_an_unreachable_scanner_refuses_every_upload(settings, closed_port, caplog):
    settings.CLAMD_SOCKET, settings.CLAMD_HOST, settings.CLAMD_PORT = "", "127.0.0.1", closed_port
    with caplog.at_level(logging.ERROR, logger="core.antivirus"):
        assert refusal(upload()) == "病毒扫描暂不可用，请稍后再试。"
    assert any("unavailable" in r.getMessage() for r in caplog.records if r.name == "core.antivirus")


def test_a_missing_unix_socket_refuses_every_upload(settings, tmp_path):
    settings.CLAMD_SOCKET = str(tmp_path / "no-such.ctl")
    assert refusal(upload()) == "病毒扫描暂不可用，请稍后再试。"


def test_a_scanner_that_does_not_answer_in_time_refuses_the_upload(settings):
    server = serve(TCPClamd(("127.0.0.1", 0), FakeClamd), silent=True)
    try:
        settings.CLAMD_SOCKET, settings.CLAMD_HOST, settings.CLAMD_PORT = "", "127.0.0.1", server.server_address[1]
        settings.CLAMD_TIMEOUT = 0.3
        assert refusal(upload()) == "病毒扫描暂不可用，请稍后再试。"
        assert server.scanned == [PDF_BYTES]  # it got the file, and said nothing
    finally:
        stop(server)


def test_a_scanner_answering_an_error_refuses_the_upload(clamd_tcp, monkeypatch):
    monkeypatch.setattr(antivirus.NetworkScanner, "instream", lambda self, buff: {"stream": ("ERROR", "Can't scan")})
    assert refusal(upload()) == "病毒扫描暂不可用，请稍后再试。"


def test_without_a_scanner_configured_the_scan_is_skipped(settings):
    settings.CLAMD_SOCKET, settings.CLAMD_HOST = "", ""
    assert antivirus.scanner() is None
    # EICAR in a plain PDF passes the other checks: only the scanner would have caught it.
    assert check_upload(upload(PDF_BYTES + EICAR), max_bytes=LIMIT)[0] == "application/pdf"


def test_an_infected_attachment_is_not_stored(clamd_tcp, deputy, settings):
    suggestion = draft(deputy)
    with pytest.raises(ValidationError):
        services.attachment_add(actor=deputy, suggestion=suggestion, upload=upload(PDF_BYTES + EICAR))
    assert not Attachment.objects.exists()
    assert not [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()]
    services.attachment_add(actor=deputy, suggestion=suggestion, upload=upload())
    assert Attachment.objects.count() == 1 and len(clamd_tcp.scanned) == 2
