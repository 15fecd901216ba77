"""django-tasks-db's worker, with the newsletter's recovery: on start and every
``NEWSLETTER_SWEEP_SECONDS`` it marks deliveries a dead worker left mid-send, starts mailings whose
time came (a scheduled issue going live is noticed here even if its task was lost), and wakes a
sender for deliveries that have none. A stop signal also stops a sending batch between two messages.
"""

import logging
import threading

from django.conf import settings
from django.db import close_old_connections, connection
from django_tasks_db.management.commands import db_worker

from newsletter import delivery, tasks

logger = logging.getLogger("newsletter.worker")


def _sweep_forever(stop, interval):
    while not stop.wait(interval):
        _sweep_once()


def _sweep_once():
    try:
        close_old_connections()
        done = delivery.recover()
        if done["interrupted"] or done["queued"]:
            logger.info("Newsletter sweep: %s", done)
    except Exception:
        logger.exception("Newsletter sweep failed; trying again later")
    finally:
        connection.close()


class Command(db_worker.Command):
    help = db_worker.Command.help + " (and the newsletter's recovery sweep)"

    def handle(self, *args, **options):
        original_shutdown = db_worker.Worker.shutdown

        def shutdown(worker, signum, frame):
            tasks.STOPPING.set()
            return original_shutdown(worker, signum, frame)

        db_worker.Worker.shutdown = shutdown
        _sweep_once()
        stop = threading.Event()
        sweeper = threading.Thread(
            target=_sweep_forever,
            args=(stop, settings.NEWSLETTER_SWEEP_SECONDS),
            name="newsletter-sweep",
            daemon=True,
        )
        sweeper.start()
        try:
            return super().handle(*args, **options)
        finally:
            stop.set()
