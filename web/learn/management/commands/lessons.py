"""`manage.py lessons check`: load and validate every lesson; `manage.py lessons list`: show them."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from web.learn import lessons


class Command(BaseCommand):
    help = "Validate the lessons (check) or list them (list)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["check", "list"])
        parser.add_argument("--dir", type=Path, default=None, help="the lessons folder (default: lessons/)")

    def handle(self, *args: Any, **options: Any) -> None:
        root = options["dir"] or lessons.lessons_dir()
        folders = lessons.lesson_folders(root)
        problems = []
        for folder in folders:
            try:
                lesson = lessons.load(folder)
            except lessons.LessonError as error:
                problems.append(str(error))
                continue
            if options["action"] == "list":
                self.stdout.write(f"{lesson.order:02d} {lesson.id}: {lesson.title['en']} ({len(lesson.steps)} steps)")
        if problems:
            raise CommandError("\n".join(problems))
        try:
            lessons.load_all(root)  # ids unique across folders
        except lessons.LessonError as error:
            raise CommandError(str(error)) from None
        if options["action"] == "check":
            self.stdout.write(self.style.SUCCESS(f"{len(folders)} lessons OK in {root}"))
