"""Data: one alert episode per patient. Each existing alert gets its reason (the Chinese text
from its assessment) and its finding key; a patient's open alerts merge into the oldest one
(every reason kept, the highest severity); the others are closed as merged, saying into
which alert, so nothing is lost and the next migration can allow one open alert only."""

from django.db import migrations
from django.utils import timezone

RANK = {"self-care": 0, "routine": 1, "urgent": 2, "emergency": 3}


def _reason(alert):
    text = alert.reason_code
    result = alert.assessment.result if alert.assessment_id and alert.assessment else {}
    evidence = []
    for r in (result or {}).get("reasons", []) if isinstance(result, dict) else []:
        if r.get("code") == alert.reason_code:
            text = r.get("text") or text
            evidence = sorted(r.get("evidence") or [])
            break
    return {
        "code": alert.reason_code,
        "text": text,
        "disposition": alert.disposition,
        "evidence": evidence,
        "first_seen": alert.created.isoformat(),
    }


def forwards(apps, schema_editor):
    AlertRecord = apps.get_model("followup", "AlertRecord")
    for alert in AlertRecord.objects.select_related("assessment").iterator():
        if not alert.reasons:
            alert.reasons = [_reason(alert)]
            alert.finding_keys = [alert.finding_key]
            alert.save(update_fields=["reasons", "finding_keys"])
    open_by_patient = {}
    for alert in AlertRecord.objects.filter(handled_at__isnull=True).order_by("created", "pk"):
        open_by_patient.setdefault(alert.patient_id, []).append(alert)
    now = timezone.now()
    for alerts in open_by_patient.values():
        keep, rest = alerts[0], alerts[1:]
        if not rest:
            continue
        codes = {r["code"] for r in keep.reasons}
        for other in rest:
            for r in other.reasons:
                if r["code"] not in codes:
                    keep.reasons = [*keep.reasons, r]
                    codes.add(r["code"])
            keep.finding_keys = [*keep.finding_keys, *other.finding_keys]
            keep.repeats += other.repeats
            other.handled_at = now
            other.handled_note = f"合并到警报 #{keep.pk}（同一患者的同一警报事件）"
            other.save(update_fields=["handled_at", "handled_note"])
        keep.reasons = sorted(keep.reasons, key=lambda r: -RANK.get(r["disposition"], 0))
        keep.disposition = keep.reasons[0]["disposition"]
        keep.reason_code = keep.reasons[0]["code"]
        keep.last_seen = max(a.last_seen or a.created for a in alerts)
        keep.save()


class Migration(migrations.Migration):
    dependencies = [
        ("followup", "0004_alert_episode_fields"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
