"""Demo data for letters: a bilingual letterhead and standard texts for every live
department (so the letters the files' seeding issues go out on them, signed by the demo CA
in var/letters-ca/), through the administrator's service."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from letters import services
from letters.models import IssuedLetter, LetterTemplate, StandardText
from organisation.models import Department

# (title, Urdu title, text, Urdu text)
STANDARD_TEXTS = [
    (
        "I am directed to refer",
        "حوالہ",
        "I am directed to refer to your letter cited above and to say",
        "مجھے ہدایت ہوئی ہے کہ آپ کے مذکورہ بالا خط کا حوالہ دے کر عرض کروں کہ",
    ),
    (
        "Approval of the competent authority",
        "منظوری",
        "I am directed to convey the approval of the competent authority to",
        "مجاز اتھارٹی کی منظوری سے مطلع کیا جاتا ہے کہ",
    ),
]


def _admin():
    users = get_user_model().objects
    admin = users.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if admin is None:
        admin = users.create_superuser("letters-admin", password=None)
    return admin


def seed(progress=print) -> int:
    """Letterheads and standard texts; idempotent. Returns how many letterheads were made."""
    admin = _admin()
    made = 0
    for dept in Department.objects.filter(is_live=True).order_by("code"):
        if not LetterTemplate.objects.filter(department=dept).exists():
            services.setting_save(
                actor=admin,
                instance=LetterTemplate(
                    department=dept,
                    heading_en=f"Government of Khyber Pakhtunkhwa, {dept.name_en}",
                    heading_ur=f"حکومت خیبر پختونخوا، {dept.name_ur}" if dept.name_ur else "",
                    address="Civil Secretariat, Peshawar",
                    copy_to="PS to the Minister concerned\nThe Accountant General, Khyber "
                    "Pakhtunkhwa",
                ),
            )
            made += 1
        for title, title_ur, text, text_ur in STANDARD_TEXTS:
            if not StandardText.objects.filter(department=dept, title=title).exists():
                services.setting_save(
                    actor=admin,
                    instance=StandardText(
                        department=dept, title=title, title_ur=title_ur, text=text, text_ur=text_ur
                    ),
                )
    progress(f"  {made} letterheads; {IssuedLetter.objects.count()} signed letters so far")
    return made
