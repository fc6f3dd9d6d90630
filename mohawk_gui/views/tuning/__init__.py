"""The Benchmarks page's Tuning tab, and the live-reconfigure dialog it shares with the session detail."""

from mohawk_gui.views.tuning.apply_dialog import ApplyDialog
from mohawk_gui.views.tuning.panel import TuningPanel

__all__ = ["ApplyDialog", "TuningPanel"]
