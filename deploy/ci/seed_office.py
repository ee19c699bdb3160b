"""The CI stack's office: the demo organisation and officers (demo.organisation) and the public
site's pages (demo.portal), without the demo's hundreds of files and CGU returns (which
take minutes to store in S3 and index). Run with ``manage.py shell < deploy/ci/seed_office.py``.
Prints the logins as ``seed_demo`` does; the journey reads them."""

from demo import organisation
from demo.accounts import seed as seed_second_factor
from demo.portal import seed_pages
from organisation.models import Department
from workspace.models import SubjectHead

logins = organisation.seed_organisation(progress=print)
for department in Department.objects.all():
    SubjectHead.objects.get_or_create(
        department=department, code="1", defaults={"name_en": "General correspondence"}
    )
seed_pages(progress=print)
seed_second_factor(progress=print)  # every officer signs in with the demo authenticator
for login in logins:
    print(f"  {login.username:<24} {login.department:<6} {login.post}")
