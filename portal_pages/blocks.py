"""The one body StreamBlock every public page shares, and the small blocks it is made of.

Kept deliberately small (after bakerydemo's ``base/blocks.py``): headings that keep the page's
outline right, paragraphs, images with required alt text, call-outs, steps, facts, a contact
card, links to documents and pages. Each block has its own template in
``templates/portal_pages/blocks/`` so editors cannot break the page's structure or contrast.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageBlock

# Rich text stays plain: no headings inside paragraphs (use the heading block, so the outline
# holds), no embeds (the site fetches nothing from elsewhere).
RICH_TEXT_FEATURES = ["bold", "italic", "ol", "ul", "link", "document-link"]


class HeadingBlock(blocks.StructBlock):
    """A section heading. Level 2 or 3 only: the page title is the one level-1 heading."""

    text = blocks.CharBlock(label=_("Heading"), max_length=200)
    level = blocks.ChoiceBlock(
        label=_("Level"),
        choices=[("h2", _("Section (level 2)")), ("h3", _("Subsection (level 3)"))],
        default="h2",
        help_text=_("Use level 3 only under a level-2 heading."),
    )

    class Meta:
        icon = "title"
        label = _("Heading")
        template = "portal_pages/blocks/heading_block.html"


class CalloutBlock(blocks.StructBlock):
    """A highlighted box for what a reader must not miss (deadlines, documents to bring)."""

    tone = blocks.ChoiceBlock(
        label=_("Kind"),
        choices=[("info", _("Information")), ("important", _("Important"))],
        default="info",
    )
    title = blocks.CharBlock(label=_("Title"), max_length=120, required=False)
    text = blocks.RichTextBlock(label=_("Text"), features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "warning"
        label = _("Call-out")
        template = "portal_pages/blocks/callout_block.html"


class StepsBlock(blocks.StructBlock):
    """Numbered steps ("How to apply", "What happens next")."""

    title = blocks.CharBlock(label=_("Title"), max_length=120, required=False)
    steps = blocks.ListBlock(
        blocks.StructBlock(
            [
                ("title", blocks.CharBlock(label=_("Step"), max_length=120)),
                ("text", blocks.TextBlock(label=_("Explanation"), required=False)),
            ]
        ),
        label=_("Steps"),
        min_num=1,
    )

    class Meta:
        icon = "list-ol"
        label = _("Steps")
        template = "portal_pages/blocks/steps_block.html"


class FactsBlock(blocks.StructBlock):
    """A few figures side by side ("183 public sector entities")."""

    facts = blocks.ListBlock(
        blocks.StructBlock(
            [
                ("value", blocks.CharBlock(label=_("Figure"), max_length=24)),
                ("label", blocks.CharBlock(label=_("What it counts"), max_length=120)),
            ]
        ),
        label=_("Figures"),
        min_num=1,
        max_num=6,
    )

    class Meta:
        icon = "table"
        label = _("Key figures")
        template = "portal_pages/blocks/facts_block.html"


class ContactBlock(blocks.StructBlock):
    """How to reach an office — the office, never a named person."""

    office = blocks.CharBlock(label=_("Office"), max_length=200)
    address = blocks.TextBlock(label=_("Address"), required=False)
    phone = blocks.CharBlock(label=_("Telephone"), max_length=40, required=False)
    email = blocks.EmailBlock(label=_("Email"), required=False)
    hours = blocks.CharBlock(label=_("Office hours"), max_length=120, required=False)

    class Meta:
        icon = "home"
        label = _("Contact")
        template = "portal_pages/blocks/contact_block.html"


class LinkBlock(blocks.StructBlock):
    """A prominent link to a page of this site or a document (forms, notifications)."""

    title = blocks.CharBlock(label=_("Link text"), max_length=120)
    page = blocks.PageChooserBlock(label=_("Page"), required=False)
    document = DocumentChooserBlock(label=_("Document"), required=False)
    text = blocks.TextBlock(label=_("Description"), required=False)

    class Meta:
        icon = "link"
        label = _("Link")
        template = "portal_pages/blocks/link_block.html"

    def clean(self, value):
        value = super().clean(value)
        if not value.get("page") and not value.get("document"):
            from django.core.exceptions import ValidationError
            from wagtail.blocks.struct_block import StructBlockValidationError

            raise StructBlockValidationError(
                block_errors={"page": ValidationError(_("Choose a page or a document."))}
            )
        return value


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Quotation"))
    source = blocks.CharBlock(label=_("Source"), max_length=200, required=False)

    class Meta:
        icon = "openquote"
        label = _("Quotation")
        template = "portal_pages/blocks/quote_block.html"


class BodyBlock(blocks.StreamBlock):
    """The body of every public page, in English or in Urdu."""

    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label=_("Paragraph"),
        features=RICH_TEXT_FEATURES,
        icon="pilcrow",
        template="portal_pages/blocks/paragraph_block.html",
    )
    image = ImageBlock(
        label=_("Image"),
        template="portal_pages/blocks/image_block.html",
        help_text=_("Describe the image for people who cannot see it."),
    )
    callout = CalloutBlock()
    steps = StepsBlock()
    facts = FactsBlock()
    contact = ContactBlock()
    link = LinkBlock()
    quote = QuoteBlock()

    class Meta:
        label = _("Body")
