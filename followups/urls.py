"""Every follow-ups page, under the one ``followups:`` namespace; each capability lists its own."""

from .board import urls as board
from .calendar import urls as calendar
from .dashboard import urls as dashboard
from .digest import urls as digest
from .introductions import urls as introductions
from .preferences import urls as preferences

app_name = "followups"

urlpatterns = [
    *dashboard.urlpatterns,
    *board.urlpatterns,
    *preferences.urlpatterns,
    *calendar.urlpatterns,
    *digest.urlpatterns,
    *introductions.urlpatterns,
]
