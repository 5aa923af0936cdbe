"""Jupyter server settings every single-user server of the course's hub reads (students and instructors).

The hub puts this folder on JUPYTER_CONFIG_PATH (see deploy/jupyterhub_config.py); the
settings in jupyter_server_config.json beside this file are read as well.

labextensions/ holds the course's own JupyterLab extension, prebuilt (no Node.js needed):
rnns-for-nlp-feedback, which opens the feedback page when a student clicks "view feedback" in
nbgrader's Assignment List (docs/instructor/hub.md, "Feedback").
"""

import os

c = get_config()  # noqa: F821  (injected by traitlets)

# LabServerApp: JupyterLab (LabApp) and Notebook 7 (JupyterNotebookApp) alike.
c.LabServerApp.extra_labextensions_path = [os.path.join(os.path.dirname(os.path.abspath(__file__)), "labextensions")]
