"""Config: the console's TOML as a validated form and as raw text. Save validates first, writes
atomically, keeps the operator's comments and a backup; restore brings the backup back."""

from __future__ import annotations

import asyncio

from PyQt6.QtGui import QFontDatabase
from PyQt6.QtWidgets import QFrame, QLabel, QMessageBox, QPlainTextEdit, QPushButton, QTabWidget, QVBoxLayout, QWidget

from mohawk_gui.services.config import restart_required
from mohawk_gui.services.config_store import ConfigInvalid, parse_config, render_config, validate_config
from mohawk_gui.services.console import Console
from mohawk_gui.theme import BAD, OK, WARN, set_role
from mohawk_gui.views.config_form import ConfigForm
from mohawk_gui.views.page import page_layout

FORM_TAB, RAW_TAB = 0, 1


class ConfigView(QWidget):
    def __init__(self, console: Console, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.console = console
        self.store = console.store
        layout, header = page_layout(self, "Config", f"Console settings, saved in {self.store.path}")
        self.save_button = QPushButton("Save")
        self.save_button.setToolTip("Validate and write the settings (a backup of the previous file is kept), then apply them")
        set_role(self.save_button, "primary")
        self.revert_button = QPushButton("Revert")
        self.revert_button.setToolTip("Drop unsaved edits: show the file as saved")
        self.restore_button = QPushButton("Restore backup…")
        self.restore_button.setToolTip("Bring back the previous version of the file (the current one becomes the backup)")
        for button in (self.revert_button, self.restore_button, self.save_button):
            header.addWidget(button)

        self.banner = QFrame()
        set_role(self.banner, "banner")
        banner_layout = QVBoxLayout(self.banner)
        banner_layout.setContentsMargins(12, 8, 12, 8)
        self.banner_text = QLabel("")
        self.banner_text.setWordWrap(True)
        banner_layout.addWidget(self.banner_text)
        self.banner.hide()
        layout.addWidget(self.banner)

        self.tabs = QTabWidget()
        self.form = ConfigForm()
        self.raw = QPlainTextEdit()
        self.raw.setToolTip("The console's TOML as saved; Save validates it first and keeps your comments")
        self.raw.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.raw.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.tabs.addTab(self.form, "Form")
        self.tabs.addTab(self.raw, "Raw TOML")
        layout.addWidget(self.tabs, 1)

        self._dirty = False
        self._confirm: QMessageBox | None = None
        self.form.edited.connect(self._mark_dirty)
        self.raw.textChanged.connect(self._mark_dirty)
        self.tabs.currentChanged.connect(self._carry_edits)
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self.reload)
        self.restore_button.clicked.connect(self.confirm_restore)
        self.reload()
        if console.config_problems:
            self.show_message(BAD, "The saved file is invalid; the console runs on defaults until it is fixed:", console.config_problems)
            self.tabs.setCurrentIndex(RAW_TAB)

    def reload(self) -> None:
        """Show the file as saved (or the defaults, when the file is invalid)."""
        text = self.store.read_text()
        try:
            config = parse_config(text)
        except ConfigInvalid:
            config = self.console.config
        self.form.load(config)
        self.raw.blockSignals(True)
        self.raw.setPlainText(text)
        self.raw.blockSignals(False)
        self._dirty = False
        self.restore_button.setEnabled(self.store.has_backup())
        self.banner.hide()

    def config_applied(self) -> None:
        """The config changed elsewhere (a worker added or removed): show it, unless edits are pending."""
        if not self._dirty:
            self.reload()

    def _mark_dirty(self) -> None:
        self._dirty = True

    def edited_text(self) -> str:
        """The TOML that Save would write, from the tab in front; raises ConfigInvalid."""
        if self.tabs.currentIndex() == RAW_TAB:
            return self.raw.toPlainText()
        config = validate_config(self.form.values())
        return render_config(config, self.store.read_text())

    def save(self) -> asyncio.Future | None:
        try:
            text = self.edited_text()
            before = self.console.config
            saved = self.store.save_text(text)
        except ConfigInvalid as exc:
            self.form.mark_invalid({problem.split(":", 1)[0] for problem in exc.problems})
            self.show_message(BAD, "Not saved: fix these first (nothing was written).", exc.problems)
            return None
        except OSError as exc:
            self.show_message(BAD, f"Not saved: cannot write {self.store.path}: {exc.strerror}")
            return None
        pending = restart_required(before, saved)
        self.reload()
        if pending:
            self.show_message(WARN, f"Saved. Restart the console to apply: {', '.join(pending)}.")
        else:
            self.show_message(OK, f"Saved to {self.store.path} (previous version kept as {self.store.backup_path.name}).")
        return asyncio.ensure_future(self.console.apply_config(saved))

    def confirm_restore(self) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Restore backup",
            f"Replace the current settings with {self.store.backup_path.name}? The current file becomes the backup.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        yes = box.button(QMessageBox.StandardButton.Yes)
        box.buttonClicked.connect(lambda button: self.restore() if button is yes else None)
        self._confirm = box
        box.open()

    def restore(self) -> asyncio.Future | None:
        before = self.console.config
        try:
            restored = self.store.restore_backup()
        except (ConfigInvalid, OSError) as exc:
            self.show_message(BAD, f"Not restored: {exc}")
            return None
        pending = restart_required(before, restored)
        self.reload()
        suffix = f" Restart the console to apply: {', '.join(pending)}." if pending else ""
        self.show_message(WARN if pending else OK, f"Restored the backup.{suffix}")
        return asyncio.ensure_future(self.console.apply_config(restored))

    def _carry_edits(self, index: int) -> None:
        """Switching tabs carries unsaved edits across when they are valid."""
        if not self._dirty:
            return
        try:
            if index == RAW_TAB:
                config = validate_config(self.form.values())
                self.raw.blockSignals(True)
                self.raw.setPlainText(render_config(config, self.raw.toPlainText()))
                self.raw.blockSignals(False)
            else:
                self.form.load(parse_config(self.raw.toPlainText()))
            self.banner.hide()
        except ConfigInvalid as exc:
            self.show_message(WARN, "The other tab could not take these edits (they are not valid yet):", exc.problems)

    def show_message(self, color: str, message: str, problems: list[str] | None = None) -> None:
        lines = [message, *(f"  • {problem}" for problem in problems or [])]
        self.banner_text.setText("\n".join(lines))
        self.banner_text.setStyleSheet(f"color: {color};")
        self.banner.show()
