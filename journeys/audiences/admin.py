"""The Django admin for audience data: where admins manage accounts, people, buying
groups, account lists and audiences, and import CSV files."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from journeys.audiences import conditions
from journeys.audiences.csv_import import IMPORTERS, ImportFileError
from journeys.audiences.forms import ConditionsField
from journeys.audiences.models import (
    Account,
    AccountAudience,
    AccountList,
    BuyingGroup,
    BuyingGroupMember,
    Person,
    SolutionInterest,
)


class CsvImportForm(forms.Form):
    file = forms.FileField(label="CSV file", help_text="UTF-8; the first row names the columns.")


class CsvImportMixin:
    """An “Import CSV” page beside the change list (the object tools link to it)."""

    import_kind = ""
    change_list_template = "admin/audiences/change_list_with_import.html"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path("import/", self.admin_site.admin_view(self.import_csv_view),
                 name="%s_%s_import" % info),
            *super().get_urls(),
        ]

    def import_csv_view(self, request):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        form = CsvImportForm(request.POST or None, request.FILES or None)
        result = None
        status = 200
        if request.method == "POST" and form.is_valid():
            try:
                # Streamed from the upload (a temporary file when large), batch by batch.
                result = IMPORTERS[self.import_kind]().run_file(form.cleaned_data["file"].file)
            except ImportFileError as error:
                form.add_error("file", str(error))
            else:
                level = messages.WARNING if result.error_count else messages.SUCCESS
                self.message_user(request, f"Import: {result.summary()}.", level)
                if not result.error_count:
                    return redirect(reverse(
                        f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"
                    ))
        if form.errors:
            status = 400
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Import {self.opts.verbose_name_plural} from CSV",
            "form": form,
            "result": result,
            "columns": IMPORTERS[self.import_kind].fields,
        }
        return TemplateResponse(request, "admin/audiences/import_csv.html", context,
                                status=status)


class SourceDeleteGuard:
    """Refuse deleting a list or audience a Live journey takes its accounts from, with
    the model's own message (AudienceSource.delete_refusal), in the one-object delete
    page and in the bulk “delete selected” action alike."""

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        refusals = [source.delete_refusal() for source in objs]
        return deleted, counts, perms_needed, [*protected, *filter(None, refusals)]

    def delete_model(self, request, obj):
        obj.delete_source()

    def delete_queryset(self, request, queryset):
        for source in queryset:
            source.delete_source()


class PersonInline(admin.TabularInline):
    model = Person
    fields = ["first_name", "last_name", "email", "job_title", "score"]
    extra = 0
    show_change_link = True


class BuyingGroupInline(admin.TabularInline):
    model = BuyingGroup
    fields = ["solution_interest", "stage", "status", "engagement_score",
              "completeness_score"]
    extra = 0
    show_change_link = True


@admin.register(Account)
class AccountAdmin(CsvImportMixin, admin.ModelAdmin):
    import_kind = "accounts"
    list_display = ["name", "industry", "country", "state", "city", "employee_size",
                    "annual_revenue", "sic_code"]
    list_filter = ["industry", "country"]
    search_fields = ["name", "city", "sic_code"]
    search_help_text = "Search by name, city or SIC code."
    fields = ["name", "industry", "country", "state", "city", "employee_size",
              "annual_revenue", "sic_code", "custom"]
    inlines = [BuyingGroupInline, PersonInline]
    show_full_result_count = False


@admin.register(Person)
class PersonAdmin(CsvImportMixin, admin.ModelAdmin):
    import_kind = "people"
    list_display = ["email", "first_name", "last_name", "account", "job_title", "country",
                    "score"]
    list_select_related = ["account"]
    list_filter = ["country"]
    search_fields = ["email", "first_name", "last_name", "account__name"]
    search_help_text = "Search by email, name or account name."
    autocomplete_fields = ["account"]
    fields = ["account", "first_name", "last_name", "email", "phone", "job_title",
              "country", "score", "custom"]
    show_full_result_count = False


@admin.register(SolutionInterest)
class SolutionInterestAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]


class MemberInline(admin.TabularInline):
    model = BuyingGroupMember
    fields = ["person", "role"]
    autocomplete_fields = ["person"]
    extra = 0


@admin.register(BuyingGroup)
class BuyingGroupAdmin(admin.ModelAdmin):
    list_display = ["account", "solution_interest", "stage", "status", "engagement_score",
                    "completeness_score"]
    list_select_related = ["account", "solution_interest"]
    list_filter = ["stage", "solution_interest"]
    search_fields = ["account__name", "solution_interest__name", "status"]
    search_help_text = "Search by account, solution interest or status."
    autocomplete_fields = ["account"]
    fields = ["account", "solution_interest", "stage", "status", "engagement_score",
              "completeness_score"]
    inlines = [MemberInline]


@admin.register(AccountList)
class AccountListAdmin(SourceDeleteGuard, admin.ModelAdmin):
    list_display = ["name", "account_count", "created_at"]
    search_fields = ["name"]
    fields = ["name", "description", "accounts_in"]
    # A searchable picker: there can be far too many accounts for a select.
    autocomplete_fields = ["accounts_in"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(account_total=Count("accounts_in"))

    @admin.display(description="Accounts", ordering="account_total")
    def account_count(self, account_list):
        return account_list.account_total


class AudienceForm(forms.ModelForm):
    conditions = ConditionsField(schema=conditions.ACCOUNT)

    class Meta:
        model = AccountAudience
        fields = ["name", "description", "conditions"]


@admin.register(AccountAudience)
class AccountAudienceAdmin(SourceDeleteGuard, admin.ModelAdmin):
    form = AudienceForm
    list_display = ["name", "conditions_text", "account_count", "created_at"]
    search_fields = ["name"]
    readonly_fields = ["account_count"]
    fields = ["name", "description", "conditions", "account_count"]

    @admin.display(description="Conditions")
    def conditions_text(self, audience):
        try:
            return audience.condition_set().describe()
        except ValidationError:  # a stored set that no longer parses shows as such
            return "(invalid conditions)"

    def response_add(self, request, obj, post_url_continue=None):
        response = super().response_add(request, obj, post_url_continue)
        self._message_count(request, obj)
        return response

    def response_change(self, request, obj):
        response = super().response_change(request, obj)
        self._message_count(request, obj)
        return response

    def _message_count(self, request, audience):
        # After a save, the count of the conditions just saved (the admin's next page
        # may be the change list, which does not show it).
        count = audience.account_count()
        self.message_user(
            request, f"“{audience.name}” matches {count} account{'s' if count != 1 else ''} "
            "right now."
        )

    @admin.display(description="Accounts right now")
    def account_count(self, audience):
        if audience.pk is None:
            return "—"
        try:
            return audience.account_count()
        except ValidationError:  # stored before a rule tightened: the builder says why
            return "(invalid conditions)"
