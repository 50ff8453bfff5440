"""The OpenAPI document's error responses, added to every operation (drf-spectacular hook), so
a program knows each status it may get and what the body says."""

from __future__ import annotations

DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
    "description": "What went wrong, in a sentence.",
}
FIELD_ERRORS = {
    "type": "object",
    "description": (
        "Each field (or query parameter) that was refused, with its messages; errors of no one field are "
        "under `non_field_errors`, those of one item of a list under the item's index, and a malformed "
        "body is a `detail`."
    ),
    "additionalProperties": {
        "oneOf": [
            {"type": "array", "items": {"type": "string"}},
            {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
            {"type": "string"},
        ]
    },
}
ERRORS = {
    "400": ("The request names a field, a parameter or a value that cannot be used.", "FieldErrors"),
    "401": ("No token, or an unknown or revoked one (and no browser session).", "Detail"),
    "403": ("A read-only token tried to write, or a browser session sent no CSRF token.", "Detail"),
    "404": ("No such object among yours (another user's id is not yours either), or no such page.", "Detail"),
    "429": ("Too many requests for this token; try again after Retry-After seconds.", "Detail"),
}
WRITING = {"post", "put", "patch", "delete"}


def add_error_responses(result, generator, request, public):
    """postprocessing hook: the statuses each operation may answer besides its success."""
    result.setdefault("components", {}).setdefault("schemas", {}).update(Detail=DETAIL, FieldErrors=FIELD_ERRORS)
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in WRITING | {"get"}:
                continue
            parameters = {parameter["name"] for parameter in operation.get("parameters", [])}
            statuses = ["401", "429"]
            if parameters or "requestBody" in operation:
                statuses.append("400")
            if "{" in path or "page" in parameters:
                statuses.append("404")
            if method in WRITING:
                statuses.append("403")
            responses = operation.setdefault("responses", {})
            for status in statuses:
                description, component = ERRORS[status]
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}},
                    },
                )
    return result
