import json

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from journeys.errors import GuardrailViolation, JourneyError
from journeys.forms import (
    ActionForm,
    DuplicateDialogForm,
    PublishForm,
    ReentryForm,
    RenameForm,
    ScheduleForm,
)
from journeys.models import RIGHT_FOR_ACTION, Action, Journey, Status
from journeys.nodes import prepare_nodes
from journeys.roles import Right, can, require


def get_journey_for(request, pk, queryset=None):
    """The one way views load a journey: the user must be allowed to see journeys."""
    require(request.user, Right.VIEW)
    return get_object_or_404(queryset if queryset is not None else Journey.objects, pk=pk)


# Lifecycle actions without a form of their own: the model method is the whole rule.
# The editor's buttons post the journey's version; the journey list's buttons post none.
TRANSITIONS = {
    Action.PUBLISH: ("publish", "“{name}” is live."),
    Action.CLOSE: ("close_to_new_entries", "“{name}” is closed to new entries."),
    Action.ABORT: ("abort", "“{name}” was aborted."),
}


@require_POST
def journey_transition(request, pk, action):
    journey = get_journey_for(request, pk)
    action = Action(action)
    require(request.user, RIGHT_FOR_ACTION[action])
    if action == Action.PUBLISH and "start_mode" in request.POST:
        return publish_reviewed(request, journey)
    form = ActionForm(request.POST, journey=journey)
    if not form.is_valid():
        return bad_request(request, "This form is out of date: reload the page and try again.")
    journey.act(request.user, action, version=form.cleaned_data["version"])
    messages.success(request, TRANSITIONS[action][1].format(name=journey.name))
    return redirect(journey_url(journey))


@require_POST
def journey_delete(request, pk):
    journey = get_journey_for(request, pk)
    require(request.user, Right.DELETE)
    form = ActionForm(request.POST, journey=journey)
    if not form.is_valid():
        return bad_request(request, "This form is out of date: reload the page and try again.")
    journey.act(request.user, Action.DELETE, version=form.cleaned_data["version"])
    messages.success(request, f"“{journey.name}” was deleted.")
    return redirect("journeys:list")


@require_POST
def journey_duplicate(request, pk):
    journey = get_journey_for(request, pk)
    require(request.user, Right.DUPLICATE)
    form = DuplicateDialogForm(request.POST, journey=journey)
    if form.is_valid():
        try:
            copy = journey.act(
                request.user, Action.DUPLICATE, version=form.cleaned_data["version"],
                **{k: v for k, v in form.cleaned_data.items() if k != "version"},
            )
        except JourneyError as error:
            if error.status_code == 403:
                raise
            form.add_error("name" if error.status_code == 400 else None, error.message)
            return render_editor(request, journey, status=error.status_code,
                                 open_dialog="duplicate", forms={"duplicate": form})
        messages.success(
            request, f"“{copy.name}” was created as a copy of “{journey.name}”."
        )
        return redirect(journey_url(copy))
    return render_editor(request, journey, status=400, open_dialog="duplicate",
                         forms={"duplicate": form})


def journey_url(journey):
    return reverse("journeys:detail", args=[journey.pk])


# -- node settings: the editor's properties pane ------------------------------------


@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def journey_node(request, pk, node_pk):
    """A node's properties: its card summary and its type's settings form.

    GET shows the form (an htmx request gets the `properties` partial, or the partial
    its HX-Target names, e.g. the audience picker's results); POST saves through
    Node.update_settings and answers with the partial, or redirects without htmx.
    """
    journey = get_journey_for(request, pk)
    node = get_object_or_404(journey.nodes.select_related("path"), pk=node_pk)
    node_type = node.type
    frozen = journey.map_frozen_reason(request.user) if node_type.settings_form else ""
    form = None
    status = 200
    if node_type.settings_form is not None and not frozen:
        data = request.POST if request.method == "POST" else None
        form = node_type.settings_form(node, data, query=request.GET)
    if request.method == "POST":
        if form is None:
            raise GuardrailViolation(frozen or f"{node_type.label} nodes have no settings.")
        status = 400
        if form.is_valid():
            try:
                node.update_settings(
                    request.user, form.settings(), version=form.cleaned_data["version"]
                )
            except JourneyError as error:
                form.add_error(None, error.message)
                status = error.status_code
            else:
                if not request.htmx:
                    messages.success(request, f"{node_type.label} saved.")
                    return redirect(request.path)
                form = node_type.settings_form(node, query=request.GET)
                status = 200
    context = {"journey": journey, "node": node, "form": form, "frozen": frozen,
               "saved": status == 200 and request.method == "POST"}
    template = "journeys/node_properties.html"
    partial = node_type.settings_partials.get(request.htmx.target) if request.htmx else None
    if partial:
        template = f"{node_type.settings_template}#{partial}"
    elif request.htmx:
        template += "#properties"
    response = render(request, template, context, status=status)
    if request.method == "POST" and status == 200:
        # The editor refreshes the node's card and the journey's errors on this event.
        response["HX-Trigger"] = json.dumps({"nodeSettingsSaved": {"node": node.pk}})
    return response


