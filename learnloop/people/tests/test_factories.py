"""Every factory builds a valid row, so other domains' tests can lean on them."""

from __future__ import annotations

import pytest

from learnloop.people.tests import factories

pytestmark = pytest.mark.django_db

FACTORIES = [
    getattr(factories, name)
    for name in dir(factories)
    if name.endswith("Factory")
    and hasattr(getattr(factories, name), "_meta")
    and getattr(factories, name)._meta.model
]


@pytest.mark.parametrize("factory", FACTORIES, ids=[f.__name__ for f in FACTORIES])
def test_each_factory_saves_a_valid_row(factory):
    instance = factory()
    instance.full_clean(validate_unique=False)
    assert type(instance).objects.filter(pk=instance.pk).exists()
