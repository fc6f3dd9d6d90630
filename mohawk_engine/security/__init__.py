"""Security helpers for the engine: TLS certificates."""
