"""The lecture hall, as a class is: 300 signed-in students read, 100 of them post meanwhile.

Every student arrives signed in (a real session), opens this week's issue, its stylesheet and
the discussion; those who do not post keep reading until the last post is in, and each poster
posts through the discussion page's own form (CSRF token, field names: whatever the board
ships), then loads the page the post leads to and looks for their comment in it.

Plain threads and http.client, one new connection per request as phones on a campus network
would mostly make.
"""

import datetime
import gzip
import json
import math
import random
import re
import statistics
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html import escape, unescape
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit

from bench.server import get

LOGIN_CANDIDATES = ("/accounts/login/", "/login/")
# What a discussion page's script polls while the tab is open (static/js/live.js).
LIVE_URL = re.compile(r'data-live-url="([^"]+)"')


class FormParser(HTMLParser):
    """Every <form>: its action, method, inputs and textareas."""

    def __init__(self):
        super().__init__()
        self.forms, self._form = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {
                "action": attrs.get("action") or "",
                "method": (attrs.get("method") or "get").lower(),
                "inputs": {},
                "textareas": [],
                "types": {},
            }
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "button", "select") and attrs.get("name"):
            kind = (attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self._form["inputs"].setdefault(attrs["name"], attrs.get("value") or "")
            self._form["types"][attrs["name"]] = kind
        elif self._form is not None and tag == "textarea" and attrs.get("name"):
            self._form["textareas"].append(attrs["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def forms(html):
    parser = FormParser()
    parser.feed(html)
    return parser.forms


class Browser:
    """Just enough of a browser: a cookie jar and form posts."""

    def __init__(self, port, cookies=None):
        self.port, self.cookies = port, dict(cookies or {})

    def request(self, path, method="GET", data=None):
        headers = {"Accept-Encoding": "gzip, br"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        status, response_headers, content = get(self.port, path, headers, method, body)
        elapsed = (time.perf_counter() - started) * 1000
        if response_headers.get("Content-Encoding") == "gzip":
            content = gzip.decompress(content)
        for cookie in response_headers.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value.strip().strip('"')
        return status, response_headers, content, elapsed


@dataclass
class Timings:
    latencies: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind, ms, ok, detail=""):
        with self.lock:
            self.latencies.setdefault(kind, []).append(ms)
            if not ok:
                self.errors.append(f"{kind}: {detail}")

    def summary(self):
        """Per kind of request: count, p50, p99, max; then every "read: …" pooled as "reads"."""
        rows = {kind: latency_summary(values) for kind, values in self.latencies.items()}
        reads = [ms for kind, values in self.latencies.items() if kind.startswith("read:") for ms in values]
        if reads:
            rows["reads (all)"] = latency_summary(reads)
        return rows


def latency_summary(values):
    """Count, median, 99th percentile (nearest rank) and max; a failed request (NaN) only counts."""
    timed = sorted(v for v in values if v == v)
    if not timed:
        return {"count": len(values), "p50_ms": float("nan"), "p99_ms": float("nan"), "max_ms": float("nan")}
    return {
        "count": len(values),
        "p50_ms": statistics.median(timed),
        "p99_ms": timed[min(len(timed) - 1, math.ceil(len(timed) * 0.99) - 1)],
        "max_ms": timed[-1],
    }


NOT_A_NEW_COMMENT = ("report", "reply", "edit", "delete", "flag", "hide")


def comment_form(html):
    """The new-comment form, whatever its fields are called: a POST form with a textarea.

    A page may also carry per-comment forms (report, reply, edit); those are passed over while
    a plainer one exists.
    """
    candidates = [f for f in forms(html) if f["method"] == "post" and f["textareas"]]
    plain = [f for f in candidates if not any(word in f["action"].lower() for word in NOT_A_NEW_COMMENT)]
    return (plain or candidates or [None])[0]


def sign_in(browser, username, password, timings):
    """Sign in through the login page if there is one; returns False when there is none."""
    for path in LOGIN_CANDIDATES:
        status, _, content, _ = browser.request(path)
        if status != 200:
            continue
        form = next((f for f in forms(content.decode()) if "password" in f["types"].values()), None)
        if form is None:
            continue
        data = dict(form["inputs"])
        user_field = next(n for n, t in form["types"].items() if t in ("text", "email") and n != "next")
        password_field = next(n for n, t in form["types"].items() if t == "password")
        data.update({user_field: username, password_field: password})
        status, _, _, ms = browser.request(urljoin(path, form["action"]) or path, "POST", data)
        timings.add("sign in", ms, status in (302, 303), f"{path} → {status}")
        return True
    return False


def lecture(
    port,
    *,
    issue_path,
    css_path,
    discussion_path,
    item_path=None,
    students,
    posters,
    password=None,
    arrive_within=10.0,
    window=60.0,
    think=5.0,
    poll=10.0,
    marker=None,
):
    """Run the class; returns a Hall. With an ``item_path`` each student also opens that item
    after the issue (which marks it read for them).

    ``students`` is a list of (username, cookies of a signed-in session). ``posters`` of them,
    spread through the list, post one at a time over ``window`` seconds; the others reread the
    discussion or the issue every ``think`` seconds (±50 %) until the window closes. With a
    ``password`` each poster signs in again through the login page before posting. Meanwhile
    every student's discussion tab stays open and polls the address its page gives the live
    script (``data-live-url``) every ``poll`` seconds, as the page's script does (0: no polling).
    """
    hall = Hall(marker=marker or uuid.uuid4().hex[:8])
    count = len(students)
    slots = poster_slots(count, posters)
    started = time.monotonic()
    closes = started + window

    def until(moment):
        time.sleep(max(0.0, moment - time.monotonic()))

    def read(browser, kind, path):
        try:
            status, _, content, ms = browser.request(path)
        except OSError as error:
            hall.timings.add(f"read: {kind}", float("nan"), False, f"{path} → {error}")
            return ""
        hall.timings.add(f"read: {kind}", ms, status == 200, f"{path} → {status}")
        return content.decode(errors="replace")

    def poll_live(browser, path):
        try:
            status, _, _, ms = browser.request(path)
        except OSError as error:
            hall.timings.add("poll: live", float("nan"), False, f"{path} → {error}")
            return
        hall.timings.add("poll: live", ms, status in (200, 304), f"{path} → {status}")

    def student(n):
        username, cookies = students[n]
        browser = Browser(port, cookies)
        pace = random.Random(n)
        until(started + arrive_within * n / count)
        read(browser, "issue", issue_path)
        read(browser, "css", css_path)
        if item_path:
            # Opening an item marks it read: 300 students write their marks within 10 s.
            read(browser, "item", item_path)
        html = read(browser, "discussion", discussion_path)
        match = LIVE_URL.search(html) if poll else None
        live = urljoin(discussion_path, unescape(match.group(1))) if match else None
        if live:
            hall.how["live"] = f"every student's discussion tab polls {live} every {poll:g} s"
        next_poll = [time.monotonic() + poll * pace.random()]

        def wait(moment):
            """Until ``moment``, polling as the open discussion tab does."""
            while live and next_poll[0] < moment:
                until(next_poll[0])
                poll_live(browser, live)
                next_poll[0] += poll
            until(moment)

        if n in slots:
            wait(started + window * (slots[n] + 0.5) / len(slots))
            hall.post(browser, n, username, html, discussion_path, password)
            wait(closes)
            return
        while True:
            next_read = time.monotonic() + think * pace.uniform(0.5, 1.5)
            if next_read >= closes:
                wait(closes)
                return
            wait(next_read)
            read(browser, "again", pace.choice((discussion_path, issue_path)))

    with ThreadPoolExecutor(max_workers=max(1, count)) as pool:
        list(pool.map(student, range(count)))
    hall.seconds = time.monotonic() - started
    return hall


def poster_slots(students, posters):
    """Which students post, spread through the class: student index → their turn (0, 1, …)."""
    posters = min(posters, students)
    return {k * students // posters: k for k in range(posters)} if posters else {}


@dataclass
class Hall:
    """What the lecture hall saw: timings, and which posts were accepted and then seen."""

    marker: str
    timings: Timings = field(default_factory=Timings)
    posted: list = field(default_factory=list)
    seen: list = field(default_factory=list)
    how: dict = field(
        default_factory=lambda: {"sign_in": "already signed in (real sessions)", "posting": "comment form"}
    )
    seconds: float = 0.0

    def text(self, n):
        return f"Lecture hall {self.marker}: student {n} thinks this week mattered."

    def post(self, browser, n, username, html, discussion_path, password):
        """Post through the page's comment form, then load where the post leads and look for it."""
        timings = self.timings
        try:
            if password is not None:
                self.how["sign_in"] = "posters sign in through the login page; readers arrive signed in"
                browser = Browser(browser.port)
                if not sign_in(browser, username, password, timings):
                    timings.add("sign in", float("nan"), False, "no login page")
                    return
                status, _, content, ms = browser.request(discussion_path)
                timings.add("post: open discussion", ms, status == 200, f"→ {status}")
                html = content.decode(errors="replace")
            form = comment_form(html)
            if form is None:
                self.how["posting"] = "no comment form for this student"
                timings.add("post: comment", float("nan"), False, "no comment form")
                return
            data = dict(form["inputs"])
            data[form["textareas"][0]] = self.text(n)
            action = urljoin(discussion_path, form["action"]) if form["action"] else discussion_path
            status, headers, _, ms = browser.request(action, "POST", data)
            # Post/redirect/get: a 200 is the form shown again, i.e. the comment was refused.
            ok = status in (201, 302, 303)
            timings.add("post: comment", ms, ok, f"{action} → {status}")
            if not ok:
                return
            self.posted.append(n)
            next_path = next_page(action, headers.get("Location"), discussion_path)
            status, _, content, ms = browser.request(next_path)
            seen = status == 200 and escape(self.text(n)) in content.decode(errors="replace")
            timings.add("post: next page", ms, seen, f"{next_path} → {status}, own comment not in it")
            if seen:
                self.seen.append(n)
        except OSError as error:
            timings.add("post: error", float("nan"), False, str(error))


def server_times(lines, since, until, names):
    """Time spent in the worker per request, from the board's JSON request log (newsboard/logging.py).

    Beside the times the students saw, it tells queueing (long waits, short work) from slow
    pages. ``names`` maps a path to a name ("issue"); other paths are "other". Lines that are
    not request records are skipped, so a log format the harness does not know gives nothing.
    """
    times = {}
    for line in lines:
        if not line.startswith("{"):
            continue
        try:
            record = json.loads(line)
            at = datetime.datetime.fromisoformat(record["time"])
            kind = f"in the worker: {record['method']} {names.get(record['path'], 'other')}"
            ms = float(record["duration_ms"])
        except (ValueError, KeyError, TypeError):
            continue
        if since <= at <= until:
            times.setdefault(kind, []).append(ms)
    return {kind: latency_summary(values) for kind, values in sorted(times.items())}


def next_page(action, location, fallback):
    """The address a browser loads after the post: the redirect's, without its #fragment."""
    if not location:
        return fallback
    parts = urlsplit(urljoin(action, location))
    return parts.path + (f"?{parts.query}" if parts.query else "")
