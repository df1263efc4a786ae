"""The project's settings for the drills' servers and workers, plus what the drills shorten.

DRILL_LEASE_SECONDS: the delivery lease (NOTIFICATIONS_DELIVERY_LEASE_SECONDS, 600 in
production) so that a killed worker's claims lapse within the drill. DRILL_STATIC_ROOT: where
collectstatic writes for the DEBUG-off servers. DRILL_HELLO=1: serve only the hello view,
through the project's middleware, as the load drill's baseline.
"""

import os

from config.settings import *  # noqa: F403

NOTIFICATIONS_DELIVERY_LEASE_SECONDS = int(os.environ.get("DRILL_LEASE_SECONDS", "600"))
if os.environ.get("DRILL_STATIC_ROOT"):
    STATIC_ROOT = os.environ["DRILL_STATIC_ROOT"]
if os.environ.get("DRILL_HELLO") == "1":
    ROOT_URLCONF = "hello_urls"
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "drill_mail.SlowFileBackend")
