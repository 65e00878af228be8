"""gunicorn settings read from the working directory (``gunicorn ammed_fhir.wsgi``).

Only the access log's format lives here: the request's path without its query string
(``%(U)s``, not ``%(r)s``/``%(q)s``), and no Referer (``%(f)s``, which carries the previous
page's query string), so a FHIR search such as ``/fhir/Patient?identifier=<national ID>``
leaves no identifier in the log. Everything else is given on the command line (README,
"Deploying at scale"); ``--access-logfile -`` turns the access log on.

Each web worker warms the output monitor once it has loaded the application, as each Celery
pool child does (``clinical.monitor.warmup.warm_process``): otherwise the first message a
fresh worker checks (after every ``--max-requests`` restart too) pays for first-use loads
inside a check's time budget, and a check over budget holds a correct message.
"""

access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s"'


def post_worker_init(worker: object) -> None:
    from clinical.monitor.warmup import warm_process

    warm_process()