# == The journey editor (issue 4) =========================================================
# One page per journey: a header (name, status, lifecycle actions and their dialogs, the
# errors panel), the map area and the properties pane, and the history. Its htmx targets
# are partials of journeys/journey_detail.html; everything also works as plain forms.

EDITOR = "journeys/journey_detail.html"
# The partials a GET of the editor answers with, by the id of the htmx target.
EDITOR_PARTIALS = {"journey-header": "header", "journey-map": "map", "journey-history": "history"}
HISTORY_LENGTH = 50


def bad_request(request, message):
    return render(
        request, "error.html", {"title": "That did not work", "message": message}, status=400
    )


def editor_forms(journey, user):
    """The dialogs this user may open on this journey now, each with its unbound form.

    Settings and Re-entry are offered to everyone (read-only without the right to edit);
    Publish only when there are no blocker errors.
    """
    forms = {}
    for action in journey.available_actions(user):
        if action == Action.DUPLICATE:
            forms["duplicate"] = DuplicateDialogForm(journey=journey, auto_id="duplicate_%s")
        elif action == Action.PUBLISH:
            forms["publish"] = PublishForm(journey=journey, auto_id="publish_%s")
        else:
            forms[action.value] = ActionForm(journey=journey, auto_id=f"{action.value}_%s")
    may_edit = can(user, Right.EDIT)
    settings_editable = journey.status in (Status.DRAFT, Status.LIVE, Status.CLOSED)
    forms["settings"] = (
        ScheduleForm(journey=journey, auto_id="settings_%s")
        if may_edit and settings_editable else None
    )
    if journey.status == Status.DRAFT:
        forms["reentry"] = ReentryForm(journey=journey, auto_id="reentry_%s") if may_edit else None
    return forms


def editor_context(request, journey, *, partial=None, open_dialog=None, forms=None,
                   publish_step="schedule", rename_form=None):
    context = {"journey": journey, "open_dialog": open_dialog, "publish_step": publish_step}
    if partial not in ("history", "map"):
        blockers = journey.blocker_errors() if journey.status == Status.DRAFT else []
        dialogs = editor_forms(journey, request.user)
        if blockers:
            dialogs.pop("publish", None)
        dialogs.update(forms or {})
        context.update(
            actions=journey.available_actions(request.user),
            may_edit=can(request.user, Right.EDIT),
            blockers=blockers,
            dialogs=dialogs,
            rename_form=rename_form,
        )
    if partial in (None, "history"):
        context["activities"] = journey.activities.select_related("actor")[:HISTORY_LENGTH]
    if partial in (None, "map"):
        context["nodes"] = prepare_nodes(list(journey.nodes.select_related("path").order_by(
            "path__split_id", "path__order", "path_id", "position"
        )))
    return context


def render_editor(request, journey, *, status=200, partial=None, **options):
    template = f"{EDITOR}#{partial}" if partial else EDITOR
    context = editor_context(request, journey, partial=partial, **options)
    return render(request, template, context, status=status)


def load_editor_journey(request, pk):
    return get_journey_for(
        request, pk, Journey.objects.select_related("created_by", "updated_by", "published_by")
    )


@vary_on_headers("HX-Request", "HX-Target")
def journey_detail(request, pk):
    journey = load_editor_journey(request, pk)
    if request.htmx:
        partial = EDITOR_PARTIALS.get(request.htmx.target)
        if partial is None:
            return bad_request(request, "The editor has no such part to refresh.")
        return render_editor(request, journey, partial=partial)
    open_dialog = request.GET.get("dialog")
    if open_dialog is not None:
        context = editor_context(request, journey, open_dialog=open_dialog)
        if open_dialog not in context["dialogs"]:
            return bad_request(request, f"There is no “{open_dialog}” dialog on this page now.")
        return render(request, EDITOR, context)
    return render_editor(request, journey)


