"""The one inline-patient schema (issue #23): the ``patient`` object of every endpoint that takes
one (``POST /api/v1/guidance/medication``, ``/api/v1/consult/diet``, ``/api/v1/monitor/check``).

Canonical keys: ``id``, ``age_years``, ``sex``, ``weight_kg``, ``pregnant``,
``pregnancy_weeks``, ``breastfeeding``, ``conditions``, ``allergies``, ``current_medications``,
``labs``, ``recent_surgery`` (or its shorthand ``recent_surgery_days``), ``vitals``. Deprecated aliases still accepted: ``age`` (= age_years) and
``medications`` (= current_medications); a key given under both names is a 400. Any other key
is a 400 naming it: nothing an integrator sends is silently ignored.

List items are a string (``"高血压"``) or an object: conditions ``{text, code, system}`` or a
FHIR CodeableConcept ``{text, coding: [{system, code, display}]}``; allergies the same plus
``category`` (AllergyIntolerance categories: food, medication, environment, biologic);
medications the same plus ``dosage`` (``name`` is accepted for ``text``; ``code`` with the WHO
ATC system or no system is an ATC code); labs ``{loinc, value, unit, date}``.

``recent_surgery`` is the latest operation (a FHIR Procedure in brief; a delivery counts):
``{text|name, code, system, coding, days_ago | date}`` — what was done as words and/or a SNOMED CT
code, and when (exactly one of ``days_ago`` and ``date``; a date is counted on the site's
calendar and may not lie in the future). ``recent_surgery_days: N`` is the same as
``recent_surgery: {days_ago: N}`` (an operation without a name); giving both is a 400.
``vitals`` are current readings (measured now or within the last 24 hours), each optional:
``bp_systolic``/``bp_diastolic`` (mmHg), ``heart_rate`` (/min), ``temperature_c`` (℃), ``spo2``
(%), ``resp_rate`` (/min), ``glucose_mmol_l`` (mmol/L); a value outside its plausible range, a
diastolic not below the systolic, or any other key is a 400 naming it.
"""

from __future__ import annotations

import json
import math
from typing import Any

from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from clinical.knowledge.patient import (
    ATC,
    VITALS,
    InlinePatientError,
    local_date,
    site_time_zone,
)

MAX_LIST = 50
MAX_TEXT = 200
MAX_ITEM_CHARS = 2000
ALIASES = {"age": "age_years", "medications": "current_medications"}
ALLERGY_CATEGORIES = ("food", "medication", "environment", "biologic")
SEX_WORDS = {"男": "male", "女": "female"}

_CODING_SCHEMA = {
    "type": "object",
    "properties": {
        "system": {"type": "string"},
        "code": {"type": "string"},
        "display": {"type": "string"},
    },
}


def _item_schema(extra: dict[str, Any]) -> dict[str, Any]:
    return {
        "oneOf": [
            {"type": "string", "maxLength": MAX_TEXT},
            {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "text": {"type": "string"},
                    "name": {"type": "string", "description": "same as text"},
                    "code": {"type": "string"},
                    "system": {"type": "string"},
                    "coding": {"type": "array", "items": _CODING_SCHEMA},
                    **extra,
                },
            },
        ]
    }


class FiniteFloatField(serializers.FloatField):
    """A number (not a string, not a boolean) that is finite."""

    def to_internal_value(self, data: Any) -> float:
        if isinstance(data, bool) or not isinstance(data, int | float):
            raise serializers.ValidationError("必须是数值 (must be a number)")
        value = super().to_internal_value(data)
        if not math.isfinite(value):
            raise serializers.ValidationError("必须是有限的数值 (must be a finite number)")
        return value


class StrictBooleanField(serializers.BooleanField):
    """``true`` or ``false`` only (no ``"yes"``/``1`` coercion)."""

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            raise serializers.ValidationError("必须是 true 或 false (must be true or false)")
        return data


