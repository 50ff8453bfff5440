from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "health"
    verbose_name = "Health"

    def ready(self):
        from celery.signals import beat_init

        from .beat import on_beat_init

        # Bookkeeping only: beat's own heartbeat, so a late job can be blamed on beat or the worker.
        beat_init.connect(on_beat_init, dispatch_uid="netcrm-beat-heartbeat-init")
