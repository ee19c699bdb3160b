"""The CGU's screen of an entity's people in the entity portal: invite, deactivate."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cgu import portal
from cgu.forms import InviteForm
from cgu.models import EntityUser, PublicSectorEntity
from cgu.services import entity as entity_services
from cgu.views import cgu_staff_required
from cgu.views.returns import _refusal
from kernel.errors import ActionRefused, NotFound, PermissionDenied, ValidationError


@cgu_staff_required
def entity_people(request, code):
    entity = get_object_or_404(PublicSectorEntity.objects.select_related("department"), code=code)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member, _key = entity_services.entity_user_invite(
                actor=request.user, entity=entity, **form.cleaned_data
            )
        except ValidationError as exc:
            for field, errors in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
                form.add_error(field if field in form.fields else None, errors)
        except (ActionRefused, PermissionDenied, NotFound) as exc:
            _refusal(request, exc)
        else:
            messages.success(
                request,
                _("Invitation emailed to %(email)s; the link works once, for %(days)s days.")
                % {"email": member.user.email, "days": settings.DAFTAR_ENTITY_INVITE_DAYS},
            )
            return redirect("cgu:entity_people", code=entity.code)
    return render(
        request,
        "cgu/entity_people.html",
        {"entity": entity, "people": portal.members(entity), "form": form},
    )


@require_POST
@cgu_staff_required
def entity_person_deactivate(request, code, pk):
    member = get_object_or_404(
        EntityUser.objects.select_related("entity", "user"), pk=pk, entity__code=code
    )
    try:
        entity_services.entity_user_deactivate(actor=request.user, member=member)
    except (ActionRefused, PermissionDenied, ValidationError, NotFound) as exc:
        _refusal(request, exc)
    else:
        messages.success(
            request, _("%(name)s can no longer sign in.") % {"name": member.user.get_full_name()}
        )
    return redirect("cgu:entity_people", code=code)
