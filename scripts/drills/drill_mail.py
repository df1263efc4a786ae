"""Django's file-based e-mail backend, a little slower (DRILL_MAIL_DELAY seconds before each
message), so that a worker can be killed while it is delivering."""

import os
import time

from django.core.mail.backends.filebased import EmailBackend


class SlowFileBackend(EmailBackend):
    def write_message(self, message):
        time.sleep(float(os.environ.get("DRILL_MAIL_DELAY", "0")))
        super().write_message(message)
        self.stream.flush()
