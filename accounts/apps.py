from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self):
        from axes.signals import user_locked_out

        from .lockout import log_lockout

        user_locked_out.connect(log_lockout, dispatch_uid="netcrm-log-lockout")
