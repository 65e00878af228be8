from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("followup", "0003_chinese_field_labels"),
    ]

    operations = [
        migrations.AddField(
            model_name="alertrecord",
            name="reasons",
            field=models.JSONField(blank=True, default=list, verbose_name="警报原因"),
        ),
        migrations.AddField(
            model_name="alertrecord",
            name="finding_keys",
            field=models.JSONField(blank=True, default=list, verbose_name="已归入的发现"),
        ),
        migrations.AddField(
            model_name="alertrecord",
            name="escalated_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="升级时间"),
        ),
    ]
