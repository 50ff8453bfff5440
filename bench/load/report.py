"""The load bench's figures: percentiles per endpoint, failures, lost interactions, queries."""

from __future__ import annotations

import collections
import dataclasses
import math

MIX, BASELINE, LOGIN = "mix", "baseline", "login"
# The baseline page taken now and then during the mix (swarm.py): the trivial page under the
# mix's load, beside the baseline phase's (the same page once the heavy pages have stopped).
MIX_BASELINE = "mix_baseline"
WINDOW_S = 10


def percentile(values: list[float], share: float) -> float:
    """Linear interpolation between closest ranks (numpy's default); 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = (len(ordered) - 1) * share
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def share_at_least(intervals: list[tuple[float, float]], count: int) -> float:
    """The share of the span of ``intervals`` (start, end) during which ``count`` or more overlap."""
    if not intervals:
        return 0.0
    edges = sorted([(start, 1) for start, _ in intervals] + [(end, -1) for _, end in intervals])
    open_now, covered, since = 0, 0.0, None
    for at, step in edges:
        if open_now >= count and since is not None:
            covered += at - since
        open_now += step
        since = at
    span = max(end for _, end in intervals) - min(start for start, _ in intervals)
    return covered / span if span else 0.0


@dataclasses.dataclass
class Endpoint:
    phase: str
    name: str
    times_ms: list[float] = dataclasses.field(default_factory=list)
    failures: int = 0

    @property
    def p50(self) -> float:
        return percentile(self.times_ms, 0.50)

    @property
    def p95(self) -> float:
        return percentile(self.times_ms, 0.95)


@dataclasses.dataclass
class Figures:
    endpoints: list[Endpoint]
    failure_details: list[str]
    posted: int
    lost: int
    stored: int
    cpu: dict
    windows: dict[str, list[float]]  # phase -> p95 of each WINDOW_S seconds, to see a noisy neighbour
    saturated: dict[str, float]  # phase -> share of its time with every gunicorn worker busy

    @classmethod
    def from_result(cls, result: dict, *, stored_markers: set[str], workers: int) -> Figures:
        by_key: dict[tuple[str, str], Endpoint] = {}
        details = collections.Counter()
        by_window = collections.defaultdict(list)
        in_flight = collections.defaultdict(list)
        for phase, name, ms, ok, detail, started_s in result["samples"]:
            if phase in (MIX, BASELINE):
                by_window[phase, int(started_s // WINDOW_S)].append(ms)
            if phase != LOGIN:  # the mix's baseline pages are in flight during the mix
                in_flight[MIX if phase == MIX_BASELINE else phase].append((started_s, started_s + ms / 1000))
            endpoint = by_key.setdefault((phase, name), Endpoint(phase, name))
            endpoint.times_ms.append(ms)
            if not ok:
                endpoint.failures += 1
                details[f"{phase} {name}: {detail}"] += 1
        posted = set(result["logged_interactions"])
        return cls(
            endpoints=list(by_key.values()),
            failure_details=[f"{count} x {detail}" for detail, count in details.most_common(10)],
            posted=len(posted),
            lost=len(posted - stored_markers),
            stored=len(stored_markers),
            cpu=result.get("cpu", {}),
            windows={
                phase: [percentile(by_window[key], 0.95) for key in sorted(by_window) if key[0] == phase]
                for phase in (MIX, BASELINE)
            },
            # Seen from the clients: with `workers` requests open, the next one waits in the queue.
            saturated={phase: share_at_least(in_flight[phase], workers) for phase in (MIX, BASELINE)},
        )

    def times(self, phase: str) -> list[float]:
        return [ms for endpoint in self.endpoints if endpoint.phase == phase for ms in endpoint.times_ms]

    @property
    def requests(self) -> int:
        """Requests in the measured windows (the mix and the baseline; not the logins)."""
        return len(self.times(MIX)) + len(self.times(MIX_BASELINE)) + len(self.times(BASELINE))

    @property
    def failures(self) -> int:
        return sum(endpoint.failures for endpoint in self.endpoints)  # the logins' too

    @property
    def p50_ms(self) -> float:
        return percentile(self.times(MIX), 0.50)

    @property
    def p95_ms(self) -> float:
        return percentile(self.times(MIX), 0.95)

    @property
    def baseline_p95_ms(self) -> float:
        return percentile(self.times(BASELINE), 0.95)

    @property
    def p95_ratio(self) -> float:
        return self.p95_ms / self.baseline_p95_ms if self.baseline_p95_ms else math.inf

    @property
    def mix_baseline_p95_ms(self) -> float:
        return percentile(self.times(MIX_BASELINE), 0.95)

    @property
    def mix_baseline_ratio(self) -> float:
        """The mix's p95 over the baseline page's p95 taken during the mix (same load for both)."""
        return self.p95_ms / self.mix_baseline_p95_ms if self.mix_baseline_p95_ms else math.inf


def print_endpoints(figures: Figures, alone: dict[str, str]) -> None:
    print(f"{'endpoint':<34} {'requests':>8} {'failed':>6} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7}  alone")
    for phase in (LOGIN, MIX, MIX_BASELINE, BASELINE):
        rows = sorted((e for e in figures.endpoints if e.phase == phase), key=lambda e: -len(e.times_ms))
        for e in rows:
            label = {MIX: f"  {e.name}", MIX_BASELINE: "baseline, during the mix"}.get(phase, e.name)
            print(
                f"{label:<34} {len(e.times_ms):>8} {e.failures:>6} {e.p50:>7.0f} {e.p95:>7.0f} "
                f"{max(e.times_ms):>7.0f}  {alone.get(e.name, '') if phase != LOGIN else ''}"
            )
        if phase == MIX:
            times = figures.times(MIX)
            print(
                f"{'mix, all endpoints':<34} {len(times):>8} "
                f"{sum(e.failures for e in figures.endpoints if e.phase == MIX):>6} "
                f"{figures.p50_ms:>7.0f} {figures.p95_ms:>7.0f} {max(times, default=0):>7.0f}"
            )
    for detail in figures.failure_details:
        print(f"failed: {detail}")
    print(
        f"interactions: {figures.posted} POSTs got the success redirect, {figures.stored} rows in PostgreSQL, "
        f"{figures.lost} lost"
    )
    for phase, p95s in figures.windows.items():
        print(f"p95 ms of each {WINDOW_S}s of the {phase}: {' '.join(f'{ms:.0f}' for ms in p95s)}")
    for phase, cpu in figures.cpu.items():
        ours = cpu["gunicorn_cores"] + cpu["postgres_cores"] + cpu["swarm_cores"]
        print(
            f"cpu during the {phase} ({cpu['wall_s']:.0f}s): gunicorn {cpu['gunicorn_cores']:.2f} cores, "
            f"PostgreSQL {cpu['postgres_cores']:.2f}, the swarm {cpu['swarm_cores']:.2f}; the machine's "
            f"{cpu['cores']} cores {cpu['machine_busy']:.0%} busy, "
            f"{max(0.0, cpu['machine_busy'] * cpu['cores'] - ours):.2f} cores by other processes; "
            f"every gunicorn worker busy {figures.saturated.get(phase, 0):.0%} of the time"
        )


def alone(person, runs: int = 5) -> dict[str, str]:
    """Each endpoint's queries and median server time for one account, one request at a time
    (Django's test client, before the run): what a request costs without anyone queueing."""
    import statistics
    import time

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from contacts.freshness import touch

    client = Client()
    client.post("/accounts/login/", {"username": person.username, "password": person.password})
    pk = person.contact_ids[0]

    def measure(method, url, data=None, *, before=None, times=runs):
        timings = []
        for _ in range(times):
            if before:
                before()
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = getattr(client, method)(url, data)
                timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code in (200, 302), (url, response.status_code)
        return f"{len(captured)} queries, {statistics.median(timings):.0f} ms"

    owner_id = get_user_model().objects.get(username=person.username).pk

    posted = {"occurred_at": "2026-11-30T10:00", "kind": "call", "summary": "Server time alone"}
    return {
        "dashboard": f"{measure('get', '/', before=lambda: touch([owner_id]))} rendered; {measure('get', '/')} cached",
        "contacts: list": measure("get", "/contacts/"),
        "contacts: search": measure("get", "/contacts/", {"q": person.search_terms[0]}),
        "contact page": measure("get", f"/contacts/{pk}/"),
        "log interaction (POST)": measure("post", f"/followups/contacts/{pk}/log/", posted, times=1),
        "follow-ups": measure("get", "/followups/"),
        "plan": measure("get", "/plan/"),
        "baseline: password change page": measure("get", "/accounts/password_change/"),
    }
