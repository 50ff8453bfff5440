"""The introduce page: search for the other person, pick them, say why; both timelines show it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from contacts.models import Contact
from contacts.ownership import get_owned_or_404
from contacts.pickers import picker_context

from . import services
from .forms import IntroduceForm


def introduce(request: HttpRequest, contact_pk: int) -> HttpResponse:
    contact = get_owned_or_404(Contact, request.user, pk=contact_pk)
    form = IntroduceForm(request.POST or None, owner=request.user)
    if request.method == "POST" and form.is_valid():
        other = form.cleaned_data["introduced_to"]
        try:
            services.introduce(
                contact=contact, introduced_to=other, note=form.cleaned_data["note"], kind=form.cleaned_data["kind"]
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"Logged: you introduced {contact} to {other}; both timelines show it.")
            return redirect(contact)
    context = picker_context(request, contact=contact, form=form)
    return render(request, "followups/introduce.html", context, status=422 if form.errors else 200)
