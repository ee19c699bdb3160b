"""Re-walk every audit chain and report altered, inserted or deleted rows."""

from django.core.management.base import BaseCommand, CommandError

from kernel import audit


class Command(BaseCommand):
    help = "Verify the hash chains of the audit trail; exits non-zero if any row was tampered with."

    def handle(self, *args, **options):
        def progress(count):
            self.stdout.write(f"  checked {count:,} rows", ending="\r")
            self.stdout.flush()

        problems = list(audit.verify(progress=progress))
        self.stdout.write("")
        if problems:
            for problem in problems:
                self.stderr.write(f"  {problem}")
            raise CommandError(
                f"The audit trail has been tampered with: {len(problems)} problem(s)."
            )
        self.stdout.write(self.style.SUCCESS("The audit trail is intact."))
