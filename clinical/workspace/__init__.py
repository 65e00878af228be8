"""Clinician workspace: roles and their permissions, compartment-filtered admin, sign-off
governance, the worklist home page."""
