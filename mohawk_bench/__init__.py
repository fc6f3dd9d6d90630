"""Load generation and measurement tools for Open Inference Protocol v2 servers."""
