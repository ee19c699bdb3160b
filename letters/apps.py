from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LettersConfig(AppConfig):
    name = "letters"
    verbose_name = _("Letters")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from kernel import audit_actions
        from letters.audit_actions import LetterAction

        audit_actions.register(LetterAction)

        # Issuing renders and signs the letter, and every decision queues its signature, inside
        # workspace's own services (workspace does not import this app: it is told here).
        from django.urls import reverse

        from letters import checks, services  # noqa: F401  (checks registers itself)
        from workspace.services import approvals

        def letter_url(entry):
            # A signed letter is keyed by its dispatch entry: no query for the register.
            return reverse("letters:letter", args=[entry.pk]) if entry.signed_sha256 else None

        approvals.register_issue_step(services.sign_issued_letter, letter_url=letter_url)
        approvals.register_decision_step(services.queue_approval_signature)

        def insert_texts(draft):
            return (_("Insert a standard text"), reverse("letters:draft_texts", args=[draft.pk]))

        approvals.register_draft_link(insert_texts)
