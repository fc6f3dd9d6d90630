"""Reusable widgets: charts, tiles, meters and device cards."""
