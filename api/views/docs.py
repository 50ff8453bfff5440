from drf_spectacular.views import SpectacularSwaggerSplitView


class ApiDocsView(SpectacularSwaggerSplitView):
    """Swagger UI from the pinned drf-spectacular-sidecar package (served as static files, never
    from a CDN), its start-up script a separate request: no inline script or style, so the site's
    Content-Security-Policy holds on this page too."""

    template_name = "api/swagger_ui.html"
    url_name = "api:schema"
    title = "netcrm API"
