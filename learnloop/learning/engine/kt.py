"""Knowledge tracing: P(next answer on a skill is correct) from a learner's past answers.

The model is gradient-boosted trees over features a learner's state keeps up to date cheaply
per answer: per-skill counts, last outcomes and streaks (what BKT with forgetting and PFA
capture), the learner's overall and first-attempt ability, how they did on related skills
(skills whose learners do better or worse than expected together, measured on the training
data), and each skill's difficulty, learning curve and typical practice length. Trees learn the
interactions between them (e.g. how much a wrong answer weighs for a strong learner on a hard
skill), which a logistic PFA model cannot: about 0.02 AUC more in cross-validation on
ASSISTments 2009.

Multi-skill responses: in the three-line format a response tagged with several skills is
written once per skill, and the ASSISTments files group each student's rows by skill, so the
copy of a response shows up in a later run of another skill. A run whose outcomes so far
repeat an earlier run's outcomes is likely such a copy; the ``echo_*`` features carry what the
matching earlier runs did next. In the app, a multi-skill answer goes through
:meth:`KnowledgeTracer.update_many`, which records it on each skill.

Usage::

    tracer = fit(sequences)             # KnowledgeTracer
    state = tracer.init()
    p = tracer.predict(state, skill)    # mastery estimate = P(correct on the next try)
    state = tracer.update(state, skill, correct)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .kt_data import Sequence as ResponseSequence
from .trees import TreeEnsemble

FEATURES: tuple[str, ...] = (
    "skill_attempts",
    "skill_successes",
    "skill_failures",
    "skill_last1",
    "skill_last2",
    "skill_last3",
    "skill_streak_right",
    "skill_streak_wrong",
    "skill_ewma",
    "skill_gap",
    "learner_attempts",
    "learner_rate",
    "learner_first_try_rate",
    "learner_skills_started",
    "learner_mean_run",
    "learner_recent_rate",
    "echo_next",
    "echo_count",
    "skill_difficulty",
    "skill_first_try_difficulty",
    "skill_mean_run",
    "skill_curve",
    "learner_residual",
    "learner_related_residual",
)
# Dropping each of the others alone costs no AUC in cross-validation on ASSISTments (they repeat
# what these carry: counts through the curve and residuals, gaps are 0 when a learner's answers
# on a skill come in one run), and leaving all of them out takes 0.0002 AUC and a third of the
# tree fitting time.
TREE_FEATURES: tuple[str, ...] = tuple(
    name
    for name in FEATURES
    if name
    not in {
        "skill_attempts",
        "skill_successes",
        "skill_failures",
        "skill_gap",
        "learner_attempts",
        "learner_rate",
        "learner_first_try_rate",
        "echo_count",
    }
)
RELATED = 10  # most similar skills kept per skill
# With ``KTConfig(monotone=True, echoes=False)`` the estimate may only rise with evidence of
# success and fall with evidence of failure, so from any state a right answer never gives a lower
# estimate than a wrong one. Off by default: on ASSISTments the constraints cost about 0.004 AUC,
# likely because a skill-builder run ends after three right answers in a row, so many successes
# in one run mark a learner who keeps failing to finish it.
MONOTONE = {
    "skill_successes": 1,
    "skill_failures": -1,
    "skill_last1": 1,
    "skill_last2": 1,
    "skill_last3": 1,
    "skill_streak_right": 1,
    "skill_streak_wrong": -1,
    "skill_ewma": 1,
    "learner_rate": 1,
    "learner_first_try_rate": 1,
    "learner_recent_rate": 1,
    "learner_residual": 1,
    "echo_next": 1,
}
CURVE = 10  # attempts of a skill's learning curve measured separately (the rest pooled)
RECENT = 10  # answers in the learner's recent rate
RUNS_KEPT = 256  # earlier runs searched for echoes; bounds update time for long histories
ECHO_MIN = 2  # a run must repeat this many outcomes before it counts as an echo
EWMA_DECAY = 0.6
MISSING = -1.0
# "No outcome yet" sits between wrong (0) and right (1) for the monotone outcome features.
NO_OUTCOME = 0.5


@dataclass(slots=True)
class SkillTrace:
    attempts: int = 0
    successes: int = 0
    last: list[int] = field(default_factory=list)  # up to 3 latest outcomes, newest last
    streak_right: int = 0
    streak_wrong: int = 0
    ewma: float = NO_OUTCOME
    last_seen: int = -1  # learner's answer index when this skill was last answered


@dataclass(slots=True)
class LearnerState:
    """Everything the model needs about one learner; mutable, updated in place."""

    skills: dict[int, SkillTrace] = field(default_factory=dict)
    attempts: int = 0
    successes: int = 0
    first_tries: int = 0
    first_try_successes: int = 0
    recent: list[int] = field(default_factory=list)
    run_skill: int | None = None
    run: list[int] = field(default_factory=list)
    runs: list[tuple[int, ...]] = field(default_factory=list)
    echoes: list[int] = field(default_factory=list)  # indices of runs matching ``run`` so far
    finished_runs: int = 0
    finished_run_answers: int = 0
    expected: float = 0.0  # sum of the answered skills' training success rates
    # skill -> (answers on other skills, the model's stats, related residual): derived from the
    # rest of the state, so never serialized.
    related_cache: dict[int, tuple[int, SkillStats, float]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "skills": {
                str(k): [
                    t.attempts,
                    t.successes,
                    t.last,
                    t.streak_right,
                    t.streak_wrong,
                    t.ewma,
                    t.last_seen,
                ]
                for k, t in self.skills.items()
            },
            "counts": [
                self.attempts,
                self.successes,
                self.first_tries,
                self.first_try_successes,
                self.finished_runs,
                self.finished_run_answers,
            ],
            "expected": self.expected,
            "recent": self.recent,
            "run_skill": self.run_skill,
            "run": self.run,
            "runs": [list(r) for r in self.runs],
            "echoes": self.echoes,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LearnerState:
        state = cls(
            skills={
                int(k): SkillTrace(v[0], v[1], list(v[2]), v[3], v[4], float(v[5]), v[6])
                for k, v in data["skills"].items()
            },
            recent=list(data["recent"]),
            run_skill=data["run_skill"],
            run=list(data["run"]),
            runs=[tuple(r) for r in data["runs"]],
            echoes=list(data["echoes"]),
            expected=float(data["expected"]),
        )
        (
            state.attempts,
            state.successes,
            state.first_tries,
            state.first_try_successes,
            state.finished_runs,
            state.finished_run_answers,
        ) = data["counts"]
        return state


@dataclass(frozen=True, slots=True)
class SkillStats:
    """Per-skill figures measured on the training data (defaults for unseen skills)."""

    difficulty: dict[int, float]
    first_try: dict[int, float]
    mean_run: dict[int, float]
    curve: dict[int, list[float]]  # success rate by attempt number (0..CURVE-1)
    # Skills whose learners do better or worse than expected together: (skill, similarity).
    related: dict[int, list[tuple[int, float]]]
    default: tuple[float, float, float]
    prior_rate: float


def _features(state: LearnerState, skill: int, stats: SkillStats) -> list[float]:
    trace = state.skills.get(skill)
    if trace is None:
        trace_part = [
            0.0,
            0.0,
            0.0,
            NO_OUTCOME,
            NO_OUTCOME,
            NO_OUTCOME,
            0.0,
            0.0,
            NO_OUTCOME,
            MISSING,
        ]
    else:
        last = trace.last
        trace_part = [
            trace.attempts,
            trace.successes,
            trace.attempts - trace.successes,
            last[-1] if len(last) >= 1 else NO_OUTCOME,
            last[-2] if len(last) >= 2 else NO_OUTCOME,
            last[-3] if len(last) >= 3 else NO_OUTCOME,
            trace.streak_right,
            trace.streak_wrong,
            trace.ewma,
            state.attempts - trace.last_seen - 1,
        ]
    prior = stats.prior_rate
    echo_next, echo_count = NO_OUTCOME, 0.0
    in_run = state.run_skill == skill
    if in_run and len(state.run) >= ECHO_MIN and state.echoes:
        n = len(state.run)
        nexts = [state.runs[i][n] for i in state.echoes if len(state.runs[i]) > n]
        if nexts:
            echo_next, echo_count = sum(nexts) / len(nexts), float(len(nexts))
    difficulty = stats.difficulty.get(skill)
    attempt = min(trace.attempts if trace is not None else 0, CURVE - 1)
    if difficulty is None:
        skill_part = [*stats.default, stats.default[0]]
    else:
        skill_part = [
            difficulty,
            stats.first_try[skill],
            stats.mean_run[skill],
            stats.curve[skill][attempt],
        ]
    return [
        *trace_part,
        state.attempts,
        (state.successes + 2 * prior) / (state.attempts + 2),
        (state.first_try_successes + prior) / (state.first_tries + 1),
        len(state.skills),
        state.finished_run_answers / state.finished_runs if state.finished_runs else MISSING,
        sum(state.recent) / len(state.recent) if state.recent else prior,
        echo_next,
        echo_count,
        *skill_part,
        (state.successes - state.expected) / (state.attempts + 5),
        _related_residual(state, skill, stats),
    ]


def _related_residual(state: LearnerState, skill: int, stats: SkillStats) -> float:
    """How much better than expected the learner did on skills similar to ``skill``."""
    trace = state.skills.get(skill)
    # Only answers on other skills change it: cache by their count (and the model's statistics).
    others = state.attempts - (trace.attempts if trace is not None else 0)
    cached = state.related_cache.get(skill)
    if cached is not None and cached[0] == others and cached[1] is stats:
        return cached[2]
    total = weights = 0.0
    for other, similarity in stats.related.get(skill, ()):
        seen = state.skills.get(other)
        if seen is None or other == skill:
            continue
        expected = stats.difficulty[other]
        residual = (seen.successes + 2 * expected) / (seen.attempts + 2) - expected
        total += similarity * residual
        weights += abs(similarity)
    value = total / (weights + 0.5)
    state.related_cache[skill] = (others, stats, value)
    return value


def _record(state: LearnerState, skill: int, correct: int, stats: SkillStats) -> None:
    if state.run_skill != skill:
        if state.run_skill is not None:
            state.runs.append(tuple(state.run))
            state.finished_runs += 1
            state.finished_run_answers += len(state.run)
            if len(state.runs) > RUNS_KEPT:
                del state.runs[0]
        state.run_skill, state.run = skill, []
        state.echoes = list(range(len(state.runs)))
    position = len(state.run)
    state.echoes = [
        i
        for i in state.echoes
        if len(state.runs[i]) > position and state.runs[i][position] == correct
    ]
    state.run.append(correct)

    trace = state.skills.get(skill)
    if trace is None:
        trace = state.skills[skill] = SkillTrace()
        state.first_tries += 1
        state.first_try_successes += correct
    trace.attempts += 1
    trace.successes += correct
    trace.last.append(correct)
    if len(trace.last) > 3:
        del trace.last[0]
    if correct:
        trace.streak_right, trace.streak_wrong = trace.streak_right + 1, 0
    else:
        trace.streak_right, trace.streak_wrong = 0, trace.streak_wrong + 1
    trace.ewma = EWMA_DECAY * trace.ewma + (1 - EWMA_DECAY) * correct
    trace.last_seen = state.attempts

    state.attempts += 1
    state.successes += correct
    state.expected += stats.difficulty.get(skill, stats.default[0])
    state.recent.append(correct)
    if len(state.recent) > RECENT:
        del state.recent[0]


@dataclass(frozen=True, slots=True)
class _Responses:
    """All responses of a batch of sequences as flat arrays, in file order, with the groupings
    the batch features need: by learner, by (learner, skill) and by run (consecutive answers
    of a learner on one skill)."""

    learners: int
    skill_ids: NDArray[np.int64]  # distinct skill ids, sorted
    skill: NDArray[np.int64]  # index into skill_ids
    correct: NDArray[np.int64]
    learner: NDArray[np.int64]
    start: NDArray[np.int64]  # index of the learner's first response
    t: NDArray[np.int64]  # answers of the learner before this one
    order: NDArray[np.int64]  # sorts responses by (learner, skill), file order within
    seen: NDArray[np.int64]  # answers of the learner on this skill before this one
    run: NDArray[np.int64]  # global run number
    run_start: NDArray[np.int64]  # t of the first answer of this response's run

    @classmethod
    def of(cls, sequences: Sequence[ResponseSequence]) -> _Responses:
        lengths = np.array([len(s.skills) for s in sequences], dtype=np.int64)
        n = int(lengths.sum())
        raw = np.fromiter(chain.from_iterable(s.skills for s in sequences), np.int64, n)
        correct = np.fromiter(chain.from_iterable(s.correct for s in sequences), np.int64, n)
        skill_ids, skill = np.unique(raw, return_inverse=True)
        learner = np.repeat(np.arange(len(sequences)), lengths)
        start = (np.cumsum(lengths) - lengths)[learner]
        index = np.arange(n)
        t = index - start
        key = learner * len(skill_ids) + skill
        order = np.argsort(key, kind="stable")
        seen = np.empty(n, dtype=np.int64)
        seen[order] = index - _group_first(key[order])
        new_run = t == 0
        new_run[1:] |= skill[1:] != skill[:-1]
        run = np.cumsum(new_run) - 1
        run_start = t[np.flatnonzero(new_run)][run]
        return cls(
            len(sequences),
            skill_ids,
            skill,
            correct,
            learner,
            start,
            t,
            order,
            seen,
            run,
            run_start,
        )


def _group_first(keys: NDArray[np.int64]) -> NDArray[np.int64]:
    """For sorted ``keys``: the index where each element's group of equal keys begins."""
    first = np.ones(len(keys), dtype=bool)
    first[1:] = keys[1:] != keys[:-1]
    return np.maximum.accumulate(np.where(first, np.arange(len(keys)), 0))


