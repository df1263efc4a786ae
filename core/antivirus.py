"""Every accepted upload is scanned by ClamAV (clamd) before it is stored, when clamd is configured.

``CLAMD_SOCKET`` (a unix socket path) or ``CLAMD_HOST``/``CLAMD_PORT`` name the daemon; without
either the scan is skipped. A file clamd reports as infected is refused and the finding logged
(file name and signature, nothing about the person). When clamd cannot be reached, answers
nonsense or takes longer than ``CLAMD_TIMEOUT`` seconds, the file is refused too: an upload is
never accepted unscanned while a scanner is configured.

The ``clamd`` package supplies the client classes, its errors and its reply parser. Two
weaknesses of its client are fixed here: its connect has no timeout (a silent host would hold
the request for minutes) and it writes with ``send``, which may write only part of a chunk.
The scan speaks clamd's ``zINSTREAM`` protocol: NUL-terminated command and reply, the file as
length-prefixed chunks ending with a zero length.
"""

import logging
import re
import socket
import struct

import clamd
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

CHUNK = 64 * 1024  # clamd's StreamMaxLength limits the whole stream, not a chunk
MAX_REPLY = 4096
# A mobile or ID number someone put in a file's name stays out of the log.
LONG_NUMBER = re.compile(r"\d{6,}[\dXx]*")


def _loggable(name: str) -> str:
    return LONG_NUMBER.sub("***", name)


class _Stream:
    """The INSTREAM scan shared by both kinds of socket."""

    timeout: float

    def _connect(self) -> socket.socket:  # pragma: no cover - each subclass connects its own way
        raise NotImplementedError

    def _init_socket(self):
        try:
            self.clamd_socket = self._connect()
        except OSError as exc:
            raise clamd.ConnectionError(f"Error connecting to clamd: {exc}") from exc

    def instream(self, buff):
        """{"stream": (status, signature)} for the file-like ``buff``, read from where it stands."""
        self._init_socket()
        try:
            self.clamd_socket.sendall(b"zINSTREAM\0")
            while chunk := buff.read(CHUNK):
                self.clamd_socket.sendall(struct.pack("!L", len(chunk)) + chunk)
            self.clamd_socket.sendall(struct.pack("!L", 0))
            reply = b""
            while not reply.endswith((b"\0", b"\n")) and len(reply) < MAX_REPLY:
                data = self.clamd_socket.recv(MAX_REPLY)
                if not data:
                    break
                reply += data
        except OSError as exc:  # socket.timeout is an OSError
            raise clamd.ConnectionError(f"Error while talking to clamd: {exc}") from exc
        finally:
            self._close_socket()
        result = reply.rstrip(b"\0\n").decode("utf-8", "replace").strip()
        if not result:
            raise clamd.ConnectionError("clamd closed the connection without an answer")
        if result.startswith("INSTREAM size limit exceeded"):
            raise clamd.BufferTooLongError(result)
        path, signature, status = self._parse_response(result)
        return {path: (status, signature)}


class NetworkScanner(_Stream, clamd.ClamdNetworkSocket):
    def _connect(self) -> socket.socket:
        return socket.create_connection((self.host, self.port), timeout=self.timeout)


class UnixScanner(_Stream, clamd.ClamdUnixSocket):
    def _connect(self) -> socket.socket:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect(self.unix_socket)
        except OSError:
            sock.close()
            raise
        return sock


def scanner():
    """The configured clamd client, or None when no scanner is configured."""
    timeout = float(getattr(settings, "CLAMD_TIMEOUT", 5) or 5)
    path = getattr(settings, "CLAMD_SOCKET", "")
    if path:
        return UnixScanner(path=path, timeout=timeout)
    host = getattr(settings, "CLAMD_HOST", "")
    if host:
        return NetworkScanner(host=host, port=int(getattr(settings, "CLAMD_PORT", 3310)), timeout=timeout)
    return None


def scan(upload, *, name: str) -> None:
    """Refuse ``upload`` (ValidationError on "file") if clamd finds something or cannot tell.

    ``name`` is the safe file name, the only thing about the file that is logged (long numbers
    in it masked).
    """
    client = scanner()
    if client is None:
        return
    name = _loggable(name)
    upload.seek(0)
    try:
        result = client.instream(upload)
    except (clamd.ClamdError, OSError) as exc:
        logger.error("Virus scan unavailable for upload %r: %s", name, exc)
        raise ValidationError({"file": _("The virus scan is unavailable; try again later.")}) from exc
    finally:
        upload.seek(0)
    status, signature = next(iter(result.values()))
    if status == "OK":
        return
    if status == "FOUND":
        logger.warning("Virus scan found %s in upload %r; refused", signature, name)
        raise ValidationError({"file": _("The virus scan found malicious content in the file; it is not accepted.")})
    logger.error("Virus scan could not scan upload %r: %s %s", name, status, signature)
    raise ValidationError({"file": _("The virus scan is unavailable; try again later.")})
