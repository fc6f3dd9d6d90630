"""Qt item models behind the workers view's table, and the figures they format."""
