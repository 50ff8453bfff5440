"""Logging filters (referenced from settings.LOGGING)."""

from __future__ import annotations

import logging
import time


class OncePerInterval(logging.Filter):
    """Let one record through per ``seconds`` (per logger and message): a cache that is down
    fails on every request, and one line a minute says so without flooding the log."""

    def __init__(self, seconds: float = 60, name: str = "", clock=time.monotonic):
        super().__init__(name)
        self.seconds = seconds
        self.clock = clock
        self._last_passed: dict[tuple[str, str], float] = {}

    def forget(self) -> None:
        self._last_passed.clear()

    def filter(self, record: logging.LogRecord) -> bool:
        key = (record.name, str(record.msg))
        now = self.clock()
        last = self._last_passed.get(key)
        if last is not None and now - last < self.seconds:
            return False
        self._last_passed[key] = now
        return True
