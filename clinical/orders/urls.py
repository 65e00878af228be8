"""/api/v1 routes of clinical.orders."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from clinical.orders import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("orders/parse-sig", views.ParseSigView.as_view(), name="orders-parse-sig"),
    path("orders/<str:request_id>/approve", views.ApproveView.as_view(), name="orders-approve"),
    path(
        "patients/<str:patient_id>/reminders",
        views.PatientRemindersView.as_view(),
        name="orders-patient-reminders",
    ),
    path(
        "patients/<str:patient_id>/adherence",
        views.AdherenceView.as_view(),
        name="orders-patient-adherence",
    ),
    path("patients/<str:patient_id>/inbox", views.InboxView.as_view(), name="orders-inbox"),
    path("patients/<str:patient_id>/routine", views.RoutineView.as_view(), name="orders-routine"),
    path("patients/<str:patient_id>/orders", views.PatientOrdersView.as_view(), name="orders-list"),
    path("reminders/<int:reminder_id>/ack", views.AckView.as_view(), name="orders-ack"),
]
