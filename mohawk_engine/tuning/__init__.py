"""Tuning tasks: candidate settings measured under load, one task at a time, kept in SQLite."""
