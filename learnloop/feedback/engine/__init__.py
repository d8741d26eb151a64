"""Pure algorithmic cores of the feedback app (no Django imports)."""