class _ItemField(serializers.Field):
    """One condition / allergy / medication: a string or an object (see the module doc)."""

    allowed = frozenset({"text", "name", "display", "code", "system", "coding"})

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if isinstance(data, str):
            text = data.strip()
            if not text:
                raise serializers.ValidationError("不能为空 (must not be blank)")
            if len(text) > MAX_TEXT:
                raise serializers.ValidationError(f"at most {MAX_TEXT} characters")
            return {"text": text, "codings": []}
        if not isinstance(data, dict):
            raise serializers.ValidationError("必须是字符串或对象 (must be a string or an object)")
        if len(json.dumps(data, ensure_ascii=False)) > MAX_ITEM_CHARS:
            raise serializers.ValidationError(f"at most {MAX_ITEM_CHARS} characters")
        unknown = sorted(str(k) for k in data if k not in self.allowed)
        if unknown:
            raise serializers.ValidationError(f"unknown keys: {', '.join(unknown)}")
        codings: list[tuple[str, str]] = []
        code = data.get("code")
        concept = code if isinstance(code, dict) else data
        if isinstance(code, str) and code.strip():
            codings.append((str(data.get("system") or ""), code.strip()))
        elif code is not None and not isinstance(code, dict | str):
            raise serializers.ValidationError("code must be a string or a CodeableConcept")
        coding = concept.get("coding") or []
        if not isinstance(coding, list):
            raise serializers.ValidationError("coding must be a list")
        display = ""
        for c in coding:
            if not isinstance(c, dict):
                raise serializers.ValidationError("coding items must be objects")
            if c.get("code"):
                codings.append((str(c.get("system") or ""), str(c["code"])))
            display = display or str(c.get("display") or "")
        text = data.get("text") or data.get("name") or concept.get("text") or data.get("display")
        if text is not None and not isinstance(text, str):
            raise serializers.ValidationError("text must be a string")
        text = (text or display or "").strip()
        if not text and not codings:
            raise serializers.ValidationError("give a text or a code")
        return {"text": text, "codings": codings, **self.extra(data)}

    def extra(self, data: dict[str, Any]) -> dict[str, Any]:
        return {}

    def to_representation(self, value: Any) -> Any:
        return value


@extend_schema_field(_item_schema({}))
class ConditionItemField(_ItemField):
    pass


@extend_schema_field(
    _item_schema(
        {"category": {"type": "array", "items": {"type": "string", "enum": ALLERGY_CATEGORIES}}}
    )
)
class AllergyItemField(_ItemField):
    allowed = _ItemField.allowed | {"category"}

    def extra(self, data: dict[str, Any]) -> dict[str, Any]:
        cats = data.get("category") or []
        if not isinstance(cats, list) or not all(c in ALLERGY_CATEGORIES for c in cats):
            raise serializers.ValidationError(
                f"category: a list of {', '.join(ALLERGY_CATEGORIES)}"
            )
        return {"categories": list(cats)}


@extend_schema_field(_item_schema({"dosage": {"type": "string"}}))
class MedicationItemField(_ItemField):
    allowed = _ItemField.allowed | {"dosage"}

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        out = super().to_internal_value(data)
        out["atc"] = [code for system, code in out["codings"] if system in (ATC, "")]
        return out

    def extra(self, data: dict[str, Any]) -> dict[str, Any]:
        dosage = data.get("dosage") or ""
        if not isinstance(dosage, str) or len(dosage) > MAX_TEXT:
            raise serializers.ValidationError(f"dosage: a string of at most {MAX_TEXT} characters")
        return {"dosage": dosage.strip()}


