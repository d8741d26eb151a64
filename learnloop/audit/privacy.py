"""Which records are private, declared on the model, so the audit trail and the LRS can
name them without their words.

HR admins read the audit trail, and every audit event becomes an LRS statement whose
activity name is the event's label. A private record (a private objective, its key results,
a mentoring pair's goals) is therefore labelled by kind and id only, never by ``str()``.
A model declares itself by mixing in :class:`PrivateRecord`; a test walks every model with a
privacy flag (learnloop/audit/tests/test_privacy.py) so a new one cannot forget it.
"""

from __future__ import annotations

from django.db import models

LABEL_LENGTH = 300


class PrivateRecord:
    """Mixin for models whose rows hold words only some people may read.

    Always private by default; a model private only sometimes (an objective marked private,
    the key results of one) overrides :meth:`is_private`.
    """

    def is_private(self) -> bool:
        return True


def audit_label(target: models.Model) -> str:
    """The label of ``target`` in the audit trail and, through it, in the LRS."""
    if isinstance(target, PrivateRecord) and target.is_private():
        return f"private {target._meta.verbose_name} #{target.pk}"
    return str(target)[:LABEL_LENGTH]
