from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.views import APIView


@extend_schema(exclude=True)
class NoSuchEndpoint(APIView):
    """Any other address under /api/: a 404 in JSON, as every API error is, whoever asks."""

    permission_classes = []

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not request.path.endswith("/"):
            raise exceptions.NotFound(f"No such API endpoint; API addresses end with a slash: {request.path}/")
        raise exceptions.NotFound("No such API endpoint; see /api/docs/.")
