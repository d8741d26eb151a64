"""The path planner on a small hand-made catalog."""

from __future__ import annotations

import datetime as dt

import pytest

from learnloop.learning.engine import paths as p

PYTHON, SQL, SPARK = 1, 2, 3
TODAY = dt.date(2026, 1, 5)
NAMES = {PYTHON: "Python", SQL: "SQL", SPARK: "Spark"}


def item(id, teaches, hours=4.0, **extra):
    return p.Item(id, f"Item {id}", tuple(p.SkillLevel(s, lv) for s, lv in teaches), hours, **extra)


CATALOG_ITEMS = [
    item(10, [(PYTHON, 2)], hours=4),
    item(11, [(PYTHON, 3)], hours=6, prerequisite_skills=(p.SkillLevel(PYTHON, 2),)),
    item(12, [(PYTHON, 3)], hours=30, format="book"),
    item(20, [(SQL, 2)], hours=3, language="fr"),
    item(21, [(SQL, 2)], hours=5),
    item(30, [(SPARK, 2)], hours=8, prerequisite_items=(21,)),
    item(40, [(PYTHON, 3)], hours=1, format="micro-lesson"),
]
DATA_ENGINEER = p.Target(
    p.TargetKind.NEXT_ROLE,
    "Data Engineer",
    (p.Requirement(PYTHON, 3, 2.0), p.Requirement(SPARK, 2)),
)


@pytest.fixture
def catalog():
    return p.Catalog(CATALOG_ITEMS, NAMES)


def learner(levels, **extra):
    skills = {
        s: (v if isinstance(v, p.LearnerSkill) else p.LearnerSkill(v)) for s, v in levels.items()
    }
    return p.Learner(skills=skills, **extra)


def no_micro(**extra):
    return p.Preferences(formats=frozenset({"course", "book"}), **extra)


def test_each_step_says_which_skill_it_raises_and_for_which_role(catalog):
    path = p.plan(DATA_ENGINEER, learner({PYTHON: 2}, preferences=no_micro()), catalog, today=TODAY)
    python_step = next(s for s in path.steps if s.item == 11)
    assert "raises Python from 2 to 3, required at 3 for Data Engineer" in python_step.reasons


def test_prerequisites_come_before_the_items_that_need_them(catalog):
    path = p.plan(DATA_ENGINEER, learner({}, preferences=no_micro()), catalog, today=TODAY)
    order = [s.item for s in path.steps]
    assert order.index(10) < order.index(11)  # Python 2 before the Python 3 course
    assert order.index(21) < order.index(30)  # the SQL item Spark requires
    assert "prerequisite of 'Item 30'" in path.steps[order.index(21)].reasons


def test_mastered_skills_are_skipped(catalog):
    path = p.plan(DATA_ENGINEER, learner({PYTHON: 3, SPARK: 2}), catalog, today=TODAY)
    assert path.steps == () and path.gaps == ()
    assert path.closes_on == TODAY


def test_a_high_mastery_estimate_skips_a_gap_the_profile_level_still_shows(catalog):
    path = p.plan(
        DATA_ENGINEER,
        learner({PYTHON: p.LearnerSkill(2, mastery=0.95), SPARK: 2}),
        catalog,
        today=TODAY,
    )
    assert [s.item for s in path.steps] == []


def test_a_falling_mastery_estimate_adds_a_remediation_step(catalog):
    path = p.plan(
        DATA_ENGINEER,
        learner({PYTHON: p.LearnerSkill(3, mastery=0.3), SPARK: 2}),
        catalog,
        today=TODAY,
    )
    (step,) = path.steps
    assert step.kind is p.StepKind.REMEDIATION and step.item == 40
    assert any("mastery at 30%" in r for r in step.reasons)


def test_a_re_plan_after_mastery_rises_skips_the_item_and_says_why(catalog):
    first = p.plan(DATA_ENGINEER, learner({PYTHON: 2, SPARK: 2}), catalog, today=TODAY)
    assert [s.item for s in first.steps] == [40]
    again = p.plan(
        DATA_ENGINEER,
        learner({PYTHON: p.LearnerSkill(2, mastery=0.9), SPARK: 2}),
        catalog,
        today=TODAY,
        previous=first,
    )
    assert again.steps == ()
    assert again.skipped == ((40, "your answers show mastery of Python"),)


