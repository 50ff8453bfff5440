"""The Celery app: configured from Django settings (CELERY_ namespace), tasks autodiscovered."""

import gc
import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netcrm.settings")

app = Celery("netcrm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def freeze_startup_objects(**_) -> None:
    """In each worker process, as it starts: move what it inherited (Django, the app's modules,
    about 100,000 objects) out of the garbage collector's sight. A digest batch allocates enough
    to trigger full collections dozens of times, and each would walk all of those again (a
    quarter of a batch's Python time at 10,000 users); they live as long as the process anyway."""
    gc.freeze()
