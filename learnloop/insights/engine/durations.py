"""ISO 8601 durations as xAPI results carry them (``PT1H30M``, ``P1DT2H``, ``PT12.5S``)."""

from __future__ import annotations

import re

_DURATION = re.compile(
    r"^P(?:(?P<weeks>\d+(?:\.\d+)?)W)?(?:(?P<days>\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(?P<hours>\d+(?:\.\d+)?)H)?(?:(?P<minutes>\d+(?:\.\d+)?)M)?"
    r"(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$"
)
_FACTORS = {"weeks": 604800.0, "days": 86400.0, "hours": 3600.0, "minutes": 60.0, "seconds": 1.0}


def seconds(value: object) -> float:
    """The duration in seconds; 0 for a missing or malformed value (a bad client must not stop
    the refresh; the statement still counts as activity)."""
    if not isinstance(value, str) or value in ("P", "PT"):
        return 0.0
    found = _DURATION.match(value)
    if found is None:
        return 0.0
    return sum(float(v) * _FACTORS[k] for k, v in found.groupdict().items() if v)