def _exclusive_cumsum(values: NDArray[Any]) -> NDArray[Any]:
    """``out[i] = values[:i].sum()``, one element longer than ``values``."""
    out = np.zeros(len(values) + 1, dtype=values.dtype)
    np.cumsum(values, out=out[1:])
    return out


def _feature_matrix(
    responses: _Responses, stats: SkillStats
) -> tuple[NDArray[np.float64], NDArray[np.int8]]:
    """Feature rows for every response (from the answers before it) and the outcomes.

    Vectorised equivalent of replaying each learner through ``_features`` and ``_record``
    (the online path), which the tests check row by row.
    """
    r = responses
    n = len(r.skill)
    rows = np.empty((n, len(FEATURES)), dtype=np.float64)
    column = {name: rows[:, i] for i, name in enumerate(FEATURES)}
    prior = stats.prior_rate
    c = r.correct
    index = np.arange(n)

    # Per (learner, skill) traces, computed in (learner, skill) order then put back.
    order = r.order
    cs = c[order]
    seen = r.seen[order]
    group = index - seen  # sorted index of the group's first answer
    before = _exclusive_cumsum(cs)
    successes = before[:-1] - before[group]
    last = [
        np.where(seen > back, cs[np.maximum(index - back - 1, 0)], NO_OUTCOME) for back in range(3)
    ]
    streaks = []
    for value in (1, 0):
        # Trailing answers equal to ``value``, up to the previous one: distance to the last
        # other answer (or the group's start).
        other = np.maximum.accumulate(np.where(cs != value, index, -1))
        previous_other = np.maximum(np.concatenate(([-1], other[:-1])), group - 1)
        streaks.append(np.where(seen > 0, index - 1 - previous_other, 0))
    ewma = np.full(n, NO_OUTCOME)
    # The same float operations, in the same order, as ``_record``: one step per attempt.
    by_attempt = np.argsort(seen, kind="stable")
    bounds = np.searchsorted(seen[by_attempt], np.arange(int(seen.max(initial=0)) + 2))
    for attempt in range(1, len(bounds) - 1):
        at = by_attempt[bounds[attempt] : bounds[attempt + 1]]
        ewma[at] = EWMA_DECAY * ewma[at - 1] + (1 - EWMA_DECAY) * cs[at - 1]
    st = r.t[order]
    gap = np.where(seen > 0, st - np.concatenate(([0], st[:-1])) - 1, MISSING)
    trace_values = {
        "skill_attempts": seen,
        "skill_successes": successes,
        "skill_failures": seen - successes,
        "skill_last1": last[0],
        "skill_last2": last[1],
        "skill_last3": last[2],
        "skill_streak_right": streaks[0],
        "skill_streak_wrong": streaks[1],
        "skill_ewma": ewma,
        "skill_gap": gap,
    }
    for name, values in trace_values.items():
        column[name][order] = values

    # The learner as a whole.
    t = r.t
    first = r.seen == 0
    answered = _exclusive_cumsum(c)
    learner_successes = answered[:-1] - answered[r.start]
    first_tries = _exclusive_cumsum(first.astype(np.int64))
    first_tries = first_tries[:-1] - first_tries[r.start]
    first_right = _exclusive_cumsum(first * c)
    first_right = first_right[:-1] - first_right[r.start]
    column["learner_attempts"][:] = t
    column["learner_rate"][:] = (learner_successes + 2 * prior) / (t + 2)
    column["learner_first_try_rate"][:] = (first_right + prior) / (first_tries + 1)
    column["learner_skills_started"][:] = first_tries
    # Runs finished before this answer: those before the previous answer's run.
    runs_before = r.run - r.run[r.start]
    previous = np.maximum(index - 1, 0)
    finished = np.where(t > 0, runs_before[previous], 0)
    column["learner_mean_run"][:] = np.where(
        finished > 0, r.run_start[previous] / np.maximum(finished, 1), MISSING
    )
    recent = np.minimum(t, RECENT)
    column["learner_recent_rate"][:] = np.where(
        t > 0, (answered[index] - answered[index - recent]) / np.maximum(recent, 1), prior
    )
    column["echo_next"][:], column["echo_count"][:] = _echoes(r, runs_before)

    # The skill's statistics.
    default_difficulty, default_first, default_run = stats.default
    ids = r.skill_ids.tolist()
    difficulty = np.array([stats.difficulty.get(k, default_difficulty) for k in ids])
    first_try = np.array([stats.first_try.get(k, default_first) for k in ids])
    mean_run = np.array([stats.mean_run.get(k, default_run) for k in ids])
    curves = np.array([stats.curve.get(k, [default_difficulty] * CURVE) for k in ids])
    curves = curves.reshape(len(ids), CURVE)
    column["skill_difficulty"][:] = difficulty[r.skill]
    column["skill_first_try_difficulty"][:] = first_try[r.skill]
    column["skill_mean_run"][:] = mean_run[r.skill]
    column["skill_curve"][:] = curves[r.skill, np.minimum(r.seen, CURVE - 1)]
    # The learner's expected successes, summed in answer order as ``_record`` does.
    answered_difficulty = difficulty[r.skill]
    expected = np.zeros(n)
    firsts = np.flatnonzero(t == 0)
    for begin, end in zip(firsts.tolist(), [*firsts[1:].tolist(), n], strict=True):
        np.cumsum(answered_difficulty[begin : end - 1], out=expected[begin + 1 : end])
    column["learner_residual"][:] = (learner_successes - expected) / (t + 5)
    column["learner_related_residual"][:] = _related_residuals(r, stats)
    return rows, c.astype(np.int8)


