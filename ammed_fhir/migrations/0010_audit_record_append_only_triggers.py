"""PostgreSQL: the audit table refuses UPDATE, DELETE and TRUNCATE at the database level.

Row triggers refuse UPDATE/DELETE, a statement trigger refuses TRUNCATE to every role but a
database superuser (who could drop the trigger anyway; Django's test flush runs as one).
Disabling or dropping a trigger needs ownership of the table: the application's role must
not own it (docs/security.md, "Audit trail and database roles").
"""

from django.db import migrations

SQL = """
CREATE OR REPLACE FUNCTION ammed_audit_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' AND (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    RETURN NULL;
  END IF;
  RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS ammed_auditrecord_append_only ON ammed_fhir_auditrecord;
CREATE TRIGGER ammed_auditrecord_append_only BEFORE UPDATE OR DELETE ON ammed_fhir_auditrecord
  FOR EACH ROW EXECUTE FUNCTION ammed_audit_append_only();
DROP TRIGGER IF EXISTS ammed_auditrecord_no_truncate ON ammed_fhir_auditrecord;
CREATE TRIGGER ammed_auditrecord_no_truncate BEFORE TRUNCATE ON ammed_fhir_auditrecord
  FOR EACH STATEMENT EXECUTE FUNCTION ammed_audit_append_only();
"""
REVERSE = """
DROP TRIGGER IF EXISTS ammed_auditrecord_no_truncate ON ammed_fhir_auditrecord;
DROP TRIGGER IF EXISTS ammed_auditrecord_append_only ON ammed_fhir_auditrecord;
DROP FUNCTION IF EXISTS ammed_audit_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SQL, params=None)  # no placeholders: RAISE uses %


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REVERSE)


class Migration(migrations.Migration):
    dependencies = [("ammed_fhir", "0009_audit_record")]
    operations = [migrations.RunPython(forwards, backwards)]
