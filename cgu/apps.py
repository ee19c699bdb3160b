from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CguConfig(AppConfig):
    name = "cgu"
    verbose_name = _("Corporate Governance Unit")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cgu.audit_actions import CguAction
        from kernel import audit_actions

        audit_actions.register(CguAction)

        from cgu.access import return_paper_rule
        from workspace.access import register_paper_rule

        # One rule for a return's papers, whichever door is used (cgu.access).
        register_paper_rule(return_paper_rule)

        from accounts.scopes import ScopeKind, register_scope
        from cgu.access import entity_token_scope

        # An entity user's API tokens reach /api/v1/entity/ only (accounts.scopes).
        register_scope(
            ScopeKind(
                name="entity", path_prefixes=("/api/v1/entity/",), scope_of=entity_token_scope
            )
        )
