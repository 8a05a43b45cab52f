"""`manage.py createinstructor <username> [--password ...]`: a user who may run workshops."""

import getpass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from web.workshops.roles import make_instructor


class Command(BaseCommand):
    help = "Create an instructor (or make an existing user one)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--password", default="", help="asked for when not given")
        parser.add_argument("--email", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        users = get_user_model()
        user = users.objects.filter(username=options["username"]).first()
        if user is None:
            password = options["password"] or getpass.getpass("Password: ")
            if not password:
                raise CommandError("an instructor needs a password")
            user = users.objects.create_user(options["username"], options["email"], password)
        make_instructor(user)
        self.stdout.write(f"{user.get_username()} is an instructor")
