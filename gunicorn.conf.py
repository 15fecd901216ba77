"""gunicorn settings for newsboard: `gunicorn` in the project folder reads this file.

Every value can be set from the environment (see .env.example and DEPLOY.md).
"""

import gc
import os

wsgi_app = "newsboard.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000").split(",")

# Sync workers: the board's pages are short database reads; a slow client is buffered by the
# proxy in front. Two per CPU core is a sensible ceiling.
worker_class = "sync"
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))

# A worker stuck longer than this is killed and replaced; the proxy's timeout should be longer.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))

# Recycle workers now and then so a slow leak cannot grow; jitter keeps them from all
# restarting at the same moment.
# The app is loaded once, in the master, and each worker is forked from it: a recycled worker
# answers at once; loaded in each worker, a recycled one first imports Django for about a second
# while the other serves alone (figures in DEPLOY.md).
# Settings and code changes then need a restart, not a HUP (DEPLOY.md).
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").lower() != "false"
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "100"))

# The app writes one JSON line per request itself (newsboard.logging), so gunicorn's access
# log stays off; its own messages (start, worker timeouts) go to stderr.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# Heartbeat files in memory: a container's overlay disk can stall them into false timeouts.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# Which proxies may set X-Forwarded-* headers (comma-separated addresses, or * behind a
# private load balancer).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")

# gunicorn's defaults, written down because the app relies on them: a header line over 8,190
# bytes is refused here (4xx), before Django, which cannot build a request whose Content-Type is
# over 10,000 characters and would answer 500.
limit_request_line = 4094
limit_request_field_size = 8190


def post_worker_init(worker):
    """Move what the worker loaded at start-up out of the garbage collector's reach.

    Modules, URL patterns, settings and the app's objects (~90,000 tracked objects) live as long
    as the worker, yet each full collection walked them all: a 60-110 ms pause every few hundred
    signed-in requests, which is what a p99 sees. Frozen, a full collection took at most 7 ms
    (measured in-process over 3,000 signed-in discussion requests; see bench/results/).
    """
    gc.freeze()
