"""Chinese names for third-party apps in the admin, without patching them.

- ``AxesConfig``: django-axes' app (login lock-out records) under a Chinese name;
  ``INSTALLED_APPS`` names it instead of ``axes``. Its model and field labels are
  ``gettext_lazy`` strings translated by the project locale (``locale/zh_Hans``).
- ``AccessAttemptAdmin`` (registered in ``clinical.workspace.admin``): axes' own admin with
  Chinese labels where axes has no translatable string (the ``status`` column, the
  clean-up message).
Django's admin and auth and DRF's authtoken ship their own zh_Hans translations.
"""

from __future__ import annotations

from axes.apps import AppConfig as _AxesAppConfig


class AxesConfig(_AxesAppConfig):
    verbose_name = "登录安全（登录失败与锁定记录）"


def axes_attempt_admin() -> type:
    """axes' ``AccessAttemptAdmin`` with Chinese labels for its untranslatable parts."""
    from axes.admin import AccessAttemptAdmin
    from django.contrib import admin

    class ChineseAccessAttemptAdmin(AccessAttemptAdmin):
        @admin.display(description="状态")
        def status(self, obj: object) -> str:
            return super().status(obj)

        @admin.display(description="过期时间")
        def expiration(self, obj: object) -> object:
            return super().expiration(obj)

        @admin.action(description="清除已过期的登录尝试记录")
        def cleanup_expired_attempts(self, request: object, queryset: object) -> None:
            count = self.handler.clean_expired_user_attempts(request=request)
            self.message_user(request, f"已清除 {count} 条过期的登录尝试记录。")

    return ChineseAccessAttemptAdmin
