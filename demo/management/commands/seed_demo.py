"""Load Daftar's demo data. Safe to run again: what exists is left as it is."""

from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from daftar.env import CONFIG
from demo import organisation
from demo.accounts import DEMO_RECOVERY_CODES, DEMO_TOTP_SECRET
from demo.steps import later_steps


class Command(BaseCommand):
    help = "Create the demo organisation, officers, files and figures (idempotent)."

    def handle(self, *args, **options):
        def say(msg):
            self.stdout.write(msg)
            self.stdout.flush()

        # The steps, in order. Each app's seeding is called by name, no signals.
        say("Organisation: departments, sections, posts and officers")
        logins = organisation.seed_organisation(progress=say)
        # The seeding invites entity users and tells citizens about their complaints: those
        # messages go to files in var/demo-outbox/ to read, not to the terminal or anyone.
        outbox = CONFIG.var_dir / "demo-outbox"
        outbox.mkdir(exist_ok=True)
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            EMAIL_FILE_PATH=str(outbox / "mail"),
            DAFTAR_SMS_BACKEND="complaints.notify.FileBackend",
            DAFTAR_SMS_FILE=str(outbox / "sms.jsonl"),
        ):
            for step_name, step in later_steps():
                say(step_name)
                step(progress=say)

        say(f"The messages the demo sent (invitations, SMS to citizens) are in {outbox}/")
        say("")
        say(self.style.SUCCESS("Demo data ready. Sign in at http://127.0.0.1:8000/desk/"))
        say(f"Every demo login has the password:  {organisation.DEMO_PASSWORD}")
        say(f"and a second factor: add the key {DEMO_TOTP_SECRET} to an authenticator app")
        say("  (or print the current code: .venv/bin/python manage.py totp_code <username>;")
        say(f"  or use a recovery code, each once per login: {', '.join(DEMO_RECOVERY_CODES)})")
        say("")
        say(f"  {'username':<24} {'department':<6} post")
        for login in logins:
            say(f"  {login.username:<24} {login.department:<6} {login.post}")
        charges = organisation.additional_charges()
        if charges:
            say("")
            say("Additional charge (an officer acting for a second post):")
            for line in charges:
                say(f"  {line}")
