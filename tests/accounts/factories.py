from datetime import date, timedelta

import factory
from django.utils import timezone

from accounts.models import TrainingSession, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"mieszkaniec{n}@example.org")
    first_name = "Anna"
    last_name = factory.Sequence(lambda n: f"Kowalska{n}")
    password = factory.PostGenerationMethodCall("set_password", "bezpieczne-haslo-123")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # type: ignore[no-untyped-def]  # noqa: N805
        if create:
            obj.save()


def make_pesel(born: date, serial: int = 123, female: bool = False) -> str:
    """A valid PESEL for ``born`` (1800–2299); ``serial`` 0–999 picks the person."""
    from accounts.validators import pesel_check_digit

    offset = {18: 80, 19: 0, 20: 20, 21: 40, 22: 60}[born.year // 100]
    sex_digit = (serial % 5) * 2 + (0 if female else 1)
    first_ten = f"{born.year % 100:02d}{born.month + offset:02d}{born.day:02d}{serial % 1000:03d}{sex_digit}"
    return first_ten + str(pesel_check_digit(first_ten))


class TrainingSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingSession

    title = factory.Sequence(lambda n: f"Bezpieczny internet {n}")
    place = "Centrum Obywatelskie, ul. Reformacka 3"
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    seats = 10
