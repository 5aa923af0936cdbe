"""nbgrader settings every single-user server of the course's hub reads (students and instructors).

The hub puts this folder on JUPYTER_CONFIG_PATH (see deploy/jupyterhub_config.py), so that
nbgrader's assignment list, formgrader and command line tools all find it.
"""

import os

c = get_config()  # noqa: F821  (injected by traitlets)

# One course on this hub; the same id as the repository's nbgrader_config.py.
c.CourseDirectory.course_id = "rnns-for-nlp"

# The exchange: instructors release into it and collect from it, students fetch from it and
# submit into it.
if os.environ.get("COURSE_NGSHARE_URL"):
    # Kubernetes (deploy/z2jh-values.yaml): no folder is shared between the pods, so the exchange
    # is the ngshare service of the hub, e.g. http://ngshare.NAMESPACE.svc.cluster.local:8080/services/ngshare
    from ngshare_exchange import configureExchange

    configureExchange(c, os.environ["COURSE_NGSHARE_URL"])
else:
    # One machine (deploy/jupyterhub_config.py): a shared folder, whose location the hub passes.
    # It must be readable and writable by every user (`chmod 1777`: world-writable with the
    # sticky bit, like /tmp).
    c.Exchange.root = os.environ.get("COURSE_EXCHANGE_ROOT", "/srv/nbgrader/exchange")

# A student's submissions are filed under their hub user name. nbgrader itself takes the Unix
# account's name (or JUPYTERHUB_USER when that account is "jovyan", as in Docker images): the same
# name with one Unix account per user, but not where every user shares one account (test mode).
if os.environ.get("COURSE_STUDENT_ID"):
    c.CourseDirectory.student_id = os.environ["COURSE_STUDENT_ID"]
