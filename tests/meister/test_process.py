"""A web worker settles what it loaded: the objects present once Django is up are frozen out of the collector."""

import gc
import importlib


def test_the_wsgi_entry_point_freezes_what_was_loaded():
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    try:
        import meister.wsgi

        importlib.reload(meister.wsgi)
        assert gc.get_freeze_count() > 10_000, "Django's modules, models and URLs are in the permanent generation"
        assert callable(meister.wsgi.application)
    finally:
        gc.unfreeze()
