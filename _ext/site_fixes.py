"""Two fixes for the course's site, so that its pages log no error in the browser console.

* sphinx-thebe (loaded by Jupyter Book) registers its configuration script once per
  reading pass, and a page that has it twice fails with "Identifier 'THEBE_JS_URL' has
  already been declared": each page keeps one copy of every script.
* The theme starts in colour mode "" on a reader's first visit and logs "Got invalid theme
  mode"; the course's default is the light mode, which its figures are drawn for.
"""

from __future__ import annotations


def _dedupe_scripts(app, pagename, templatename, context, doctree) -> None:
    """Keep the first copy of every script of the page."""
    scripts, seen = [], set()
    for script in context.get("script_files", []):
        # The same file or inline body: the second copy names no file with '' instead of None.
        key = (str(getattr(script, "filename", script) or ""),
               tuple(sorted(getattr(script, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            scripts.append(script)
    context["script_files"] = scripts


def _light_by_default(app, config) -> None:
    """The theme's colour mode on a first visit (the reader's own choice is kept)."""
    config.html_context.setdefault("default_mode", "light")


def setup(app):
    """Register the two fixes."""
    app.connect("config-inited", _light_by_default)
    app.connect("html-page-context", _dedupe_scripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
