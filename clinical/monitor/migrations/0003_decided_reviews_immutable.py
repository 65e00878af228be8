"""PostgreSQL: a decided review's decision cannot change, and it cannot be deleted; the
review audit trail refuses TRUNCATE like ``ammed_fhir_auditrecord`` (0010 there).

A review leaves ``pending`` once; after that its status, decider, decision time, original
and final text and reason are fixed. The model refuses the same on every database
(``Review.save``/``delete``, its queryset), so SQLite is covered too.
"""

from django.db import migrations

SQL = """
CREATE OR REPLACE FUNCTION monitor_review_decided_immutable() RETURNS trigger AS $$
BEGIN
  IF OLD.status = 'pending' THEN
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
  END IF;
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'monitor_review %: a decided review cannot be deleted', OLD.id;
  END IF;
  IF NEW.status IS DISTINCT FROM OLD.status
     OR NEW.decided_by_id IS DISTINCT FROM OLD.decided_by_id
     OR NEW.decided_at IS DISTINCT FROM OLD.decided_at
     OR NEW.final_text IS DISTINCT FROM OLD.final_text
     OR NEW.original_text IS DISTINCT FROM OLD.original_text
     OR NEW.reason IS DISTINCT FROM OLD.reason
     OR NEW.patient_id IS DISTINCT FROM OLD.patient_id
     OR NEW.communication_id IS DISTINCT FROM OLD.communication_id THEN
    RAISE EXCEPTION 'monitor_review %: a decided review cannot be changed', OLD.id;
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS monitor_review_decided_immutable ON monitor_review;
CREATE TRIGGER monitor_review_decided_immutable BEFORE UPDATE OR DELETE ON monitor_review
  FOR EACH ROW EXECUTE FUNCTION monitor_review_decided_immutable();
DROP TRIGGER IF EXISTS monitor_auditevent_no_truncate ON monitor_auditevent;
CREATE TRIGGER monitor_auditevent_no_truncate BEFORE TRUNCATE ON monitor_auditevent
  FOR EACH STATEMENT EXECUTE FUNCTION ammed_audit_append_only();
"""
REVERSE = """
DROP TRIGGER IF EXISTS monitor_auditevent_no_truncate ON monitor_auditevent;
DROP TRIGGER IF EXISTS monitor_review_decided_immutable ON monitor_review;
DROP FUNCTION IF EXISTS monitor_review_decided_immutable();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SQL, params=None)  # no placeholders: RAISE uses %


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REVERSE)


class Migration(migrations.Migration):
    dependencies = [
        ("monitor", "0002_audit_append_only_trigger"),
        ("ammed_fhir", "0010_audit_record_append_only_triggers"),  # ammed_audit_append_only()
    ]
    operations = [migrations.RunPython(forwards, backwards)]
