"""The audience data of SPEC's vocabulary: accounts, their people and buying groups, and
the two sources a journey's Account audience node takes accounts from — account lists
(static) and account audiences (dynamic, defined by conditions)."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models, transaction
from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.utils import timezone

from journeys.audiences import conditions
from journeys.errors import GuardrailViolation

STATUS_MAX_LENGTH = 50


class Account(models.Model):
    """A company. The name is its key: CSV imports match on it, case-insensitively."""

    name = models.CharField(max_length=200)
    industry = models.CharField(max_length=100, blank=True)
    country = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=100, blank=True)
    city = models.CharField(max_length=100, blank=True)
    employee_size = models.PositiveIntegerField(null=True, blank=True)
    annual_revenue = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    sic_code = models.CharField("SIC code", max_length=8, blank=True)
    custom = models.JSONField("custom attributes", default=dict, blank=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="account_name_unique_ci",
                violation_error_message="An account with this name already exists.",
            ),
        ]
        indexes = [
            models.Index(fields=["industry"], name="account_industry_idx"),
            models.Index(fields=["country", "state"], name="account_country_idx"),
            models.Index(fields=["employee_size"], name="account_size_idx"),
            models.Index(fields=["annual_revenue"], name="account_revenue_idx"),
        ]

    def __str__(self):
        return self.name


class Person(models.Model):
    """Someone at an account; the email is valid and unique within the account."""

    account = models.ForeignKey(Account, models.CASCADE, related_name="people")
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    email = models.EmailField()
    phone = models.CharField(max_length=40, blank=True)
    job_title = models.CharField(max_length=150, blank=True)
    country = models.CharField(max_length=100, blank=True)
    score = models.IntegerField(default=0)
    custom = models.JSONField("custom attributes", default=dict, blank=True)

    class Meta:
        ordering = ["account", "last_name", "first_name", "pk"]
        verbose_name_plural = "people"
        constraints = [
            models.UniqueConstraint(
                "account",
                Lower("email"),
                name="person_email_unique_per_account",
                violation_error_message="This account already has a person with this email.",
            ),
        ]

    def __str__(self):
        full = f"{self.first_name} {self.last_name}".strip()
        return f"{full} <{self.email}>" if full else self.email


class SolutionInterest(models.Model):
    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class BuyingGroup(models.Model):
    """The people of one account working on one solution interest."""

    class Stage(models.TextChoices):
        AWARENESS = "awareness", "Awareness"
        CONSIDERATION = "consideration", "Consideration"
        EVALUATION = "evaluation", "Evaluation"
        DECISION = "decision", "Decision"
        CUSTOMER = "customer", "Customer"

    account = models.ForeignKey(Account, models.CASCADE, related_name="buying_groups")
    solution_interest = models.ForeignKey(
        SolutionInterest, models.PROTECT, related_name="buying_groups"
    )
    stage = models.CharField(max_length=16, choices=Stage, default=Stage.AWARENESS)
    status = models.CharField(max_length=STATUS_MAX_LENGTH, blank=True)
    engagement_score = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(100)]
    )
    completeness_score = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(100)]
    )
    people = models.ManyToManyField(Person, through="BuyingGroupMember", related_name="+")

    class Meta:
        ordering = ["account", "solution_interest", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "solution_interest"],
                name="buying_group_one_per_interest",
                violation_error_message="This account already has a buying group for this "
                "solution interest.",
            ),
            models.CheckConstraint(
                condition=Q(engagement_score__lte=100, completeness_score__lte=100),
                name="buying_group_scores_at_most_100",
            ),
        ]

    def __str__(self):
        return f"{self.account} · {self.solution_interest}"


class BuyingGroupMember(models.Model):
    class Role(models.TextChoices):
        DECISION_MAKER = "decision_maker", "Decision maker"
        INFLUENCER = "influencer", "Influencer"
        CHAMPION = "champion", "Champion"
        USER = "user", "User"
        BLOCKER = "blocker", "Blocker"
        OTHER = "other", "Other"

    buying_group = models.ForeignKey(BuyingGroup, models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role, default=Role.INFLUENCER)

    class Meta:
        ordering = ["buying_group", "person"]
        constraints = [
            models.UniqueConstraint(
                fields=["buying_group", "person"], name="buying_group_member_once"
            ),
        ]

    def __str__(self):
        return f"{self.person} ({self.get_role_display()})"

    def clean(self):
        if (
            self.buying_group_id
            and self.person_id
            and self.person.account_id != self.buying_group.account_id
        ):
            raise ValidationError(
                {"person": "A member must be one of the buying group's account's people."}
            )


class SourceQuerySet(models.QuerySet):
    def search(self, text):
        return self.filter(name__icontains=text.strip()) if text and text.strip() else self


class AudienceSource(models.Model):
    """What an Account audience node can take its accounts from."""

    # The value the node keeps in Node.settings["source"].
    source_key = ""

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = SourceQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name

    def accounts(self):
        raise NotImplementedError

    def account_count(self):
        """How many accounts the source holds right now (one COUNT query)."""
        return self.accounts().count()

    def nodes_using(self):
        from journeys.models import Node

        return Node.objects.filter(
            kind="audience", settings__source=self.source_key, settings__source_id=self.pk
        )

    def live_journeys_using(self):
        """Journeys still taking accounts from this source: they must keep it."""
        from journeys.models import Journey, Status

        return Journey.objects.filter(
            status=Status.LIVE, pk__in=self.nodes_using().values("journey_id")
        ).order_by("name")

    def delete_refusal(self):
        """Why this source cannot be deleted now, or "" when it can."""
        names = [journey.name for journey in self.live_journeys_using()]
        if not names:
            return ""
        listed = ", ".join(f"“{name}”" for name in names)
        return (
            f"“{self.name}” cannot be deleted: the Live journey(s) {listed} take their "
            f"accounts from it. Close or abort them first."
        )

    def delete_source(self):
        """Delete, unless a Live journey uses it (SPEC §3): refused with GuardrailViolation."""
        from journeys.models import Journey

        with transaction.atomic():
            # Lock the journeys that use this source: a concurrent publish (which locks
            # its journey) either finishes first and is seen Live here, or waits and
            # then finds the source gone (a blocker error).
            list(Journey.objects.select_for_update().filter(
                pk__in=self.nodes_using().values("journey_id")
            ).values_list("pk", flat=True))
            refusal = self.delete_refusal()
            if refusal:
                raise GuardrailViolation(refusal)
            self.delete()


class AccountList(AudienceSource):
    """A named, static set of accounts."""

    source_key = "list"

    accounts_in = models.ManyToManyField(
        Account, related_name="lists", blank=True, verbose_name="accounts"
    )

    class Meta(AudienceSource.Meta):
        verbose_name = "account list"

    def accounts(self):
        return self.accounts_in.all()

    @classmethod
    def with_counts(cls):
        return cls.objects.annotate(account_total=Count("accounts_in"))


class AccountAudience(AudienceSource):
    """A named, dynamic set: the accounts that match its conditions right now."""

    source_key = "audience"

    # {"match": "all"|"any", "rows": [{"attribute", "operator", "value"}, ...]}
    conditions = models.JSONField(default=conditions.empty, blank=True)

    class Meta(AudienceSource.Meta):
        verbose_name = "account audience"

    def clean(self):
        try:
            parsed = conditions.ACCOUNT.parse(self.conditions, require_rows=True)
            self.conditions = parsed.as_json()
        except ValidationError as error:
            raise ValidationError({"conditions": error.messages}) from None

    def condition_set(self):
        return conditions.ACCOUNT.parse(self.conditions)

    def accounts(self):
        return self.condition_set().filter(Account.objects.all())


SOURCES = {model.source_key: model for model in (AccountList, AccountAudience)}
