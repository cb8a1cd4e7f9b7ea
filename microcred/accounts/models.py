"""People, organizations, memberships with roles, invitations and API tokens."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountManager(UserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username)

    def _create_user(self, email: str, password: str | None, **extra: object) -> User:  # type: ignore[override]
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:  # type: ignore[override]
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:  # type: ignore[override]
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """Everyone who signs in. Every user is a learner with a wallet; roles come from memberships."""

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(_("name"), max_length=150)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=[("en", "English"), ("fr", "Français")], default="en"
    )
    # An IANA zone ("America/Vancouver"); empty: the site's (settings.TIME_ZONE). Dates on pages are shown in it.
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True, default="")

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]
    objects = AccountManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.email

    def save(self, *args: object, **kwargs: object) -> None:
        self.email = self.email.strip().lower()
        password_changed = self.pk is not None and self._password is not None
        super().save(*args, **kwargs)  # type: ignore[arg-type]
        if password_changed:  # a new password (changed, reset, set by an admin) revokes every API token
            from django.utils import timezone

            ApiToken.objects.filter(user=self, revoked_at__isnull=True).update(revoked_at=timezone.now())


class OrganizationKind(models.TextChoices):
    PROVIDER = "provider", _("Provider")
    EMPLOYER = "employer", _("Employer")
    PLATFORM = "platform", _("Platform")


class ProviderType(models.TextChoices):
    COLLEGE = "college", _("College")
    UNIVERSITY = "university", _("University")
    EMPLOYER = "employer", _("Employer")
    PROFESSIONAL_BODY = "professional_body", _("Professional body")
    OTHER = "other", _("Other")


class Organization(models.Model):
    """A provider (college, university, employer, professional body), an employer, or the platform."""

    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=OrganizationKind.choices)
    provider_type = models.CharField(
        _("provider type"), max_length=24, choices=ProviderType.choices, blank=True, default=""
    )
    description = models.TextField(_("description"), blank=True, default="")
    website = models.URLField(_("website"), blank=True, default="")
    # Public (shown with the organization's name where its credentials are verified); checked by microcred.images.
    logo = models.ImageField(_("logo"), upload_to="organizations/logos/", blank=True, default="")
    email = models.EmailField(_("contact e-mail"), blank=True, default="")
    country = models.CharField(_("country"), max_length=2, blank=True, default="CA")
    region = models.CharField(_("province or state"), max_length=64, blank=True, default="")
    # The language of ``name`` and ``description`` (BCP 47); their other languages are in ``translations``:
    # {"fr": {"name": …, "description": …}} (microcred/translations.py reads and writes them).
    language = models.CharField(_("language"), max_length=16, default="en")
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    REVIEWER = "reviewer", _("Reviewer")
    ASSESSOR = "assessor", _("Assessor")
    VERIFIER = "verifier", _("Verifier")
    PRACTITIONER = "practitioner", _("Career practitioner")


# Which roles make sense in which kind of organization.
ROLES_BY_KIND: dict[str, tuple[str, ...]] = {
    OrganizationKind.PROVIDER: (Role.ADMIN, Role.REVIEWER, Role.ASSESSOR, Role.PRACTITIONER),
    OrganizationKind.EMPLOYER: (Role.ADMIN, Role.VERIFIER, Role.ASSESSOR),
    OrganizationKind.PLATFORM: (Role.ADMIN, Role.PRACTITIONER),
}


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "organization", "role"], name="membership_unique_role")]
        ordering = ["organization__name", "role"]

    def __str__(self) -> str:
        return f"{self.user} · {self.organization} · {self.role}"


class Invitation(models.Model):
    """An e-mailed invitation to join an organization in a role. Only the token's hash is stored."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.organization} ({self.role})"


class TokenScope(models.TextChoices):
    READ = "read", _("Read")
    WRITE = "write", _("Write")
    ISSUE = "issue", _("Issue and revoke credentials")
    ADMIN = "admin", _("Administer (tokens, members, keys)")


def default_token_scopes() -> list[str]:
    """Tokens made before scopes existed, and by code that names none, do all but administer."""
    return [TokenScope.READ, TokenScope.WRITE, TokenScope.ISSUE]


class ApiToken(models.Model):
    """A personal API token; the secret is shown once and only its hash is kept. It acts within its scopes, until it
    expires, is revoked, or its owner's password changes."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(_("scopes"), default=default_token_scopes)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class ThrottleWindow(models.Model):
    """One brute-force count: a scope and key's attempts in one fixed window (``microcred.accounts.throttling``).

    Counted by one atomic ``INSERT … ON CONFLICT … RETURNING`` per attempt, shared by every process of a site;
    windows that ended are deleted now and then."""

    key = models.CharField(max_length=120, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    ends_at = models.BigIntegerField(db_index=True)  # Unix seconds: raw SQL compares it the same on every database

    class Meta:
        db_table = "microcred_throttle"

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
