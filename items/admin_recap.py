"""The admin's "Import a Markdown recap" page: paste or upload, preview, confirm.

The preview and the confirmation both parse the submitted text again, so what is created is
exactly what was previewed and nothing is created from a recap with errors.
"""

import hashlib

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from items import services
from items.models import WeeklyIssue
from items.recap import RecapError, default_term_start, export_recap, parse_recap, recap_from_issues

MAX_UPLOAD_BYTES = 1_000_000


class RecapImportForm(forms.Form):
    text = forms.CharField(
        label="Recap",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 18, "cols": 100, "spellcheck": "false"}),
        help_text="Paste the week as you write it on the slides: “# ML Weekly (Oct. 9th, 2020)”, then "
        "“1. **(Vision)** Title”, with optional indented lines for its link, “Source:”, “Tags: a, b”, "
        "“Summary:” and pictures (“![what it shows](address)”), then its excerpt. "
        "“Download as Markdown” on an issue writes every field this way.",
    )
    file = forms.FileField(required=False, label="Or upload a Markdown file")
    year = forms.IntegerField(
        required=False,
        min_value=1990,
        max_value=2100,
        help_text="Leave empty to take the year from the current term (a January date after a fall "
        "term is next year).",
    )
    update_existing = forms.BooleanField(
        required=False, label="Update weeks and insights already on the board (rewrites their items)"
    )
    confirm_new_categories = forms.BooleanField(required=False, label="Create the new categories listed")
    previewed = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload:
            if upload.size > MAX_UPLOAD_BYTES:
                raise ValidationError("The file is larger than 1 MB; is it really a recap?")
            try:
                data["text"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError as error:
                raise ValidationError(
                    "The file is not UTF-8 text. Save it as plain text and try again."
                ) from error
        if not (data.get("text") or "").strip():
            raise ValidationError("Paste a recap or choose a file.")
        # Browsers send a textarea with CRLF; the previewed file may have had LF.
        data["text"] = data["text"].replace("\r\n", "\n")
        return data


def import_recap_view(model_admin, request):
    """Template: ``admin/items/weeklyissue/import_recap.html``. Context: ``form``, ``recap``,
    ``plan``, ``problems``, plus the admin's own context."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    form = RecapImportForm(request.POST or None, request.FILES or None)
    recap = plan = None
    problems = []
    if request.method == "POST" and form.is_valid():
        year = form.cleaned_data["year"]
        try:
            recap = parse_recap(form.cleaned_data["text"], year=year, term_start=default_term_start())
        except RecapError as error:
            problems = list(error)
        if recap is not None:
            plan = services.recap_plan(recap)
            digest = preview_digest(form.cleaned_data)
            if "confirm" in request.POST:
                if form.cleaned_data["previewed"] != digest:
                    messages.warning(
                        request, "The recap changed since the preview: check this preview, then confirm."
                    )
                elif confirm_import(request, form, recap, plan):
                    return redirect(reverse("admin:items_weeklyissue_changelist"))
            # The preview carries the text on, so an uploaded file need not be sent again.
            form = RecapImportForm(initial={**form.cleaned_data, "file": None, "previewed": digest})
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": "Import a Markdown recap",
        "form": form,
        "recap": recap,
        "plan": plan,
        "problems": problems,
    }
    return TemplateResponse(request, "admin/items/weeklyissue/import_recap.html", context)


def preview_digest(data):
    """Ties a confirmation to the text and year that were previewed."""
    return hashlib.sha256(f"{data['year']}\n{data['text']}".encode()).hexdigest()


def confirm_import(request, form, recap, plan):
    """Import when the instructor agreed to everything the preview asked; report what happened."""
    if plan.new_categories and not form.cleaned_data["confirm_new_categories"]:
        messages.error(
            request, "Tick “Create the new categories listed” to import a recap with new categories."
        )
        return False
    try:
        counts = services.recap_import(recap, update_existing=form.cleaned_data["update_existing"])
    except services.RecapConflict as error:
        messages.error(request, f"{error} Tick “Update weeks …” to rewrite them.")
        return False
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
        return False
    issues = WeeklyIssue.objects.filter(issue_date__in=[issue.date for issue in recap.issues])
    links = format_html_join(
        ", ",
        '<a href="{}">{}</a>',
        (
            (reverse("admin:items_weeklyissue_change", args=[issue.pk]), issue)
            for issue in issues.order_by("issue_date")
        ),
    )
    messages.success(
        request,
        format_html(
            "Imported {} new draft issue(s), updated {}, {} item(s), {} new categories, {} insight(s): {}.",
            counts["issues"],
            counts["issues_updated"],
            counts["items"],
            counts["categories"],
            counts["insights"],
            links,
        ),
    )
    return True


def markdown_response(issues, filename):
    """The issues as a Markdown recap download (staff only: drafts included)."""
    response = HttpResponse(
        export_recap(recap_from_issues(issues)), content_type="text/markdown; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
