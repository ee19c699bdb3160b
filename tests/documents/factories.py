"""Factories for the documents tests. Where the intake is what a test is about, go through
``documents.services.paper_upload`` instead; these make the surroundings quickly."""

import hashlib
import io
import uuid

import factory
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from documents.models import Paper, PaperVersion
from tests.documents import corpus
from tests.factories import UserFactory


class PaperFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Paper

    title = factory.Sequence(lambda n: f"Letter {n}")
    kind = Paper.Kind.ATTACHMENT
    created_by = factory.SubFactory(UserFactory)


class PaperVersionFactory(factory.django.DjangoModelFactory):
    """A version with a real stored object (a small PDF unless ``content`` is given)."""

    class Meta:
        model = PaperVersion

    content = factory.LazyFunction(lambda: corpus.text_pdf(1))
    paper = factory.SubFactory(PaperFactory)
    number = factory.Sequence(lambda n: n + 1)
    original_filename = "letter.pdf"
    mime_type = "application/pdf"
    page_count = 1
    text_status = PaperVersion.TextStatus.PENDING
    created_by = factory.SelfAttribute("paper.created_by")

    @classmethod
    def _create(cls, model_class, *args, content=b"", **kwargs):
        name = default_storage.save(
            f"papers/test/{uuid.uuid4().hex}.pdf", ContentFile(io.BytesIO(content).read())
        )
        kwargs.update(
            storage_name=name, sha256=hashlib.sha256(content).hexdigest(), size=len(content)
        )
        version = super()._create(model_class, *args, **kwargs)
        Paper.objects.filter(pk=version.paper_id).update(current_version=version)
        return version
