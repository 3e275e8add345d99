"""Settling a long-running process once Django has loaded.

Everything loaded at start (modules, models, URL patterns, templates, translations) lives as long as the process.
Python's collector would otherwise walk all of it again in every full pass, and a request that makes many objects
(the candidate ranking builds tens of thousands) triggers such passes: moving the loaded objects into the permanent
generation (`gc.freeze`) keeps them out, and the pauses go with them. Called by the WSGI entry point, so by every
web worker."""

import gc


def settle() -> None:
    gc.collect()
    gc.freeze()
