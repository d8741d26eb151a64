import atexit
import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learnloop.settings")

application = get_wsgi_application()

# Import every view now rather than on a worker's first request: the URLconf pulls in the
# engines (onnxruntime, OR-Tools, DuckDB, ...), about 4 s that the first requests waited for.
get_resolver().url_patterns  # noqa: B018

# Leave what start-up loaded (about 250,000 objects: Django, the engines' libraries) out of
# every later garbage collection, and collect the young generation less often: a statement
# batch alone keeps thousands of small dicts alive for the length of its request. In process,
# collections took 27 µs per statement stored before, 1 µs after (docs/lrs.md).
gc.collect()
gc.freeze()
gc.set_threshold(10_000, 10, 10)
# Hand the frozen objects back at exit: left frozen, they outlive interpreter shutdown and
# DuckDB's bindings print a screenful of "nanobind: leaked ..." for every worker stopped.
atexit.register(gc.unfreeze)
