"""First-run setup wizard (also re-opened as the settings window): one page per module."""

from gui.wizard.services import WizardServices, default_services
from gui.wizard.setup_wizard import SetupWizard

__all__ = ["SetupWizard", "WizardServices", "default_services"]
