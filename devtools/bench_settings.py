"""Settings for the benchmark's gunicorn: the test settings (production-like, DEBUG off) plus a hello-world URL."""

from meister.test_settings import *  # noqa: F403

ROOT_URLCONF = "devtools.bench_urls"
