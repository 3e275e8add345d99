"""A small closed-loop HTTP load generator on loopback: N clients, each sending its next request when the last ends.

Plain asyncio streams and HTTP/1.1 with `Connection: close` (gunicorn's sync workers close every connection
anyway), so the client costs little CPU next to the server it measures. Bounded in requests and in time.
"""

import asyncio
import itertools
import statistics
import time
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Target:
    """One page as one persona sees it: the path and the session cookie that signs the client in."""

    name: str
    path: str
    cookie: str = ""


@dataclass
class LoadResult:
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    error_samples: list[str] = field(default_factory=list)

    def summary(self) -> dict:
        times = sorted(self.latencies) or [0.0]
        return {
            "requests": self.requests,
            "errors": self.errors,
            "seconds": round(self.seconds, 2),
            "throughput_rps": round(self.requests / self.seconds, 1) if self.seconds else 0.0,
            "p50_ms": round(statistics.median(times) * 1000, 1),
            "p95_ms": round(percentile(times, 95) * 1000, 1),
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "error_samples": self.error_samples[:5],
        }


def percentile(sorted_values: list[float], pct: float) -> float:
    """Nearest-rank percentile of already sorted values."""
    if not sorted_values:
        return 0.0
    rank = max(1, int(round(pct / 100 * len(sorted_values) + 0.4999)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


async def _fetch(host: str, port: int, target: Target, timeout: float) -> tuple[int, int]:
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    try:
        head = f"GET {target.path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nAccept: text/html\r\n"
        if target.cookie:
            head += f"Cookie: {target.cookie}\r\n"
        writer.write((head + "\r\n").encode("latin-1"))
        await writer.drain()
        data = await asyncio.wait_for(reader.read(), timeout)
    finally:
        writer.close()
    status_line = data.split(b"\r\n", 1)[0].split()
    status = int(status_line[1]) if len(status_line) > 1 and status_line[1].isdigit() else 0
    return status, len(data)


async def _run(host, port, clients: list[list[Target]], duration: float, max_requests: int, timeout: float):
    result = LoadResult()
    deadline = time.perf_counter() + duration
    sent = itertools.count()

    async def client(targets: list[Target]):
        for target in itertools.cycle(targets):
            if time.perf_counter() >= deadline or next(sent) >= max_requests:
                return
            start = time.perf_counter()
            try:
                status, _size = await _fetch(host, port, target, timeout)
            except (OSError, TimeoutError) as error:
                status = 0
                if len(result.error_samples) < 5:
                    result.error_samples.append(f"{target.name}: {error!r}")
            result.latencies.append(time.perf_counter() - start)
            result.requests += 1
            result.statuses[status] = result.statuses.get(status, 0) + 1
            if status != 200:
                result.errors += 1
                if status and len(result.error_samples) < 5:
                    result.error_samples.append(f"{target.name}: HTTP {status}")

    started = time.perf_counter()
    await asyncio.gather(*(client(targets) for targets in clients))
    result.seconds = time.perf_counter() - started
    return result


def run_load(
    url: str,
    clients: list[list[Target]],
    *,
    duration: float = 10.0,
    max_requests: int = 1_000_000,
    timeout: float = 30.0,
) -> LoadResult:
    """Each inner list is one client's round of pages; it cycles through them until time or requests run out."""
    host, port = url.removeprefix("http://").rstrip("/").split(":")
    work = _run(host, int(port), clients, duration, max_requests, timeout)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(work)
    # Called where an event loop already runs in this thread (a browser test's driver): use a thread of its own.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, work).result()
