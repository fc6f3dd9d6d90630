"""The Grafana dashboard only queries metrics the engine exports."""

from __future__ import annotations

import json
import re
from pathlib import Path

from mohawk_engine.schemas.telemetry import DevicesSnapshot
from mohawk_engine.telemetry.prometheus import exposition

DASHBOARD = Path(__file__).resolve().parents[2] / "resources" / "grafana" / "mohawk-dashboard.json"
DEVICES = DevicesSnapshot(timestamp=0, worker_id="w", cpu_percent=0, cpu_per_core=[0], memory_used_bytes=1,
                          memory_total_bytes=2, process_rss_bytes=1)  # fmt: skip


def exported() -> set[str]:
    """Every family the engine's /metrics declares (histograms by their _bucket series)."""
    text = exposition(lambda: [], lambda: DEVICES).decode()
    types = re.findall(r"^# TYPE (\S+) (\S+)$", text, flags=re.MULTILINE)
    return {f"{name}_bucket" if kind == "histogram" else name for name, kind in types}


def test_every_panel_queries_exported_metrics():
    dashboard = json.loads(DASHBOARD.read_text())
    queried = set()
    for panel in dashboard["panels"]:
        assert panel["targets"], panel["title"]
        for target in panel["targets"]:
            queried |= set(re.findall(r"\b(nv_[a-z_]+|mohawk_[a-z_]+)\b", target["expr"]))
    assert queried and queried <= exported()
    assert len({p["id"] for p in dashboard["panels"]}) == len(dashboard["panels"])
