"""Django's file-based e-mail backend, a little slower (DRILL_MAIL_DELAY seconds before each
message), so that a worker can be killed while it is delivering."""

import os
import time

from django.core.mail.backends.filebased import EmailBackend


class SlowFileBackend(EmailBackend):
    """One file per process and connection: Django names files by time and id(self), which
    forked worker processes share, so two of them could append to the same file at once."""

    _opened = 0

    def _get_filename(self):
        if self._fname is None:
            SlowFileBackend._opened += 1
            self._fname = os.path.join(self.file_path, f"{os.getpid()}-{SlowFileBackend._opened}-{time.time_ns()}.log")
        return self._fname

    def write_message(self, message):
        time.sleep(float(os.environ.get("DRILL_MAIL_DELAY", "0")))
        super().write_message(message)
        self.stream.flush()
