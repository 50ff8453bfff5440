from django.shortcuts import render

from contacts.models import Contact, Interaction


def home(request):
    contacts = Contact.objects.for_user(request.user)
    recent = Interaction.objects.for_user(request.user).select_related("contact")[:8]
    return render(
        request,
        "followups/home.html",
        {"contact_count": contacts.count(), "recent_interactions": recent},
    )
