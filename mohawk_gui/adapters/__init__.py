"""Thin adapters that turn the Qt-free services' events into Qt signals for the views."""
