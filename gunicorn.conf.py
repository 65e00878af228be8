"""gunicorn settings read from the working directory (``gunicorn ammed_fhir.wsgi``).

Only the access log's format lives here: the request's path without its query string
(``%(U)s``, not ``%(r)s``/``%(q)s``), and no Referer (``%(f)s``, which carries the previous
page's query string), so a FHIR search such as ``/fhir/Patient?identifier=<national ID>``
leaves no identifier in the log. Everything else is given on the command line (README,
"Deploying at scale"); ``--access-logfile -`` turns the access log on.
"""

access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s"'