_SURGERY_WHEN = {
    "days_ago": {"type": "number", "minimum": 0, "maximum": 36500},
    "date": {"type": "string", "format": "date", "description": "not in the future"},
}


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": False,
        "description": "the latest operation (a delivery counts): what was done, as words "
        "and/or a SNOMED CT code, and when (exactly one of days_ago and date)",
        "properties": {
            "text": {"type": "string", "example": "甲状腺全切术"},
            "name": {"type": "string", "description": "same as text"},
            "code": {"type": "string", "description": "SNOMED CT procedure code"},
            "system": {"type": "string", "example": "http://snomed.info/sct"},
            "coding": {"type": "array", "items": _CODING_SCHEMA},
            **_SURGERY_WHEN,
        },
    }
)
class RecentSurgeryField(_ItemField):
    """``{text|name, code, system, coding, days_ago | date}`` → ``{text, codings, days_ago,
    date}`` (``date`` a ``datetime.date`` or None)."""

    allowed = _ItemField.allowed | set(_SURGERY_WHEN)

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if not isinstance(data, dict):
            raise serializers.ValidationError(
                "必须是对象 (must be an object with days_ago or date)"
            )
        rest = {k: v for k, v in data.items() if k not in _SURGERY_WHEN}
        out = super().to_internal_value(rest) if rest else {"text": "", "codings": []}
        given = [k for k in _SURGERY_WHEN if data.get(k) is not None]
        if len(given) != 1:
            raise serializers.ValidationError(
                "请提供 days_ago 或 date 其中之一 (exactly one of days_ago and date)"
            )
        if given == ["days_ago"]:
            days = FiniteFloatField(min_value=0, max_value=36500).run_validation(data["days_ago"])
            return {**out, "days_ago": days, "date": None}
        day = serializers.DateField().run_validation(data["date"])
        today = local_date(None, site_time_zone())
        if day > today:
            raise serializers.ValidationError("date 不能晚于今天 (date lies in the future)")
        return {**out, "days_ago": float((today - day).days), "date": day}


class VitalsSerializer(serializers.Serializer):
    """Current vital signs (measured now or within the last 24 hours), each optional; the
    ranges are plausibility bounds (outside them: an entry error, 400)."""

    def get_fields(self) -> dict[str, serializers.Field]:
        return {
            key: FiniteFloatField(
                min_value=low,
                max_value=high,
                required=False,
                help_text=f"{unit} (LOINC {loinc})",
            )
            for key, (_kind, loinc, unit, low, high) in VITALS.items()
        }

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(str(k) for k in data if k not in VITALS)
            if unknown:
                raise serializers.ValidationError(
                    {
                        k: [f"未知字段 (unknown vital {k!r}; known: {', '.join(VITALS)})"]
                        for k in unknown
                    }
                )
        return super().to_internal_value(data)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        sbp, dbp = attrs.get("bp_systolic"), attrs.get("bp_diastolic")
        if sbp is not None and dbp is not None and dbp >= sbp:
            raise serializers.ValidationError(
                {"bp_diastolic": "舒张压须低于收缩压 (diastolic must be below systolic)"}
            )
        return attrs


class LabSerializer(serializers.Serializer):
    loinc = serializers.RegexField(r"^\d{1,7}-\d$", help_text="LOINC code, e.g. 33914-3 (eGFR)")
    value = FiniteFloatField()
    unit = serializers.CharField(max_length=40, help_text="UCUM, e.g. mL/min/{1.73_m2}")
    date = serializers.DateField(required=False, allow_null=True)

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(str(k) for k in data if k not in self.fields)
            if unknown:
                raise serializers.ValidationError({k: ["unknown key"] for k in unknown})
        return super().to_internal_value(data)


def _list(child: serializers.Field, help_text: str) -> serializers.ListField:
    return serializers.ListField(
        child=child, max_length=MAX_LIST, required=False, help_text=help_text
    )


