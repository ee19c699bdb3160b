"""Many files at once, for tests about scale (query counts, pages). Made with bulk_create,
not through the services: these tests are about reading, and a thousand files through
FileFlow would take minutes. Each file gets its opening movement, so custody is real."""

from django.utils import timezone

import search
from workspace.models import File, Movement, NoteParagraph


def bulk_files(o, n: int, *, subject: str = "Bulk budget file", first_serial: int = 1000):
    """``n`` open files at the Assistant's post in ``o`` (the ``desk`` fixture), indexed."""
    year = timezone.localdate().year
    now = timezone.now()
    made = File.objects.bulk_create(
        [
            File(
                number=f"{o.dept.code}/{o.section.code}/{o.head.code}-{serial}/{year}",
                department=o.dept,
                section=o.section,
                subject_head=o.head,
                year=year,
                serial=serial,
                subject=f"{subject} {serial}",
                opened_by=o.asst_user,
                opened_at=now - timezone.timedelta(seconds=serial),
                holding_post=o.asst,
            )
            for serial in range(first_serial, first_serial + n)
        ]
    )
    if not all(f.pk for f in made):  # SQLite before 3.35 does not return ids
        made = list(File.objects.filter(serial__gte=first_serial, subject__startswith=subject))
    Movement.objects.bulk_create(
        [Movement(file=f, kind=Movement.Kind.OPEN, to_post=o.asst, by=o.asst_user) for f in made]
    )
    NoteParagraph.objects.bulk_create(
        [
            NoteParagraph(
                file=f,
                number=1,
                text="The budget estimates are placed below.",
                author=o.asst_user,
                post=o.asst,
            )
            for f in made
        ]
    )
    search.get_backend().index_files([f.pk for f in made])
    return made
