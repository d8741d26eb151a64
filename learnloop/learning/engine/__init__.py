"""Pure algorithmic cores of the learning app (no Django): knowledge tracing and path planning."""
