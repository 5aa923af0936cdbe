"""Start an IPython kernel with resource limits: the command inside the grading sandbox.

``python -m course_grading.kernel -f CONNECTION_FILE`` sets the limits below on itself, then
runs ``ipykernel`` exactly as ``python -m ipykernel_launcher`` would.
"""

from __future__ import annotations

import resource
import sys

from course_grading.sandbox import MAX_FILE_BYTES


def limit_resources() -> None:
    """No core dumps; no file written larger than ``MAX_FILE_BYTES``."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (MAX_FILE_BYTES, MAX_FILE_BYTES))


def main() -> None:
    """Limit resources and launch the kernel with the command-line arguments given."""
    limit_resources()
    from ipykernel import kernelapp

    kernelapp.launch_new_instance(argv=sys.argv[1:])


if __name__ == "__main__":
    main()
