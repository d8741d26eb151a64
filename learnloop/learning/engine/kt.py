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


def _replay(
    sequences: Iterable[ResponseSequence], stats: SkillStats
) -> tuple[NDArray[np.float64], NDArray[np.int8]]:
    """Feature rows for every response (from the answers before it) and the outcomes."""
    rows: list[list[float]] = []
    outcomes: list[int] = []
    for sequence in sequences:
        state = LearnerState()
        for skill, correct in zip(sequence.skills, sequence.correct, strict=True):
            rows.append(_features(state, skill, stats))
            outcomes.append(correct)
            _record(state, skill, correct, stats)
    return (
        np.array(rows, dtype=np.float64).reshape(len(rows), len(FEATURES)),
        np.array(outcomes, dtype=np.int8),
    )


def _skill_stats(sequences: Sequence[ResponseSequence]) -> SkillStats:
    answers: dict[int, list[int]] = {}
    first: dict[int, list[int]] = {}
    runs: dict[int, list[int]] = {}
    curve: dict[int, list[list[int]]] = {}
    for sequence in sequences:
        tried: dict[int, int] = {}
        seen: set[int] = set()
        previous = None
        for skill, correct in zip(sequence.skills, sequence.correct, strict=True):
            answers.setdefault(skill, [0, 0])
            answers[skill][0] += 1
            answers[skill][1] += correct
            if skill not in seen:
                seen.add(skill)
                first.setdefault(skill, [0, 0])
                first[skill][0] += 1
                first[skill][1] += correct
            if skill != previous:
                runs.setdefault(skill, [0, 0])
                runs[skill][0] += 1
            runs[skill][1] += 1
            previous = skill
            attempt = min(tried.get(skill, 0), CURVE - 1)
            tried[skill] = tried.get(skill, 0) + 1
            point = curve.setdefault(skill, [[0, 0] for _ in range(CURVE)])[attempt]
            point[0] += 1
            point[1] += correct
    total = sum(a for a, _ in answers.values())
    prior = sum(s for _, s in answers.values()) / total if total else 0.5
    first_total = sum(a for a, _ in first.values())
    first_prior = sum(s for _, s in first.values()) / first_total if first_total else prior
    run_total = sum(r for r, _ in runs.values())
    run_prior = total / run_total if run_total else 1.0
    # Shrink rare skills towards the overall figures (10 pseudo-answers).
    difficulty = {k: (s + 10 * prior) / (a + 10) for k, (a, s) in answers.items()}
    related = _related_skills(sequences, difficulty)
    return SkillStats(
        difficulty=difficulty,
        first_try={k: (s + 10 * first_prior) / (a + 10) for k, (a, s) in first.items()},
        mean_run={k: (n + 10 * run_prior) / (r + 10) for k, (r, n) in runs.items()},
        curve={
            k: [(s + 10 * difficulty[k]) / (a + 10) for a, s in points]
            for k, points in curve.items()
        },
        related=related,
        default=(prior, first_prior, run_prior),
        prior_rate=prior,
    )


def _related_skills(
    sequences: Sequence[ResponseSequence], difficulty: dict[int, float]
) -> dict[int, list[tuple[int, float]]]:
    """Cosine similarity of learners' per-skill residuals (success rate minus the skill's),
    shrunk towards 0 for skill pairs few learners share."""
    skills = sorted(difficulty)
    column = {k: i for i, k in enumerate(skills)}
    residuals = np.zeros((len(sequences), len(skills)))
    seen = np.zeros((len(sequences), len(skills)))
    for row, sequence in enumerate(sequences):
        counts: dict[int, list[int]] = {}
        for skill, correct in zip(sequence.skills, sequence.correct, strict=True):
            pair = counts.setdefault(skill, [0, 0])
            pair[0] += 1
            pair[1] += correct
        for skill, (attempts, successes) in counts.items():
            expected = difficulty[skill]
            residuals[row, column[skill]] = (successes + 2 * expected) / (attempts + 2) - expected
            seen[row, column[skill]] = 1.0
    shared = seen.T @ seen
    squares = residuals**2
    scale = np.sqrt((squares.T @ seen) * (seen.T @ squares))
    similarity = np.divide(
        residuals.T @ residuals, scale, out=np.zeros_like(scale), where=scale > 0
    ) * (shared / (shared + 30.0))
    np.fill_diagonal(similarity, 0.0)
    related = {}
    for i, skill in enumerate(skills):
        top = np.argsort(-np.abs(similarity[i]))[:RELATED]
        related[skill] = [
            (skills[j], float(similarity[i, j])) for j in top if similarity[i, j] != 0
        ]
    return related


@dataclass(frozen=True, slots=True)
class KTConfig:
    # 5-fold CV by student on ASSISTments 2009 (benchmarks/knowledge_tracing.py, under load):
    # these defaults 0.8430 AUC for 15.9 s fit CPU per fold (pyBKT BKT 15.8 s, 0.782; BKT with
    # forgetting 25.3 s, 0.814). 40 trees at learning rate 0.3 fit in 8.6 s for 0.8410: kept
    # as an option only, since it leaves almost no margin above the 0.84 goal.
    trees: int = 150
    learning_rate: float = 0.15
    max_leaf_nodes: int = 63
    max_depth: int = 10
    min_samples_leaf: int = 100
    l2_regularization: float = 1.0
    seed: int = 0
    monotone: bool = False
    # Learn from echoes (runs repeating an earlier run: multi-skill copies in the file format).
    # They break monotonicity: a wrong answer can make the run match a copy that went on right.
    echoes: bool = True
    # One OpenMP thread: on a shared 2-core machine extra threads spin and make fitting
    # several times slower; one thread also keeps fits bit-for-bit reproducible.
    threads: int = 1


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
        rows, _ = _replay(sequences, self.stats)
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
    from sklearn.ensemble import HistGradientBoostingClassifier  # type: ignore[import-untyped]
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    if not sequences or not any(s.correct for s in sequences):
        raise ValueError("no responses to fit on")
    stats = _skill_stats(sequences)
    rows, outcomes = _replay(sequences, stats)
    if not config.echoes:
        # Constant columns are never split on, so predictions ignore them too.
        for name in ("echo_next", "echo_count"):
            rows[:, FEATURES.index(name)] = 0.0
    if len(set(outcomes.tolist())) < 2:
        raise ValueError("the responses are all correct or all wrong: nothing to learn from")
    model = HistGradientBoostingClassifier(
        max_iter=config.trees,
        learning_rate=config.learning_rate,
        max_leaf_nodes=config.max_leaf_nodes,
        max_depth=config.max_depth,
        min_samples_leaf=config.min_samples_leaf,
        l2_regularization=config.l2_regularization,
        early_stopping=False,
        random_state=config.seed,
        monotonic_cst=[MONOTONE.get(name, 0) if config.monotone else 0 for name in FEATURES],
    )
    with threadpool_limits(limits=config.threads):
        model.fit(rows, outcomes)
    return KnowledgeTracer(trees=TreeEnsemble.from_sklearn(model), stats=stats)


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
