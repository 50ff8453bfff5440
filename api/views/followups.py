"""Reminders, promises, who is due (the follow-ups page's sections) and today's outreach (the
dashboard's list). Reads come from the selectors the pages use, actions from followups.services."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from followups import services
from followups.board import selectors as board
from followups.dashboard import selectors as dashboard
from followups.models import Commitment, Reminder
from followups.selectors import days_between

from .. import selectors
from ..serializers.followups import (
    DuePageSerializer,
    OutreachSerializer,
    PromiseSerializer,
    ReminderSerializer,
    SnoozeSerializer,
)
from .base import InOwnersZone, query


class ReminderQuery(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=Reminder.State.choices, required=False, help_text="Default: open and snoozed."
    )
    kind = serializers.ChoiceField(choices=Reminder.Kind.choices, required=False)
    due = serializers.ChoiceField(
        choices=[selectors.Due.OVERDUE, selectors.Due.TODAY],
        required=False,
        help_text="overdue: due before today; today: due today (your time zone).",
    )


@extend_schema_view(
    list=extend_schema(
        summary="List reminders",
        description="Open and snoozed reminders (or those of `state`), the earliest due first.",
        parameters=[ReminderQuery],
    ),
    retrieve=extend_schema(summary="Read a reminder"),
)
class ReminderViewSet(InOwnersZone, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ReminderSerializer
    lookup_value_converter = "int"

    def get_queryset(self):
        if self.action == "list":
            return selectors.reminders_listed(
                owner=self.request.user, day=self.today(), **query(ReminderQuery, self.request)
            )
        return Reminder.objects.for_user(self.request.user).select_related("contact")

    @extend_schema(
        summary="Snooze a reminder",
        description="For `days` (1 or 7), or until the start of `until` in your time zone; the sweep wakes it then.",
        request=SnoozeSerializer,
        responses=ReminderSerializer,
    )
    @action(detail=True, methods=["post"])
    def snooze(self, request, pk=None):
        reminder = self.get_object()
        snooze = SnoozeSerializer(data=request.data)
        snooze.is_valid(raise_exception=True)
        if snooze.validated_data.get("until"):  # as the follow-ups page's snooze form does
            zone = timezone.get_current_timezone()
            services.snooze_until_date(reminder=reminder, day=snooze.validated_data["until"], zone=zone)
        else:
            until = timezone.now() + datetime.timedelta(days=snooze.validated_data["days"])
            services.snooze(reminder=reminder, until=until)
        return Response(ReminderSerializer(reminder).data)

    @extend_schema(
        summary="Dismiss a reminder",
        description="Without logging anything; it is not raised again for the same due moment.",
        request=None,
        responses=ReminderSerializer,
    )
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None):
        reminder = services.dismiss(reminder=self.get_object())
        return Response(ReminderSerializer(reminder).data)


class PromiseQuery(serializers.Serializer):
    state = serializers.ChoiceField(choices=Commitment.State.choices, required=False, help_text="Default: any.")
    due = serializers.ChoiceField(
        choices=[selectors.Due.OVERDUE, selectors.Due.WEEK],
        required=False,
        help_text="overdue: due before today; week: due within seven days, overdue ones included.",
    )


@extend_schema_view(
    list=extend_schema(summary="List promises", description="The earliest due first.", parameters=[PromiseQuery]),
    create=extend_schema(
        summary="Record a promise",
        description="Due at the start of `due_on` in your time zone; the sweep raises its reminder then.",
    ),
    retrieve=extend_schema(summary="Read a promise"),
)
class PromiseViewSet(
    InOwnersZone, mixins.ListModelMixin, mixins.CreateModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = PromiseSerializer
    lookup_value_converter = "int"

    def get_queryset(self):
        if self.action == "list":
            return selectors.promises_listed(
                owner=self.request.user, day=self.today(), **query(PromiseQuery, self.request)
            )
        return Commitment.objects.for_user(self.request.user).select_related("contact")

    @extend_schema(summary="Keep a promise", description="Its reminder is closed.", request=None)
    @action(detail=True, methods=["post"])
    def keep(self, request, pk=None):
        promise = services.keep_commitment(commitment=self.get_object())
        return Response(PromiseSerializer(promise).data)

    @extend_schema(summary="Drop a promise", description="Its reminder is dismissed.", request=None)
    @action(detail=True, methods=["post"])
    def drop(self, request, pk=None):
        promise = services.drop_commitment(commitment=self.get_object())
        return Response(PromiseSerializer(promise).data)


class DueQuery(serializers.Serializer):
    section = serializers.ChoiceField(
        choices=[key for key in board.SECTION_KEYS if key != "promises"],
        help_text="A section of the follow-ups page (promises are listed at /api/v1/promises/).",
    )
    classification = serializers.RegexField(
        r"^(none|[0-9]{1,18})$", required=False, help_text="Only this classification's contacts (an id, or `none`)."
    )
    after = serializers.CharField(required=False, help_text="From the `next` link: the rows after those shown.")


class DueView(InOwnersZone, APIView):
    @extend_schema(
        summary="Who is due",
        description=(
            "A section of the follow-ups page (overdue, due today, due this week, snoozed), 25 rows at a time, "
            "in the page's order: raised reminders and contacts the sweep has not reminded yet."
        ),
        parameters=[DueQuery],
        responses=DuePageSerializer,
    )
    def get(self, request):
        params = query(DueQuery, request)
        classifications = board.board_classifications(owner=request.user)
        board_query = board.BoardQuery.from_params(request.query_params, classifications=classifications)
        wanted = params.get("classification")
        if wanted and wanted != "none" and board_query.classification is None:
            raise serializers.ValidationError({"classification": ["You have no classification with this id."]})
        if params.get("after") and board_query.after is None:
            raise serializers.ValidationError({"after": ["Use the `next` link of the previous page."]})
        section = board.board_section(owner=request.user, zone=timezone.get_current_timezone(), query=board_query)
        next_url = None
        if section.remaining > len(section.rows):
            following = {**board_query.filter_params, "section": section.key, "after": section.rows[-1].key.token}
            next_url = request.build_absolute_uri(f"{request.path}?{urlencode(following)}")
        page = {"section": section.key, "remaining": section.remaining, "next": next_url, "results": section.rows}
        return Response(DuePageSerializer(page).data)


class OutreachTodayView(InOwnersZone, APIView):
    @extend_schema(
        summary="Reach out today",
        description=(
            "The dashboard's list: up to your outreach size (Settings) of people due by tonight, not snoozed, "
            "dismissed or skipped today, the most overdue relative to their frequency first."
        ),
        responses=OutreachSerializer,
    )
    def get(self, request):
        day = self.today()
        size = services.preferences_for(request.user).outreach_list_size
        contacts = dashboard.todays_outreach(owner=request.user, day=day, size=size)
        zone = timezone.get_current_timezone()
        for contact in contacts:
            contact.days_overdue = days_between(contact.next_due_at, day.today, zone)
        return Response(OutreachSerializer({"day": day.today, "results": contacts}).data)
