from django.urls import path

from . import views

app_name = "strategy"

urlpatterns = [
    path("", views.plan, name="plan"),
    path("edit/", views.plan_edit, name="plan_edit"),
    path("export.md", views.plan_export, name="plan_export"),
    path("purposes/", views.purposes, name="purposes"),
    path("purposes/<int:pk>/main/", views.purpose_main, name="purpose_main"),
    path("purposes/<int:pk>/delete/", views.purpose_delete, name="purpose_delete"),
    path("purposes/<int:pk>/contacts/", views.purpose_contacts, name="purpose_contacts"),
    path("contacts/<int:contact_pk>/purposes/", views.contact_purposes, name="contact_purposes"),
    path("contacts/<int:contact_pk>/met-at/", views.contact_met_at, name="contact_met_at"),
    path("venues/", views.venue_list, name="venue_list"),
    path("venues/new/", views.venue_create, name="venue_create"),
    path("venues/<int:pk>/", views.venue_detail, name="venue_detail"),
    path("venues/<int:pk>/edit/", views.venue_edit, name="venue_edit"),
    path("venues/<int:pk>/delete/", views.venue_delete, name="venue_delete"),
    path("events/", views.event_list, name="event_list"),
    path("events/new/", views.event_create, name="event_create"),
    path("events/<int:pk>/", views.event_detail, name="event_detail"),
    path("events/<int:pk>/edit/", views.event_edit, name="event_edit"),
    path("events/<int:pk>/delete/", views.event_delete, name="event_delete"),
    path("events/<int:pk>/people/", views.event_add_people, name="event_add_people"),
    path("events/<int:pk>/people/<int:contact_pk>/remove/", views.event_remove_person, name="event_remove_person"),
    path("ledger/", views.ledger, name="ledger"),
]
