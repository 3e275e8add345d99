from django.urls import path

from programme import views
from programme.views import money, network

app_name = "programme"
urlpatterns = [
    path("support/", views.support_overview, name="support_overview"),
    path("support/assignments/new/", views.assignment_create, name="assignment_create"),
    path("consortia/<int:pk>/advice/", views.consortium_advice, name="consortium_advice"),
    path("advice/new/", views.advice_create, name="advice_create"),
    path("advice/<int:pk>/", views.advice_detail, name="advice_detail"),
    path("money/", money.money_list, name="money_list"),
    path("designations/<int:pk>/", money.designation_money, name="designation_money"),
    path("designations/<int:pk>/plan/", money.plan_edit, name="plan_edit"),
    path("designations/<int:pk>/estimate/", money.estimate_edit, name="estimate_edit"),
    path("designations/<int:pk>/ledger/new/", money.ledger_create, name="ledger_create"),
    path("designations/<int:pk>/ledger.xlsx", money.ledger_export, name="ledger_export"),
    path("designations/<int:pk>/ledger/import/", money.ledger_import, name="ledger_import"),
    path("ledger/<int:pk>/edit/", money.ledger_edit, name="ledger_edit"),
    path("ledger/<int:pk>/evidence/", money.ledger_evidence, name="ledger_evidence"),
    path("ledger/imports/<int:pk>/", money.ledger_import_preview, name="ledger_import_preview"),
    path("ledger/imports/<int:pk>/commit/", money.ledger_import_commit, name="ledger_import_commit"),
    path("network/", network.network, name="network"),
    path("network/new/", network.network_link_create, name="network_link_create"),
    path("events/", network.event_list, name="event_list"),
    path("events/new/", network.event_create, name="event_create"),
    path("events/<int:pk>/", network.event_detail, name="event_detail"),
    path("events/<int:pk>/edit/", network.event_edit, name="event_edit"),
    path("consortia/<int:pk>/continuation/", network.continuation_edit, name="continuation_edit"),
    path("consortia/<int:pk>/continuation/years/", network.continuation_year, name="continuation_year"),
]