def answer_with_error(request, journey, form, error, **options):
    """A refused save: the same form with the model's message, and the error's 4xx."""
    form.add_error(None, error.message)
    return render_editor(request, journey, status=error.status_code, **options)


@vary_on_headers("HX-Request")
def journey_rename(request, pk):
    """GET: the header with the name and description in a form; POST: save them."""
    journey = load_editor_journey(request, pk)
    require(request.user, Right.EDIT)
    partial = "header" if request.htmx else None
    if request.method != "POST":
        form = RenameForm(journey=journey, auto_id="rename_%s")
        return render_editor(request, journey, partial=partial, rename_form=form)
    form = RenameForm(request.POST, journey=journey, auto_id="rename_%s")
    if not form.is_valid():
        return render_editor(request, journey, status=400, partial=partial, rename_form=form)
    try:
        journey.edit(request.user, version=form.cleaned_data["version"], **form.changes())
    except JourneyError as error:
        if error.status_code == 403:
            raise
        return answer_with_error(request, journey, form, error, partial=partial,
                                 rename_form=form)
    if not request.htmx:
        messages.success(request, f"Saved “{journey.name}”.")
        return redirect(journey_url(journey))
    response = render_editor(request, journey, partial="header")
    response["HX-Trigger"] = "journey-changed"
    return response


def save_dialog(request, pk, *, dialog, form_class, right, save, done):
    """POST of a settings dialog: bind, call the model, redirect; or the dialog again."""
    journey = load_editor_journey(request, pk)
    require(request.user, right)
    form = form_class(request.POST, journey=journey, auto_id=f"{dialog}_%s")
    options = {"open_dialog": dialog, "forms": {dialog: form}}
    if not form.is_valid():
        return render_editor(request, journey, status=400, **options)
    try:
        save(journey, request.user, form)
    except JourneyError as error:
        if error.status_code == 403:
            raise
        return answer_with_error(request, journey, form, error, **options)
    messages.success(request, done)
    return redirect(journey_url(journey))


@require_POST
def journey_settings(request, pk):
    return save_dialog(
        request, pk, dialog="settings", form_class=ScheduleForm, right=Right.EDIT,
        save=lambda journey, user, form: journey.change_schedule(
            user, version=form.cleaned_data["version"], **form.changes()
        ),
        done="Journey settings saved.",
    )


@require_POST
def journey_reentry(request, pk):
    return save_dialog(
        request, pk, dialog="reentry", form_class=ReentryForm, right=Right.EDIT,
        save=lambda journey, user, form: journey.edit(
            user, version=form.cleaned_data["version"], **form.changes()
        ),
        done="Re-entry settings saved.",
    )


@require_POST
@vary_on_headers("HX-Request")
def journey_publish_review(request, pk):
    """The Next of the publish dialog: check the schedule as publishing will, save nothing."""
    journey = load_editor_journey(request, pk)
    require(request.user, Right.PUBLISH)
    form = PublishForm(request.POST, journey=journey, auto_id="publish_%s")
    partial = "publish-step" if request.htmx else None
    options = {"partial": partial, "open_dialog": "publish", "forms": {"publish": form}}
    if request.POST.get("step") == "back":
        return render_editor(request, journey, **options)
    if not form.is_valid():
        return render_editor(request, journey, status=400, **options)
    problems = journey.schedule_problems(**form.changes())
    for problem in problems:
        form.add_error(None, problem.message)
    if problems:
        return render_editor(request, journey, status=400, **options)
    return render_editor(request, journey, publish_step="confirm", **options)


def publish_reviewed(request, journey):
    """The final Publish of the review: save the reviewed schedule and publish, or neither."""
    form = PublishForm(request.POST, journey=journey, auto_id="publish_%s")
    options = {"open_dialog": "publish", "forms": {"publish": form}}
    if not form.is_valid():
        return render_editor(request, journey, status=400, **options)
    try:
        journey.publish_with_schedule(
            request.user, version=form.cleaned_data["version"], **form.changes()
        )
    except JourneyError as error:
        if error.status_code == 403:
            raise
        return answer_with_error(request, journey, form, error, **options)
    messages.success(request, TRANSITIONS[Action.PUBLISH][1].format(name=journey.name))
    return redirect(journey_url(journey))
