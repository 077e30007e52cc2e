"""Main menu and footer, editable in Settings > Navigation."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField

from home.blocks import MenuItemBlock, SocialLinkBlock


@register_setting(icon="list-ul")
class NavigationSettings(BaseSiteSetting):
    """Menu links are chosen once; each visitor sees the pages in their own language."""

    main_menu = StreamField(
        [("item", MenuItemBlock())],
        blank=True,
        verbose_name=_("main menu"),
        help_text=_("Links in the header, in order."),
    )
    footer_links = StreamField(
        [("item", MenuItemBlock())],
        blank=True,
        verbose_name=_("footer links"),
        help_text=_("Secondary links in the footer: legal notice, accessibility, press…"),
    )
    contact_address = models.TextField(
        _("postal address"), blank=True, help_text=_("The network's address, shown in the footer.")
    )
    contact_email = models.EmailField(
        _("contact email"), blank=True, help_text=_("Public email address.")
    )
    contact_phone = models.CharField(
        _("contact phone"), max_length=40, blank=True, help_text=_("Public phone number.")
    )
    social_links = StreamField(
        [("link", SocialLinkBlock())],
        blank=True,
        verbose_name=_("social links"),
        help_text=_("Profiles on social networks, shown in the footer."),
    )

    panels = [
        FieldPanel("main_menu"),
        FieldPanel("footer_links"),
        MultiFieldPanel(
            [
                FieldPanel("contact_address"),
                FieldPanel("contact_email"),
                FieldPanel("contact_phone"),
            ],
            heading=_("Contact"),
        ),
        FieldPanel("social_links"),
    ]

    class Meta:
        verbose_name = _("navigation")
        verbose_name_plural = _("navigation")

    def __str__(self):
        return str(_("Navigation"))
