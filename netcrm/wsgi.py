import os

from django.core.wsgi import get_wsgi_application

from netcrm.stack_room import with_stack_room

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netcrm.settings")
# Each request runs with room on CPython's frame stack: netcrm/stack_room.py says why.
application = with_stack_room(get_wsgi_application())
