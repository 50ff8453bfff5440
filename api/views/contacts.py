"""Contacts, classifications, tags and interactions. Thin: owner-scoped reads from the contacts
selectors, writes through the serializers' page forms and the same services as the pages."""

from __future__ import annotations

from django.db.models import Count
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from contacts import selectors
from contacts import services as contact_services
from contacts.forms import ContactListFilterForm, DeleteClassificationForm
from contacts.models import Contact, Interaction
from contacts.ownership import get_owned_or_404

from ..page_forms import check
from ..serializers.contacts import ClassificationSerializer, ContactSerializer, InteractionSerializer, TagSerializer
from .base import InOwnersZone

CONTACT_LIST_PARAMETERS = [
    OpenApiParameter("q", str, description="Search: names, company, notes, what was said, emails, tags."),
    OpenApiParameter(
        "status", str, enum=selectors.Status.values, description="Where contacts stand against their cadence."
    ),
    OpenApiParameter(
        "classification", str, pattern=r"^(none|[0-9]{1,18})$", description="A classification id, or `none`."
    ),
    OpenApiParameter("tag", str, pattern=r"^[0-9]{1,18}$", description="A tag id."),
    OpenApiParameter(
        "sort", str, enum=selectors.Sort.values, description="Default: best match while searching, else by name."
    ),
]


@extend_schema_view(
    list=extend_schema(
        summary="List contacts",
        description="The contacts page's list: the same search, filters and sort, 25 a page.",
        parameters=CONTACT_LIST_PARAMETERS,
    ),
    create=extend_schema(summary="Add a contact"),
    retrieve=extend_schema(summary="Read a contact"),
    update=extend_schema(summary="Replace a contact's fields"),
    partial_update=extend_schema(summary="Change some of a contact's fields"),
    destroy=extend_schema(summary="Delete a contact, with its interactions, reminders and promises"),
)
class ContactViewSet(InOwnersZone, viewsets.ModelViewSet):
    serializer_class = ContactSerializer
    lookup_value_converter = "int"
    queryset = Contact.objects.none()  # read through the selectors below, scoped to the owner

    def get_queryset(self):
        if self.action == "list":
            filters = check(ContactListFilterForm(self.request.query_params)).filters()
            contacts = selectors.contacts_for_list(
                owner=self.request.user, bounds=selectors.StatusBounds.of(), **filters
            )
            return contacts.prefetch_related("phones")
        return Contact.objects.for_user(self.request.user)

    def get_object(self):
        return selectors.contact_for_page(owner=self.request.user, pk=self.kwargs["pk"])

    def perform_destroy(self, contact):
        contact.delete()  # as the contact page deletes one


@extend_schema_view(
    list=extend_schema(summary="List classifications", description="In your order, each with its contact count."),
    create=extend_schema(summary="Add a classification", description="It goes last in your order."),
    retrieve=extend_schema(summary="Read a classification"),
    update=extend_schema(summary="Replace a classification's fields"),
    partial_update=extend_schema(
        summary="Change some of a classification's fields",
        description="A new frequency moves the due moments of its contacts at once.",
    ),
    destroy=extend_schema(
        summary="Delete a classification",
        description="Its contacts move to `move_contacts_to`, or are left unclassified.",
        parameters=[OpenApiParameter("move_contacts_to", int, description="Another classification of yours.")],
    ),
)
class ClassificationViewSet(InOwnersZone, viewsets.ModelViewSet):
    serializer_class = ClassificationSerializer
    lookup_value_converter = "int"
    pagination_class = None  # a person has a handful; the page lists them all too

    def get_queryset(self):
        return selectors.classifications_with_counts(owner=self.request.user)

    def perform_create(self, serializer):
        serializer.save()
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)  # with its count

    perform_update = perform_create

    def destroy(self, request, *args, **kwargs):
        classification = self.get_object()
        form = DeleteClassificationForm(
            {"move_to": request.query_params.get("move_contacts_to", "")}, classification=classification
        )
        check(form, rename={"move_to": "move_contacts_to"})
        contact_services.delete_classification(
            classification=classification, move_contacts_to=form.cleaned_data["move_to"]
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(summary="List tags", description="By name, each with its contact count."),
    create=extend_schema(
        summary="Add a tag", description="A name you already have (in any case) answers that tag (200)."
    ),
    retrieve=extend_schema(summary="Read a tag"),
    update=extend_schema(summary="Rename a tag"),
    partial_update=extend_schema(summary="Rename a tag"),
    destroy=extend_schema(summary="Delete a tag", description="It is taken off its contacts; they stay."),
)
class TagViewSet(InOwnersZone, viewsets.ModelViewSet):
    serializer_class = TagSerializer
    lookup_value_converter = "int"

    def get_queryset(self):
        tags = selectors.tags_for(owner=self.request.user).annotate(contact_count=Count("contacts"))
        return tags.order_by("name", "pk")

    @extend_schema(responses={201: TagSerializer, 200: TagSerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        existed = selectors.tags_for(owner=request.user).filter(name__iexact=serializer.validated_data["name"]).exists()
        tag = self.get_queryset().get(pk=serializer.save().pk)
        created = status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        return Response(self.get_serializer(tag).data, status=created)

    def perform_update(self, serializer):
        serializer.save()
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)


CONTACT_ID = OpenApiParameter("contact_pk", int, OpenApiParameter.PATH, description="The contact's id.")


@extend_schema_view(
    list=extend_schema(
        summary="List a contact's interactions", description="The newest first.", parameters=[CONTACT_ID]
    ),
    create=extend_schema(
        summary="Log an interaction",
        description=(
            "As the page logs one: it settles the contact's open reminders to reconnect and to follow up "
            "after an event, and moves the contact's next due moment (shown in `contact`)."
        ),
        parameters=[CONTACT_ID],
    ),
)
class ContactInteractionViewSet(InOwnersZone, mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = InteractionSerializer

    def contact(self) -> Contact:
        if not hasattr(self, "_contact"):
            queryset = Contact.objects.select_related("classification")
            self._contact = get_owned_or_404(queryset, self.request.user, pk=self.kwargs["contact_pk"])
        return self._contact

    def create(self, request, *args, **kwargs):
        self.contact()  # someone else's contact is a 404 before the body is even read
        return super().create(request, *args, **kwargs)

    def get_queryset(self):
        return self.contact().interactions.select_related("contact").prefetch_related("resolved_reminders")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if "contact_pk" in self.kwargs:  # not while the schema is generated
            context["contact"] = self.contact()
        return context


@extend_schema_view(
    retrieve=extend_schema(summary="Read an interaction"),
    update=extend_schema(summary="Replace an interaction's fields"),
    partial_update=extend_schema(
        summary="Change some of an interaction's fields", description="A new date moves the contact's cadence."
    ),
    destroy=extend_schema(summary="Delete an interaction", description="The contact's cadence moves back."),
)
class InteractionViewSet(
    InOwnersZone, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    serializer_class = InteractionSerializer
    lookup_value_converter = "int"

    def get_queryset(self):
        return (
            Interaction.objects.for_user(self.request.user)
            .select_related("contact")
            .prefetch_related("resolved_reminders")
        )

    def perform_destroy(self, interaction):
        contact_services.delete_interaction(interaction=interaction)
