"""StreamField blocks shared by the editorial pages."""

from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Text"), help_text=_("The heading text."))
    level = blocks.ChoiceBlock(
        label=_("Level"),
        choices=[("h2", _("Section")), ("h3", _("Sub-section"))],
        default="h2",
        help_text=_("Sections appear in the page outline; sub-sections sit inside them."),
    )

    class Meta:
        icon = "title"
        template = "home/blocks/heading.html"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"), help_text=_("Credit comes from the image."))
    caption = blocks.CharBlock(
        label=_("Caption"), required=False, help_text=_("Shown under the image.")
    )

    class Meta:
        icon = "image"
        template = "home/blocks/image.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Quote"), help_text=_("The words quoted."))
    attribution = blocks.CharBlock(
        label=_("Attribution"), required=False, help_text=_("Who said it, and their role.")
    )

    class Meta:
        icon = "openquote"
        template = "home/blocks/quote.html"


class CallToActionBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), help_text=_("A short invitation."))
    text = blocks.TextBlock(label=_("Text"), required=False, help_text=_("One or two sentences."))
    page = blocks.PageChooserBlock(
        label=_("Page"), required=False, help_text=_("Link to a page of this site…")
    )
    url = blocks.URLBlock(
        label=_("External link"), required=False, help_text=_("…or to another site.")
    )
    button_label = blocks.CharBlock(
        label=_("Button label"), help_text=_("For example “Register” or “Read the programme”.")
    )

    class Meta:
        icon = "pick"
        template = "home/blocks/call_to_action.html"


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"), help_text=_("A file to download."))
    label = blocks.CharBlock(
        label=_("Label"), required=False, help_text=_("Defaults to the document's title.")
    )

    class Meta:
        icon = "doc-full"
        template = "home/blocks/document.html"


class BodyBlock(blocks.StreamBlock):
    heading = HeadingBlock(label=_("Heading"))
    paragraph = blocks.RichTextBlock(
        label=_("Rich text"),
        features=["bold", "italic", "link", "document-link", "ol", "ul", "h3"],
        template="home/blocks/paragraph.html",
    )
    image = ImageBlock(label=_("Image"))
    quote = QuoteBlock(label=_("Quote"))
    embed = EmbedBlock(
        label=_("Embed"),
        help_text=_("Address of a video or podcast page (YouTube, Vimeo…)."),
        template="home/blocks/embed.html",
    )
    call_to_action = CallToActionBlock(label=_("Call to action"))
    document = DocumentBlock(label=_("Document download"))


SOCIAL_NETWORKS = {
    "mastodon": "Mastodon",
    "bluesky": "Bluesky",
    "linkedin": "LinkedIn",
    "facebook": "Facebook",
    "instagram": "Instagram",
    "youtube": "YouTube",
    "other": _("Other"),
}


class SocialLinkBlock(blocks.StructBlock):
    network = blocks.ChoiceBlock(
        choices=list(SOCIAL_NETWORKS.items()),
        label=_("Network"),
        help_text=_("Which service the link points to."),
    )
    url = blocks.URLBlock(label=_("Address"), help_text=_("Full address of the profile."))


class MenuItemBlock(blocks.StructBlock):
    page = blocks.PageChooserBlock(
        label=_("Page"),
        help_text=_("Choose the French page: visitors get the version in their language."),
    )
    label = blocks.CharBlock(
        label=_("Label"),
        required=False,
        help_text=_("Leave empty to use the page's title in the visitor's language."),
    )