@extend_schema_serializer(deprecate_fields=list(ALIASES))
class InlinePatientSerializer(serializers.Serializer):
    """The inline patient: one schema for guidance, diet and the monitor. List items are a
    string or an object ({text|name, code, system} or a CodeableConcept; allergies add
    category, medications dosage). recent_surgery is the latest operation ({text|name, code,
    system, coding, days_ago | date}); vitals are current readings (bp_systolic, bp_diastolic,
    heart_rate, temperature_c, spo2, resp_rate, glucose_mmol_l). ``age`` and ``medications`` are deprecated aliases of
    ``age_years`` and ``current_medications``. Any other key, also inside an item, is a 400
    naming it; pregnancy_weeks without pregnant means pregnant."""

    id = serializers.CharField(max_length=64, required=False, help_text="a label for the answer")
    age_years = FiniteFloatField(
        min_value=0, max_value=130, required=False, allow_null=True, help_text="age in years"
    )
    age = FiniteFloatField(
        min_value=0,
        max_value=130,
        required=False,
        allow_null=True,
        help_text="DEPRECATED alias of age_years",
    )
    sex = serializers.ChoiceField(
        choices=["male", "female", "other", "unknown"],
        required=False,
        allow_null=True,
        allow_blank=True,
    )
    weight_kg = FiniteFloatField(min_value=0.3, max_value=400, required=False, allow_null=True)
    pregnant = StrictBooleanField(required=False, allow_null=True)
    pregnancy_weeks = FiniteFloatField(
        min_value=0,
        max_value=45,
        required=False,
        allow_null=True,
        help_text="gestational age; given without `pregnant`, the patient is pregnant",
    )
    breastfeeding = StrictBooleanField(required=False, allow_null=True)
    conditions = _list(ConditionItemField(), "conditions (text, SNOMED CT / ICD-10 codes)")
    allergies = _list(AllergyItemField(), "allergies and intolerances")
    current_medications = _list(MedicationItemField(), "medicines taken now")
    medications = _list(MedicationItemField(), "DEPRECATED alias of current_medications")
    labs = serializers.ListField(
        child=LabSerializer(),
        max_length=MAX_LIST,
        required=False,
        help_text="latest lab results (eGFR, potassium, uric acid …: conditions derive from them)",
    )
    recent_surgery_days = FiniteFloatField(
        min_value=0,
        max_value=36500,
        required=False,
        allow_null=True,
        help_text="days since the latest operation, its name unknown (shorthand of "
        "recent_surgery: {days_ago: N}; not together with recent_surgery)",
    )
    recent_surgery = RecentSurgeryField(required=False, allow_null=True)
    vitals = VitalsSerializer(
        required=False,
        allow_null=True,
        help_text="current vital signs (now or within 24 h): judged by the shared syndrome "
        "rules (pre-eclampsia with a blood pressure, sepsis signs …)",
    )

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if not isinstance(data, dict):
            raise serializers.ValidationError(
                {"non_field_errors": ["patient 必须是对象 (must be an object)"]}
            )
        errors: dict[str, list[str]] = {}
        for key in sorted(str(k) for k in data if k not in self.fields):
            errors[key] = [f"未知字段 (unknown key {key!r}; see InlinePatient in the schema)"]
        for alias, canonical in ALIASES.items():
            if alias in data and canonical in data:
                errors[alias] = [f"{alias} 与 {canonical} 重复 (given twice: {canonical})"]
        if data.get("recent_surgery") is not None and data.get("recent_surgery_days") is not None:
            errors["recent_surgery_days"] = [
                "recent_surgery_days 与 recent_surgery 重复 (give the operation once: "
                "recent_surgery with days_ago)"
            ]
        if errors:
            raise serializers.ValidationError(errors)
        sex = data.get("sex")
        if isinstance(sex, str) and sex in SEX_WORDS:  # 男/女 as the monitor took them before
            data = {**data, "sex": SEX_WORDS[data["sex"]]}
        values = super().to_internal_value(data)
        for alias, canonical in ALIASES.items():
            if alias in values:
                values[canonical] = values.pop(alias)
        return values

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        errors: dict[str, str] = {}
        if attrs.get("sex") == "":
            attrs["sex"] = None
        weeks = attrs.get("pregnancy_weeks")
        if weeks is not None:
            if attrs.get("pregnant") is False:
                errors["pregnancy_weeks"] = "填写孕周时 pregnant 不能为 false"
            else:
                attrs["pregnant"] = True
        age = attrs.get("age_years")
        if attrs.get("pregnant"):
            if attrs.get("sex") == "male":
                errors["pregnant"] = "男性不能标记为怀孕 (pregnant contradicts sex=male)"
            elif age is not None and not 10 <= age <= 60:
                errors["pregnant"] = "年龄与怀孕不符 (pregnant contradicts age_years)"
        if attrs.get("breastfeeding") and attrs.get("sex") == "male":
            errors["breastfeeding"] = "男性不能标记为哺乳期 (breastfeeding contradicts sex=male)"
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


def validate_inline(
    data: Any, serializer: type[InlinePatientSerializer] = InlinePatientSerializer
) -> dict[str, Any]:
    """Validated canonical data of a raw inline patient object; raises ``InlinePatientError``
    naming every bad key."""
    ser = serializer(data=data)
    if not ser.is_valid():
        raise InlinePatientError(dict(ser.errors))
    return dict(ser.validated_data)
