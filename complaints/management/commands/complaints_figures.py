"""Check or rebuild the complaints' kept figures (``complaints.figures``): the counts the
dashboards and the public statistics read, kept by the services in the transaction of each
change.

    manage.py complaints_figures            # compare the kept figures with a count from scratch
    manage.py complaints_figures --rebuild  # replace them by the count from scratch

``--check`` (the default) exits 1 when they differ. Rebuild after loading complaints straight
into the tables (the benchmark's generator does), or if a check ever finds a difference.
"""

from django.core.management.base import BaseCommand, CommandError

from complaints import figures


class Command(BaseCommand):
    help = "Compare the complaints' kept figures with a count from scratch, or rebuild them."

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="count them again")

    def handle(self, *args, rebuild=False, **options):
        if rebuild:
            n = figures.rebuild()
            self.stdout.write(f"complaints' figures rebuilt: {n} rows")
            return
        kept, scratch = figures.check()
        if kept == scratch:
            self.stdout.write(f"complaints' figures agree ({len(kept)} rows)")
            return
        differ = sorted(set(kept) | set(scratch), key=str)
        for key in [k for k in differ if kept.get(k, 0) != scratch.get(k, 0)][:20]:
            self.stdout.write(f"  {key}: kept {kept.get(key, 0)}, counted {scratch.get(key, 0)}")
        raise CommandError("the complaints' kept figures differ from a count from scratch")
