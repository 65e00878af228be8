"""Data: the compartment permission's stored name in Chinese (as ``Resource.Meta`` now says;
``migrate`` creates missing permissions but never renames existing ones)."""

from django.db import migrations

NAME = "可查看该患者的全部资料"
OLD = "Can see this patient's compartment"


def rename(apps, schema_editor, name=NAME):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(
        content_type__app_label="ammed_fhir", codename="view_compartment"
    ).update(name=name)


def rename_back(apps, schema_editor):
    rename(apps, schema_editor, OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("ammed_fhir", "0012_chinese_verbose_names"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(rename, rename_back)]
