"""Public views, one module per area."""
