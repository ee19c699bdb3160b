"""``POST /api/v1/auth/token/``: a named, expiring API token for a username, a password and a
current second-factor code (or a recovery code). ``GET /api/v1/auth/tokens/`` lists the
caller's tokens; ``POST /api/v1/auth/tokens/<id>/revoke/`` revokes one."""

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_login_failed
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_otp import match_token
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services
from accounts.audit_actions import IdentityAction
from accounts.models import ApiToken
from accounts.policy import needs_second_factor
from accounts.signals import door


class TokenInput(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    otp = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="A current code from the authenticator app, or one unused recovery code.",
    )
    name = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text="What the token is for."
    )


class TokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = [
            "id",
            "name",
            "key_start",
            "created_at",
            "expires_at",
            "last_used_at",
            "revoked_at",
        ]


class ObtainToken(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=TokenInput,
        responses={
            200: inline_serializer(
                "IssuedToken",
                {
                    "token": serializers.CharField(help_text="Shown once; stored only hashed."),
                    "id": serializers.IntegerField(),
                    "name": serializers.CharField(),
                    "expires_at": serializers.DateTimeField(),
                },
            ),
            400: inline_serializer("TokenRefused", {"detail": serializers.CharField()}),
            429: inline_serializer("SignInPaused", {"detail": serializers.CharField()}),
        },
        description=(
            "Sign in for an API token: username, password and a current second-factor code "
            "(`otp`). Failures count towards the sign-in lockout. The token expires (30 days "
            "by default) and can be revoked; send it as `Authorization: Token <token>`."
        ),
    )
    def post(self, request):
        data = TokenInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        # Django's own request: django-axes marks it when the client is locked out.
        django_request = request._request
        user = authenticate(
            django_request, username=values["username"], password=values["password"]
        )
        refused = Response(
            {"detail": _("Unable to sign in with these details.")},
            status=status.HTTP_400_BAD_REQUEST,
        )
        if user is None:
            return refused
        if needs_second_factor(user):
            code = (values.get("otp") or "").strip()
            device = match_token(user, code) if code else None
            if device is None:
                user_login_failed.send(
                    sender=__name__,
                    credentials={"username": user.get_username(), "step": "second_factor"},
                    request=django_request,
                )
                return refused
        token, key = services.token_create(
            actor=user, name=values.get("name") or "API", request=django_request
        )
        services.record_identity(
            user=user,
            action=IdentityAction.SIGNED_IN,
            request=django_request,
            door=door(django_request),
        )
        return Response(
            {"token": key, "id": token.pk, "name": token.name, "expires_at": token.expires_at}
        )


class TokenList(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=TokenSerializer(many=True))
    def get(self, request):
        tokens = ApiToken.objects.filter(user=request.user)
        return Response(TokenSerializer(tokens, many=True).data)


class TokenRevoke(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=TokenSerializer)
    def post(self, request, pk):
        token = get_object_or_404(ApiToken, pk=pk, user=request.user)
        services.token_revoke(actor=request.user, token=token, request=request._request)
        return Response(TokenSerializer(token).data)
