"""The WSGI application runs each request with room on CPython's frame stack (netcrm/stack_room.py):
a loop calling across a boundary of the stack's chunks maps and unmaps a chunk per call on
CPython 3.11 and 3.12, which gunicorn's depth made cost the follow-ups page 23 ms a request.
Counted in minor page faults (each chunk mapped afresh faults when first written), not timed."""

import resource
from wsgiref.util import setup_testing_defaults

import pytest

from netcrm.stack_room import NEEDED, call_with_room

LEAF_CALLS = 2000
DEPTHS = range(0, 300, 1)  # a chunk is 16 KB: some depth among these crosses a boundary


def _leaf():
    return None


def _probe(depth):
    """Recurse ``depth`` frames, then call a leaf LEAF_CALLS times; the page faults it cost."""
    if depth:
        return _probe(depth - 1)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(LEAF_CALLS):
        _leaf()
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before


def _worst_depth(call):
    return max(call(_probe, depth) for depth in DEPTHS)


def _plain_call(function, *args):
    return function(*args)


@pytest.mark.skipif(not NEEDED, reason="CPython 3.13 and later keep a spare chunk (gh-142183)")
def test_a_loop_at_a_chunk_boundary_thrashes_without_room_and_not_with_it():
    assert _worst_depth(_plain_call) >= LEAF_CALLS  # a chunk mapped afresh on every leaf call
    assert _worst_depth(call_with_room) < LEAF_CALLS / 10


def test_the_roomy_call_passes_arguments_and_results_through():
    assert call_with_room(lambda a, *, b: (a, b), 1, b=2) == (1, 2)
    with pytest.raises(ZeroDivisionError):
        call_with_room(lambda: 1 / 0)


@pytest.mark.django_db
def test_the_wsgi_application_serves_pages_through_the_roomy_call():
    from netcrm.wsgi import application

    environ = {"PATH_INFO": "/accounts/login/", "REQUEST_METHOD": "GET", "HTTP_HOST": "testserver"}
    setup_testing_defaults(environ)
    started = {}
    body = b"".join(application(environ, lambda status, headers: started.update(status=status)))
    assert started["status"].startswith("200")
    assert b'name="password"' in body
