"""Prove that every file's custody mirror agrees with its open Viewflow desk task."""

from django.core.management.base import BaseCommand, CommandError

from workspace.custody import disagreements


class Command(BaseCommand):
    help = "Check that each open file is at exactly one post, the one on its open desk task."

    def handle(self, *args, **options):
        problems = disagreements(progress=lambda n: self.stdout.write(f"  checked {n:,} files"))
        for problem in problems:
            self.stderr.write(f"  {problem}")
        if problems:
            raise CommandError(f"{len(problems)} file(s) whose custody disagrees with the flow.")
        self.stdout.write(self.style.SUCCESS("Custody agrees with the flow for every file."))