def test_pinned_items_are_planned_first_with_their_prerequisites(catalog):
    path = p.plan(
        DATA_ENGINEER,
        learner({PYTHON: 3}, edits=p.Edits(pinned=(30,))),
        catalog,
        today=TODAY,
    )
    assert [s.item for s in path.steps] == [21, 30]
    assert path.steps[1].kind is p.StepKind.PINNED


def test_dropped_items_stay_out_and_an_uncloseable_gap_says_so(catalog):
    path = p.plan(
        DATA_ENGINEER,
        learner({PYTHON: 3}, edits=p.Edits(dropped=frozenset({30}))),
        catalog,
        today=TODAY,
    )
    assert 30 not in [s.item for s in path.steps]
    assert path.unmet[0][1] == "you dropped every item that brings Spark to 2"
    assert path.closes_on is None


def test_the_learners_order_is_kept_where_prerequisites_allow(catalog):
    target = p.Target(
        p.TargetKind.SKILLS,
        "my choice",
        (p.Requirement(SQL, 2), p.Requirement(SPARK, 2), p.Requirement(PYTHON, 2)),
    )
    path = p.plan(
        target,
        learner({}, preferences=no_micro(), edits=p.Edits(order=(30, 10, 21))),
        catalog,
        today=TODAY,
    )
    # 30 needs 21, so 21 moves before it; 10 keeps its place relative to 30.
    assert [s.item for s in path.steps] == [21, 30, 10]


def test_preferences_filter_formats_and_languages(catalog):
    prefs = p.Preferences(formats=frozenset({"course"}), languages=frozenset({"en"}))
    target = p.Target(p.TargetKind.SKILLS, "SQL", (p.Requirement(SQL, 2),))
    path = p.plan(target, learner({}, preferences=prefs), catalog, today=TODAY)
    assert [s.item for s in path.steps] == [21]  # not the shorter French item 20


def test_completed_items_are_not_planned_again_and_count_as_prerequisites(catalog):
    path = p.plan(
        DATA_ENGINEER, learner({PYTHON: 3}, completed=frozenset({21})), catalog, today=TODAY
    )
    assert [s.item for s in path.steps] == [30]


def test_steps_are_time_boxed_by_weekly_hours_and_give_the_closing_date(catalog):
    prefs = no_micro(weekly_hours=2)
    path = p.plan(
        DATA_ENGINEER, learner({PYTHON: 2, SPARK: 2}, preferences=prefs), catalog, today=TODAY
    )
    (step,) = path.steps  # item 11: 6 hours at 2 hours a week = 3 weeks
    assert (step.starts, step.ends) == (TODAY, TODAY + dt.timedelta(weeks=3))
    assert path.closes_on == TODAY + dt.timedelta(weeks=3)


def test_what_helped_similar_colleagues_wins_between_comparable_items():
    catalog = p.Catalog([item(50, [(SQL, 3)], hours=6), item(51, [(SQL, 3)], hours=7)], NAMES)
    target = p.Target(p.TargetKind.NEXT_ROLE, "Analyst", (p.Requirement(SQL, 3),))
    alone = p.plan(target, learner({SQL: 2}), catalog, today=TODAY)
    assert [s.item for s in alone.steps] == [50]
    peers = p.peer_signals([p.Closure(n, "Analyst", SQL, 3, (51,)) for n in range(8)])
    helped = p.plan(target, learner({SQL: 2}), catalog, today=TODAY, peers=peers["Analyst"])
    assert [s.item for s in helped.steps] == [51]
    assert "helped 8 of 8 similar colleagues who closed the SQL gap" in helped.steps[0].reasons


def test_the_peer_signal_nudges_but_does_not_override_a_much_shorter_item(catalog):
    peers = p.peer_signals([p.Closure(n, "g", PYTHON, 3, (12,)) for n in range(5)])["g"]
    target = p.Target(p.TargetKind.SKILLS, "Python", (p.Requirement(PYTHON, 3),))
    path = p.plan(
        target, learner({PYTHON: 2}, preferences=no_micro()), catalog, today=TODAY, peers=peers
    )
    assert [s.item for s in path.steps] == [11]  # 6 hours, not the 30-hour book colleagues used


