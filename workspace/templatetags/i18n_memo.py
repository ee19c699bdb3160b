"""Django's ``i18n`` template library, with ``{% translate "a literal" %}`` looked up once per
language instead of on every render.

``settings.TEMPLATES`` maps the library name ``i18n`` to this module, so every template's
``{% load i18n %}`` (Daftar's, Wagtail's) gets it; every tag and filter is Django's own, and
``makemessages`` reads the templates exactly as before. Django's ``{% translate %}`` makes a
lazy string, resolves it through the active translation and escapes it, each time the tag
renders: on the file page ~130 of them were a sixth of the template's time
(docs/benchmarks.md). A plain literal — no filters, no context, not ``noop`` — translates to
the same text every time in a given language, so the node keeps that text per language (and
autoescape). Catalogues are loaded once per process; a test that changes the languages or
locale paths empties the memo (``setting_changed``)."""

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.base import render_value_in_context
from django.templatetags import i18n as django_i18n
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import get_language

register = template.Library()
register.tags.update(django_i18n.register.tags)
register.filters.update(django_i18n.register.filters)

_generation = [0]  # bumped when translations may have changed


@receiver(setting_changed, dispatch_uid="i18n-memo-settings")
def _forget(*, setting, **kwargs):
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "INSTALLED_APPS"}:
        _generation[0] += 1


class MemoTranslateNode(django_i18n.TranslateNode):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        var = self.filter_expression.var
        self.plain = (
            not self.noop
            and self.message_context is None
            and not self.filter_expression.filters
            and isinstance(var, template.Variable)
            and var.literal is not None
        )
        self.memo = {}

    def render(self, context):
        if not self.plain:
            return super().render(context)
        key = (get_language(), context.autoescape, _generation[0])
        value = self.memo.get(key)
        if value is None:
            value = self.memo[key] = self._translated(context)
        if self.asvar:
            context[self.asvar] = value
            return ""
        return value

    def _translated(self, context):
        # What TranslateNode.render computes before it returns or stores the value (the node
        # is shared between threads, so its ``asvar`` is not touched to reuse that method).
        self.filter_expression.var.translate = True
        value = render_value_in_context(self.filter_expression.resolve(context), context)
        is_safe = isinstance(value, SafeData)
        value = value.replace("%%", "%")
        return mark_safe(value) if is_safe else value  # noqa: S308 — it was safe already


@register.tag("translate")
@register.tag("trans")
def do_translate(parser, token):
    node = django_i18n.do_translate(parser, token)
    return MemoTranslateNode(node.filter_expression, node.noop, node.asvar, node.message_context)
