"""Process models of Daftar's flows."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process


class FileProcess(Process):
    """One journey of a file through the desks, from opening (or reopening) to closing.

    ``route_*`` are the instructions of the step being taken, written by the movement service
    just before it completes the current desk task and read by the flow's gateway and the
    next node, inside the same transaction. The record of what happened lives in real models
    (Movement, Approval, DispatchEntry), not here."""

    file = models.ForeignKey(
        "workspace.File", on_delete=models.PROTECT, related_name="processes", verbose_name=_("file")
    )
    route_action = models.CharField(max_length=16, blank=True)
    route_post = models.ForeignKey(
        "organisation.Post", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    route_ref = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("file process")
        verbose_name_plural = _("file processes")
        permissions = [("act_at_post", _("Can act on a file at a post they hold"))]

    def __str__(self) -> str:
        return f"{self.file_id} process {self.pk}"
