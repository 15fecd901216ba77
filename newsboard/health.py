"""GET /healthz for load balancers: the database and the cache answer, or 503.

The body never says what failed (that goes to the log), so the probe leaks nothing.
"""

import logging
import secrets

from django.core.cache import cache
from django.db import Error as DatabaseError
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger("newsboard.health")


def database_ok():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        logger.warning("Health check: database unavailable", exc_info=True)
        return False


def cache_ok():
    # A key of its own, so app servers probing at the same moment cannot overwrite each other.
    token = secrets.token_hex(8)
    key = f"healthz:{token}"
    try:
        cache.set(key, token, timeout=30)
        ok = cache.get(key) == token
        cache.delete(key)
        return ok
    except Exception:  # Each cache backend raises its own errors (redis.ConnectionError, ...).
        logger.warning("Health check: cache unavailable", exc_info=True)
        return False


@require_safe
@never_cache
def healthz(request):
    if database_ok() and cache_ok():
        return JsonResponse({"status": "ok"})
    return JsonResponse({"status": "unavailable"}, status=503)
