from django.apps import AppConfig


class LearnConfig(AppConfig):
    name = "web.learn"
    label = "learn"
    verbose_name = "Tutorials"

    def ready(self) -> None:
        from web.learn import progress  # noqa: F401 (connects the login receiver)
