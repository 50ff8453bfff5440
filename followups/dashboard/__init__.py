"""The outreach dashboard (the home page): whom to reach today, the week plan, counts and activity.

``selectors`` reads what it shows, ``views`` serves it (cached, fresh after a write), ``forms`` is
the week plan's form, ``bulk_actions`` adds "add to this week's plan" to the contacts list."""
