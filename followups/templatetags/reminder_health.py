"""The dashboard's "reminders are late" banner. Rendered outside the dashboard's cached body
(followups/dashboard.html), so a body cached before the sweep stopped never hides it."""

from django import template

from health.heartbeats import job_status

register = template.Library()

SWEEP_JOB = "raise-reminders"


@register.inclusion_tag("followups/dashboard/late_reminders.html")
def late_reminders_banner():
    status = job_status(SWEEP_JOB)
    return {"status": status if status is not None and status.late else None}
