"""Fixtures for the console's services: certificates for TLS tests, fast reconnect settings."""

from __future__ import annotations

import pytest

from mohawk_gui.services.config import RefreshSettings


@pytest.fixture(scope="session")
def certificate_authority():
    import trustme

    return trustme.CA()


@pytest.fixture
def fast_refresh() -> RefreshSettings:
    return RefreshSettings(heartbeat_s=0.2, sessions_s=0.3, request_timeout_s=2.0, reconnect_max_s=1.0)
