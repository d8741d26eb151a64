"""``learnloop kt evaluate|fit``: the knowledge-tracing model from a shell.

``learnloop kt evaluate --train TRAIN.csv --test TEST.csv`` prints exactly ``AUC=<x> RMSE=<y>``
(the contract used for external evaluation): P(correct) of every test response is predicted
from the responses before it in the same student's sequence.
"""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from learnloop.learning.engine import kt
from learnloop.learning.engine.kt_data import KTFormatError, Sequence, read_sequences


def _read(path: str) -> list[Sequence]:
    try:
        sequences = read_sequences(path)
    except KTFormatError as error:
        raise CommandError(str(error)) from None
    if not sequences:
        raise CommandError(f"{path}: no student records (expected three lines per student)")
    return sequences


def _fit(path: str, seed: int) -> kt.KnowledgeTracer:
    try:
        return kt.fit(_read(path), kt.KTConfig(seed=seed))
    except ValueError as error:
        raise CommandError(f"{path}: {error}") from None


class Command(BaseCommand):
    help = "Evaluate or fit the knowledge-tracing model on three-lines-per-student files."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        evaluate = sub.add_parser(
            "evaluate", help="fit on TRAIN, print AUC and RMSE of next-answer predictions on TEST"
        )
        evaluate.add_argument("--train", required=True, metavar="TRAIN.csv")
        evaluate.add_argument("--test", required=True, metavar="TEST.csv")
        evaluate.add_argument("--seed", type=int, default=0)
        fit = sub.add_parser("fit", help="fit on TRAIN and write the model as JSON")
        fit.add_argument("--train", required=True, metavar="TRAIN.csv")
        fit.add_argument("--out", required=True, metavar="MODEL.json", help="'-' for stdout")
        fit.add_argument("--seed", type=int, default=0)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "evaluate":
            test = _read(options["test"])  # a bad test file fails before the fit
            outcomes = kt.outcomes_of(test)
            if outcomes.size == 0:
                raise CommandError(f"{options['test']}: no responses to predict")
            if outcomes.min() == outcomes.max():
                raise CommandError(
                    f"{options['test']}: all responses are {'correct' if outcomes[0] else 'wrong'}; "
                    "AUC is undefined"
                )
            tracer = _fit(options["train"], options["seed"])
            scores = tracer.predict_sequences(test)
            self.stdout.write(
                f"AUC={kt.auc(outcomes, scores):.4f} RMSE={kt.rmse(outcomes, scores):.4f}"
            )
        else:
            tracer = _fit(options["train"], options["seed"])
            text = json.dumps(tracer.to_dict())
            if options["out"] == "-":
                sys.stdout.write(text + "\n")
            else:
                Path(options["out"]).write_text(text + "\n", encoding="utf-8")
