"""Run a parser of untrusted input in a child process with memory, CPU and wall-clock limits.

A hostile file can make a parser allocate gigabytes or loop for minutes. The child is a fresh
interpreter (``python -m learnloop.uploads._child``), not a fork: the worker's threads, locks
and database connections stay behind. It sets RLIMIT_AS and RLIMIT_CPU on itself before it
reads its input, and the parent kills it at the wall-clock limit. Whatever happens, the caller
gets the parser's value or one UploadError saying what went wrong.
"""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from learnloop.uploads import UploadError

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    memory: int = 512 * MB  # address space of the child
    cpu_seconds: int = 20
    wall_seconds: float = 30.0


def run_limited[T](fn: Callable[..., T], *args: Any, label: str, limits: Limits = Limits()) -> T:
    """``fn(*args)`` in a limited child; ``fn`` must be a module-level function and its
    arguments and result picklable. An UploadError raised by ``fn`` keeps its message; any
    other failure becomes an UploadError starting with ``label``."""
    request = pickle.dumps(
        (limits.memory, limits.cpu_seconds, fn.__module__, fn.__qualname__, args)
    )
    try:
        done = subprocess.run(
            [sys.executable, "-m", "learnloop.uploads._child"],
            input=request,
            capture_output=True,
            timeout=limits.wall_seconds,
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise UploadError(
            label, f"reading it took longer than {limits.wall_seconds:g} seconds"
        ) from None
    if done.returncode == -signal.SIGXCPU:
        raise UploadError(
            label, f"reading it took more than {limits.cpu_seconds} seconds of processing"
        )
    if done.returncode == -signal.SIGKILL:  # the CPU hard limit, or the kernel out of memory
        raise UploadError(label, "reading it was stopped: it needed too many resources")
    try:
        outcome, value = pickle.loads(done.stdout)  # written by our own child, not the upload
    except Exception:
        tail = done.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
        raise UploadError(label, f"could not be read (the reader stopped: {tail[0]})") from None
    if outcome == "ok":
        result: T = value
        return result
    if outcome == "memory":
        raise UploadError(label, f"reading it needs more than {limits.memory // MB} MB of memory")
    if outcome == "refused":
        raise UploadError(*value)
    raise UploadError(label, f"could not be read ({value})")
