"""The Settings page's card of personal access tokens, kept with the api app that owns them."""

from django import template

from ..forms import ApiTokenForm
from ..models import ApiToken
from ..tokens import MAX_TOKENS_PER_USER

register = template.Library()


@register.inclusion_tag("api/includes/tokens_card.html", takes_context=True)
def api_tokens_card(context):
    user = context["request"].user
    user_tokens = list(ApiToken.objects.for_user(user)[:MAX_TOKENS_PER_USER])
    return {
        "csrf_token": context.get("csrf_token"),
        "tokens": user_tokens,
        "form": ApiTokenForm(),
        "full": len(user_tokens) >= MAX_TOKENS_PER_USER,
    }
