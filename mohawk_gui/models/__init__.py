"""Qt item models and recorders: the data behind the sessions and logs views."""
