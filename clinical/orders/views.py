"""HTTP API of the doctor's-order assistant (thin: validate, check access, call services)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ammed_fhir import audit, store
from ammed_fhir.access import can_access_patient, is_clinician, own_patient_id, require_patient
from clinical.orders.models import DoseReminder, OrderSchedule, PatientRoutine
from clinical.orders.models import Response as Ans
from clinical.orders.services import adherence, schedule
from clinical.orders.services.dose_check import parse_sig_checked

MAX_RANGE = dt.timedelta(days=93)


def _patient(request: Request, patient_id: str) -> None:
    """404 unless the user may see the patient and the patient exists."""
    require_patient(request.user, patient_id)
    if store.read("Patient", patient_id) is None:
        raise Http404("patient not found")


def _when(value: str | None, name: str, *, end: bool = False) -> dt.datetime | None:
    if not value:
        return None
    try:
        day = parse_date(value) if len(value) == 10 else None
    except ValueError:
        raise ValidationError({name: f"不是有效的日期: {value!r}"}) from None
    try:
        if day is not None:
            parsed = dt.datetime.combine(day + dt.timedelta(days=1 if end else 0), dt.time())
        else:
            try:
                parsed = parse_datetime(value)
            except ValueError:
                parsed = None
            if parsed is None:
                raise ValidationError({name: f"不是有效的日期或时间: {value!r}"})
        if timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed)
        parsed.astimezone(dt.UTC)  # compared in UTC: year 1 or 9999 at the edge overflows
    except OverflowError:  # to=9999-12-31 is the end of 9999-12-31: past datetime.max
        raise ValidationError({name: f"超出可处理的日期范围: {value!r}"}) from None
    return parsed


def _window(
    request: Request, default_back: int, default_ahead: int
) -> tuple[dt.datetime, dt.datetime]:
    now = timezone.now()
    start = _when(request.query_params.get("from"), "from") or now - dt.timedelta(days=default_back)
    end = _when(request.query_params.get("to"), "to", end=True) or now + dt.timedelta(
        days=default_ahead
    )
    if end <= start:
        raise ValidationError({"to": "结束时间必须晚于开始时间"})
    if end - start > MAX_RANGE:
        raise ValidationError({"to": "时间范围最长93天"})
    return start, end


class SigIn(serializers.Serializer):
    text = serializers.CharField(max_length=500, allow_blank=False, trim_whitespace=True)


class ParseSigView(APIView):
    @extend_schema(
        request=SigIn,
        responses=inline_serializer(
            "ParsedSig",
            {
                "medication": serializers.CharField(allow_null=True),
                "dosage": serializers.JSONField(help_text="FHIR R4 Dosage"),
                "needs_review": serializers.BooleanField(),
                "issues": serializers.ListField(child=serializers.CharField()),
            },
        ),
        summary="把中文用法(医嘱)解析成 FHIR R4 Dosage",
    )
    def post(self, request: Request) -> Response:
        data = SigIn(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(parse_sig_checked(data.validated_data["text"]).as_dict())


def reminder_json(
    rem: DoseReminder, now: dt.datetime, context: Any = adherence.LOAD_CONTEXT
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": rem.id,
        "medication_request": rem.request_id,
        "medication": rem.medication,
        "dose": rem.dose_text,
        "instruction": rem.instruction,
        "due_at": timezone.localtime(rem.due_at).isoformat(),
        "state": rem.state,
        "response": rem.response or None,
        "responded_at": rem.responded_at.isoformat() if rem.responded_at else None,
        "communication": f"Communication/{rem.communication_id}"
        if rem.communication_id and not rem.communication_id.startswith("claim-")
        else None,
        "snooze_of": rem.snooze_of_key or None,
    }
    if rem.response == Ans.MISSED:
        # patient-facing: monitor-checked, a safe fallback when held
        out["missed_dose_guidance"] = adherence.checked_missed_dose_guidance(rem, now, context)
    return out


class PatientRemindersView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("from", str, description="ISO date/datetime (default: 1 day ago)"),
            OpenApiParameter("to", str, description="ISO date/datetime (default: 7 days ahead)"),
        ],
        responses=inline_serializer("Reminders", {"reminders": serializers.JSONField()}),
        summary="患者的服药提醒(计划剂量及其状态)",
    )
    def get(self, request: Request, patient_id: str) -> Response:
        _patient(request, patient_id)
        start, end = _window(request, 1, 7)
        now = timezone.now()
        rows = DoseReminder.objects.filter(
            patient_id=patient_id, due_at__gte=start, due_at__lt=end
        ).order_by("due_at", "id")[:2000]
        rows = list(rows)
        context: Any = adherence.LOAD_CONTEXT
        if any(r.response == Ans.MISSED for r in rows):  # one context for the whole list
            context = adherence.patient_context(patient_id)
        return Response(
            {
                "patient_id": patient_id,
                "from": start.isoformat(),
                "to": end.isoformat(),
                "reminders": [reminder_json(r, now, context) for r in rows],
            }
        )


class AckIn(serializers.Serializer):
    status = serializers.ChoiceField(choices=[Ans.TAKEN, Ans.SKIPPED, Ans.SNOOZED])
    at = serializers.DateTimeField(required=False)


class AckView(APIView):
    @extend_schema(
        request=AckIn,
        responses=inline_serializer(
            "Ack", {"reminder": serializers.JSONField(), "changed": serializers.BooleanField()}
        ),
        summary="患者回复一次服药提醒 (已服/跳过/稍后)",
    )
    def post(self, request: Request, reminder_id: int) -> Response:
        rem = DoseReminder.objects.filter(id=reminder_id).first()
        if rem is None or not can_access_patient(request.user, rem.patient_id):
            raise Http404("reminder not found")
        data = AckIn(data=request.data)
        data.is_valid(raise_exception=True)
        at = data.validated_data.get("at")
        now = timezone.now()
        if at and at > now + dt.timedelta(minutes=5):
            raise ValidationError({"at": "时间不能晚于现在"})
        if rem.snooze_of_key:
            rem = DoseReminder.objects.filter(key=rem.snooze_of_key).first()
            if rem is None:
                raise Http404("reminder not found")
        if rem.state == "cancelled":
            return Response({"detail": "该次服药已取消(医嘱已变更或停止)"}, status=409)
        try:
            result = adherence.record_ack(
                rem, data.validated_data["status"], at, actor=request.user
            )
        except adherence.AckConflict as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        return Response(
            {"reminder": reminder_json(result.reminder, now), "changed": result.changed}
        )


class AdherenceView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("from", str, description="ISO date/datetime (default: 7 days ago)"),
            OpenApiParameter("to", str, description="ISO date/datetime (default: now)"),
        ],
        responses=inline_serializer("Adherence", {"overall": serializers.JSONField()}),
        summary="服药依从性 (按药品和总体, 含每日序列)",
    )
    def get(self, request: Request, patient_id: str) -> Response:
        _patient(request, patient_id)
        start, end = _window(request, 7, 0)
        return Response(adherence.adherence(patient_id, start, end))


class InboxView(APIView):
    @extend_schema(
        responses=inline_serializer("Inbox", {"messages": serializers.JSONField()}),
        summary="患者的站内消息 (已放行的 Communication)",
    )
    def get(self, request: Request, patient_id: str) -> Response:
        _patient(request, patient_id)
        ref = f"Patient/{patient_id}"
        comms = [
            c
            for c in store.search("Communication", patient_id=patient_id, status="completed")
            if any(r.get("reference") == ref for r in c.get("recipient") or [])
        ]
        comms.sort(key=lambda c: c.get("sent") or "", reverse=True)
        return Response(
            {
                "patient_id": patient_id,
                "messages": [
                    {
                        "id": c["id"],
                        "sent": c.get("sent"),
                        "category": ((c.get("category") or [{}])[0].get("coding") or [{}])[0].get(
                            "code"
                        ),
                        "text": "".join(p.get("contentString", "") for p in c.get("payload") or []),
                        "about": [a.get("reference") for a in c.get("about") or []],
                    }
                    for c in comms[:100]
                ],
            }
        )


class RoutineSerializer(serializers.ModelSerializer):
    class Meta:
        model = PatientRoutine
        fields = [
            "timezone",
            "wake_time",
            "breakfast_time",
            "lunch_time",
            "dinner_time",
            "bed_time",
            "before_meal_minutes",
            "after_meal_minutes",
        ]

    def validate_timezone(self, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise serializers.ValidationError("未知时区") from exc
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        order = ["wake_time", "breakfast_time", "lunch_time", "dinner_time", "bed_time"]
        current = self.instance
        times = [attrs.get(f, getattr(current, f, None)) for f in order]
        if None not in times and times != sorted(times):
            raise serializers.ValidationError("作息时间须按 起床<早餐<午餐<晚餐<就寝 的顺序")
        for f in ("before_meal_minutes", "after_meal_minutes"):
            if attrs.get(f, 0) > 120:
                raise serializers.ValidationError({f: "不超过120分钟"})
        return attrs


class RoutineView(APIView):
    @extend_schema(responses=RoutineSerializer, summary="患者作息 (决定饭前/饭后/睡前的具体时间)")
    def get(self, request: Request, patient_id: str) -> Response:
        _patient(request, patient_id)
        row = PatientRoutine.objects.filter(patient_id=patient_id).first() or PatientRoutine(
            patient_id=patient_id
        )
        return Response(RoutineSerializer(row).data)

    @extend_schema(
        request=RoutineSerializer, responses=RoutineSerializer, summary="修改患者作息并重排提醒"
    )
    def put(self, request: Request, patient_id: str) -> Response:
        _patient(request, patient_id)
        if not (is_clinician(request.user) or own_patient_id(request.user) == patient_id):
            if not request.user.is_superuser:
                raise PermissionDenied("只有医护人员或患者本人可以修改作息")
        row = PatientRoutine.objects.filter(patient_id=patient_id).first() or PatientRoutine(
            patient_id=patient_id
        )
        before = RoutineSerializer(row).data if row.pk else None
        ser = RoutineSerializer(row, data=request.data, partial=True)
        ser.is_valid(raise_exception=True)
        with transaction.atomic():
            ser.save()
            audit.record(request.user, "routine.change", obj=row, before=before, after=ser.data)
        schedule.sync_patient(patient_id)
        return Response(ser.data)


def order_json(row: OrderSchedule) -> dict[str, Any]:
    return {
        "medication_request": row.request_id,
        "medication": row.medication,
        "status": row.status,
        "issues": row.issues,
        "source": row.source,
        "dosage": row.dosage,
        "critical_class": row.critical_class or None,
        "approved_by": row.approved_by.get_username() if row.approved_by else None,
        "starts": row.starts.isoformat() if row.starts else None,
        "ends": row.ends.isoformat() if row.ends else None,
    }


class PatientOrdersView(APIView):
    @extend_schema(
        responses=inline_serializer("Orders", {"orders": serializers.JSONField()}),
        summary="患者医嘱的排程状态 (已排程/待审核/按需/已停止)",
    )
    def get(self, request: Request, patient_id: str) -> Response:
        _patient(request, patient_id)
        rows = OrderSchedule.objects.filter(patient_id=patient_id).select_related("approved_by")
        return Response({"orders": [order_json(r) for r in rows.order_by("medication")]})


class ApproveView(APIView):
    @extend_schema(
        request=None,
        responses=inline_serializer("Order", {"status": serializers.CharField()}),
        summary="医生或药师审核通过该医嘱当前用法, 开始提醒",
    )
    def post(self, request: Request, request_id: str) -> Response:
        row = OrderSchedule.objects.filter(request_id=request_id).first()
        if row is None or not can_access_patient(request.user, row.patient_id):
            raise Http404("order not found")
        from clinical.workspace import signoff

        if not signoff.may_approve_orders(request.user):  # medication sign-off
            raise PermissionDenied("医嘱用法须由医生或药师审核")
        row = schedule.approve_order(request_id, request.user)
        return Response(order_json(row))
