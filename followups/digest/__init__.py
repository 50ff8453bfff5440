"""The weekly follow-up digest: when it is due (schedule), what it says (plan, content), how it is
handed to the mail backend at most once per user and week (delivery), the beat job and command's
entry points (jobs), and its pages: preview and unsubscribe (views)."""
