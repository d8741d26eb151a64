"""``learnloop kt evaluate|fit``: the output contract and clear errors."""

from __future__ import annotations

import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from learnloop.learning.tests.test_kt import synthetic_learners


def write(path: Path, sequences) -> Path:
    path.write_text(
        "".join(
            f"{len(s.skills)}\n{','.join(map(str, s.skills))},\n{','.join(map(str, s.correct))},\n"
            for s in sequences
        )
    )
    return path


@pytest.fixture
def files(tmp_path):
    return (
        write(tmp_path / "train.csv", synthetic_learners(120)),
        write(tmp_path / "test.csv", synthetic_learners(40, seed=9)),
    )


def test_evaluate_prints_exactly_auc_and_rmse(files):
    out = StringIO()
    call_command("kt", "evaluate", "--train", str(files[0]), "--test", str(files[1]), stdout=out)
    assert re.fullmatch(r"AUC=0\.\d{4} RMSE=0\.\d{4}\n", out.getvalue())


def test_evaluate_names_file_line_and_reason_for_a_malformed_test_file(files, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("2\n4,4\n1,0\n3\n4,5\n1,0\n")
    with pytest.raises(
        CommandError, match=r"bad\.csv, line 5: 2 skill ids but the count on line 4 says 3"
    ):
        call_command("kt", "evaluate", "--train", str(files[0]), "--test", str(bad))


def test_evaluate_rejects_an_empty_training_file(files, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("\n")
    with pytest.raises(CommandError, match="no student records"):
        call_command("kt", "evaluate", "--train", str(empty), "--test", str(files[1]))


def test_fit_writes_a_model_that_loads_back(files, tmp_path):
    from learnloop.learning.engine.kt import KnowledgeTracer

    out = tmp_path / "model.json"
    call_command("kt", "fit", "--train", str(files[0]), "--out", str(out))
    tracer = KnowledgeTracer.from_dict(json.loads(out.read_text()))
    assert 0.0 < tracer.predict(tracer.init(), 1) < 1.0
