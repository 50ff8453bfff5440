"""Restoring a backup: the upload, the job's page with its progress, and "try again".
Thin: scope to the owner, bind a form, call one service (restore_jobs)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from contacts.ownership import get_owned_or_404
from followups.middleware import SESSION_KEY as TIME_ZONE_SESSION_KEY

from . import restore_jobs
from .forms import RestoreForm
from .models import RestoreJob
from .restore import RestoreError

Status = RestoreJob.Status


def _owned_job(request: HttpRequest, pk: int) -> RestoreJob:
    return get_owned_or_404(restore_jobs.jobs_for(owner=request.user), request.user, pk=pk)


def _forget_time_zone(request: HttpRequest) -> None:
    request.session.pop(TIME_ZONE_SESSION_KEY, None)  # the restored preferences may move it


@require_POST
def restore(request: HttpRequest) -> HttpResponse:
    form = RestoreForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = restore_jobs.start_restore(owner=request.user, file_name=upload.name, raw=upload.read())
        except RestoreError as error:
            form.add_error("file", str(error))
        else:
            if job.status != Status.DONE:
                return redirect(job)  # restored by a task; its page shows how far it got
            _forget_time_zone(request)
            messages.success(request, f"Restored {restore_jobs.restored_summary(job.result)}.")
            return redirect("contacts:list")
    context = {"restore_form": form, "restore_jobs": restore_jobs.jobs_for(owner=request.user)[:5]}
    return render(request, "transfer/export.html", context, status=400)


def restore_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _owned_job(request, pk)
    if job.status == Status.DONE:
        _forget_time_zone(request)
    summary = restore_jobs.restored_summary(job.result) if job.result is not None else ""
    return render(request, "transfer/restore_detail.html", {"job": job, "summary": summary})


def restore_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar, polled by htmx; once the job has moved on, the page reloads itself."""
    job = _owned_job(request, pk)
    if not job.is_running or job.is_stale:
        if request.htmx:
            return HttpResponseClientRefresh()
        return redirect(job)
    return render(request, "transfer/includes/restore_progress.html", {"job": job})


@require_POST
def restore_retry(request: HttpRequest, pk: int) -> HttpResponse:
    job = _owned_job(request, pk)
    if not restore_jobs.retry_restore(job=job):
        messages.info(request, "This restore is already on its way.")
    return redirect(job)
