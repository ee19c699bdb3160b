"""factory_boy factories for the whole suite. Where a service is what a test is about, set up
through the service instead; these are for the surroundings."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from organisation.models import Department, Holding, Post, Section


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"officer{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password("pw-for-tests")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"D{n}")
    name_en = factory.LazyAttribute(lambda o: f"Department {o.code}")
    name_ur = factory.LazyAttribute(lambda o: f"محکمہ {o.code}")
    is_live = True
    live_since = dt.date(2023, 11, 9)


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    department = factory.SubFactory(DepartmentFactory)
    code = factory.Sequence(lambda n: f"SO(S{n})")
    name_en = factory.LazyAttribute(lambda o: f"Section {o.code}")
    name_ur = "سیکشن"


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    section = factory.SubFactory(SectionFactory)
    designation_en = factory.Sequence(lambda n: f"Section Officer {n}")
    designation_ur = "سیکشن آفیسر"
    level = Post.Level.SECTION_OFFICER


class HoldingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Holding

    post = factory.SubFactory(PostFactory)
    user = factory.SubFactory(UserFactory)
    kind = Holding.Kind.REGULAR
    starts_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=30))
