"""gunicorn settings read from the project's root (gunicorn loads ./gunicorn.conf.py itself).

Command-line options (bind, workers) still win; this file only adds what every deployment
wants whatever its size.
"""

import gc


def post_worker_init(_worker) -> None:
    """Once the app is loaded in a worker, move every object it holds (modules, routes, the
    SQLAlchemy metadata, templates) out of the garbage collector's reach: they live as long as
    the worker, and a full collection would otherwise walk them all again every so often."""
    gc.freeze()
