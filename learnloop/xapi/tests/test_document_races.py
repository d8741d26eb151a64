"""Concurrent writes of one new document (learnloop/testing/concurrency.py)."""

from __future__ import annotations

from learnloop.testing.concurrency import concurrent, race
from learnloop.xapi import actions
from learnloop.xapi.engine.errors import PreconditionFailed, ValidationError
from learnloop.xapi.models import Document, LrsClient

SCOPE = actions.DocumentScope(kind="state", activity_iri="http://example.com/a", agent_ifi="x")


def _put(i: int, *, if_none_match: str | None, merge: bool = False) -> None:
    actions.put_document(
        SCOPE,
        "",
        "bookmark",
        f'{{"n{i}": {i}}}'.encode(),
        "application/json",
        merge=merge,
        if_match=None,
        if_none_match=if_none_match,
        require_header_for_existing=False,
    )


@concurrent
def test_creating_one_document_at_once_with_if_none_match_lets_one_win_and_refuses_the_rest() -> (
    None
):
    result = race(lambda i: _put(i, if_none_match="*"))
    assert result.errors_other_than(PreconditionFailed) == []
    assert len(result.values) == 1
    assert Document.objects.filter(document_id="bookmark").count() == 1


@concurrent
def test_concurrent_merges_into_a_new_document_keep_every_key() -> None:
    result = race(lambda i: _put(i, if_none_match=None, merge=True))
    assert result.errors == []
    content = bytes(Document.objects.get(document_id="bookmark").content)
    assert all(f'"n{i}"'.encode() in content for i in range(8))


@concurrent
def test_two_clients_with_one_key_created_at_once_make_one_and_a_clear_refusal() -> None:
    result = race(lambda _: actions.create_client(name="LMS", key="lms", actor_label="test"))
    assert result.errors_other_than(ValidationError) == []
    assert LrsClient.objects.filter(key="lms").count() == 1
