"""Report runs: long jobs on the Celery worker that write PDF and Excel files."""
