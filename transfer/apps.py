from django.apps import AppConfig


class TransferConfig(AppConfig):
    """Taking the network in and out: imports, exports, the full backup and its restore.

    It sits above every other app (it may import all of them; none imports it).
    """

    default_auto_field = "django.db.models.BigAutoField"
    name = "transfer"
    verbose_name = "Import and export"
