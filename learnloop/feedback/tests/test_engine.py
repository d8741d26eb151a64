from __future__ import annotations

import pytest

from learnloop.feedback.engine.anonymity import Answer, release
from learnloop.feedback.engine.okr import (
    KeyResultValues,
    ObjectiveNode,
    key_result_progress,
    roll_up,
    would_cycle,
)


@pytest.mark.parametrize(
    ("kr", "expected"),
    [
        (KeyResultValues("numeric", 0, 10, 5), 0.5),
        (KeyResultValues("numeric", 0, 10, 15), 1.0),
        (KeyResultValues("numeric", 0, 10, -3), 0.0),
        (KeyResultValues("numeric", 100, 40, 70), 0.5),  # a falling target, e.g. churn
        (KeyResultValues("percentage", 20, 80, 50), 0.5),
        (KeyResultValues("binary", 0, 1, 0), 0.0),
        (KeyResultValues("binary", 0, 1, 1), 1.0),
    ],
)
def test_key_result_progress_is_the_share_of_the_way_clamped(kr, expected):
    assert key_result_progress(kr) == pytest.approx(expected)


def test_progress_rolls_up_with_each_child_counting_once():
    half = KeyResultValues("numeric", 0, 10, 5)
    done = KeyResultValues("binary", 0, 1, 1)
    result = roll_up(
        [
            ObjectiveNode(1, None, ()),
            ObjectiveNode(2, 1, (half, done)),  # 0.75
            ObjectiveNode(3, 1, (KeyResultValues("numeric", 0, 4, 1),)),  # 0.25
            ObjectiveNode(4, 3, ()),  # nothing to measure
        ]
    )
    assert result == {1: pytest.approx(0.5), 2: 0.75, 3: 0.25, 4: None}


def test_a_cycle_in_the_data_does_not_loop_forever():
    result = roll_up([ObjectiveNode(1, 2, ()), ObjectiveNode(2, 1, ())])
    assert result == {1: None, 2: None}


def test_would_cycle_detects_aligning_under_a_descendant():
    parents = {1: None, 2: 1, 3: 2}
    assert would_cycle(1, 3, parents)
    assert not would_cycle(3, 1, parents)


def _answers(n: int) -> list[Answer]:
    return [Answer(f"answer {i}", (i % 5) + 1) for i in range(n)]


def test_nothing_is_released_before_closing_or_below_the_minimum():
    assert not release(_answers(5), minimum=3, closed=False, key=b"k").shown
    withheld = release(_answers(2), minimum=3, closed=True, key=b"k")
    assert (withheld.shown, withheld.count, withheld.bodies) == (False, 0, ())


def test_released_order_does_not_follow_submission_order_and_is_stable():
    answers = _answers(12)
    first = release(answers, minimum=3, closed=True, key=b"secret:1")
    again = release(list(reversed(answers)), minimum=3, closed=True, key=b"secret:1")
    assert first.bodies == again.bodies
    assert list(first.bodies) != [a.body for a in answers]
    assert sorted(first.bodies) == sorted(a.body for a in answers)


def test_ratings_are_a_distribution_detached_from_the_words():
    result = release(
        [Answer("a", 5), Answer("b", 4), Answer("  c  ", None)], minimum=3, closed=True, key=b"k"
    )
    assert result.ratings == ((1, 0), (2, 0), (3, 0), (4, 1), (5, 1))
    assert result.average == 4.5
    assert "c" in result.bodies
