from django.urls import path

from showcase import views_public

app_name = "showcase"
urlpatterns = [
    path("", views_public.index, name="index"),
    path("consortia/<int:pk>/", views_public.consortium_page, name="consortium"),
    path("companies/<int:pk>/", views_public.company_profile, name="company"),
    path("manage/", views_public.manage, name="manage"),
    path("manage/consortia/<int:consortium_pk>/", views_public.consortium_page_edit, name="consortium_page_edit"),
    path(
        "manage/consortia/<int:consortium_pk>/publish/",
        views_public.consortium_page_publish,
        name="consortium_page_publish",
    ),
    path("manage/companies/<int:company_pk>/", views_public.company_profile_edit, name="company_profile_edit"),
    path(
        "manage/companies/<int:company_pk>/publish/",
        views_public.company_profile_publish,
        name="company_profile_publish",
    ),
]
