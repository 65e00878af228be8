"""Demo users and role groups for ``make demo`` (never used in production)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from rest_framework.authtoken.models import Token

from ammed_fhir.models import PatientAccount, PatientAssignment, PractitionerAccount

ROLE_GROUPS = ("physician", "pharmacist", "nurse", "patient", "integration")
DEMO_PASSWORD_HINT = "password = username"

# username → (role label, group, is_superuser)
_DEMO = {
    "admin": ("admin (superuser)", None, True),
    "dr_wang": ("physician", "physician", False),
    "pharm_sun": ("pharmacist", "pharmacist", False),
    "nurse_li": ("nurse (assigned)", "nurse", False),
    "nurse_zhao": ("nurse (unassigned)", "nurse", False),
    "zhang_wei": ("patient", "patient", False),
    "emr": ("integration (EMR)", "integration", False),
}
# Demo FHIR ids (fixtures/bundles).
DEMO_PRACTITIONER = "prac-wang"
DEMO_PATIENTS = ("demo-surgery", "demo-htn-dm")


def ensure_demo_users() -> dict[str, str]:
    """Create the role groups and demo users (idempotent); return role label → username."""
    from clinical.workspace.roles import sync_role_groups

    User = get_user_model()
    sync_role_groups()  # the groups and their model permissions (as the migration sets them)
    out: dict[str, str] = {}
    for username, (label, group, superuser) in _DEMO.items():
        user, created = User.objects.get_or_create(username=username)
        if created:
            user.set_password(username)
        user.is_staff = superuser or group in {"physician", "pharmacist", "nurse"}
        user.is_superuser = superuser
        user.save()
        if group:
            user.groups.add(Group.objects.get(name=group))
        out[label] = username
    for username in _DEMO:  # every role signs in to the API with a token (basic auth is off)
        Token.objects.get_or_create(user=User.objects.get(username=username))
    return out


# What to try as each demo user (printed by ``manage.py demo``; README "First run").
TRY = {
    "admin": "管理后台 /admin/ 登录；可见全部患者、管理分配与账号",
    "dr_wang": "管理后台登录后进入“我的工作台”；审核用药相关消息、批准随访计划"
    "（POST /api/v1/careplans/{id}/approve）",
    "pharm_sun": "管理后台登录；审核用药相关消息、批准医嘱排程（不能批准随访计划）",
    "nurse_li": "管理后台登录；签发非用药内容、处理警报，用药相关内容请“升级给医生/药师”",
    "nurse_zhao": "未分配患者：工作台为空，患者页面 404（局外人）",
    "zhang_wei": "患者 App 只用令牌：GET /api/v1/patients/demo-surgery/messages；"
    "管理后台不接受患者账号",
    "emr": "EMR 集成：POST /fhir 推送资源（令牌），不能签发消息",
}


def demo_tokens() -> dict[str, str]:
    """username → API token of each demo user (made by ``ensure_demo_users``)."""
    return dict(
        Token.objects.filter(user__username__in=list(_DEMO)).values_list("user__username", "key")
    )


def link_demo_accounts() -> None:
    """Link demo users to the fixture Patient/Practitioner and assign the demo patients.

    dr_wang is linked to Practitioner ``prac-wang``; both demo Patients name that
    Practitioner as ``generalPractitioner``, so dr_wang is assigned through that link
    (whichever comes first: the link or the Patients); if this runs before the Patients
    are stored, dr_wang is assigned explicitly instead. nurse_li is assigned explicitly;
    nurse_zhao stays unassigned (the outsider).
    """
    User = get_user_model()
    PractitionerAccount.objects.get_or_create(
        user=User.objects.get(username="dr_wang"), defaults={"practitioner_id": DEMO_PRACTITIONER}
    )
    PatientAccount.objects.get_or_create(
        user=User.objects.get(username="zhang_wei"), defaults={"patient_id": DEMO_PATIENTS[0]}
    )
    for pid in DEMO_PATIENTS:
        for username in (
            "dr_wang",
            "pharm_sun",
            "nurse_li",
        ):  # dr_wang: usually already made from the GP link
            PatientAssignment.objects.get_or_create(
                patient_id=pid,
                user=User.objects.get(username=username),
                defaults={"source": "demo"},
            )
