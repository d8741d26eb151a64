import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learnloop.settings")

application = get_wsgi_application()

# Import every view now rather than on a worker's first request: the URLconf pulls in the
# engines (onnxruntime, OR-Tools, DuckDB, ...), about 4 s that the first requests waited for.
get_resolver().url_patterns  # noqa: B018
