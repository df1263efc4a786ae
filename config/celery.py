"""Celery application.

With REDIS_URL set, tasks go over Redis to a worker and beat reads its schedule
from the database (django-celery-beat). Without it, tasks run in-process
(``task_always_eager``), so a newcomer needs no broker.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
