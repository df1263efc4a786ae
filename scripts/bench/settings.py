"""The project's settings for the bench server: production settings plus the hello view.

Used only by ``scripts/bench/run.py`` (DJANGO_SETTINGS_MODULE=scripts.bench.settings); the
hello view and its URL exist nowhere else.

BENCH_CACHE=dummy: every cache is Django's DummyCache (nothing is ever cached: the
"uncached" pass). BENCH_STATIC_ROOT: where collectstatic wrote for the DEBUG-off server.
PROPOSALS_PUBLIC_PAGE_CACHE_SECONDS: the public page cache's lifetime (0: off).
"""

import os

from config.settings import *  # noqa: F403

ROOT_URLCONF = "scripts.bench.urls"
if os.environ.get("BENCH_STATIC_ROOT"):
    STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]
if os.environ.get("BENCH_CACHE") == "dummy":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
if os.environ.get("PROPOSALS_PUBLIC_PAGE_CACHE_SECONDS"):
    PROPOSALS_PUBLIC_PAGE_CACHE_SECONDS = int(os.environ["PROPOSALS_PUBLIC_PAGE_CACHE_SECONDS"])
