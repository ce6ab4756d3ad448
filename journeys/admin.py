"""The Django admin for journeys. Every change goes through the model methods, so the
admin can never put a journey into a state that SPEC §2.1 forbids."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.text import Truncator

from journeys.errors import JourneyError
from journeys.models import Action, Journey, JourneyActivity, Node, Path
from journeys.roles import Right, can


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PathInline(ReadOnlyInline):
    model = Path
    fk_name = "journey"
    fields = ["label", "split", "order", "is_other", "conditions", "merge_into"]
    readonly_fields = fields


class NodeInline(ReadOnlyInline):
    model = Node
    fields = ["kind", "path", "position", "settings"]
    readonly_fields = fields


class ActivityInline(ReadOnlyInline):
    model = JourneyActivity
    fields = ["at", "actor", "verb", "details"]
    readonly_fields = fields
    ordering = ["-at", "-pk"]


class JourneyAdminForm(forms.ModelForm):
    class Meta:
        model = Journey
        fields = ["name", "description"]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and not self.errors:
            try:
                self.instance.validate_edit(self.changes())
            except JourneyError as error:
                raise ValidationError(error.message) from None
        return cleaned

    def changes(self):
        return {field: self.cleaned_data[field] for field in self.changed_data}


@admin.register(Journey)
class JourneyAdmin(admin.ModelAdmin):
    form = JourneyAdminForm
    list_display = [
        "name",
        "status",
        "short_description",
        "created_by",
        "created_at",
        "updated_at",
        "updated_by",
        "published_at",
        "published_by",
        "start_at",
        "end_at",
    ]
    list_select_related = ["created_by", "updated_by", "published_by"]
    list_filter = ["status", ("created_by", admin.RelatedOnlyFieldListFilter)]
    search_fields = [
        "name",
        "created_by__username",
        "created_by__first_name",
        "created_by__last_name",
    ]
    search_help_text = "Search by name or by the creator's user name or full name."
    ordering = ["-updated_at", "-pk"]
    actions = ["publish", "close_to_new_entries", "abort", "duplicate"]
    inlines = [PathInline, NodeInline, ActivityInline]
    audit_fields = [
        "status",
        "created_by",
        "created_at",
        "updated_by",
        "updated_at",
        "published_by",
        "published_at",
        "version",
    ]
    schedule_fields = [
        "start_mode",
        "start_at",
        "end_at",
        "reentry_enabled",
        "reentry_timing",
        "reentry_delay",
        "reentry_delay_unit",
        "reentry_limit",
    ]

    @admin.display(description="Description")
    def short_description(self, journey):
        return Truncator(journey.description).chars(80)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "description"]
        return ["name", "description", *self.schedule_fields, *self.audit_fields]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        editable = obj.editable_fields()
        return [
            field
            for field in ["name", "description", *self.schedule_fields]
            if field not in editable
        ] + self.audit_fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["fields"] = [
            field
            for field in self.get_fields(request, obj)
            if field not in self.get_readonly_fields(request, obj)
        ]
        return super().get_form(request, obj, change, **kwargs)

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def save_model(self, request, obj, form, change):
        try:
            if change:
                # The form already wrote its values onto obj; edit the stored row.
                Journey.objects.get(pk=obj.pk).edit(request.user, **form.changes())
            else:
                created = Journey.objects.create_journey(
                    request.user, obj.name, obj.description
                )
                obj.pk = created.pk
            obj.refresh_from_db()
        except JourneyError as error:
            self.message_user(request, error.message, messages.ERROR)

    def has_delete_permission(self, request, obj=None):
        allowed = can(request.user, Right.DELETE)
        if obj is not None:
            return allowed and obj.offers(Action.DELETE)
        return allowed

    def delete_model(self, request, obj):
        try:
            obj.delete_journey(request.user)
        except JourneyError as error:
            self.message_user(request, f"{obj}: {error.message}", messages.ERROR)

    def delete_queryset(self, request, queryset):
        for journey in queryset:
            self.delete_model(request, journey)

    def _apply(self, request, queryset, method, done):
        succeeded = 0
        for journey in queryset:
            try:
                getattr(journey, method)(request.user)
                succeeded += 1
            except JourneyError as error:
                self.message_user(request, f"{journey}: {error.message}", messages.ERROR)
        if succeeded:
            self.message_user(request, f"{done} {succeeded} journey(s).", messages.SUCCESS)

    def has_publish_permission(self, request):
        return can(request.user, Right.PUBLISH)

    def has_close_permission(self, request):
        return can(request.user, Right.CLOSE)

    def has_abort_permission(self, request):
        return can(request.user, Right.ABORT)

    def has_duplicate_permission(self, request):
        return can(request.user, Right.DUPLICATE)

    @admin.action(description="Publish selected journeys", permissions=["publish"])
    def publish(self, request, queryset):
        self._apply(request, queryset, "publish", "Published")

    @admin.action(description="Close selected journeys to new entries", permissions=["close"])
    def close_to_new_entries(self, request, queryset):
        self._apply(request, queryset, "close_to_new_entries", "Closed to new entries")

    @admin.action(description="Abort selected journeys", permissions=["abort"])
    def abort(self, request, queryset):
        self._apply(request, queryset, "abort", "Aborted")

    @admin.action(description="Duplicate selected journeys", permissions=["duplicate"])
    def duplicate(self, request, queryset):
        self._apply(request, queryset, "duplicate", "Duplicated")


@admin.register(JourneyActivity)
class JourneyActivityAdmin(admin.ModelAdmin):
    list_display = ["at", "journey_name", "verb", "actor"]
    list_select_related = ["actor"]
    list_filter = ["verb"]
    search_fields = ["journey_name", "actor__username"]
    readonly_fields = ["journey", "journey_name", "actor", "verb", "at", "details"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
