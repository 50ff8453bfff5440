from django.urls import path

from . import restore_views, views

app_name = "transfer"

urlpatterns = [
    path("import/", views.import_start, name="import_start"),
    path("import/<int:pk>/", views.import_detail, name="import_detail"),
    path("import/<int:pk>/columns/", views.import_mapping, name="import_mapping"),
    path("import/<int:pk>/progress/", views.import_progress, name="import_progress"),
    path("import/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("import/<int:pk>/retry/", views.import_retry, name="import_retry"),
    path("import/<int:pk>/discard/", views.import_discard, name="import_discard"),
    path("export/", views.export_page, name="export"),
    path("export/contacts.csv", views.export_csv, name="export_csv"),
    path("export/contacts.vcf", views.export_vcard, name="export_vcard"),
    path("export/backup.json", views.export_backup, name="export_backup"),
    path("export/restore/", restore_views.restore, name="restore"),
    path("export/restore/<int:pk>/", restore_views.restore_detail, name="restore_detail"),
    path("export/restore/<int:pk>/progress/", restore_views.restore_progress, name="restore_progress"),
    path("export/restore/<int:pk>/retry/", restore_views.restore_retry, name="restore_retry"),
]
