"""Helpers for the newsletter tests: verified subscribers, a real SMTP server (aiosmtpd on a
loopback port), and the database task backend in place of the immediate one."""

import contextlib
import email
import email.policy
import socket
import threading
import time

from aiosmtpd.controller import Controller
from django.tasks import task_backends

from newsletter.models import Subscriber


def verify(user, *, weekly_issue=True):
    """Give ``user`` a verified address (as an opened activation link does)."""
    subscriber, _ = Subscriber.objects.get_or_create(user=user)
    subscriber.weekly_issue = weekly_issue
    subscriber.mark_verified(user.email)
    subscriber.save()
    return subscriber


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Mailbox:
    """What the SMTP server received, parsed. ``refuse`` maps an address to a reply
    (``"550 No such user"``) given at RCPT; ``on_message`` is called with each message."""

    def __init__(self):
        self.messages = []
        self.refuse = {}
        self.on_message = None
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        message.raw = envelope.content
        with self.lock:
            self.messages.append(message)
        if self.on_message is not None:
            self.on_message(message)
        return "250 Message accepted for delivery"

    def recipients(self):
        with self.lock:
            return [str(m["To"]) for m in self.messages]

    def wait_for(self, count, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.messages) >= count:
                return True
            time.sleep(0.02)
        return False


class SMTPServer:
    """aiosmtpd on 127.0.0.1, on a port of its own; ``stop()`` and ``start()`` again on the same
    port (the server going down and coming back)."""

    def __init__(self, port=None):
        self.port = port or free_port()
        self.mailbox = Mailbox()
        self.controller = None

    def start(self):
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def mailers(self, timeout=5):
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": self.port, "use_tls": False, "timeout": timeout},
            }
        }

    def env(self):
        """The environment that points a worker process at this server (newsboard.settings)."""
        return {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(self.port), "EMAIL_USE_TLS": "false"}


@contextlib.contextmanager
def database_tasks():
    """Use django-tasks-db's backend in this process (tasks wait in the database for a worker)."""
    from django.test import override_settings

    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        _reset_backends()
        try:
            yield
        finally:
            _reset_backends()
    _reset_backends()


def _reset_backends():
    vars(task_backends).pop("settings", None)
    task_backends._settings = None
    for alias in ("default",):
        with contextlib.suppress(AttributeError):
            delattr(task_backends._connections, alias)
