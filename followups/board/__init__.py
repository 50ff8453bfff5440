"""The follow-ups page: overdue, due today, this week, snoozed and promises, 25 rows a section.

``selectors`` builds the sections and their counts, ``views`` serves the page and its row actions
(snooze, dismiss, log an interaction, keep or drop a promise), ``forms`` holds their forms."""
