import logging
import os

from django.core.wsgi import get_wsgi_application

from netcrm.stack_room import with_stack_room

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netcrm.settings")
# Each request runs with room on CPython's frame stack: netcrm/stack_room.py says why.
application = with_stack_room(get_wsgi_application())


def _warm_up() -> None:
    from netcrm.warmup import warm_templates

    try:
        warm_templates()  # netcrm/warmup.py says why
    except Exception:  # an optimisation only: a template that cannot load fails its own page
        logging.getLogger(__name__).exception("warming the templates up failed")


_warm_up()
