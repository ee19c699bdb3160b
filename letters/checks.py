"""``manage.py check --deploy`` says when issued letters could not be signed."""

from django.conf import settings
from django.core.checks import Warning, register


@register(deploy=True)
def signing_key_installed(app_configs, **kwargs):
    conf = settings.DAFTAR_LETTERS
    problems = []
    if conf["signer"] == "file" and not (conf["key_file"] and conf["cert_file"]):
        problems.append("DAFTAR_LETTERS_KEY_FILE and DAFTAR_LETTERS_CERT_FILE are not set")
    if conf["signer"] == "pkcs11" and not (conf["pkcs11_module"] and conf["pkcs11_token"]):
        problems.append("DAFTAR_LETTERS_PKCS11_MODULE and DAFTAR_LETTERS_PKCS11_TOKEN are not set")
    if conf["signer"] != "local-ca" and not conf["trust_roots"]:
        problems.append("DAFTAR_LETTERS_TRUST_ROOTS is not set")
    if not problems:
        return []
    return [
        Warning(
            "Issued letters cannot be signed or verified: " + "; ".join(problems) + ".",
            hint="See README, 'Letters: installing the office's signing key'. Issuing a "
            "draft is refused until the key is installed.",
            id="letters.W001",
        )
    ]
