"""Follow-ups: when to reach out, and the pages that plan it. One package per capability:

- ``dashboard/``: the home page's outreach list, week plan and counts;
- ``board/``: the follow-ups page and its row actions;
- ``digest/``: the weekly email, from scheduling to delivery;
- ``calendar/``: the iCalendar feed;
- ``preferences/``: the Settings page.

Shared by them: ``models``, ``services`` (every write), ``selectors`` (``Day`` and shared reads),
``sweep`` (raising reminders), ``reaper`` (requeueing stranded work) and ``tasks`` (beat jobs)."""
