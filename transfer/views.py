"""Import and export pages. Thin: scope to the owner, bind a form, call one service."""

from __future__ import annotations

import csv
import io
import itertools

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from contacts.importing import ImportFileError, decode_upload
from contacts.importing.formats import find_header
from contacts.importing.plan import ACTIONS, LEFT_OUT
from contacts.models import ImportJob
from contacts.ownership import get_owned_or_404

from . import restore_jobs, services
from .backup import backup_json
from .exports import contacts_csv, contacts_vcard
from .forms import ConfirmForm, MappingForm, RestoreForm, UploadForm

PREVIEW_ROWS_PER_PAGE = 100
Status = ImportJob.Status


def import_start(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = services.start_import(
                owner=request.user,
                file_name=upload.name,
                raw=upload.read(),
                file_format=form.cleaned_data["file_format"],
            )
        except ImportFileError as error:
            form.add_error("file", str(error))
        else:
            if job.status == Status.FAILED:  # kept, retryable: the broker did not take it
                messages.error(request, job.error)
            if job.status == Status.NEEDS_MAPPING:
                return redirect("transfer:import_mapping", pk=job.pk)
            return redirect(job)
    jobs = services.jobs_for(owner=request.user)[:20]
    status = 400 if form.is_bound else 200
    return render(request, "transfer/import_start.html", {"form": form, "jobs": jobs}, status=status)


def _owned_job(request, pk, *, light=True):
    queryset = ImportJob.objects.defer("source_bytes", "parsed_rows") if light else ImportJob.objects.all()
    return get_owned_or_404(queryset, request.user, pk=pk)


def import_mapping(request, pk):
    job = _owned_job(request, pk, light=False)
    if job.status != Status.NEEDS_MAPPING:
        return redirect(job)
    text, _encoding = decode_upload(bytes(job.source_bytes))
    header = find_header(text)
    try:
        reader = csv.reader(io.StringIO(text[header.offset :], newline=""), delimiter=header.delimiter)
        samples = list(itertools.islice(reader, 1, 4))
    except csv.Error:
        samples = []
    form = MappingForm(request.POST or None, headers=job.headers, initial_mapping=job.column_mapping, samples=samples)
    if request.method == "POST" and form.is_valid():
        services.save_mapping(job=job, column_mapping=form.cleaned_data["column_mapping"])
        return redirect(job)
    status = 400 if form.is_bound else 200
    return render(request, "transfer/import_mapping.html", {"job": job, "form": form}, status=status)


def import_detail(request, pk):
    job = _owned_job(request, pk)
    if services.is_stale(job):  # its worker died: say so now rather than at the reaper's next run
        services.fail_if_stalled(job=job)
    if job.status == Status.NEEDS_MAPPING:
        return redirect("transfer:import_mapping", pk=job.pk)
    context = {"job": job, "actions": ACTIONS, "stale": services.is_stale(job)}
    if job.status == Status.PREVIEWED:
        context["confirm_form"] = ConfirmForm(owner=request.user)
    if job.preview:
        context.update(_preview_page(request, job))
    return render(request, "transfer/import_detail.html", context)


def _preview_page(request, job: ImportJob) -> dict:
    show = request.GET.get("show", "")
    entries = job.preview["entries"]
    if show in ACTIONS:
        entries = [entry for entry in entries if entry["action"] == show]
    elif show == LEFT_OUT:
        entries = [entry for entry in entries if entry.get("left_out") or entry.get("flags")]
    page = Paginator(entries, PREVIEW_ROWS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    counts = job.preview["counts"]
    left_out = job.preview.get("left_out") or {}  # previews stored before this summary have none
    tabs = [("", "All rows", sum(counts.values()))]
    tabs += [(action, label, counts[action]) for action, label in ACTIONS.items() if counts.get(action)]
    if left_out.get("rows_to_check"):
        tabs.append((LEFT_OUT, "Left out or guessed", left_out["rows_to_check"]))
    return {
        "counts": counts,
        "left_out": left_out,
        "tabs": tabs,
        "page": page,
        "show": show,
        "query_without_page": query.urlencode(),
    }


def import_progress(request, pk):
    """The progress bar, polled by htmx; once the job has moved on, the page reloads itself."""
    job = _owned_job(request, pk)
    if not job.is_running:
        if request.htmx:
            return HttpResponseClientRefresh()
        return redirect(job)
    return render(request, "transfer/includes/progress.html", {"job": job})


@require_POST
def import_confirm(request, pk):
    job = _owned_job(request, pk)
    form = ConfirmForm(request.POST, owner=request.user)
    if job.status != Status.PREVIEWED:
        messages.info(request, "This import has already been confirmed.")
        return redirect(job)
    if not form.is_valid():
        context = {"job": job, "actions": ACTIONS, "confirm_form": form, **_preview_page(request, job)}
        return render(request, "transfer/import_detail.html", context, status=400)
    services.confirm_import(
        job=job,
        classification=form.cleaned_data["classification"],
        tag_names=form.cleaned_data["tags"],
        update_matches=form.cleaned_data["update_matches"],
    )
    return redirect(job)


@require_POST
def import_retry(request, pk):
    job = _owned_job(request, pk)
    if not services.retry_import(job=job):
        messages.info(request, "This import is not waiting to be tried again.")
    elif job.status == Status.FAILED:
        messages.error(request, job.error)
    return redirect(job)


@require_POST
def import_discard(request, pk):
    job = _owned_job(request, pk)
    if services.discard_import(job=job):
        messages.success(request, f"Removed the import of {job.original_name}.")
    else:
        messages.error(request, "This import is running; it can be removed once it has finished.")
    return redirect("transfer:import_start")


def export_page(request):
    context = {"restore_form": RestoreForm(), "restore_jobs": restore_jobs.jobs_for(owner=request.user)[:5]}
    return render(request, "transfer/export.html", context)


def _attachment(content: str, *, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="netcrm-{name}-{timezone.localdate():%Y-%m-%d}"'
    return response


def export_csv(request):
    return _attachment(contacts_csv(owner=request.user), content_type="text/csv; charset=utf-8", name="contacts.csv")


def export_vcard(request):
    return _attachment(
        contacts_vcard(owner=request.user), content_type="text/vcard; charset=utf-8", name="contacts.vcf"
    )


def export_backup(request):
    return _attachment(backup_json(owner=request.user), content_type="application/json", name="backup.json")
