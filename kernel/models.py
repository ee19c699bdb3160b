"""The audit trail: an append-only, hash-chained record of every write.

Rows are written only by ``kernel.audit.record`` inside the transaction of the change they
describe. Each row carries the hash of the row before it in its chain, so altering, inserting
or deleting a past row breaks the chain and ``manage.py audit_verify`` reports where.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One write: who (user and acting post), what, to which object, when, before and after."""

    chain = models.PositiveSmallIntegerField(_("chain"))
    seq = models.PositiveBigIntegerField(_("sequence"))
    at = models.DateTimeField(_("when"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("who"),
    )
    post = models.ForeignKey(
        "organisation.Post",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acting post"),
    )
    action = models.CharField(_("action"), max_length=64)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=255, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        # The tables keep the names they had when the audit trail lived in ``workspace``
        # (kernel/migrations/0001 moved the models without touching the database).
        db_table = "workspace_auditevent"
        ordering = ["at", "chain", "seq"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="audit_chain_seq_unique")
        ]
        indexes = [
            models.Index(fields=["object_type", "object_id", "at"], name="audit_object"),
            models.Index(fields=["actor", "at"], name="audit_actor"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"


class AuditChainHead(models.Model):
    """The last sequence number and hash of each chain. Locking this row serialises the
    writers of one chain; it also lets ``audit_verify`` notice rows deleted from the tail."""

    chain = models.PositiveSmallIntegerField(primary_key=True)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="")

    class Meta:
        db_table = "workspace_auditchainhead"
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"chain {self.chain} at {self.seq}"
