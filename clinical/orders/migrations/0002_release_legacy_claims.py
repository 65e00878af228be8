"""Doses and deliveries claimed by an earlier version (which wrote a ``claimed``/``sending``
state before sending) go back to pending: the senders now hold row locks instead, and nothing
reclaims those states any more. Re-sending uses the same idempotency key."""

from django.db import migrations


def release_claims(apps, schema_editor):
    DoseReminder = apps.get_model("orders", "DoseReminder")
    Delivery = apps.get_model("orders", "Delivery")
    DoseReminder.objects.filter(state="claimed").update(state="pending", enqueued_at=None)
    Delivery.objects.filter(state="sending").update(state="pending")


class Migration(migrations.Migration):
    dependencies = [("orders", "0001_initial")]
    operations = [migrations.RunPython(release_claims, migrations.RunPython.noop)]
