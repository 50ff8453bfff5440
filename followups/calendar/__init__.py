"""The calendar feed: reminders, promises and upcoming contacts as iCalendar behind a secret URL.

``feed`` builds the events (at most 500 over 60 days), ``views`` serves the feed and turns it on,
renews or off from Settings."""
