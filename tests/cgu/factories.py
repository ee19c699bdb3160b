"""factory_boy factories for the CGU's registry. Returns are entered through the services in
the tests that are about them; these build the surroundings."""

import datetime as dt
from decimal import Decimal

import factory

from cgu.models import EntityType, KpiDefinition, PublicSectorEntity, ReportingPeriod
from tests.factories import DepartmentFactory


class EntityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PublicSectorEntity
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"PSE-{n:03d}")
    name_en = factory.LazyAttribute(lambda o: f"Entity {o.code}")
    name_ur = "ادارہ"
    type = EntityType.UNIVERSITY
    department = factory.SubFactory(DepartmentFactory)
    contact_email = factory.LazyAttribute(lambda o: f"{o.code.lower()}@example.org")


class KpiFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KpiDefinition
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"KPI{n}")
    name_en = factory.LazyAttribute(lambda o: f"Indicator {o.code}")
    name_ur = "اشاریہ"
    unit = KpiDefinition.Unit.PKR_MILLION
    category = KpiDefinition.Category.FINANCIAL
    min_value = Decimal("0")
    max_value = Decimal("100000")
    position = factory.Sequence(lambda n: n)


class PeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportingPeriod
        django_get_or_create = ["code"]

    code = "2025-Q3"
    kind = ReportingPeriod.Kind.QUARTERLY
    starts_on = dt.date(2025, 7, 1)
    ends_on = dt.date(2025, 9, 30)
    deadline = dt.date(2025, 10, 31)
