"""RSS/Atom feeds of consultations and iCalendar of meetings (R-CON-7)."""

from datetime import datetime, timedelta
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _
from icalendar import Calendar, Event

from consultations.models import Consultation, Meeting
from consultations.selectors import consultation_list


class ConsultationsFeed(Feed):
    title = _("Konsultacje społeczne w Krakowie")
    description = _("Nowe i trwające konsultacje społeczne Miasta Krakowa.")

    def link(self) -> str:
        return reverse("consultations:index")

    def items(self) -> list[Consultation]:
        return list(consultation_list().order_by("-published_at")[:50])

    def item_title(self, item: Consultation) -> str:
        return item.title

    def item_description(self, item: Consultation) -> str:
        return item.summary

    def item_link(self, item: Consultation) -> str:
        return reverse("consultations:detail", args=[item.public_id])

    def item_pubdate(self, item: Consultation) -> datetime | None:
        return item.published_at

    def item_guid(self, item: Consultation) -> str:
        return f"urn:uuid:{item.public_id}"

    item_guid_is_permalink = False


class ConsultationsAtomFeed(ConsultationsFeed):
    feed_type = Atom1Feed
    subtitle = ConsultationsFeed.description


def meetings_calendar(meetings: list[Meeting], request: HttpRequest | Any) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Urzad Miasta Krakowa//Konsultacje//PL")
    calendar.add("version", "2.0")
    for meeting in meetings:
        event = Event()
        event.add("uid", f"{meeting.public_id}@konsultacje.krakow.pl")
        event.add("summary", f"{meeting.title} — {meeting.consultation.title}")
        event.add("dtstart", meeting.starts_at)
        event.add("dtend", meeting.ends_at)
        event.add("dtstamp", timezone.now())
        event.add("location", meeting.place)
        event.add(
            "url",
            request.build_absolute_uri(reverse("consultations:meeting", args=[meeting.public_id])),
        )
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def consultations_calendar(request: HttpRequest) -> bytes:
    """Each published consultation's opinion-collecting period as an all-day event."""
    calendar = Calendar()
    calendar.add("prodid", "-//Urzad Miasta Krakowa//Konsultacje//PL")
    calendar.add("version", "2.0")
    for consultation in consultation_list()[:200]:
        event = Event()
        event.add("uid", f"{consultation.public_id}@konsultacje.krakow.pl")
        event.add("summary", consultation.title)
        event.add("dtstart", consultation.starts_on)
        event.add("dtend", consultation.ends_on + timedelta(days=1))
        event.add("dtstamp", timezone.now())
        event.add(
            "url",
            request.build_absolute_uri(
                reverse("consultations:detail", args=[consultation.public_id])
            ),
        )
        calendar.add_component(event)
    return bytes(calendar.to_ical())
