"""FHIR ``$operations``, one module each (``everything``, ``export``), parameters declared as
data at the top of each module."""
