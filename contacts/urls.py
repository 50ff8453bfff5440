from django.urls import path

from . import views

app_name = "contacts"

urlpatterns = [
    path("", views.contact_list, name="list"),
    path("new/", views.contact_create, name="create"),
    path("bulk/", views.contact_bulk, name="bulk"),
    path("<int:pk>/", views.contact_detail, name="detail"),
    path("<int:pk>/edit/", views.contact_edit, name="edit"),
    path("<int:pk>/delete/", views.contact_delete, name="delete"),
    path("<int:pk>/introduced-by/", views.contact_introduced_by, name="introduced_by"),
    path("interactions/<int:pk>/edit/", views.interaction_edit, name="interaction_edit"),
    path("interactions/<int:pk>/delete/", views.interaction_delete, name="interaction_delete"),
    path("classifications/", views.classification_list, name="classification_list"),
    path("classifications/new/", views.classification_create, name="classification_create"),
    path("classifications/<int:pk>/edit/", views.classification_edit, name="classification_edit"),
    path("classifications/<int:pk>/delete/", views.classification_delete, name="classification_delete"),
    path(
        "classifications/<int:pk>/move/<str:direction>/",
        views.classification_move,
        name="classification_move",
    ),
]
