"""Room on CPython's frame stack for a whole request: a CPython 3.11/3.12 slowdown, worked around.

Since 3.11 CPython keeps the frames of Python calls in chunks of 16 KB. A call that does not fit
in the current chunk maps a new one (mmap), and the return of the first frame in it unmaps it
(munmap). A loop deep in a page that calls across that boundary, a template tag rendering each
row of a list at exactly that depth, maps and unmaps a chunk on every call. Under gunicorn we
measured (strace -c) 3,000 mmap/munmap pairs per follow-ups page: 23 ms of kernel time in its
53 ms of CPU, where Django's test client, calling from another depth, showed none. Which page
is hit depends on how deep the server calls the application, so there is no page to fix: it is
CPython issue gh-142183, fixed in 3.13 and later by keeping one spare chunk.

``call_with_room`` calls a function from a frame that takes a chunk of its own: 256 KB, of which
its unused locals take half, leaving about 130 KB after it, more than the deepest page here
needs. The request then runs within one chunk, mapped once (0.1 ms), whatever its depth.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable

# CPython's sizes (Python/pystate.c): chunks of 16 KB doubled until a frame fits with room for
# 1,000 more pointers after it. A frame of 15,400 pointers (15,400 + 1,000 > 16,384, the pointers
# in 128 KB) gets a chunk of 256 KB (32,768 pointers): about 17,000 pointers are left for the request.
FRAME_POINTERS = 15_400
NEEDED = sys.implementation.name == "cpython" and (3, 11) <= sys.version_info[:2] < (3, 13)


def _call(function, *args, **kwargs):
    return function(*args, **kwargs)


def _roomy(function: types.FunctionType) -> types.FunctionType:
    """``function`` with FRAME_POINTERS more local variables, never used: a bigger frame."""
    code = function.__code__
    unused = tuple(f"_room_{n}" for n in range(FRAME_POINTERS - code.co_nlocals))
    names = code.co_varnames + unused
    roomy_code = code.replace(co_varnames=names, co_nlocals=len(names))
    return types.FunctionType(roomy_code, function.__globals__, function.__name__)


call_with_room: Callable = _roomy(_call) if NEEDED else _call


def with_stack_room(application):
    """A WSGI application that runs ``application`` with room on the frame stack (see above)."""
    if not NEEDED:
        return application

    def roomy_application(environ, start_response):
        return call_with_room(application, environ, start_response)

    return roomy_application
