"""The shared clinical knowledge layer (issue #23): one reader for what every consumer reads.

``numbers``: the one reader of amounts (Arabic and Chinese numerals, fractions, ranges, units)
used by the sig parser, the output monitor and the drug KB.
``sigs``: the one sig reader (prescription instruction → FHIR R4 Dosage) used by orders and
the output monitor.
``patient``: the one PatientContext every engine and the monitor read (record or inline);
``serializers``: the one inline-patient schema. See docs/knowledge.md.
"""
