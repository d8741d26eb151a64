"""Hard constraints: pairs that may never be proposed, whatever their score."""

from __future__ import annotations

import numpy as np

from learnloop.mentoring.engine.scoring import Side


def pair_keys(mentee_person: np.ndarray, mentor_person: np.ndarray) -> np.ndarray:
    """One int64 per (mentee employee, mentor employee) for set membership tests."""
    return (np.asarray(mentee_person, dtype=np.int64) << 32) | np.asarray(
        mentor_person, dtype=np.int64
    )


def allowed(
    mentees: Side,
    mentors: Side,
    ei: np.ndarray,
    ej: np.ndarray,
    *,
    forbidden: np.ndarray | None = None,
) -> np.ndarray:
    """Boolean mask of the pairs that respect every hard constraint.

    - never oneself;
    - never one's manager or anyone above them, never one's own report (direct or indirect);
    - never a mentor without capacity;
    - never a pair in ``forbidden`` (``pair_keys`` of previous pairs when the program says so,
      or of pairs either side declined).
    Opted-out people are left out of the sides by the caller.
    """
    a, b = mentees.person[ei], mentors.person[ej]
    ok = a != b
    ok &= ~(mentees.ancestors[ei] == b[:, None]).any(axis=1)
    ok &= ~(mentors.ancestors[ej] == a[:, None]).any(axis=1)
    ok &= mentors.capacity[ej] > 0
    if forbidden is not None and len(forbidden):
        ok &= ~np.isin(pair_keys(a, b), forbidden)
    return ok


def violations(
    mentees: Side,
    mentors: Side,
    ei: np.ndarray,
    ej: np.ndarray,
    *,
    forbidden: np.ndarray | None = None,
) -> list[str]:
    """Why an assignment (one row per pair) breaks the rules, in words; empty when it does not.

    Checks each pair's hard constraints, one mentor per mentee and the mentors' capacities.
    """
    ei = np.asarray(ei, dtype=np.int64)
    ej = np.asarray(ej, dtype=np.int64)
    problems: list[str] = []
    a, b = mentees.person[ei], mentors.person[ej]
    for k in range(len(ei)):
        if a[k] == b[k]:
            problems.append(f"pair {k + 1}: a person cannot mentor themselves")
        elif (mentees.ancestors[ei[k]] == b[k]).any():
            problems.append(f"pair {k + 1}: the mentor is in the mentee's management chain")
        elif (mentors.ancestors[ej[k]] == a[k]).any():
            problems.append(f"pair {k + 1}: the mentee is in the mentor's management chain")
        elif forbidden is not None and np.isin(pair_keys(a[k : k + 1], b[k : k + 1]), forbidden)[0]:
            problems.append(f"pair {k + 1}: this pair is excluded (previous or declined pair)")
    values, counts = np.unique(ei, return_counts=True)
    for row in values[counts > 1]:
        problems.append(f"mentee row {int(row)} has more than one mentor")
    load = np.bincount(ej, minlength=len(mentors))
    for row in np.nonzero(load > mentors.capacity)[0]:
        problems.append(
            f"mentor row {int(row)} has {int(load[row])} mentees, capacity "
            f"{int(mentors.capacity[row])}"
        )
    return problems


def allowed_block(
    mentees: Side,
    mentors: Side,
    rows: np.ndarray,
    *,
    forbidden: np.ndarray | None = None,
) -> np.ndarray:
    """:func:`allowed` for mentees ``rows`` against every mentor, as a dense boolean matrix."""
    a = mentees.person[rows]
    b = mentors.person
    ok = a[:, None] != b[None, :]
    for level in range(mentees.ancestors.shape[1]):
        ok &= mentees.ancestors[rows, level][:, None] != b[None, :]
    for level in range(mentors.ancestors.shape[1]):
        ok &= mentors.ancestors[None, :, level] != a[:, None]
    ok &= (mentors.capacity > 0)[None, :]
    if forbidden is not None and len(forbidden):
        keys = np.asarray(forbidden, dtype=np.int64)
        mentee_of = {int(p): i for i, p in enumerate(a)}
        mentor_of: dict[int, list[int]] = {}
        for j, p in enumerate(b):
            mentor_of.setdefault(int(p), []).append(j)
        for key in keys.tolist():
            i = mentee_of.get(key >> 32)
            if i is not None:
                for j in mentor_of.get(key & 0xFFFFFFFF, []):
                    ok[i, j] = False
    return ok
