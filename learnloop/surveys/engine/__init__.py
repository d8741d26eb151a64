"""Pure cores of the surveys app: psychometrics, scoring, disclosure control, instrument
validation. Nothing here imports Django."""
