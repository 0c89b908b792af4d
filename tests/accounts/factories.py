import factory

from accounts.models import User


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
