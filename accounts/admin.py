"""Administrators lift lockouts and remove a lost second factor from the user list (each an
audited service call), and see API tokens without their secret. The libraries' own admin
pages for OTP devices (which show the shared secret and the recovery codes) and DRF's
plain-text tokens are taken off the admin."""

import contextlib

import django.contrib.auth.admin  # noqa: F401  (registers User first, so it can be replaced)
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.models import ApiToken
from kernel.errors import PermissionDenied, ValidationError


def _unregister(model):
    with contextlib.suppress(admin.sites.NotRegistered):
        admin.site.unregister(model)


def _hide_library_admins():
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from rest_framework.authtoken.models import TokenProxy

    for model in (StaticDevice, TOTPDevice, TokenProxy):
        _unregister(model)


User = get_user_model()
_unregister(User)


@admin.register(User)
class DaftarUserAdmin(UserAdmin):
    actions = ["unlock_sign_in", "remove_second_factor", "sign_out_everywhere"]

    def _each(self, request, queryset, call, done):
        for user in queryset:
            try:
                call(user)
            except (PermissionDenied, ValidationError) as exc:
                self.message_user(request, str(exc), messages.ERROR)
                return
        self.message_user(request, done % {"count": len(queryset)}, messages.SUCCESS)

    @admin.action(description=_("Lift the sign-in lockout"))
    def unlock_sign_in(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda u: services.signin_unlock(
                actor=request.user, username=u.username, request=request
            ),
            _("Sign-in lockout lifted for %(count)s users."),
        )

    @admin.action(description=_("Remove the second factor (a lost phone)"))
    def remove_second_factor(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda u: services.second_factor_remove(actor=request.user, user=u, request=request),
            _("Second factor removed for %(count)s users; they enrol again at sign-in."),
        )

    @admin.action(description=_("Sign out everywhere and revoke API tokens"))
    def sign_out_everywhere(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda u: services.sign_out_everywhere(actor=request.user, user=u, request=request),
            _("%(count)s users signed out everywhere."),
        )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "user",
        "key_start",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    list_select_related = ["user"]
    search_fields = ["user__username", "name"]
    fields = list_display
    readonly_fields = list_display
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Revoke"))
    def revoke(self, request, queryset):
        for token in queryset.select_related("user"):
            services.token_revoke(actor=request.user, token=token, request=request)
        self.message_user(request, _("Tokens revoked."), messages.SUCCESS)


_hide_library_admins()


def _audited_lockout_admin():
    """django-axes' list of failed attempts stays (who is locked out, from where); deleting
    rows there lifts the lockout through the audited service, like the user-list action."""
    from axes.admin import AccessAttemptAdmin
    from axes.models import AccessAttempt

    if AccessAttempt not in admin.site._registry:
        return
    _unregister(AccessAttempt)

    @admin.register(AccessAttempt)
    class AuditedAccessAttemptAdmin(AccessAttemptAdmin):
        def delete_model(self, request, obj):
            self.delete_queryset(request, [obj])

        def delete_queryset(self, request, queryset):
            for attempt in queryset:
                services.signin_unlock(
                    actor=request.user,
                    username=attempt.username or "",
                    ip=attempt.ip_address or "",
                    request=request,
                )


_audited_lockout_admin()
