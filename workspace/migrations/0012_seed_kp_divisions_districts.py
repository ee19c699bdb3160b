"""Khyber Pakhtunkhwa's seven divisions and their districts (workspace/territory_seed.py).
Idempotent: rows that exist by code are left alone."""

from django.db import migrations

DIVISIONS = [
    (
        "PSH",
        "Peshawar",
        "پشاور",
        [
            ("PSH-PSH", "Peshawar", "پشاور"),
            ("PSH-CSD", "Charsadda", "چارسدہ"),
            ("PSH-NSR", "Nowshera", "نوشہرہ"),
            ("PSH-KHY", "Khyber", "خیبر"),
            ("PSH-MMD", "Mohmand", "مہمند"),
        ],
    ),
    (
        "MRD",
        "Mardan",
        "مردان",
        [
            ("MRD-MRD", "Mardan", "مردان"),
            ("MRD-SWB", "Swabi", "صوابی"),
        ],
    ),
    (
        "MKD",
        "Malakand",
        "ملاکنڈ",
        [
            ("MKD-SWT", "Swat", "سوات"),
            ("MKD-UDR", "Upper Dir", "اپر دیر"),
            ("MKD-LDR", "Lower Dir", "لوئر دیر"),
            ("MKD-UCH", "Upper Chitral", "اپر چترال"),
            ("MKD-LCH", "Lower Chitral", "لوئر چترال"),
            ("MKD-BNR", "Buner", "بونیر"),
            ("MKD-SHG", "Shangla", "شانگلہ"),
            ("MKD-MKD", "Malakand", "ملاکنڈ"),
            ("MKD-BJR", "Bajaur", "باجوڑ"),
        ],
    ),
    (
        "HZR",
        "Hazara",
        "ہزارہ",
        [
            ("HZR-ABT", "Abbottabad", "ایبٹ آباد"),
            ("HZR-HRP", "Haripur", "ہری پور"),
            ("HZR-MSH", "Mansehra", "مانسہرہ"),
            ("HZR-BTG", "Battagram", "بٹگرام"),
            ("HZR-UKH", "Upper Kohistan", "اپر کوہستان"),
            ("HZR-LKH", "Lower Kohistan", "لوئر کوہستان"),
            ("HZR-KPL", "Kolai-Palas", "کولائی پالس"),
            ("HZR-TRG", "Torghar", "تورغر"),
        ],
    ),
    (
        "KHT",
        "Kohat",
        "کوہاٹ",
        [
            ("KHT-KHT", "Kohat", "کوہاٹ"),
            ("KHT-HNG", "Hangu", "ہنگو"),
            ("KHT-KRK", "Karak", "کرک"),
            ("KHT-KRM", "Kurram", "کرم"),
            ("KHT-ORK", "Orakzai", "اورکزئی"),
        ],
    ),
    (
        "BNU",
        "Bannu",
        "بنوں",
        [
            ("BNU-BNU", "Bannu", "بنوں"),
            ("BNU-LKM", "Lakki Marwat", "لکی مروت"),
            ("BNU-NWZ", "North Waziristan", "شمالی وزیرستان"),
        ],
    ),
    (
        "DIK",
        "Dera Ismail Khan",
        "ڈیرہ اسماعیل خان",
        [
            ("DIK-DIK", "Dera Ismail Khan", "ڈیرہ اسماعیل خان"),
            ("DIK-TNK", "Tank", "ٹانک"),
            ("DIK-USW", "South Waziristan Upper", "جنوبی وزیرستان اپر"),
            ("DIK-LSW", "South Waziristan Lower", "جنوبی وزیرستان لوئر"),
        ],
    ),
]


def seed(apps, schema_editor):
    seed_into(apps.get_model("workspace", "Division"), apps.get_model("workspace", "District"))


def seed_into(Division, District):
    """The province's divisions and districts into these models: the migration's historical
    ones, or the live ``organisation`` models (the tests and the benchmark seed them again
    after a flush)."""
    for code, en, ur, districts in DIVISIONS:
        division, _ = Division.objects.get_or_create(
            code=code, defaults={"name_en": en, "name_ur": ur, "province": "KP"}
        )
        for d_code, d_en, d_ur in districts:
            District.objects.get_or_create(
                code=d_code, defaults={"division": division, "name_en": d_en, "name_ur": d_ur}
            )


class Migration(migrations.Migration):
    dependencies = [("workspace", "0011_territorial_offices")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
