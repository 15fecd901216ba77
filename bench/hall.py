"""The lecture-hall scenario: 300 phones open this week's issue, then 100 students post.

Plain threads and http.client, one new connection per request as phones on a campus network
would mostly make. Posting goes through a small adapter that reads the discussion page's own
comment form (CSRF token, field names), so it follows whatever form the board ships.
"""

import gzip
import statistics
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin

from bench.server import get

LOGIN_CANDIDATES = ("/accounts/login/", "/login/")


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
        rows = {}
        for kind, values in self.latencies.items():
            values = sorted(values)
            rows[kind] = {
                "count": len(values),
                "p50_ms": statistics.median(values),
                "p99_ms": values[min(len(values) - 1, int(len(values) * 0.99))],
                "max_ms": values[-1],
            }
        return rows


def spread(count, window, work):
    """Start ``work(n)`` for n in range(count) evenly over ``window`` seconds; wait for all."""
    started = time.monotonic()

    def at(n):
        time.sleep(max(0.0, started + window * n / count - time.monotonic()))
        work(n)

    with ThreadPoolExecutor(max_workers=count) as pool:
        list(pool.map(at, range(count)))
    return time.monotonic() - started


def reads(port, *, issue_path, css_path, discussion_path, students=300, window=10.0):
    """Each student loads the issue page, its stylesheet and the discussion page."""
    timings = Timings()

    def student(n):
        browser = Browser(port)
        for kind, path in (("issue", issue_path), ("css", css_path), ("discussion", discussion_path)):
            try:
                status, _, _, ms = browser.request(path)
                timings.add(f"read: {kind}", ms, status == 200, f"{path} → {status}")
            except OSError as error:
                timings.add(f"read: {kind}", float("nan"), False, f"{path} → {error}")

    elapsed = spread(students, window, student)
    return timings, elapsed


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


def posts(port, *, discussion_path, accounts, session_for, use_login_page=True, window=60.0, marker=None):
    """Each account signs in, opens the discussion, and posts one comment through its form.

    ``session_for(username)`` gives a session cookie when the board has no login page yet.
    Returns (timings, posted, how, elapsed): ``posted`` counts posts the server accepted.
    """
    timings, marker = Timings(), marker or uuid.uuid4().hex[:8]
    posted, how = [], {"sign_in": "login page", "posting": "comment form"}
    probe = Browser(port, session_for(accounts[0][0]))
    status, _, content, _ = probe.request(discussion_path)
    if status != 200 or comment_form(content.decode()) is None:
        how = {"sign_in": "not tried", "posting": "posting not available yet (no comment form)"}
        return timings, 0, how, marker, 0.0

    def student(n):
        username, password = accounts[n]
        browser = Browser(port)
        try:
            if not use_login_page:
                how["sign_in"] = "already signed in (session created in the database)"
                browser.cookies.update(session_for(username))
            elif not sign_in(browser, username, password, timings):
                how["sign_in"] = "session created in the database (no login page yet)"
                browser.cookies.update(session_for(username))
            status, _, content, ms = browser.request(discussion_path)
            timings.add("post: open discussion", ms, status == 200, f"→ {status}")
            form = comment_form(content.decode())
            if form is None:
                how["posting"] = "no comment form for this student"
                timings.add("post: comment", float("nan"), False, "no comment form")
                return
            data = dict(form["inputs"])
            data[form["textareas"][0]] = f"Lecture hall {marker}: student {n} thinks this week mattered."
            action = urljoin(discussion_path, form["action"]) if form["action"] else discussion_path
            status, _, _, ms = browser.request(action, "POST", data)
            # Post/redirect/get: a 200 is the form shown again, i.e. the comment was refused.
            ok = status in (201, 302, 303)
            timings.add("post: comment", ms, ok, f"{action} → {status}")
            if ok:
                posted.append(n)
        except OSError as error:
            timings.add("post: error", float("nan"), False, str(error))

    elapsed = spread(len(accounts), window, student)
    return timings, len(posted), how, marker, elapsed
