"""gunicorn.conf.py's hooks, called as gunicorn calls them."""

import gc
import runpy
from pathlib import Path

CONF = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"


def test_a_booted_worker_freezes_what_it_loaded():
    """After loading the app, a worker moves its objects out of the collector's generations,
    so a full collection no longer walks the modules and URL patterns it will keep anyway."""
    conf = runpy.run_path(str(CONF))
    assert gc.get_freeze_count() == 0
    try:
        conf["post_worker_init"](worker=None)
        assert gc.get_freeze_count() > 10_000
        # Objects made after the freeze are still collected.
        cycle = []
        cycle.append(cycle)
        del cycle
        assert gc.collect() >= 1
    finally:
        gc.unfreeze()


def test_workers_are_forked_from_the_loaded_app_unless_told_otherwise(monkeypatch):
    """A worker recycled after max_requests is a fork of the loaded app, ready at once; loading
    Django in the new worker left the class one worker short for ~1.5 s (the lecture hall)."""
    conf = runpy.run_path(str(CONF))
    assert conf["preload_app"] is True and conf["max_requests"] > 0
    monkeypatch.setenv("GUNICORN_PRELOAD", "false")
    assert runpy.run_path(str(CONF))["preload_app"] is False
