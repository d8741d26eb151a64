"""The disclosure ledger records the set of responses each release disclosed (issue 19).

Existing releases get the responses their key covered, read from the attributes each response
was filed with (a department anywhere in its path, a manager anywhere in its chain); a second
release of the same set under another name is dropped, since it disclosed nothing new."""

import hashlib
from typing import Any

from django.db import migrations, models


def covered(response: Any, key: str) -> bool:
    if key == "all":
        return True
    for part in key.split(";"):
        name, value = part.split("=", 1)
        if name == "d" and f"/{value}/" not in response.department_path:
            return False
        if name == "t" and f"/{value}/" not in response.manager_path:
            return False
        if name == "l" and str(response.location_id) != value:
            return False
        if name == "n" and response.tenure != value:
            return False
    return True


def fill(apps: Any, schema_editor: Any) -> None:
    ReleasedGroup = apps.get_model("surveys", "ReleasedGroup")
    Response = apps.get_model("surveys", "Response")
    responses: dict[int, list[Any]] = {}
    seen: set[tuple[int, str, str]] = set()
    for release in ReleasedGroup.objects.order_by("pulse_id", "channel", "position"):
        found = responses.setdefault(
            release.pulse_id, list(Response.objects.filter(pulse_id=release.pulse_id))
        )
        members = sorted(r.id.hex for r in found if covered(r, release.key))
        digest = hashlib.sha256("\n".join(members).encode()).hexdigest()
        if (release.pulse_id, release.channel, digest) in seen:
            release.delete()
            continue
        seen.add((release.pulse_id, release.channel, digest))
        release.members, release.digest = members, digest
        release.save(update_fields=["members", "digest"])


class Migration(migrations.Migration):
    dependencies = [("surveys", "0002_instrument_in_use_goes_with_its_organization")]

    operations = [
        migrations.RemoveConstraint(model_name="releasedgroup", name="released_once"),
        migrations.AddField(
            model_name="releasedgroup", name="members", field=models.JSONField(default=list)
        ),
        migrations.AddField(
            model_name="releasedgroup",
            name="digest",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="releasedgroup",
            constraint=models.UniqueConstraint(
                fields=("pulse", "channel", "digest"), name="released_set_once"
            ),
        ),
    ]
