"""Concurrent replies to a suggestion thread (learnloop/testing/concurrency.py)."""

from __future__ import annotations

from learnloop.conftest import Org
from learnloop.surveys import actions
from learnloop.surveys.models import Suggestion, SuggestionMessage
from learnloop.testing.concurrency import concurrent, race


@concurrent
def test_concurrent_replies_to_a_suggestion_all_land_at_distinct_positions(org: Org) -> None:
    suggestion, _ = actions.post_suggestion(org.organization, "Standing desks", "Please?")

    def reply(i: int) -> object:
        thread = Suggestion.objects.get(pk=suggestion.pk)
        if i % 2:
            return actions.poster_reply(thread, f"follow-up {i}")
        return actions.staff_reply(thread, actor=org.hr.user, body=f"answer {i}")

    result = race(reply)
    assert result.errors == []
    positions = list(
        SuggestionMessage.objects.filter(suggestion=suggestion).values_list("position", flat=True)
    )
    assert sorted(positions) == list(range(1, 10))
