"""Fixtures for the fault tests: fast console refresh settings."""

from __future__ import annotations

import pytest

from mohawk_gui.services.config import RefreshSettings


@pytest.fixture
def fast_refresh() -> RefreshSettings:
    return RefreshSettings(heartbeat_s=0.2, sessions_s=0.3, request_timeout_s=1.0, reconnect_max_s=1.0)
