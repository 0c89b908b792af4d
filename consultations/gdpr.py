"""What consultations hold about a person, for the GDPR export and account deletion."""

from typing import Any

from accounts.models import User
from accounts.registry import GdprContributor, register_gdpr
from consultations.selectors import personal_data


def _export(user: User) -> Any:
    return personal_data(user=user)


def _erase(user: User) -> None:
    # Opinions are part of a public consultation record: they stay, but without the author's
    # words being attributable (the account itself is anonymised by accounts). Meeting
    # registrations and named survey links go; the "has responded" register stays so the
    # one-response rule still holds for the remaining (anonymous) answers.
    from consultations.models import MeetingRegistration, SurveyResponse

    for registration in MeetingRegistration.objects.filter(user=user).select_related("meeting"):
        from consultations.actions import meeting_unregister

        meeting_unregister(meeting=registration.meeting, user=user)
    SurveyResponse.objects.filter(respondent=user).update(respondent=None)


register_gdpr(GdprContributor("consultations", _export, _erase))
