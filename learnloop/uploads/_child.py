"""The child side of ``sandbox.run_limited``: limit itself, then call the function."""

from __future__ import annotations

import importlib
import pickle
import resource
import sys
from typing import Any


def main() -> None:
    request = sys.stdin.buffer.read()
    memory, cpu_seconds, module, qualname, args = pickle.loads(request)
    del request
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    # The soft limit sends SIGXCPU, which ends the process; the hard one is a backstop.
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    result: tuple[str, Any]
    try:
        fn: Any = importlib.import_module(module)
        for part in qualname.split("."):
            fn = getattr(fn, part)
        result = ("ok", fn(*args))
    except MemoryError:
        result = ("memory", None)
    except Exception as exc:
        from learnloop.uploads import UploadError

        if isinstance(exc, UploadError):
            result = ("refused", (exc.label, exc.reason))
        else:
            result = ("error", f"{type(exc).__name__}: {exc}"[:500])
    try:
        out = pickle.dumps(result)
    except MemoryError:
        out = pickle.dumps(("memory", None))
    sys.stdout.buffer.write(out)
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
