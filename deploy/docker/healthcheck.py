"""Container health check: exit 0 when the engine answers GET /v2/health/live with 200.

The engine writes its URL to <state_dir>/engine.json at start; this reads it (the state dir
comes from MOHAWK_STATE_DIR) so the check follows the configured port and scheme. The probe
goes to the loopback address, so the certificate is not verified when TLS is on.
"""

from __future__ import annotations

import json
import os
import ssl
import sys
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


def live_url(state_dir: Path) -> str:
    url = json.loads((state_dir / "engine.json").read_text(encoding="utf-8"))["url"]
    parts = urlsplit(url)
    host = "[::1]" if parts.hostname and ":" in parts.hostname else "127.0.0.1"
    return urlunsplit((parts.scheme, f"{host}:{parts.port}", "/v2/health/live", "", ""))


def check(state_dir: Path, timeout: float = 3.0) -> tuple[bool, str]:
    try:
        url = live_url(state_dir)
    except (OSError, ValueError, KeyError) as exc:
        return False, f"no engine URL in {state_dir / 'engine.json'}: {exc}"
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with urllib.request.urlopen(url, timeout=timeout, context=context) as response:
            return response.status == 200, f"{url}: {response.status}"
    except (urllib.error.URLError, OSError) as exc:
        return False, f"{url}: {exc}"


if __name__ == "__main__":
    healthy, detail = check(Path(os.environ.get("MOHAWK_STATE_DIR", "/var/lib/mohawk/state")))
    print(detail)
    sys.exit(0 if healthy else 1)
