"""Accounts: the user model, handling units, and the security audit log."""

import hashlib
import json
from datetime import UTC

import pgtrigger
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import connections, models, router, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedCharField, EncryptedFieldsMixin, KeyedHashField
from core.text import pinyin_sort_key

from .validators import normalize_mobile, validate_mobile


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, mobile, password, **extra):
        email = self.normalize_email(email) if email else None
        mobile = normalize_mobile(mobile) or None
        if not email and not mobile:
            raise ValueError("A user needs an e-mail address or a mobile number")
        user = self.model(email=email, mobile=mobile, **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, mobile=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, mobile, password, **extra)

    def create_superuser(self, email=None, password=None, mobile=None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, mobile, password, **extra)


class Unit(models.Model):
    """A handling unit or other body (承办单位): a department, court, procuratorate …"""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("Government department")
        SUPERVISION = "supervision", _("Supervision commission")
        COURT = "court", _("People's court")
        PROCURATORATE = "procuratorate", _("People's procuratorate")
        CONGRESS = "congress", _("Congress office")
        PARTY = "party", _("Party or mass organisation")
        ENTERPRISE = "enterprise", _("Enterprise or public institution")
        OTHER = "other", _("Other")

    congress = models.ForeignKey(
        "deputies.Congress", on_delete=models.PROTECT, related_name="units", verbose_name=_("Congress")
    )
    name = models.CharField(_("Unit name"), max_length=100)
    short_name = models.CharField(_("Short name"), max_length=40, blank=True)
    kind = models.CharField(_("Kind"), max_length=20, choices=Kind.choices, default=Kind.GOVERNMENT)
    public_contact = models.CharField(_("Public contact person"), max_length=40, blank=True)
    public_phone = models.CharField(_("Public contact phone"), max_length=40, blank=True)
    # The unit's head (主要负责人): urging notices are addressed to them, and their account
    # (an officer account of the unit, when they have one) is told of each notice.
    head_name = models.CharField(_("Head of the unit"), max_length=40, blank=True)
    head_title = models.CharField(_("Head's title"), max_length=40, blank=True)
    head_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="headed_units",
        verbose_name=_("Head's account"),
    )
    is_active = models.BooleanField(_("Active"), default=True)
    # The name's pinyin (core.text.pinyin_sort_key): drop-downs and lists of units in pinyin order,
    # which the database's collation cannot give (it orders Chinese by code point).
    sort_key = models.CharField(_("Sort key"), max_length=400, blank=True, editable=False)

    class Meta:
        verbose_name = _("Handling unit")
        verbose_name_plural = _("Handling unit")
        ordering = ["congress", "sort_key", "name"]
        constraints = [models.UniqueConstraint(fields=["congress", "name"], name="unit_name_unique_per_congress")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # Derived data, kept with the name it comes from (a bulk update must set it too).
        self.sort_key = pinyin_sort_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "sort_key"}
        super().save(*args, **kwargs)


class DisplayMode(models.TextChoices):
    STANDARD = "standard", _("Standard display")
    LARGE = "large", _("Large text")
    CONTRAST = "contrast", _("High contrast")
    LARGE_CONTRAST = "large_contrast", _("Large text and high contrast")


