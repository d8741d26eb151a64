"""Pure cores of the surveys app: psychometrics, scoring, instrument validation (disclosure
control is shared with insights: ``learnloop.disclosure``). Nothing here imports Django."""
