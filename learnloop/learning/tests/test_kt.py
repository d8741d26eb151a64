"""The knowledge-tracing model on small synthetic learners (fast), and on the real data if present."""

from __future__ import annotations

import json
import random
import time
from pathlib import Path

import numpy as np
import pytest

from learnloop.learning.engine import kt
from learnloop.learning.engine.kt_data import Sequence, read_sequences

ASSISTMENTS = (
    Path(__file__).resolve().parents[3].parent
    / "shared/datasets/knowledge-tracing/assistments2009_builder_train.csv"
)


def synthetic_learners(count: int, seed: int = 0) -> list[Sequence]:
    """Learners who master a skill after a few tries; strong learners master sooner."""
    rng = random.Random(seed)
    sequences = []
    for _ in range(count):
        ability = rng.random()
        skills, outcomes = [], []
        for skill in rng.sample(range(12), 4):
            learned = False
            for _ in range(rng.randint(3, 9)):
                p = 0.9 if learned else 0.15 + 0.3 * ability
                skills.append(skill)
                outcomes.append(int(rng.random() < p))
                learned = learned or rng.random() < 0.2 + 0.4 * ability
        sequences.append(Sequence(tuple(skills), tuple(outcomes)))
    return sequences


@pytest.fixture(scope="module")
def tracer() -> kt.KnowledgeTracer:
    return kt.fit(
        synthetic_learners(200), kt.KTConfig(trees=30, learning_rate=0.15, min_samples_leaf=20)
    )


def test_with_monotone_constraints_a_right_answer_never_gives_a_lower_estimate_than_a_wrong_one():
    tracer = kt.fit(
        synthetic_learners(200),
        kt.KTConfig(trees=30, learning_rate=0.15, min_samples_leaf=20, monotone=True, echoes=False),
    )
    rng = random.Random(5)
    for _ in range(200):
        skill = rng.randrange(4)
        right, wrong = tracer.init(), tracer.init()
        for _ in range(rng.randint(0, 12)):
            answer = (rng.randrange(4), rng.random() < 0.6)
            tracer.update(right, *answer)
            tracer.update(wrong, *answer)
        tracer.update(right, skill, True)
        tracer.update(wrong, skill, False)
        assert tracer.predict(right, skill) >= tracer.predict(wrong, skill)


def test_a_first_right_answer_gives_a_higher_estimate_than_a_first_wrong_one(tracer):
    right = tracer.update(tracer.init(), 3, True)
    wrong = tracer.update(tracer.init(), 3, False)
    assert tracer.predict(right, 3) > tracer.predict(wrong, 3)


def test_it_predicts_held_out_learners_better_than_chance(tracer):
    held_out = synthetic_learners(100, seed=1)
    scores = tracer.predict_sequences(held_out)
    assert kt.auc(kt.outcomes_of(held_out), scores) > 0.7


def test_batch_predictions_equal_replaying_answers_online(tracer):
    sequence = synthetic_learners(1, seed=2)[0]
    state = tracer.init()
    online = []
    for skill, correct in zip(sequence.skills, sequence.correct, strict=True):
        online.append(tracer.predict(state, skill))
        tracer.update(state, skill, correct)
    assert np.allclose(online, tracer.predict_sequences([sequence]))


def tangled_learners(count: int, seed: int) -> list[Sequence]:
    """Learners who come back to skills, repeat runs (echoes), and run past ``RUNS_KEPT``."""
    rng = random.Random(seed)
    sequences = []
    for _ in range(count):
        skills: list[int] = []
        outcomes: list[int] = []
        template = [int(rng.random() < 0.6) for _ in range(12)]
        for _ in range(rng.choice((0, 3, 40, kt.RUNS_KEPT + 20))):
            skill = rng.choice((1, 2, 3, 5, 1000)) if rng.random() < 0.7 else rng.randrange(30)
            length = rng.choice((1, 2, 3, 4, 8, 12))
            copy = rng.random() < 0.4
            for n in range(length):
                skills.append(skill)
                outcomes.append(template[n] if copy else int(rng.random() < 0.6))
        sequences.append(Sequence(tuple(skills), tuple(outcomes)))
    return sequences


def test_batch_features_equal_the_online_features_row_by_row():
    train, test = tangled_learners(30, seed=3), tangled_learners(12, seed=4)
    stats = kt._skill_stats(kt._Responses.of(train))
    # Runs longer than the 62 answers a prefix number holds, one echoing the other.
    long_run = tuple(random.Random(5).choices((0, 1), k=80))
    test += [Sequence((), ()), Sequence((77,), (1,)), Sequence((1,) * 80 + (2,) * 80, long_run * 2)]
    online = []
    for sequence in test:
        state = kt.LearnerState()
        for skill, correct in zip(sequence.skills, sequence.correct, strict=True):
            online.append(kt._features(state, skill, stats))
            kt._record(state, skill, correct, stats)
    rows, _ = kt._feature_matrix(kt._Responses.of(test), stats)
    assert rows.shape == (len(online), len(kt.FEATURES))
    assert np.array_equal(rows, np.array(online))
    assert rows[:, kt.FEATURES.index("echo_count")].max() > 0


def test_a_stored_model_and_state_predict_the_same_after_a_json_round_trip(tracer):
    state = tracer.init()
    for skill, correct in [(1, 1), (1, 0), (2, 1), (1, 1)]:
        tracer.update(state, skill, correct)
    model = kt.KnowledgeTracer.from_dict(json.loads(json.dumps(tracer.to_dict())))
    restored = kt.LearnerState.from_dict(json.loads(json.dumps(state.to_dict())))
    assert model.predict(restored, 1) == pytest.approx(tracer.predict(state, 1))


def test_a_multi_skill_answer_counts_for_each_of_its_skills(tracer):
    state = tracer.update_many(tracer.init(), [4, 5], True)
    assert state.skills[4].successes == state.skills[5].successes == 1


def test_one_online_update_and_prediction_take_under_a_millisecond(tracer):
    state = tracer.init()
    started = time.perf_counter()
    for n in range(200):
        tracer.predict(state, n % 7)
        tracer.update(state, n % 7, n % 3 != 0)
    assert (time.perf_counter() - started) / 200 < 1e-3


def test_fitting_is_reproducible(tracer):
    again = kt.fit(
        synthetic_learners(200), kt.KTConfig(trees=30, learning_rate=0.15, min_samples_leaf=20)
    )
    assert again.to_dict() == tracer.to_dict()


def test_fitting_on_only_correct_answers_says_why_it_cannot():
    with pytest.raises(ValueError, match="all correct or all wrong"):
        kt.fit([Sequence((1, 1), (1, 1))])


def test_auc_counts_ties_as_half_and_matches_the_definition():
    assert kt.auc(np.array([0, 1, 1, 0]), np.array([0.1, 0.9, 0.5, 0.5])) == pytest.approx(0.875)


def test_on_assistments_it_beats_skill_difficulty_alone_on_unseen_students():
    if not ASSISTMENTS.exists():
        pytest.skip(f"ASSISTments training split not found at {ASSISTMENTS} (../shared is absent)")
    sequences = read_sequences(ASSISTMENTS)
    train, test = sequences[:400], sequences[3000:3300]
    tracer = kt.fit(train, kt.KTConfig(trees=30))
    outcomes = kt.outcomes_of(test)
    difficulty = np.array(
        [tracer.stats.difficulty.get(k, tracer.stats.prior_rate) for s in test for k in s.skills]
    )
    baseline = kt.auc(outcomes, difficulty)
    assert kt.auc(outcomes, tracer.predict_sequences(test)) > baseline + 0.08
