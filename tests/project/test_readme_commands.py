"""The README's commands work exactly as written in a checkout that `make run` set up.

The checkout is imitated in a temporary directory: the development settings `make run` writes
(scripts/write-local-env), the embedded SQLite database, migrated and loaded with the demo. Each
`.venv/bin/python manage.py …` row of the README's command table then runs with nothing else in
the environment. `make test`, `make lint` and `make test-fast` are what CI runs; `scripts/run` itself is
started on a port of its own.
"""

import os
import re
import signal
import socket
import subprocess
import time
import urllib.request

import pytest
from django.conf import settings

pytestmark = pytest.mark.faults  # real processes, several seconds each: kept out of `make test-fast`

README = settings.BASE_DIR / "README.md"
PYTHON = ".venv/bin/python"


def documented_commands() -> set[str]:
    table = README.read_text(encoding="utf-8").split("## Commands", 1)[1]
    return set(re.findall(r"^\| `\.venv/bin/python manage\.py (\w+)", table, flags=re.M))


def example_runs(tmp):
    """One run, as a person would type it, per documented command: (command, args, expected exit status)."""
    csv = tmp / "schools.csv"
    csv.write_text("学校コード,学校名,ふりがな,都道府県,市区町村,設置者\r\n", encoding="utf-8")
    return [
        ("seed_demo", ["seed_demo", "--today", "2027-04-01"], 0),
        (
            "render_report",
            ["render_report", "annual", "--fy", "2024", "--format", "pdf", "--out", str(tmp / "a.pdf")],
            0,
        ),
        ("import_registry", ["import_registry", "schools", str(csv), "--dry-run", "--user", "prefecture"], 0),
        ("send_confirmation_reminders", ["send_confirmation_reminders"], 0),
        ("anonymise_students", ["anonymise_students", "--dry-run"], 0),
        ("rebuild_tallies", ["rebuild_tallies"], 0),
        # PostgreSQL only: on the embedded SQLite they refuse in words.
        ("generate_national", ["generate_national", "--scale", "small"], 1),
        ("backup_db", ["backup_db", str(tmp / "backup.dump")], 1),
    ]


def checkout_env(tmp) -> dict:
    """A shell in the checkout after `make run`: none of the test settings, the settings file make run wrote."""
    dropped = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "MEISTER_DEMO", "DATABASE_URL", "REDIS_URL", "SITE_URL"}
    dropped |= {"MEDIA_ROOT", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"}
    dropped |= {"DJANGO_SETTINGS_MODULE", "MEISTER_LOCAL_ENV", "MEISTER_VAR_DIR", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    subprocess.run(["scripts/write-local-env", str(tmp / "local.env")], cwd=settings.BASE_DIR, check=True)
    return env | {"MEISTER_LOCAL_ENV": str(tmp / "local.env"), "MEISTER_VAR_DIR": str(tmp / "var")}


def manage(env, *args):
    return subprocess.run(
        [PYTHON, "manage.py", *args], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=300
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_make_run_then_every_documented_command_runs_as_written(tmp_path):
    runs = example_runs(tmp_path)
    assert {name for name, _args, _status in runs} == documented_commands()
    port = _free_port()
    env = checkout_env(tmp_path) | {"PORT": f"127.0.0.1:{port}"}
    # In a process group of its own, as in a terminal: Ctrl-C reaches the server and the worker alike, and whatever
    # is still running after the wait is stopped with the group, so no worker outlives the test.
    process = subprocess.Popen(
        ["scripts/run"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    output = []
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and not any("Stop with Ctrl-C" in line for line in output):
            line = process.stdout.readline()
            if not line and process.poll() is not None:
                break
            output.append(line)
        text = "".join(output)
        assert f"Meister Portal: http://127.0.0.1:{port}/" in text, text
        assert ":8000" not in text, text
        logins = set(re.findall(r"[a-z]+(?:-niigata)?", text.split("Sign in at", 1)[1].split("Emails:", 1)[0]))
        assert logins >= {"ministry", "admin", "prefecture", "coordinator", "teacher", "company"}
        assert logins >= {"prefecture-niigata", "coordinator-niigata", "teacher-niigata", "company-niigata"}
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                    assert response.status == 200
                    break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("the development server did not answer on the address it printed")
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(process.pid, signal.SIGKILL)  # a worker still in its warm shutdown
        except ProcessLookupError:
            pass
        process.wait()
    # The same checkout afterwards, as a person types the README's commands in another shell.
    env.pop("PORT")
    for name, args, status in runs:
        result = manage(env, *args)
        assert result.returncode == status, (name, result.stdout + result.stderr)
        assert "Traceback" not in result.stderr, (name, result.stderr)
        if status:
            assert "PostgreSQL" in result.stderr, (name, result.stderr)
    assert (tmp_path / "a.pdf").read_bytes().startswith(b"%PDF-")
