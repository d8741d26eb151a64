from __future__ import annotations

from pathlib import Path

import pytest

from learnloop.audit.models import AuditEvent
from learnloop.skills.esco_import import EscoFileError, import_directory
from learnloop.skills.models import Occupation, OccupationSkill, Skill, SkillGroup

ESCO = "http://data.europa.eu/esco/"
FILES = {
    "skillsHierarchy_en.csv": (
        "Level 0 URI,Level 0 preferred term,Level 1 URI,Level 1 preferred term,Level 0 code,Level 1 code\n"
        f"{ESCO}skill/S,skills,{ESCO}skill/S5,working with computers,S,S5\n"
    ),
    "skills_en.csv": (
        "conceptType,conceptUri,skillType,preferredLabel,altLabels,description\n"
        f'KnowledgeSkillCompetence,{ESCO}skill/py,knowledge,Python (computer programming),"python\npython3",The language.\n'
        f"KnowledgeSkillCompetence,{ESCO}skill/team,skill/competence,manage a team,,Lead people.\n"
    ),
    "broaderRelationsSkillPillar_en.csv": (
        "conceptType,conceptUri,broaderType,broaderUri\n"
        f"KnowledgeSkillCompetence,{ESCO}skill/py,SkillGroup,{ESCO}skill/S5\n"
    ),
    "occupations_en.csv": (
        "conceptType,conceptUri,iscoGroup,preferredLabel,altLabels,description\n"
        f"Occupation,{ESCO}occupation/dev,2512,software developer,programmer,Writes software.\n"
    ),
    "occupationSkillRelations_en.csv": (
        "occupationUri,relationType,skillType,skillUri\n"
        f"{ESCO}occupation/dev,essential,knowledge,{ESCO}skill/py\n"
        f"{ESCO}occupation/dev,optional,skill/competence,{ESCO}skill/team\n"
    ),
}


def write(directory: Path, **changes: str) -> Path:
    for name, text in {**FILES, **changes}.items():
        (directory / name).write_text(text, encoding="utf-8")
    return directory


def test_the_official_download_is_imported_with_labels_groups_and_occupations(
    db: None, tmp_path: Path
) -> None:
    result = import_directory(write(tmp_path), "ESCO test", actor_label="test")
    assert (result.skills_created, result.occupations, result.relations) == (2, 1, 2)
    python = Skill.objects.get(uri=f"{ESCO}skill/py")
    assert python.alt_labels == ["python", "python3"]
    assert python.kind == "knowledge"
    assert [g.code for g in python.groups.all()] == ["S5"]
    assert SkillGroup.objects.get(code="S5").parent == SkillGroup.objects.get(code="S")
    developer = Occupation.objects.get()
    assert OccupationSkill.objects.get(occupation=developer, skill=python).essential
    assert AuditEvent.objects.filter(action="skills.taxonomy_imported").count() == 1


def test_importing_twice_updates_in_place(db: None, tmp_path: Path) -> None:
    import_directory(write(tmp_path), "ESCO test", actor_label="test")
    changed = FILES["skills_en.csv"].replace("Lead people.", "Lead a team of people.")
    result = import_directory(
        write(tmp_path, **{"skills_en.csv": changed}), "ESCO test", actor_label="test"
    )
    assert (result.skills_created, result.skills_updated) == (0, 2)
    assert Skill.objects.count() == 2
    assert Skill.objects.get(uri=f"{ESCO}skill/team").description == "Lead a team of people."
    assert OccupationSkill.objects.count() == 2


def test_a_skill_missing_from_a_new_release_is_kept_but_marked_obsolete(
    db: None, tmp_path: Path
) -> None:
    import_directory(write(tmp_path), "ESCO test", actor_label="test")
    without_team = "\n".join(
        line for line in FILES["skills_en.csv"].splitlines() if "skill/team" not in line
    )
    relations = FILES["occupationSkillRelations_en.csv"].splitlines()[:2]
    result = import_directory(
        write(tmp_path, **{"skills_en.csv": without_team + "\n",
                           "occupationSkillRelations_en.csv": "\n".join(relations) + "\n"}),
        "ESCO test 2",
        actor_label="test",
    )  # fmt: skip
    assert result.skills_obsolete == 1
    assert Skill.objects.get(uri=f"{ESCO}skill/team").obsolete
    assert not Skill.objects.get(uri=f"{ESCO}skill/py").obsolete


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (
            "skills_en.csv",
            "conceptUri,altLabels\nx,y\n",
            "skills_en.csv, line 1: missing column(s) preferredLabel",
        ),
        (
            "skills_en.csv",
            f"conceptUri,preferredLabel,skillType\n{ESCO}skill/a,,knowledge\n",
            "skills_en.csv, line 2, column preferredLabel: empty",
        ),
        (
            "skills_en.csv",
            "conceptUri,preferredLabel\nnot-a-uri,x\n",
            "skills_en.csv, line 2, column conceptUri: 'not-a-uri' is not a URI",
        ),
        (
            "skills_en.csv",
            f"conceptUri,preferredLabel,skillType\n{ESCO}skill/a,x,talent\n",
            "skills_en.csv, line 2, column skillType: 'talent' is not one of",
        ),
        (
            "occupationSkillRelations_en.csv",
            f"occupationUri,relationType,skillUri\n{ESCO}occupation/dev,essential,{ESCO}skill/nope\n",
            "occupationSkillRelations_en.csv, line 2, column skillUri",
        ),
        (
            "occupationSkillRelations_en.csv",
            f"occupationUri,relationType,skillUri\n{ESCO}occupation/dev,maybe,{ESCO}skill/py\n",
            "column relationType: 'maybe' is not essential or optional",
        ),
    ],
)
def test_a_malformed_file_is_named_with_line_and_column_and_changes_nothing(
    db: None, tmp_path: Path, name: str, text: str, message: str
) -> None:
    with pytest.raises(EscoFileError) as error:
        import_directory(write(tmp_path, **{name: text}), "ESCO test", actor_label="test")
    assert message in str(error.value)
    assert not Skill.objects.exists()
    assert not Occupation.objects.exists()


def test_a_missing_file_is_named(db: None, tmp_path: Path) -> None:
    write(tmp_path)
    (tmp_path / "occupations_en.csv").unlink()
    with pytest.raises(EscoFileError, match=r"occupations_en\.csv: file not found"):
        import_directory(tmp_path, actor_label="test")
