"""The simulated people: locust (headless, as a library), run by ``python -m bench.load``.

    python -m bench.load.swarm PLAN.json RESULT.json

PLAN.json holds the host, the accounts (username, password, contact ids, search terms), the
think time and the phases' lengths. Everyone logs in at once (a burst, not measured) and
waits until all are in; then ``mix`` (the pages a person uses, and logging interactions
through the contact page's form) and ``baseline`` (a trivial login-required page), same
people, same think time. No Django here: locust patches the standard library (gevent).
RESULT.json: every request (phase, endpoint, ms, ok, detail) and the interactions whose
POST got the success redirect.
"""

import contextlib
import itertools
import json
import logging
import random
import sys
import time

import gevent
import psutil
from gevent.event import Event
from locust import HttpUser, between, events, task  # patches the standard library (gevent) on import
from locust.env import Environment
from locust.exception import StopUser

from bench.load.forms import read_form

REQUEST_TIMEOUT = 60  # seconds; gunicorn's own worker timeout (30 s) ends a stuck request first
BASELINE_URL = "/accounts/password_change/"
MIX_BASELINE = "mix_baseline"  # the baseline page's samples taken during the mix

STATE = {"phase": "login", "mix_started": time.monotonic()}
GO = Event()  # set when every account is logged in: the measured window opens
ACCOUNTS: list[dict] = []
LOGGED_IN: list[str] = []
LOGIN_FAILED: list[str] = []
SAMPLES: list[list] = []
LOGGED_INTERACTIONS: list[str] = []
SERIAL = itertools.count(1)


@events.request.add_listener
def record(request_type, name, response_time, response_length, exception=None, context=None, **kwargs):
    phase = (context or {}).get("phase", STATE["phase"])
    started_s = time.monotonic() - response_time / 1000 - STATE["mix_started"]  # since the window opened
    SAMPLES.append(
        [phase, name, round(response_time, 2), exception is None, str(exception or "")[:200], round(started_s, 3)]
    )


class Person(HttpUser):
    """One of the fifty: their own account, their own contacts, a person's pace."""

    wait_time = between(1, 3)  # both set from the plan
    wait_max_s = 3

    def on_start(self):
        self.phase = "login"
        self.account = ACCOUNTS.pop()
        self.log_in()
        LOGGED_IN.append(self.account["username"])
        GO.wait()
        # People do not all click in the same millisecond once the window opens.
        gevent.sleep(random.uniform(0, self.wait_max_s))

    def log_in(self):
        page = self.get("/accounts/login/", "login: page")
        form = read_form(page.text, "") if page.status_code == 200 else None
        if form is None:
            self.login_failed("no login form")
        data = dict(form.fields, username=self.account["username"], password=self.account["password"])
        with self.client.post(
            "/accounts/login/", data=data, name="login: post", allow_redirects=False, catch_response=True,
            headers={"Origin": self.host}, timeout=REQUEST_TIMEOUT, context=self.context(),
        ) as response:  # fmt: skip
            if response.status_code != 302 or response.headers.get("Location") != "/":
                response.failure(f"login answered {response.status_code} {response.headers.get('Location', '')}")
                self.login_failed(f"login answered {response.status_code}")
        self.get("/", "login: dashboard")  # where the login redirects, as a browser follows it

    def login_failed(self, why):
        LOGIN_FAILED.append(f"{self.account['username']}: {why}")
        raise StopUser()

    def context(self):
        # An action's requests all count in the phase it began in (a log interaction is three).
        return {"phase": self.phase}

    def get(self, url, endpoint):
        with self.client.get(
            url, name=endpoint, allow_redirects=False, catch_response=True, timeout=REQUEST_TIMEOUT,
            context=self.context(),
        ) as response:  # fmt: skip
            if response.status_code != 200:
                response.failure(f"{response.status_code} {response.headers.get('Location', '')}".strip())
        return response

    @task
    def step(self):
        self.phase = phase = STATE["phase"]
        if phase == "mix":
            action = random.choices(self.MIX, weights=[weight for _, weight in self.MIX])[0][0]
            action(self)
        elif phase == "baseline":
            self.get(BASELINE_URL, "baseline: password change page")
        else:
            gevent.sleep(0.5)

    # --- the mix: what a person does in a session ---------------------------------------------

    def dashboard(self):
        self.get("/", "dashboard")

    def contact_list(self):
        page = random.choice([1, 1, 1, 2, 3, 4, 5, 6, 7, 8])
        self.get(f"/contacts/?page={page}" if page > 1 else "/contacts/", "contacts: list")

    def contact_search(self):
        self.get(f"/contacts/?q={random.choice(self.account['search_terms'])}", "contacts: search")

    def contact_page(self):
        self.get(f"/contacts/{random.choice(self.account['contact_ids'])}/", "contact page")

    def log_interaction(self):
        """Open a contact, fill in the page's "Log an interaction" form, post it, see the page again."""
        pk = random.choice(self.account["contact_ids"])
        page = self.get(f"/contacts/{pk}/", "contact page")
        if page.status_code != 200:
            return
        form = read_form(page.text, "/log/")
        if form is None:
            events.request.fire(
                request_type="POST", name="log interaction (POST)", response_time=0, response_length=0,
                exception=RuntimeError("no log form on the contact page"), context=self.context(),
            )  # fmt: skip
            return
        marker = f"[load {self.account['username']} {next(SERIAL)}]"
        data = dict(form.fields, summary=f"Called about the intro {marker}", next_step="Send the deck")
        with self.client.post(
            form.action, data=data, name="log interaction (POST)", allow_redirects=False, catch_response=True,
            headers={"Origin": self.host, "Referer": f"{self.host}/contacts/{pk}/"},
            timeout=REQUEST_TIMEOUT, context=self.context(),
        ) as response:  # fmt: skip
            location = response.headers.get("Location", "")
            if response.status_code == 302 and location == f"/contacts/{pk}/":
                LOGGED_INTERACTIONS.append(marker)
            else:
                response.failure(f"{response.status_code} {location}".strip())
                return
        self.get(location, "contact page")

    def followups(self):
        self.get("/followups/", "follow-ups")

    def baseline_in_mix(self):
        """The baseline page now and then during the mix too: the trivial page under the mix's
        load (queued behind the heavy pages), kept out of the mix's own figures."""
        self.phase = MIX_BASELINE  # counted apart; step() sets the phase again for the next click
        self.get(BASELINE_URL, "baseline: password change page")

    def plan(self):
        self.get("/plan/", "plan")

    MIX = [
        (dashboard, 4),
        (contact_list, 2),
        (contact_search, 2),
        (contact_page, 3),
        (log_interaction, 2),
        (followups, 2),
        (plan, 1),
        (baseline_in_mix, 1),
    ]