class User(EncryptedFieldsMixin, AbstractBaseUser, PermissionsMixin):
    """A person who logs in. Logs in with e-mail or mobile number.

    Roles are groups (see accounts/roles.py) plus links: a deputy is a user
    linked to one or more mandates (deputies.Deputy.user), a unit officer is a
    user linked to a unit, staff are scoped to the congress they work for.
    """

    email = models.EmailField(_("E-mail"), unique=True, null=True, blank=True)
    # Encrypted at rest; login and duplicate checks go through the keyed hash (core/fields.py).
    mobile = EncryptedCharField(
        _("Mobile number"),
        max_length=11,
        null=True,
        blank=True,
        validators=[validate_mobile],
        hash_field="mobile_hash",
        purpose="mobile",
    )
    mobile_hash = KeyedHashField(source="mobile", null=True, unique=True)
    full_name = models.CharField(_("Name"), max_length=50)
    congress = models.ForeignKey(
        "deputies.Congress",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff_users",
        verbose_name=_("Congress"),
        help_text=_(
            "Staff see and change only the records of this congress and the congresses below it; superusers are not limited."
        ),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officers",
        verbose_name=_("Handling unit"),
        help_text=_("When set, this account is an officer of the handling unit."),
    )
    is_staff = models.BooleanField(_("Can use the admin"), default=False)
    is_active = models.BooleanField(_("Active"), default=True)
    date_joined = models.DateTimeField(_("Created"), default=timezone.now)
    invited_at = models.DateTimeField(_("Invitation sent"), null=True, blank=True)
    # Sessions that began before this moment end at their next request: set when the account
    # is deactivated or reactivated, so an old session never comes back with the account.
    sessions_valid_after = models.DateTimeField(_("Sessions valid after"), null=True, blank=True, editable=False)
    # Large text and high contrast for older readers (GB/T 37668, the MIIT rules): chosen in the
    # header, remembered here for a logged-in person and in a cookie for the public (accounts/display.py).
    display_mode = models.CharField(
        _("Display mode"), max_length=20, choices=DisplayMode.choices, default=DisplayMode.STANDARD
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("User")
        verbose_name_plural = _("User")
        ordering = ["full_name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(email__isnull=False) | Q(mobile__isnull=False), name="user_has_email_or_mobile"
            )
        ]

    def __str__(self):
        return self.full_name or self.email or self.mobile or str(self.pk)

    def clean(self):
        super().clean()
        # Empty strings would collide in the unique indexes: store NULL.
        self.email = self.__class__.objects.normalize_email(self.email) or None if self.email else None
        self.mobile = normalize_mobile(self.mobile) or None
        # The unique index stands on the hash column, which no form shows: say it here.
        if self.mobile and User.objects.filter(mobile=self.mobile).exclude(pk=self.pk).exists():
            raise ValidationError({"mobile": _("Another account already uses this mobile number.")})

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name


class SecurityEventQuerySet(models.QuerySet):
    """The audit log's queries: entries are only ever added (each linked into the hash chain)
    and removed by the retention purge, never changed or deleted in bulk."""

    def update(self, **kwargs):
        raise PermissionError("Security events are append-only")

    def bulk_update(self, objs, fields, batch_size=None):
        raise PermissionError("Security events are append-only")

    def delete(self):
        raise PermissionError("Security events are deleted only by the retention purge")

    delete.alters_data = True
    delete.queryset_only = True

    def bulk_create(self, objs, *args, **kwargs):
        """Adds the entries in order, each chained to the one before it."""
        objs = list(objs)
        if any(obj.pk is not None for obj in objs):
            raise PermissionError("Security events are append-only")
        if not objs:
            return objs
        with transaction.atomic(using=self.db, savepoint=False):
            prev = self.model.chain_head(self.db)
            for obj in objs:
                obj.link(prev)
                prev = obj.row_hash
            return super().bulk_create(objs, *args, **kwargs)

    def _purge(self) -> int:
        """Deletes the selected entries. Only ``accounts.audit.purge_audit_log`` calls this, after
        it has written the purge entry that records the new start of the chain."""
        return self._raw_delete(self.db)


