"""The optional working-style questionnaire: six statements answered 1 (not me) .. 5 (very
much me). Matching compares the answers; nobody else sees them."""

from __future__ import annotations

QUESTIONS: tuple[str, ...] = (
    "I like to plan our conversations ahead with a short agenda.",
    "I prefer to learn by doing a real task together rather than by talking it through.",
    "I want direct, blunt feedback rather than gentle hints.",
    "Between sessions I like to exchange short messages.",
    "I enjoy going off on tangents when something interesting comes up.",
    "I would rather meet often for a short time than rarely for a long time.",
)
