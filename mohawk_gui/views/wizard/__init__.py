"""The session wizard: model, devices and strategy, batching, review and start."""

from mohawk_gui.views.wizard.session_wizard import SessionWizard

__all__ = ["SessionWizard"]
