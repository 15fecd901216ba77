"""Sessions as Django keeps them, minus cookies no session could have made.

Django only checks that a session key is at least 8 characters long before looking it up. A
forged cookie such as ``sessionid="\\000abcdefgh"`` (the quoted escape becomes a NUL) then
reaches the database, and PostgreSQL refuses text with NUL in it: a 500 for one header. Keys
Django makes are 32 lowercase letters and digits, so anything else is treated as no session.
A signed-cookie session is looked up nowhere: its signature already refuses a forged one.
"""

import re

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware

SESSION_KEY = re.compile(r"[a-z0-9]{8,40}")


class ValidatedSessionMiddleware(SessionMiddleware):
    """Django's SessionMiddleware that ignores a session cookie Django could not have issued."""

    def process_request(self, request):
        session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        looked_up = not settings.SESSION_ENGINE.endswith(".signed_cookies")
        if looked_up and session_key is not None and not SESSION_KEY.fullmatch(session_key):
            session_key = None
        request.session = self.SessionStore(session_key)
