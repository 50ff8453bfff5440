"""The Settings page: time zone, outreach list size, the digest's schedule and its recent sends."""