def _echoes(
    r: _Responses, runs_before: NDArray[np.int64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """``echo_next`` and ``echo_count`` of every response.

    An answer at position ``p >= ECHO_MIN`` of its run echoes the answers at position ``p`` of
    the learner's earlier runs (among the last ``RUNS_KEPT`` finished) whose first ``p``
    outcomes are the same; prefixes are numbered level by level (a trie), so the matching
    answers share the key (learner, prefix).
    """
    n = len(r.skill)
    position = r.t - r.run_start
    # A prefix of up to 62 answers is a number: a leading 1 (for its length), then the outcomes.
    # Answer ``j`` of a run goes to bit ``61 - j``; summed over the run's earlier answers (modulo
    # 2**64: differences stay exact) and shifted down, the prefix's bits remain.
    short = position <= 62
    put = np.where(position <= 61, r.correct << np.clip(61 - position, 0, 61), 0)
    total = _exclusive_cumsum(put.astype(np.uint64))
    run_total = total[:-1] - total[r.start + r.run_start]
    length = np.minimum(position, 62).astype(np.uint64)
    code = (run_total >> (np.uint64(62) - length)) | (np.uint64(1) << length)
    prefix = np.zeros(n, dtype=np.int64)
    codes, prefix[short] = np.unique(code[short], return_inverse=True)
    nodes = len(codes)
    # Longer prefixes: numbered level by level from their parents.
    by_position = np.argsort(position, kind="stable")
    bounds = np.searchsorted(position[by_position], np.arange(int(position.max(initial=0)) + 2))
    for level in range(63, len(bounds) - 1):
        at = by_position[bounds[level] : bounds[level + 1]]
        child, prefix[at] = np.unique(prefix[at - 1] * 2 + r.correct[at - 1], return_inverse=True)
        prefix[at] += nodes
        nodes += len(child)
    echo_next = np.full(n, NO_OUTCOME)
    echo_count = np.zeros(n)
    candidates = np.flatnonzero(position >= ECHO_MIN)
    if not len(candidates):
        return echo_next, echo_count
    key = r.learner[candidates] * nodes + prefix[candidates]
    order = np.argsort(key, kind="stable")
    candidates, key = candidates[order], key[order]
    # Within a key each earlier run appears at most once and in run order, so the matching
    # runs in the window are a stretch just before each answer.
    first = np.ones(len(key), dtype=bool)
    first[1:] = key[1:] != key[:-1]
    group = np.cumsum(first) - 1
    run = runs_before[candidates]
    window = group * (int(run.max()) + RUNS_KEPT + 1) + run + RUNS_KEPT
    since = np.searchsorted(window, window - RUNS_KEPT)
    count = np.arange(len(key)) - since
    right = _exclusive_cumsum(r.correct[candidates])
    matched = count > 0
    echo_next[candidates[matched]] = (right[:-1] - right[since])[matched] / count[matched]
    echo_count[candidates] = count
    return echo_next, echo_count


def _related_residuals(r: _Responses, stats: SkillStats) -> NDArray[np.float64]:
    """``_related_residual`` of every response. Only answers on other skills change it, so it
    is computed at the first answer of each run and holds for the rest of the run."""
    n, skills = len(r.skill), len(r.skill_ids)
    ids = r.skill_ids.tolist()
    other = np.full((skills, RELATED), -1, dtype=np.int64)
    weight = np.zeros((skills, RELATED))
    other_difficulty = np.zeros((skills, RELATED))
    for k, skill_id in enumerate(ids):
        for slot, (related_id, similarity) in enumerate(stats.related.get(skill_id, ())[:RELATED]):
            found = int(np.searchsorted(r.skill_ids, related_id))
            if found < skills and ids[found] == related_id:
                other[k, slot] = found
                weight[k, slot] = similarity
                other_difficulty[k, slot] = stats.difficulty[related_id]
    starts = np.flatnonzero(r.t == r.run_start)
    skill, learner = r.skill[starts], r.learner[starts]
    # Answers of a learner on a skill before a given response: a search in (learner, skill,
    # position) order.
    sorted_keys = (r.learner * skills + r.skill)[r.order] * n + r.order
    right = _exclusive_cumsum(r.correct[r.order])
    total = np.zeros(len(starts))
    weights = np.zeros(len(starts))
    for slot in range(RELATED):
        o = other[skill, slot]
        group = (learner * skills + np.maximum(o, 0)) * n
        end = np.searchsorted(sorted_keys, group + starts)
        begin = np.searchsorted(sorted_keys, group)
        attempts = end - begin
        use = (o >= 0) & (attempts > 0) & (o != skill)
        expected = other_difficulty[skill, slot]
        residual = (right[end] - right[begin] + 2 * expected) / (attempts + 2) - expected
        similarity = weight[skill, slot]
        total += np.where(use, similarity * residual, 0.0)
        weights += np.where(use, np.abs(similarity), 0.0)
    value: NDArray[np.float64] = total / (weights + 0.5)
    return value[r.run]


def _skill_stats(r: _Responses) -> SkillStats:
    skills = len(r.skill_ids)
    ids = r.skill_ids.tolist()
    c = r.correct
    attempts = np.bincount(r.skill, minlength=skills)
    successes = np.bincount(r.skill, weights=c, minlength=skills)
    first = r.seen == 0
    first_attempts = np.bincount(r.skill[first], minlength=skills)
    first_successes = np.bincount(r.skill[first], weights=c[first], minlength=skills)
    runs = np.bincount(r.skill[r.t == r.run_start], minlength=skills)
    total, right = len(c), int(c.sum())
    prior = right / total if total else 0.5
    first_total = int(first_attempts.sum())
    first_prior = int(first_successes.sum()) / first_total if first_total else prior
    run_total = int(runs.sum())
    run_prior = total / run_total if run_total else 1.0
    # Shrink rare skills towards the overall figures (10 pseudo-answers).
    difficulty = (successes + 10 * prior) / (attempts + 10)
    point = r.skill * CURVE + np.minimum(r.seen, CURVE - 1)
    curve_attempts = np.bincount(point, minlength=skills * CURVE).reshape(skills, CURVE)
    curve_successes = np.bincount(point, weights=c, minlength=skills * CURVE)
    curve = (curve_successes.reshape(skills, CURVE) + 10 * difficulty[:, None]) / (
        curve_attempts + 10
    )
    return SkillStats(
        difficulty=dict(zip(ids, difficulty.tolist(), strict=True)),
        first_try=dict(
            zip(
                ids,
                ((first_successes + 10 * first_prior) / (first_attempts + 10)).tolist(),
                strict=True,
            )
        ),
        mean_run=dict(zip(ids, ((attempts + 10 * run_prior) / (runs + 10)).tolist(), strict=True)),
        curve=dict(zip(ids, curve.tolist(), strict=True)),
        related=_related_skills(r, difficulty),
        default=(prior, first_prior, run_prior),
        prior_rate=prior,
    )


def _related_skills(
    r: _Responses, difficulty: NDArray[np.float64]
) -> dict[int, list[tuple[int, float]]]:
    """Cosine similarity of learners' per-skill residuals (success rate minus the skill's),
    shrunk towards 0 for skill pairs few learners share."""
    skills = len(r.skill_ids)
    learners = r.learners
    cell = r.learner * skills + r.skill
    attempts = np.bincount(cell, minlength=learners * skills).reshape(learners, skills)
    successes = np.bincount(cell, weights=r.correct, minlength=learners * skills).reshape(
        learners, skills
    )
    seen = (attempts > 0).astype(np.float64)
    residuals = np.where(
        attempts > 0, (successes + 2 * difficulty) / (attempts + 2) - difficulty, 0.0
    )
    shared = seen.T @ seen
    squares = residuals**2
    scale = np.sqrt((squares.T @ seen) * (seen.T @ squares))
    similarity = np.divide(
        residuals.T @ residuals, scale, out=np.zeros_like(scale), where=scale > 0
    ) * (shared / (shared + 30.0))
    np.fill_diagonal(similarity, 0.0)
    ids = r.skill_ids.tolist()
    related = {}
    for i, skill in enumerate(ids):
        top = np.argsort(-np.abs(similarity[i]))[:RELATED]
        related[skill] = [(ids[j], float(similarity[i, j])) for j in top if similarity[i, j] != 0]
    return related


@dataclass(frozen=True, slots=True)
class KTConfig:
    # 5-fold CV by student on ASSISTments 2009 (benchmarks/knowledge_tracing.py), idle machine:
    # 40 trees at learning rate 0.3 over the TREE_FEATURES subset give 0.8411 AUC for a 1.8 s
    # fit per fold, features included; pyBKT's BKT fit takes 3.2 s wall, 3.9 s CPU. With
    # scikit-learn's HistGradientBoosting, which LightGBM replaced: 0.8412 in 2.9 s; over all
    # 24 features 0.8410; 150 trees at rate 0.15 0.8430 in about four times the time.
    trees: int = 40
    learning_rate: float = 0.3
    max_leaf_nodes: int = 63
    max_depth: int = 10
    min_samples_leaf: int = 100
    l2_regularization: float = 1.0
    seed: int = 0
    monotone: bool = False
    # Learn from echoes (runs repeating an earlier run: multi-skill copies in the file format).
    # They break monotonicity: a wrong answer can make the run match a copy that went on right.
    echoes: bool = True
    # One OpenMP thread: on a shared 2-core machine extra threads spin and can make fitting
    # several times slower (idle, two threads fit in 1.3 s instead of 1.8 s).
    threads: int = 1
    # Features the trees split on; the others are still computed (and stored models that use
    # them still predict) but add fitting time for no accuracy here.
    features: tuple[str, ...] = TREE_FEATURES


@dataclass(frozen=True, slots=True)
class KnowledgeTracer:
    """A fitted model; stateless, so one instance serves every learner."""

    trees: TreeEnsemble
    stats: SkillStats

    def init(self) -> LearnerState:
        return LearnerState()

    def predict(self, state: LearnerState, skill: int) -> float:
        """P(the learner's next answer on ``skill`` is correct): the skill's mastery estimate."""
        row = np.array(_features(state, skill, self.stats), dtype=np.float64)
        return float(1.0 / (1.0 + np.exp(-self.trees.raw_score_one(row))))

    def update(self, state: LearnerState, skill: int, correct: bool | int) -> LearnerState:
        """Record one answer (assessment item or practice outcome); returns the same state."""
        _record(state, skill, int(bool(correct)), self.stats)
        return state

    def update_many(
        self, state: LearnerState, skills: Iterable[int], correct: bool | int
    ) -> LearnerState:
        """Record one answer to an item tagged with several skills, once per skill."""
        for skill in skills:
            _record(state, skill, int(bool(correct)), self.stats)
        return state

    def predict_sequences(self, sequences: Sequence[ResponseSequence]) -> NDArray[np.float64]:
        """P(correct) of every response from the responses before it in its sequence."""
        rows, _ = _feature_matrix(_Responses.of(sequences), self.stats)
        return 1.0 / (1.0 + np.exp(-self.trees.raw_score(rows)))

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": "learnloop-kt-1",
            "features": list(FEATURES),
            "trees": self.trees.to_dict(),
            "stats": {
                "difficulty": {str(k): v for k, v in self.stats.difficulty.items()},
                "first_try": {str(k): v for k, v in self.stats.first_try.items()},
                "mean_run": {str(k): v for k, v in self.stats.mean_run.items()},
                "curve": {str(k): v for k, v in self.stats.curve.items()},
                "related": {str(k): [[o, w] for o, w in v] for k, v in self.stats.related.items()},
                "default": list(self.stats.default),
                "prior_rate": self.stats.prior_rate,
            },
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> KnowledgeTracer:
        if data.get("format") != "learnloop-kt-1" or data.get("features") != list(FEATURES):
            raise ValueError("not a knowledge-tracing model of this version (learnloop-kt-1)")
        stats = data["stats"]
        return cls(
            trees=TreeEnsemble.from_dict(data["trees"]),
            stats=SkillStats(
                difficulty={int(k): v for k, v in stats["difficulty"].items()},
                first_try={int(k): v for k, v in stats["first_try"].items()},
                mean_run={int(k): v for k, v in stats["mean_run"].items()},
                curve={int(k): list(v) for k, v in stats["curve"].items()},
                related={
                    int(k): [(int(o), float(w)) for o, w in v] for k, v in stats["related"].items()
                },
                default=(stats["default"][0], stats["default"][1], stats["default"][2]),
                prior_rate=stats["prior_rate"],
            ),
        )


def fit(sequences: Sequence[ResponseSequence], config: KTConfig = KTConfig()) -> KnowledgeTracer:
    """Fit on complete learner sequences (deterministic for a given ``config.seed``)."""
    import lightgbm

    if not sequences or not any(s.correct for s in sequences):
        raise ValueError("no responses to fit on")
    responses = _Responses.of(sequences)
    stats = _skill_stats(responses)
    rows, outcomes = _feature_matrix(responses, stats)
    if not config.echoes:
        # Constant columns are never split on, so predictions ignore them too.
        for name in ("echo_next", "echo_count"):
            rows[:, FEATURES.index(name)] = 0.0
    if len(set(outcomes.tolist())) < 2:
        raise ValueError("the responses are all correct or all wrong: nothing to learn from")
    columns = [FEATURES.index(name) for name in config.features]
    params = {
        "objective": "binary",
        "learning_rate": config.learning_rate,
        "num_leaves": config.max_leaf_nodes,
        "max_depth": config.max_depth,
        "min_data_in_leaf": config.min_samples_leaf,
        "lambda_l2": config.l2_regularization,
        "monotone_constraints": [
            MONOTONE.get(name, 0) if config.monotone else 0 for name in config.features
        ],
        "num_threads": config.threads,
        "seed": config.seed,
        "deterministic": True,
        "force_row_wise": True,
        "verbosity": -1,
    }
    data = lightgbm.Dataset(np.ascontiguousarray(rows[:, columns]), outcomes, params=params)
    booster = lightgbm.train(params, data, num_boost_round=config.trees)
    return KnowledgeTracer(trees=TreeEnsemble.from_lightgbm(booster, columns), stats=stats)


def auc(outcomes: NDArray[Any], scores: NDArray[np.float64]) -> float:
    """Area under the ROC curve (ties count half), by the rank-sum formula."""
    from scipy.stats import rankdata  # type: ignore[import-untyped]

    y = np.asarray(outcomes).astype(bool)
    positives, negatives = int(y.sum()), int((~y).sum())
    if positives == 0 or negatives == 0:
        raise ValueError("AUC needs both correct and wrong responses")
    ranks = rankdata(scores)
    return float((ranks[y].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def rmse(outcomes: NDArray[Any], scores: NDArray[np.float64]) -> float:
    return float(np.sqrt(np.mean((np.asarray(outcomes, dtype=np.float64) - scores) ** 2)))


def outcomes_of(sequences: Sequence[ResponseSequence]) -> NDArray[np.int8]:
    return np.array([c for s in sequences for c in s.correct], dtype=np.int8)