class SecurityEvent(models.Model):
    """Append-only security audit log: logins, MFA, roles, accounts, exports.

    Entries form a hash chain in id order: ``prev_hash`` is the ``row_hash`` of the entry
    before, ``row_hash`` the SHA-256 of ``prev_hash`` and the entry's own content, so a changed
    or removed entry shows as a break (``manage.py verify_audit_chain``).
    """

    # Key of the PostgreSQL advisory lock that serialises writers of the chain ("AUDITLOG").
    CHAIN_LOCK_ID = 0x41554449544C4F47
    # The fields a row's hash covers, in this order.
    HASHED_FIELDS = (
        "created_at",
        "kind",
        "actor_id",
        "target_user_id",
        "ip_address",
        "user_agent",
        "detail",
        "login_key",
    )

    class Kind(models.TextChoices):
        LOGIN = "login", _("Logged in")
        LOGIN_FAILED = "login_failed", _("Failed login")
        LOGOUT = "logout", _("Logout")
        MFA_ADDED = "mfa_added", _("Two-factor authentication turned on")
        MFA_REMOVED = "mfa_removed", _("Two-factor authentication turned off")
        MFA_RESET = "mfa_reset", _("Recovery codes reset")
        ROLE_CHANGED = "role_changed", _("Role or permission change")
        ACCOUNT_CREATED = "account_created", _("Account created")
        ACCOUNT_DEACTIVATED = "account_deactivated", _("Account deactivated")
        ACCOUNT_REACTIVATED = "account_reactivated", _("Account reactivated")
        INVITATION_SENT = "invitation_sent", _("Invitation sent")
        PASSWORD_SET = "password_set", _("Set password")
        EXPORT_PERSONAL = "export_personal", _("Export with personal data")
        IMPORT = "import", _("Data import")
        SESSION_EXPIRED = "session_expired", _("Session expired")
        LOGIN_LOCKED = "login_locked", _("Login locked out")
        MFA_FAILED = "mfa_failed", _("Wrong second-factor code")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        EXPORT_REFUSED = "export_refused", _("Export refused")
        EXPORT_APPROVED = "export_approved", _("Export approved")
        AUDIT_PURGED = "audit_purged", _("Old audit entries purged")

    created_at = models.DateTimeField(_("Time"), default=timezone.now, db_index=True)
    kind = models.CharField(_("Event"), max_length=30, choices=Kind.choices, db_index=True)
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("Actor")
    )
    target_user = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("Account concerned")
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("Browser"), max_length=300, blank=True)
    detail = models.JSONField(_("Details"), default=dict, blank=True)
    # A keyed hash of the login that was typed (e-mail or mobile), never the login itself:
    # the lockout counts failures per account with it.
    login_key = models.CharField(_("Login key"), max_length=64, blank=True, db_index=True, editable=False)
    # Hash chain: each entry holds the hash of the one before it and its own, so a removed
    # or changed entry shows as a break (manage.py verify_audit_chain).
    prev_hash = models.CharField(_("Previous hash"), max_length=64, blank=True, editable=False)
    row_hash = models.CharField(_("Hash"), max_length=64, blank=True, editable=False)

    objects = SecurityEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("Security audit log")
        verbose_name_plural = _("Security audit log")
        ordering = ["-created_at", "-id"]
        triggers = [
            # The database itself refuses to change an entry, and to delete one younger than the
            # retention floor (180 days); the purge task deletes only older ones.
            pgtrigger.Protect(name="security_event_no_update", operation=pgtrigger.Update),
            pgtrigger.Protect(
                name="security_event_keep_180_days",
                operation=pgtrigger.Delete,
                condition=pgtrigger.Condition("OLD.created_at >= now() - interval '180 days'"),
            ),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        # Append-only: an entry once written is never changed.
        if self.pk is not None:
            raise PermissionError("Security events are append-only")
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using, savepoint=False):
            self.link(self.chain_head(using))
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Security events are append-only")

    def link(self, prev_hash: str) -> None:
        """Chains this (unsaved) entry to the one before it."""
        if self.created_at is None:
            self.created_at = timezone.now()
        self.prev_hash = prev_hash
        self.row_hash = self.compute_hash(
            prev_hash,
            created_at=self.created_at,
            kind=self.kind,
            actor_id=self.actor_id,
            target_user_id=self.target_user_id,
            # Stored normalised (an IPv6 address is compressed): hash what the database keeps.
            ip_address=self._meta.get_field("ip_address").get_prep_value(self.ip_address),
            user_agent=self.user_agent,
            detail=self.detail,
            login_key=self.login_key,
        )

    @classmethod
    def chain_head(cls, using: str = "default") -> str:
        """The hash the next entry links to, with the chain locked until the transaction ends.

        Must be called inside ``transaction.atomic``. On PostgreSQL a transaction-level advisory
        lock makes concurrent writers queue; SQLite's IMMEDIATE transactions (see settings)
        already hold the database's write lock from their start."""
        connection = connections[using]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [cls.CHAIN_LOCK_ID])
        last = cls._base_manager.using(using).order_by("-id").values_list("row_hash", flat=True).first()
        return last or ""

    @staticmethod
    def compute_hash(
        prev_hash, *, created_at, kind, actor_id, target_user_id, ip_address, user_agent, detail, login_key
    ) -> str:
        """SHA-256 over the previous hash and a canonical serialisation of an entry's content
        (the same whether it comes from an unsaved instance or from a row read back)."""
        if timezone.is_aware(created_at):
            created_at = created_at.astimezone(UTC)
        # What the database hands back: keys as strings, tuples as lists.
        detail = json.loads(json.dumps(detail if detail is not None else {}))
        content = json.dumps(
            [
                created_at.isoformat(timespec="microseconds"),
                str(kind),
                None if actor_id is None else int(actor_id),
                None if target_user_id is None else int(target_user_id),
                ip_address or None,
                user_agent or "",
                detail,
                login_key or "",
            ],
            sort_keys=True,
            ensure_ascii=False,
            separators=(",", ":"),
        )
        return hashlib.sha256(f"{prev_hash or ''}\n{content}".encode()).hexdigest()
