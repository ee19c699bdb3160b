"""OpenAPI schema hooks: the schema describes Daftar's own API only, not Wagtail's admin API."""


def only_daftar_api(endpoints, **kwargs):
    return [e for e in endpoints if e[0].startswith("/api/v1/")]