def test_a_catalog_with_a_duplicate_item_is_rejected():
    with pytest.raises(ValueError, match="item 10 appears twice"):
        p.Catalog([CATALOG_ITEMS[0], CATALOG_ITEMS[0]])


def test_an_item_made_redundant_by_a_prerequisite_is_left_out(catalog):
    target = p.Target(p.TargetKind.SKILLS, "data", (p.Requirement(SQL, 2), p.Requirement(SPARK, 2)))
    path = p.plan(target, learner({}), catalog, today=TODAY)
    # The short French SQL item 20 would close the SQL gap, but Spark's item 30 needs item 21,
    # which closes it too.
    assert [s.item for s in path.steps] == [21, 30]


def test_a_re_plan_keeps_the_previous_order_where_nothing_forces_a_change(catalog):
    target = p.Target(
        p.TargetKind.SKILLS, "mine", (p.Requirement(PYTHON, 2), p.Requirement(SQL, 2))
    )
    fresh = p.plan(target, learner({}), catalog, today=TODAY)
    assert [s.item for s in fresh.steps] == [40, 20]  # the shortest: 1 and 3 hours
    reordered = p.plan(target, learner({}, edits=p.Edits(order=(20, 40))), catalog, today=TODAY)
    again = p.plan(target, learner({}), catalog, today=TODAY, previous=reordered)
    assert [s.item for s in again.steps] == [20, 40]
    assert not any("where you put it" in r for s in again.steps for r in s.reasons)


def test_prerequisites_pulled_in_for_an_item_later_left_out_go_with_it():
    # The short advanced item (SQL to 4) looks best but needs SQL 3 from item 2 (after item 1);
    # once item 1 alone closes the SQL 2 gap, both the advanced item and item 2 are left out,
    # and no step keeps a reason pointing at them.
    catalog = p.Catalog(
        [
            item(1, [(SQL, 2)], hours=3),
            item(2, [(SQL, 3)], hours=8, prerequisite_items=(1,)),
            item(3, [(SQL, 4)], hours=0.5, prerequisite_skills=(p.SkillLevel(SQL, 3),)),
        ],
        NAMES,
    )
    target = p.Target(p.TargetKind.CURRENT_ROLE, "Analyst", (p.Requirement(SQL, 2),))
    path = p.plan(target, learner({}), catalog, today=TODAY)
    assert [s.item for s in path.steps] == [1]
    assert not any("Item 3" in r or "Item 2" in r for s in path.steps for r in s.reasons)


def test_on_a_random_catalog_every_gap_closes_or_is_listed_and_prerequisites_come_first():
    import random

    rng = random.Random(3)
    items = []
    for n in range(400):
        skill, level = rng.randrange(30), rng.randint(1, 5)
        extra = tuple(
            p.SkillLevel(rng.randrange(30), rng.randint(1, 4)) for _ in range(rng.randint(0, 2))
        )
        teaches = (p.SkillLevel(skill, level), *extra)
        needs = (p.SkillLevel(skill, level - 1),) if level > 1 else ()
        items.append(
            p.Item(n, f"Item {n}", teaches, rng.choice((1, 3, 8)), prerequisite_skills=needs)
        )
    catalog = p.Catalog(items)
    for _ in range(60):
        target = p.Target(
            p.TargetKind.SKILLS,
            "goal",
            tuple(p.Requirement(s, rng.randint(2, 5)) for s in rng.sample(range(30), 6)),
        )
        known = {s: p.LearnerSkill(rng.randint(0, 2)) for s in rng.sample(range(30), 10)}
        path = p.plan(target, p.Learner(known), catalog, today=TODAY)
        steps = [s.item for s in path.steps]
        unmet = {g.skill for g, _ in path.unmet}
        for gap in path.gaps:
            if gap.skill not in unmet:
                reach = max([gap.current, *(catalog.reaches[i].get(gap.skill, 0) for i in steps)])
                assert reach >= gap.required
        for at, item_id in enumerate(steps):
            for needed in catalog.items[item_id].prerequisite_skills:
                have = max(
                    [known.get(needed.skill, p.LearnerSkill(0)).level]
                    + [catalog.reaches[i].get(needed.skill, 0) for i in steps[:at]]
                )
                assert have >= needed.level
