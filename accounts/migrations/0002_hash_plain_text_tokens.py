"""DRF's tokens were stored in plain text and never expired. Each becomes a hashed Daftar
token (same secret, so API clients keep working) that expires in 30 days, and the plain-text
row is deleted."""

import datetime as dt
import hashlib

from django.db import migrations
from django.utils import timezone


def hash_tokens(apps, schema_editor):
    try:
        Token = apps.get_model("authtoken", "Token")
    except LookupError:
        return
    ApiToken = apps.get_model("accounts", "ApiToken")
    now = timezone.now()
    for token in Token.objects.all():
        ApiToken.objects.create(
            user_id=token.user_id,
            name="API token (before hashing)",
            key_start=token.key[:6],
            digest=hashlib.sha256(token.key.encode()).hexdigest(),
            created_at=token.created,
            expires_at=now + dt.timedelta(days=30),
        )
    Token.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_api_tokens_and_signed_in_sessions"),
        ("authtoken", "0004_alter_tokenproxy_options"),
    ]

    operations = [migrations.RunPython(hash_tokens, migrations.RunPython.noop)]
