from django.urls import path

from districts import views

app_name = "districts"
urlpatterns = [
    path("", views.district_index, name="list"),
    path("", views.district_index, name="index"),
    path("fundusze/", views.funds, name="funds"),
    path("uchwaly/", views.resolution_register, name="resolutions"),
    path("uchwaly/<uuid:public_id>/", views.resolution_detail, name="resolution"),
    path("uchwaly/<uuid:public_id>/pdf/", views.resolution_pdf, name="resolution_pdf"),
    path("uchwaly/<uuid:public_id>/edycja/", views.resolution_edit, name="resolution_edit"),
    path(
        "uchwaly/<uuid:public_id>/zadania/", views.resolution_task_add, name="resolution_task_add"
    ),
    path(
        "uchwaly/<uuid:public_id>/zadania/<int:task_id>/usun/",
        views.resolution_task_remove,
        name="resolution_task_remove",
    ),
    path("uchwaly/<uuid:public_id>/zloz/", views.resolution_file, name="resolution_file"),
    path("uchwaly/<uuid:public_id>/nowa-wersja/", views.resolution_amend, name="resolution_amend"),
    path("uchwaly/<uuid:public_id>/ocena/", views.resolution_review, name="resolution_review"),
    path("rada/", views.council_home, name="council"),
    path("zadania/<int:task_id>/postep/", views.task_progress, name="task_progress"),
    path(
        "zadania/<int:task_id>/zalaczniki/", views.task_attachment_add, name="task_attachment_add"
    ),
    path(
        "zadania/<int:task_id>/zalaczniki/<int:attachment_id>/usun/",
        views.task_attachment_remove,
        name="task_attachment_remove",
    ),
    path("<slug:slug>/", views.district_detail, name="detail"),
    path("<slug:slug>/zadania/", views.district_tasks, name="tasks"),
    path("<slug:slug>/uchwaly/nowa/", views.resolution_create, name="resolution_create"),
]
