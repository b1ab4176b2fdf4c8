"""Settings and workflow definitions kept as data."""
