"""The pages that pick one other contact (who introduced you, whom you introduced): a search box
and at most ``PICKER_MATCHES`` matches to tick, never a list of everyone."""

from . import selectors


def picker_context(request, *, contact, form) -> dict:
    """The template context of a picker page for ``contact``: its form, the search typed and its matches."""
    search = request.GET.get("q", "")[:100]
    return {
        "contact": contact,
        "form": form,
        "search": search,
        "matches": selectors.contacts_to_pick(owner=request.user, search=search, excluding=contact),
        "max_matches": selectors.PICKER_MATCHES,
    }
