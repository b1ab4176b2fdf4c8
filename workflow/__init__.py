"""The workflow engine: definitions as data, the state machine, guards and services.

Nothing in this package imports Flask; services take the database session and
the acting user explicitly, change data, flush, and never commit.
"""
