from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


class ContactsConfig(AppConfig):
    name = "contacts"
    verbose_name = "Contacts"

    def ready(self):
        from .freshness import on_write

        # Cache bookkeeping only (see contacts/freshness.py): no business rule runs here.
        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(on_write, dispatch_uid=f"netcrm-freshness-{signal}")
