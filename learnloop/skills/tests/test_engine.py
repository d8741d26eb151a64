from __future__ import annotations

import datetime
from pathlib import Path

import numpy as np
import pytest

from learnloop.skills.engine import gaps
from learnloop.skills.engine.lexical import PhraseIndex, label_variants
from learnloop.skills.engine.profile import Claim, combine
from learnloop.skills.engine.ranker import Candidate, Models, SkillIndex
from learnloop.skills.engine.taxonomy import TaxonomyFileError, load_pypi_esco
from learnloop.skills.tests.fakes import BagOfWordsEncoder

CANDIDATES = [
    Candidate("k:python", "Python (computer programming)", ("python programming",)),
    Candidate("k:nursing", "provide nursing care", ("care for patients",)),
    Candidate("k:team", "manage a team", ("lead a team", "team leadership")),
    Candidate("k:sql", "SQL", ()),
]


def index(tmp_path: Path | None = None) -> SkillIndex:
    return SkillIndex(CANDIDATES, Models(encoder=BagOfWordsEncoder()), tmp_path)  # type: ignore[arg-type]


def test_a_label_is_also_matched_without_its_parenthesised_qualifier() -> None:
    assert ("java",) in label_variants("Java (computer programming)")
    assert ("java", "computer", "programming") in label_variants("Java (computer programming)")


def test_the_phrase_index_finds_the_longest_mention_with_its_span() -> None:
    phrases = PhraseIndex([(*c.alt_labels, c.label) for c in CANDIDATES])
    text = "I like to lead a team and write SQL"
    found = phrases.matches(text)
    assert text[slice(*found[2])] == "lead a team"
    assert text[slice(*found[3])] == "SQL"
    assert 0 not in found


def test_ranking_returns_exactly_k_candidates_per_sentence_in_input_order() -> None:
    ranked = index().rank(["wrote python code", "gave nursing care on a ward", ""], 3)
    assert [len(r) for r in ranked] == [3, 3, 3]
    assert ranked[0][0].label == "Python (computer programming)"
    assert ranked[1][0].label == "provide nursing care"


def test_a_mentioned_alternative_label_gives_the_evidence_span() -> None:
    sentence = "Over the years I took on team leadership in two projects"
    best = index().rank([sentence], 1)[0][0]
    assert best.key == "k:team"
    assert best.mentioned
    assert best.evidence(sentence) == "team leadership"


def test_scores_are_probabilities_and_sorted() -> None:
    ranked = index().rank(["python and sql"], 4)[0]
    scores = [m.score for m in ranked]
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert scores == sorted(scores, reverse=True)


def test_label_vectors_are_cached_on_disk_and_reused(tmp_path: Path) -> None:
    index(tmp_path)
    cached = list(tmp_path.glob("labels-*.npz"))
    assert len(cached) == 1
    again = index(tmp_path)
    assert again.cache.vectors.keys() >= {c.label for c in CANDIDATES}


def test_an_unknown_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="mode must be one of"):
        index().rank(["x"], 1, mode="turbo")


def test_the_static_modes_need_the_static_vectors() -> None:
    with pytest.raises(ValueError, match="static vectors"):
        index().rank(["x"], 1, mode="fast")


def test_a_validated_claim_outweighs_a_self_claim() -> None:
    today = datetime.date(2026, 6, 1)
    combined = combine([Claim("self", 5, today), Claim("manager", 2, today, claimant=7)], today)
    assert combined is not None
    assert combined.validated
    assert combined.level < 3.5
    assert combined.contributions[0].claim.source == "manager"


def test_evidence_ages_and_only_the_latest_claim_of_a_source_counts() -> None:
    today = datetime.date(2026, 6, 1)
    fresh = combine([Claim("self", 3, today)], today)
    old = combine([Claim("self", 3, today - datetime.timedelta(days=730))], today)
    assert fresh is not None and old is not None
    assert old.confidence < fresh.confidence
    newer = combine(
        [Claim("self", 1, datetime.date(2025, 1, 1)), Claim("self", 4, datetime.date(2026, 1, 1))],
        today,
    )
    assert newer is not None and newer.level == 4


