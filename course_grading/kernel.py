"""Start an IPython kernel with resource limits: the command inside the grading sandbox.

``python -m course_grading.kernel -f CONNECTION_FILE`` sets hard limits on itself (every
process it starts inherits them), then runs ``ipykernel`` exactly as ``python -m
ipykernel_launcher`` would. The limits are :mod:`course_grading.limits`' constants; the
grader's watchdog adds the ones a process cannot set on itself (memory of the whole process
tree, number of processes and threads).
"""

from __future__ import annotations

import resource
import sys

from course_grading import limits


def limit_resources() -> None:
    """No core dumps, no file over ``MAX_FILE_BYTES``, at most ``DATA_BYTES`` of private memory per process."""
    for kind, value in [(resource.RLIMIT_CORE, 0), (resource.RLIMIT_FSIZE, limits.MAX_FILE_BYTES),
                        (resource.RLIMIT_DATA, limits.DATA_BYTES), (resource.RLIMIT_NOFILE, limits.MAX_OPEN_FILES)]:
        soft, hard = resource.getrlimit(kind)
        value = value if hard == resource.RLIM_INFINITY else min(value, hard)
        resource.setrlimit(kind, (value, value))


def main() -> None:
    """Limit resources and launch the kernel with the command-line arguments given."""
    limit_resources()
    from ipykernel import kernelapp

    kernelapp.launch_new_instance(argv=sys.argv[1:])


if __name__ == "__main__":
    main()