def _cpu_seconds(pid: int) -> float:
    """CPU time of a process and its children, those alive and those it has reaped."""
    try:
        process = psutil.Process(pid)
        times = process.cpu_times()
        total = times.user + times.system + times.children_user + times.children_system
        for child in process.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                total += sum(child.cpu_times()[:2])
        return total
    except psutil.Error:
        return 0.0


def cpu_snapshot(plan) -> dict:
    machine = psutil.cpu_times()
    return {
        "at": time.monotonic(),
        "gunicorn": _cpu_seconds(plan["server_pid"]),
        "postgres": _cpu_seconds(plan["postgres_pid"]) if plan.get("postgres_pid") else 0.0,
        "swarm": sum(psutil.Process().cpu_times()[:2]),
        "machine_busy": sum(machine) - machine.idle - getattr(machine, "iowait", 0),
    }


def cpu_used(before: dict, after: dict) -> dict:
    """Cores each part kept busy on average over the phase, and the whole machine's busy share."""
    wall = after["at"] - before["at"]
    cores = psutil.cpu_count() or 1
    used = {f"{part}_cores": (after[part] - before[part]) / wall for part in ("gunicorn", "postgres", "swarm")}
    return {
        "wall_s": wall,
        "cores": cores,
        "machine_busy": (after["machine_busy"] - before["machine_busy"]) / wall / cores,
        **used,
    }


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        gevent.sleep(0.1)
    return condition()


def main(plan_path: str, result_path: str) -> int:
    logging.basicConfig(level=logging.WARNING, format="swarm: %(levelname)s %(message)s")
    with open(plan_path) as plan_file:
        plan = json.load(plan_file)
    people = plan["people"]
    ACCOUNTS.extend(reversed(people))
    Person.host = plan["host"]
    Person.wait_time = between(plan["wait_min_s"], plan["wait_max_s"])
    Person.wait_max_s = plan["wait_max_s"]
    environment = Environment(user_classes=[Person], events=events)
    runner = environment.create_local_runner()
    timings = {}
    started = time.monotonic()
    runner.start(len(people), spawn_rate=len(people))  # everyone arrives at once
    all_in = wait_for(lambda: len(LOGGED_IN) == len(people) or LOGIN_FAILED, plan["login_timeout_s"])
    timings["login_s"] = round(time.monotonic() - started, 1)
    if all_in and not LOGIN_FAILED:
        STATE.update(phase="mix", mix_started=time.monotonic())
        GO.set()
        at_mix = cpu_snapshot(plan)
        gevent.sleep(plan["mix_s"])
        STATE["phase"] = "baseline"
        at_baseline = cpu_snapshot(plan)
        gevent.sleep(plan["baseline_s"])
        at_end = cpu_snapshot(plan)
        timings["cpu"] = {"mix": cpu_used(at_mix, at_baseline), "baseline": cpu_used(at_baseline, at_end)}
    STATE["phase"] = "done"
    GO.set()
    runner.quit()
    with open(result_path, "w") as out:
        json.dump(
            {
                "logged_in": len(LOGGED_IN),
                "login_failed": LOGIN_FAILED,
                "samples": SAMPLES,
                "logged_interactions": LOGGED_INTERACTIONS,
                **timings,
            },
            out,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
