"""The tuning form: which worker and session, the search space as comma lists, load levels, strategy, limits."""

from __future__ import annotations

from PyQt6.QtWidgets import QComboBox, QDoubleSpinBox, QFormLayout, QLabel, QLineEdit, QSpinBox, QWidget

from mohawk_engine.schemas import SessionInfo
from mohawk_engine.schemas.tuning import TuningTaskRequest
from mohawk_gui.adapters.hub import FleetHub
from mohawk_gui.theme import set_role
from mohawk_gui.views.session_target_form import SessionTargetForm
from mohawk_gui.views.tuning.form_values import (
    CHOICE_AXES,
    INT_AXES,
    FormError,
    FormValues,
    build_request,
    candidate_count,
    experiment_count,
)

OBJECTIVES = {"maximize_throughput": "Max throughput", "minimize_p99": "Min p99", "minimize_mean_latency": "Min mean latency"}
HINTS = {
    "max_batch_size": "e.g. 1, 8, 32",
    "max_queue_delay_us": "e.g. 0, 500",
    "replicas_per_device": "e.g. 1, 2",
    "threads_per_replica": "e.g. 1, 2 (0: runtime decides)",
    "providers": "cpu, cuda, tensorrt",
    "strategies": "replicate, pipeline, auto",
}


def _double(low: float, high: float, value: float, suffix: str, none_text: str = "") -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setDecimals(1)
    box.setRange(low, high)
    box.setValue(value)
    box.setSuffix(suffix)
    if none_text:
        box.setSpecialValueText(none_text)  # shown at the minimum (0): no limit
    return box


def _spin(low: int, high: int, value: int) -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    box.setValue(value)
    return box


class TuningForm(SessionTargetForm):
    """`request()` gives the TuningTaskRequest or raises FormError; `summary_label` counts the experiments live."""

    def __init__(self, hub: FleetHub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lists: dict[str, QLineEdit] = {}
        for name in (*INT_AXES, *CHOICE_AXES):
            edit = QLineEdit()
            edit.setPlaceholderText(HINTS[name])
            edit.setToolTip("Comma-separated values to try; leave empty to keep the session's own")
            self.lists[name] = edit
        self.lists["max_batch_size"].setText("1, 8")
        self.concurrency_edit = QLineEdit("1")
        self.concurrency_edit.setToolTip("Closed-loop concurrencies; every candidate is measured at each")
        self.duration_box = _double(0.1, 3600, 5.0, " s")
        self.duration_box.setToolTip("Seconds each experiment is measured, after its warm-up")
        self.warmup_box = _double(0, 600, 1.0, " s")
        self.warmup_box.setToolTip("Seconds of load sent to each candidate before measuring")
        self.strategy_box = QComboBox()
        self.strategy_box.addItems(["grid", "random"])
        self.strategy_box.setToolTip("grid: every combination of the lists; random: a seeded sample of them")
        self.max_experiments_box = _spin(1, 1000, 10)
        self.max_experiments_box.setToolTip("random: how many candidates to draw")
        self.seed_box = _spin(0, 2_000_000_000, 0)
        self.seed_box.setToolTip("random: the seed, so the same sample can be drawn again")
        self.objective_box = QComboBox()
        self.objective_box.setToolTip("What the best experiment is chosen for, among those within the limits")
        for key, text in OBJECTIVES.items():
            self.objective_box.addItem(text, key)
        self.p99_box = _double(0, 1_000_000, 0, " ms", "no limit")
        self.p99_box.setToolTip("Constraint: experiments whose p99 is above this cannot be the best (0: no limit)")
        self.memory_box = _double(0, 10_000_000, 0, " MB", "no limit")
        self.memory_box.setToolTip("Constraint: candidates estimated to need more memory cannot be the best (0: no limit)")
        self.summary_label = QLabel("")
        self.summary_label.setWordWrap(True)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        rows = [("Worker", self.worker_box), ("Session", self.session_box)]
        rows += [(label, self.lists[name]) for name, (label, *_) in (*INT_AXES.items(), *CHOICE_AXES.items())]
        rows += [
            ("Concurrencies", self.concurrency_edit), ("Seconds each", self.duration_box),
            ("Warm-up", self.warmup_box), ("Strategy", self.strategy_box),
            ("Max experiments", self.max_experiments_box), ("Seed", self.seed_box),
            ("Objective", self.objective_box), ("p99 ≤", self.p99_box), ("Memory ≤", self.memory_box),
        ]  # fmt: skip
        for label, field in rows:
            form.addRow(label, field)
        form.addRow(self.summary_label)
        for edit in (*self.lists.values(), self.concurrency_edit):
            edit.textChanged.connect(self.update_summary)
        for box in (self.duration_box, self.warmup_box, self.max_experiments_box, self.p99_box, self.memory_box):
            box.valueChanged.connect(self.update_summary)
        self.strategy_box.currentTextChanged.connect(self._strategy_changed)
        self.session_box.currentTextChanged.connect(self.update_summary)
        self.follow(hub)
        self._strategy_changed()

    def values(self) -> FormValues:
        return FormValues(
            session=self.session(),
            lists={name: edit.text() for name, edit in self.lists.items()},
            concurrency=self.concurrency_edit.text(),
            duration_s=self.duration_box.value(),
            warmup_s=self.warmup_box.value(),
            strategy=self.strategy_box.currentText(),
            max_experiments=self.max_experiments_box.value(),
            seed=self.seed_box.value(),
            objective=self.objective_box.currentData(),
            max_p99_ms=self.p99_box.value() or None,
            max_memory_mb=self.memory_box.value() or None,
        )

    def request(self) -> TuningTaskRequest:
        return build_request(self.values())

    def update_summary(self) -> None:
        """'4 experiments (2 candidates × 2 load levels), about 12 s of load', or what is wrong."""
        values = self.values()
        values.session = values.session or "-"  # the count does not depend on the session
        try:
            request = build_request(values)
        except FormError as exc:
            self.summary_label.setText(str(exc))
            set_role(self.summary_label, "error")
            return
        total = experiment_count(request)
        seconds = total * (request.load.duration_s + request.load.warmup_s)
        self.summary_label.setText(
            f"{total} experiment(s) ({candidate_count(request.space, request.strategy)} candidate(s) × "
            f"{len(request.load.concurrency)} load level(s)), about {seconds:,.0f} s of load plus deployments"
        )
        set_role(self.summary_label, "muted")

    def offers(self, info: SessionInfo) -> bool:
        """Live sessions, less the tuning candidates (`<session>--tune-<task>-<n>`), which cannot be tuned."""
        return super().offers(info) and "--tune-" not in info.name

    def _strategy_changed(self) -> None:
        random = self.strategy_box.currentText() == "random"
        self.max_experiments_box.setEnabled(random)
        self.seed_box.setEnabled(random)
        self.update_summary()
