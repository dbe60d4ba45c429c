"""The service facade: the one front door of the engine for the CLI and the GUI (issue 9).

The GUI imports only this package (and a few value-type modules, see tests/test_layering.py); everything it needs
from the core — value types included — is re-exported here.
"""

from core.catalog_setup import catalog_settings
from core.connection_check import CheckLine, CheckReport
from core.errors import Cancelled, ConnectionFailed, SyncBridgeError
from core.mapping.sales_settings import ORDER_STATUSES, PATH_EVENTS, SalesSettings
from core.plain_http import is_plain_http
from core.profile import (
    KNOWN_ONEC_PROFILES,
    SECRET_B24_WEBHOOK,
    SECRET_ONEC_PASSWORD,
    Profile,
    normalise_onec_url,
    portal_url_from_webhook,
)
from core.run_lock import SyncAlreadyRunning
from core.service.facade import SyncService
from core.service.progress import ProgressTracker, RunProgress
from core.service.schedule import SchedulePolicy
from core.service.types import (
    EntityOverview,
    EntityPreview,
    JournalPage,
    JournalQuery,
    JournalRow,
    Overview,
    Preview,
    ReviewOutcome,
    RunPoint,
    StatusInfo,
)
from core.sync.registry import CATALOG_ENTITIES

__all__ = [
    "CATALOG_ENTITIES",
    "KNOWN_ONEC_PROFILES",
    "ORDER_STATUSES",
    "PATH_EVENTS",
    "SECRET_B24_WEBHOOK",
    "SECRET_ONEC_PASSWORD",
    "Cancelled",
    "CheckLine",
    "CheckReport",
    "ConnectionFailed",
    "EntityOverview",
    "EntityPreview",
    "JournalPage",
    "JournalQuery",
    "JournalRow",
    "Overview",
    "Preview",
    "Profile",
    "ProgressTracker",
    "ReviewOutcome",
    "RunPoint",
    "RunProgress",
    "SalesSettings",
    "SchedulePolicy",
    "StatusInfo",
    "SyncAlreadyRunning",
    "SyncBridgeError",
    "SyncService",
    "catalog_settings",
    "is_plain_http",
    "normalise_onec_url",
    "portal_url_from_webhook",
]
