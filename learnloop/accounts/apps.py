from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "learnloop.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from learnloop.accounts import permissions  # noqa: F401
