"""nbgrader settings for an instructor's single-user server (the formgrader and the command line).

The course directory is the instructor's clone of the course repository, by default
~/rnns-for-nlp (COURSE_ROOT overrides it); its own nbgrader_config.py (solutions/ is the
source, chapters/ the release, timeouts) is loaded from there, so that the formgrader, which
starts in the home folder, grades exactly like `nbgrader` run inside the clone.
"""

import os

c = get_config()  # noqa: F821  (injected by traitlets)

root = os.path.abspath(os.path.expanduser(os.environ.get("COURSE_ROOT", "~/rnns-for-nlp")))
c.CourseDirectory.root = root
if os.path.isfile(os.path.join(root, "nbgrader_config.py")):
    load_subconfig(os.path.join(root, "nbgrader_config.py"))  # noqa: F821  (injected by traitlets)
