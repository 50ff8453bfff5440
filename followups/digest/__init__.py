"""The weekly follow-up digest: when it is due (schedule), what it says (content), and how it
is handed to the mail backend at most once per user and week (delivery)."""
