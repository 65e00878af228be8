from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("followup", "0005_alert_episodes_merge"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="alertrecord",
            constraint=models.UniqueConstraint(
                condition=models.Q(handled_at__isnull=True),
                fields=("patient_id",),
                name="fu_alert_one_open_per_patient",
            ),
        ),
    ]