def test_gap_figures_for_a_small_team() -> None:
    levels = np.array([[3, 0], [1, 2]], dtype=np.float32)
    requirements = gaps.Requirements(
        skills=np.array([10, 11]), targets=np.array([3.0, 2.0]), weights=np.array([2.0, 1.0])
    )
    assert gaps.gaps(levels, requirements).tolist() == [[0, 2], [2, 0]]
    assert gaps.readiness(levels, requirements).round(3).tolist() == [0.667, 0.556]
    assert gaps.coverage(levels, requirements.targets).tolist() == [0.5, 0.5]
    assert gaps.bench(levels, requirements, ready_at=0.6) == 1
    assert gaps.depth(levels).tolist() == [2.0, 2.0]


def test_a_missing_esco_file_says_how_to_get_it(tmp_path: Path) -> None:
    with pytest.raises(TaxonomyFileError, match="taxonomy fetch"):
        load_pypi_esco(tmp_path)


def test_the_fetched_formatted_file_is_read_with_alternative_labels_and_groups(
    tmp_path: Path,
) -> None:
    (tmp_path / "esco_v_1_1_1_data_formatted.csv").write_text(
        "id,description,hierarchy_levels,type\n"
        "u1,Haskell,\"[['K', 'K06', 'K061', 'K0613'], ['S', 'S5', 'S5.6', 'S5.6.1']]\",preferredLabel\n"
        'u1,Haskell programming,"[]",altLabels\n'
        "u2,manage a team,\"[['S', 'S4', 'S4.5', None]]\",preferredLabel\n",
        encoding="utf-8",
    )
    (tmp_path / "esco_skills_described.csv").write_text(
        "id,description\nhttp://data.europa.eu/esco/skill/u1,"
        '"Haskell Haskell programming The techniques of functional programming."\n',
        encoding="utf-8",
    )
    records = {r.uuid: r for r in load_pypi_esco(tmp_path)}
    assert records["u1"].alt_labels == ["Haskell programming"]
    assert records["u1"].description == "The techniques of functional programming."
    assert records["u1"].kind == "knowledge"
    assert records["u2"].groups == [["S", "S4", "S4.5"]]
    assert records["u2"].kind == "skill"


def test_the_levels_matrix_places_each_triple_and_ignores_unknown_ids() -> None:
    matrix = gaps.levels_matrix(
        np.array([30, 10, 20]),
        np.array([7, 5]),
        np.array([10, 20, 99, 30]),
        np.array([5, 7, 5, 8]),
        np.array([1.0, 2.0, 3.0, 4.0]),
    )
    assert matrix.tolist() == [[0, 0], [0, 1], [2, 0]]


def test_the_window_shortlist_keeps_mentions_and_the_exact_scores_of_what_it_keeps(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from learnloop.skills.engine import ranker

    sentence = "Over the years I took on team leadership and wrote python code"
    full = index().rank([sentence], 4)[0]
    monkeypatch.setattr(ranker, "SHORTLIST", {ranker.QUALITY: 1})
    short = index().rank([sentence], 1)[0]
    # One label by sentence similarity gets the window term, and so does every mentioned
    # one: both mentioned skills are scored exactly as without a shortlist.
    kept = {m.key: m.raw for m in full if m.mentioned}
    assert set(kept) == {"k:team", "k:python"}
    assert short[0].key == full[0].key and short[0].raw == pytest.approx(full[0].raw)
    # Asking for more than the shortlist widens it to k.
    wide = index().rank([sentence], 4)[0]
    assert [(m.key, round(m.raw, 5)) for m in wide] == [(m.key, round(m.raw, 5)) for m in full]
