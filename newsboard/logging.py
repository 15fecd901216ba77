"""Structured logs: a JSON formatter and one access-log line per request.

The access line carries what an operator needs (method, path, status, duration, user id)
and nothing a reader typed: no bodies, and query values under secret-sounding keys are
replaced, so tokens in links never reach the log store. Tokens in the path are replaced too:
a URL argument named like a secret (``<token>`` in a password-reset or unsubscribe link), and,
in any JSON line, anything shaped like a Django token (a 404 on a mangled reset link names
no URL argument).
"""

import json
import logging
import re
import time
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlencode

from django.utils.functional import empty

request_logger = logging.getLogger("newsboard.requests")

SECRET_KEYS = re.compile(r"token|key|secret|pass|sig|auth|code|session|csrf", re.IGNORECASE)
# What django.contrib.auth's token generator makes: a base-36 timestamp, a dash, a hex HMAC.
DJANGO_TOKEN = re.compile(r"\b[0-9a-z]{1,13}-[0-9a-f]{20,}\b")
# What django.core.signing makes (the newsletter's unsubscribe and verification links): a payload,
# a base-62 timestamp and a signature, joined by colons. Redacted wherever it appears, so a link
# that never reached its view (a missing slash redirected, a 400 logged by Django) leaks nothing.
SIGNED_TOKEN = re.compile(r"[A-Za-z0-9_\-.]{2,}:[0-9A-Za-z]{4,}:[A-Za-z0-9_\-]{20,}")
REDACTED = "[redacted]"
# Attributes every LogRecord has; anything else was passed with extra= and is logged.
_RECORD_FIELDS = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}
# Django attaches the request object to its error records; it may hold POST data.
_NEVER_LOGGED = {"request", "args"}


def scrub(text):
    """``text`` with anything shaped like a token replaced."""
    return SIGNED_TOKEN.sub(REDACTED, DJANGO_TOKEN.sub(REDACTED, text))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, extras, traceback."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": scrub(record.getMessage()),
        }
        for name, value in vars(record).items():
            if name not in _RECORD_FIELDS and name not in _NEVER_LOGGED and not name.startswith("_"):
                value = value if isinstance(value, int | float | bool | None) else str(value)
                entry[name] = scrub(value) if isinstance(value, str) else value
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class ClientErrorsAsWarnings(logging.Filter):
    """A request Django answered with a 4xx is the client's mistake, not the server's: a warning
    line without a traceback. Django logs a SuspiciousOperation (an oversized body, a forged
    session) at ERROR with its traceback, which paged operators for every bored visitor."""

    def filter(self, record):
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500 and record.levelno > logging.WARNING:
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info, record.exc_text = None, None
        return True


def redacted_query(query_string):
    """The query string with values of secret-sounding keys replaced."""
    if not query_string:
        return ""
    pairs = parse_qsl(query_string, keep_blank_values=True)
    return urlencode([(k, "[redacted]" if SECRET_KEYS.search(k) else v) for k, v in pairs])


def redacted_path(request):
    """``request.path`` with URL arguments named like secrets replaced (a reset link's token)."""
    path = request.path
    # Set for every request that reached the URL resolver; a page served from the cache or
    # refused by a middleware never did, and carries no URL arguments worth resolving for.
    match = getattr(request, "resolver_match", None)
    for name, value in match.kwargs.items() if match else ():
        if SECRET_KEYS.search(name) and str(value):
            path = path.replace(f"/{value}", f"/{REDACTED}")
    return scrub(path)


def _user_id(request):
    # Only report a user already loaded by the view: loading it here would cost a
    # query on every request and fail when the database is down.
    user = getattr(request, "user", None)
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None
    return user.pk if user.is_authenticated else None


class RequestLogMiddleware:
    """Log one line per request, outermost so the duration covers every other middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        path = redacted_path(request)
        request_logger.info(
            "%s %s %s",
            request.method,
            path,
            response.status_code,
            extra={
                "method": request.method,
                "path": path,
                "query": redacted_query(request.META.get("QUERY_STRING", "")),
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "user_id": _user_id(request),
            },
        )
        return response
