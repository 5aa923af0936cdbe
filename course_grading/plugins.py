"""nbgrader preprocessors the course's ``nbgrader_config.py`` plugs in.

* :class:`CappedExecute` runs the notebook like nbgrader's ``Execute`` but keeps at most
  ``max_chars`` characters of output per cell and ``max_total_chars`` in the whole notebook,
  counted as they arrive (updates of an earlier display too): a cell that prints 200 MB on
  one line (nbgrader's ``LimitOutput`` counts lines) or prints forever costs neither memory
  nor a 200 MB feedback file. It keeps only outputs that cannot run in a browser (text, PNG
  and JPEG images: no HTML, JavaScript, SVG or widget state), so that nothing a student's code
  displays runs in the feedback page or in formgrader.
* :class:`course_grading.execute.TrustedExecute` builds on it: the student's cells run in the
  kernel, the test cells in the grader.
* :class:`RedactHiddenTests` runs before ``generate_feedback`` writes the HTML: hidden-test
  blocks become one comment line, and errors in test cells keep their name and message but
  not the traceback, which quotes the failing line (nbgrader issue #917).
"""

from __future__ import annotations

import re
from typing import Any

from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import Execute, NbGraderPreprocessor
from traitlets import Integer, List, Unicode

HIDDEN = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS\n.*?^[ \t]*### END HIDDEN TESTS[ \t]*\n?", re.S | re.M)


#: The output types a cell may keep: none of them can run code in a browser.
SAFE_MIME = ("text/plain", "image/png", "image/jpeg")


def safe_data(content: dict) -> None:
    """Keep only the :data:`SAFE_MIME` representations of a display message's data, in place."""
    data = content.get("data")
    if isinstance(data, dict):
        content["data"] = {k: v for k, v in data.items() if k in SAFE_MIME} or {"text/plain": "(output not shown)"}
    content["metadata"] = {}


class CappedExecute(Execute):
    """nbgrader's Execute with a cap on the characters of output each cell, and the notebook, may keep."""

    max_chars = Integer(100_000, help="Characters of output kept per cell; the rest is dropped").tag(config=True)
    max_total_chars = Integer(2_000_000, help="Characters of output kept in the whole notebook").tag(config=True)
    notice = Unicode("\n... output truncated by the grader: more than {max_chars} characters ...\n").tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: Any = None, km: Any = None):
        """Execute the notebook with a fresh budget for every cell."""
        self._course_used: dict[int, int] = {}
        return super().preprocess(nb, resources, km)

    def _size(self, msg: dict) -> int:
        content = msg.get("content", {})
        return len(content.get("text", "")) if msg["msg_type"] == "stream" else \
            sum(len(str(v)) for v in content.get("data", {}).values()) + \
            sum(len(line) for line in content.get("traceback", []))

    def _spend(self, cell_index: int, size: int) -> bool:
        """Count ``size`` characters against the cell's and the notebook's budgets; False when over."""
        used = self._course_used
        if used.get(cell_index, 0) + size > self.max_chars or sum(used.values()) + size > self.max_total_chars:
            return False
        used[cell_index] = used.get(cell_index, 0) + size
        return True

    def handle_comm_msg(self, outs: list, msg: dict, cell_index: int) -> None:
        """Widgets' state is not kept: it would be rendered, and run, in the feedback page."""

    def set_widgets_metadata(self) -> None:
        """No widget state in the graded notebook (see :meth:`handle_comm_msg`)."""

    def _update_display_id(self, display_id: str, msg: dict) -> None:
        """An update of an earlier display: filtered and counted like a new output."""
        safe_data(msg.get("content", {}))
        cells = self._display_id_map.get(display_id, {})
        if all(self._spend(cell_index, self._size(msg)) for cell_index in cells):
            super()._update_display_id(display_id, msg)

    def output(self, outs: list, msg: dict, display_id: str | None, cell_index: int) -> NotebookNode | None:
        """Keep the message's output only while the cell and the notebook are under their budgets."""
        used = self._course_used
        content = msg.get("content", {})
        if msg["msg_type"] in ("display_data", "execute_result", "update_display_data"):
            safe_data(content)
        size = self._size(msg)
        spent = used.get(cell_index, 0)
        if self._spend(cell_index, size):
            return super().output(outs, msg, display_id, cell_index)
        if spent <= self.max_chars:  # first overflow: keep what fits, then say so once
            used[cell_index] = self.max_chars + 1
            room = self.max_chars - spent
            text = content.get("text", "")[:room] if msg["msg_type"] == "stream" else ""
            outs.append(NotebookNode(output_type="stream", name="stderr",
                                     text=text + self.notice.format(max_chars=self.max_chars)))
        return None


class RedactHiddenTests(NbGraderPreprocessor):
    """Strip hidden tests, and the tracebacks that quote them, from what students get back."""

    placeholder = Unicode("# (hidden tests: not shown)\n").tag(config=True)
    # nbconvert's HTML exporter configures NbConvertBase.display_data_priority for every preprocessor it
    # runs, and NbGraderPreprocessor redeclares that trait without config=True, so that
    # generate_feedback warned "Config option `display_data_priority` not recognized by
    # `RedactHiddenTests`". Declared configurable here, as nbgrader's own GetGrades does; unused.
    display_data_priority = List(["text/html", "application/pdf", "text/latex", "image/svg+xml", "image/png",
                                  "image/jpeg", "text/plain"]).tag(config=True)

    def preprocess_cell(self, cell: NotebookNode, resources: ResourcesDict, index: int):
        """Redact one cell: only grade cells that are not answers carry tests."""
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or meta.get("solution"):
            return cell, resources
        if not meta.get("grade"):
            return cell, resources
        cell.source = HIDDEN.sub(self.placeholder, cell.source)
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                out["traceback"] = [f"{out.get('ename', 'Error')}: {out.get('evalue', '')}"]
        return cell, resources
