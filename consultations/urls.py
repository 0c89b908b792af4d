from django.urls import URLPattern, URLResolver, path

from consultations import views
from consultations.feeds import ConsultationsAtomFeed, ConsultationsFeed

app_name = "consultations"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.consultation_index, name="index"),
    path("archiwum/", views.consultation_archive, name="archive"),
    path("jak-konsultujemy/", views.how_we_consult, name="how-we-consult"),
    path("satysfakcja/", views.satisfaction, name="satisfaction"),
    path("rss/", ConsultationsFeed(), name="feed-rss"),
    path("atom/", ConsultationsAtomFeed(), name="feed-atom"),
    path("kalendarz.ics", views.consultations_ical, name="ical"),
    path("spotkania.ics", views.meetings_ical, name="meetings-ical"),
    path("ankiety/", views.survey_index, name="surveys"),
    path("ankiety/<str:public_id>/", views.survey_detail, name="survey"),
    path("ankiety/<str:public_id>/papierowa/", views.survey_paper, name="survey-paper"),
    path("ankiety/<str:public_id>/wyniki/", views.survey_results, name="survey-results"),
    path("ankiety/<str:public_id>/wyniki.csv", views.survey_results_csv, name="survey-csv"),
    path("spotkania/<str:public_id>/", views.meeting_detail, name="meeting"),
    path("spotkania/<str:public_id>/zapis/", views.meeting_register, name="meeting-register"),
    path("spotkania/<str:public_id>/spotkanie.ics", views.meeting_ical, name="meeting-ical"),
    path("opinie/<int:pk>/zglos/", views.opinion_report, name="opinion-report"),
    path("wypisz/<str:token>/", views.digest_unsubscribe, name="unsubscribe"),
    path("<str:public_id>/", views.consultation_detail, name="detail"),
    path("<str:public_id>/raport/", views.consultation_report, name="report"),
    path("<str:public_id>/raport.pdf", views.consultation_report_pdf, name="report-pdf"),
]
