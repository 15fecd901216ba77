"""``python -m bench.bare.session``: migrate bare Django's database and print a signed-in cookie.

Run with bare Django's settings (and the engine to test in ``SESSION_ENGINE``); prints the
session cookie as JSON, made the way the test client's ``force_login`` makes it, so the server
reads a real session of a real user.
"""

import json
import os

USERNAME = "bench-bare-student"


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.bare.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    user, _ = get_user_model().objects.get_or_create(username=USERNAME)
    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    print(json.dumps({name: client.cookies[name].value}))


if __name__ == "__main__":
    main()
