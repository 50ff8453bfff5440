"""The Content-Security-Policy header (django-csp), with the one allowance the admin needs.

The policy itself is ``CONTENT_SECURITY_POLICY`` in settings: only the app's own scripts and
styles. django-import-export's admin export page (``admin/import_export/export.html``) writes
one inline event handler and two style attributes; under the admin, and only there, exactly
those three are allowed by their hashes (``'unsafe-hashes'`` lets a hash match an attribute),
so the page's "select all" toggle works and nothing else inline runs.
"""

from csp.constants import UNSAFE_HASHES
from csp.middleware import CSPMiddleware, PolicyParts
from django.urls import reverse

# sha256 of the attribute values, as the browser hashes them (it names the hash it wanted in its
# console message when one changes with an upgrade of django-import-export).
ADMIN_INLINE_ATTRIBUTES = {
    # onchange="onSelectToggleChange(event)"
    "script-src-attr": [UNSAFE_HASHES, "'sha256-wid4zL8fR53ZYy1ljOepzR77Dn6vWUUxuNnnWWBP3I8='"],
    # style="padding: 0;", style="font-weight: bold;"
    "style-src-attr": [
        UNSAFE_HASHES,
        "'sha256-mHgUAqxc8GPXM/QhzkHrHujcrQTU9fd6ZjWz+icxKcA='",
        "'sha256-+YWRMZ88jMyO7jVlBA52tZADiPobPIUA8LAWee68Fvs='",
    ],
}


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware; admin responses also allow the admin's known inline attributes."""

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path_info.startswith(reverse("admin:index")):
            parts.update = {**ADMIN_INLINE_ATTRIBUTES, **(parts.update or {})}
        return parts
