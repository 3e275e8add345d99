"""`python -m tests.clocked_worker <celery worker arguments>`: a Celery worker whose clock starts at
MEISTER_WORKER_CLOCK (an ISO moment) and ticks from there, so that a worker started by a test that moved
the clock sees the same dates as the test."""

import datetime
import os
import sys

import time_machine
from celery.__main__ import main

if __name__ == "__main__":
    moment = os.environ.get("MEISTER_WORKER_CLOCK")
    if moment:
        time_machine.travel(datetime.datetime.fromisoformat(moment), tick=True).start()
    sys.argv = ["celery", *sys.argv[1:]]
    sys.exit(main())
