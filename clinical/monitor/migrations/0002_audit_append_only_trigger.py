"""PostgreSQL: refuse UPDATE and DELETE on audit rows at the database level too."""

from django.db import migrations

SQL = """
CREATE OR REPLACE FUNCTION monitor_auditevent_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'monitor_auditevent is append-only';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS monitor_auditevent_append_only ON monitor_auditevent;
CREATE TRIGGER monitor_auditevent_append_only BEFORE UPDATE OR DELETE ON monitor_auditevent
  FOR EACH ROW EXECUTE FUNCTION monitor_auditevent_append_only();
"""
REVERSE = """
DROP TRIGGER IF EXISTS monitor_auditevent_append_only ON monitor_auditevent;
DROP FUNCTION IF EXISTS monitor_auditevent_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SQL)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REVERSE)


class Migration(migrations.Migration):
    dependencies = [("monitor", "0001_reviews_and_audit")]
    operations = [migrations.RunPython(forwards, backwards)]
