"""Domain services of clinical.medkb (the guidance engine lives in ``guidance``)."""
