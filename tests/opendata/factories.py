import factory

from opendata.models import Dataset, Group, Organization, Resource


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    slug = factory.Sequence(lambda n: f"wydzial-{n}")
    title_pl = factory.Sequence(lambda n: f"Wydział Kształtowania Środowiska {n}")
    title_en = factory.Sequence(lambda n: f"Environment Department {n}")
    department_code = "ks"
    email = "ks@example.org"


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group

    slug = factory.Sequence(lambda n: f"grupa-{n}")
    title_pl = factory.Sequence(lambda n: f"Środowisko {n}")
    title_en = factory.Sequence(lambda n: f"Environment {n}")


class DatasetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dataset

    slug = factory.Sequence(lambda n: f"zbior-{n}")
    title_pl = factory.Sequence(lambda n: f"Jakość powietrza {n}")
    title_en = factory.Sequence(lambda n: f"Air quality {n}")
    description_pl = "Pomiary stężenia pyłów w Krakowie."
    description_en = "Particulate matter measurements in Kraków."
    organization = factory.SubFactory(OrganizationFactory)
    keywords = factory.LazyFunction(lambda: ["powietrze", "smog"])
    contact_email = "dane@example.org"


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource

    dataset = factory.SubFactory(DatasetFactory)
    name_pl = "Pomiary dobowe"
    name_en = "Daily measurements"
