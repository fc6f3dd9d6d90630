"""The Grafana dashboard only queries metrics the engine exports."""

from __future__ import annotations

import json
import re
from pathlib import Path

DASHBOARD = Path(__file__).resolve().parents[2] / "resources" / "grafana" / "mohawk-dashboard.json"
EXPORTED = {
    "nv_inference_request_success", "nv_inference_request_failure", "nv_inference_count", "nv_inference_exec_count",
    "nv_inference_queue_duration_us", "nv_inference_compute_infer_duration_us", "nv_inference_pending_request_count",
    "nv_gpu_utilization", "nv_gpu_memory_used_bytes", "nv_gpu_memory_total_bytes",
    "mohawk_request_duration_seconds_bucket",
}  # fmt: skip


def test_every_panel_queries_exported_metrics():
    dashboard = json.loads(DASHBOARD.read_text())
    queried = set()
    for panel in dashboard["panels"]:
        assert panel["targets"], panel["title"]
        for target in panel["targets"]:
            queried |= set(re.findall(r"\b(nv_[a-z_]+|mohawk_[a-z_]+)\b", target["expr"]))
    assert queried and queried <= EXPORTED
    assert len({p["id"] for p in dashboard["panels"]}) == len(dashboard["panels"])
