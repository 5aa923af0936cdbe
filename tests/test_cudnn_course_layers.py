"""Every recurrent Keras layer the course builds keeps its cuDNN-eligible defaults (CONTRIBUTING, section 3).

* At run time: each Keras model of ``course_utils.keras`` is built and every recurrent layer
  in it checked with ``course_utils.keras.cudnn_eligible``.  ``SimpleRNN`` has no cuDNN kernel
  at all, so for it only the defaults are checked (tanh, no recurrent dropout, no unrolling,
  a bias).
* Statically: every code cell of every notebook under ``solutions/`` and every module of
  ``course_utils`` is parsed, and a call of ``LSTM(...)``, ``GRU(...)``, ``SimpleRNN(...)`` or
  ``Bidirectional(...)`` (bare, or as ``layers.LSTM``, ``keras.layers.LSTM``, ...) fails when it
  passes an argument that costs the cuDNN kernel: ``activation``/``recurrent_activation`` other
  than tanh/sigmoid, a non-zero ``recurrent_dropout``, ``unroll=True``, ``use_bias=False``,
  ``reset_after=False`` or ``use_cudnn=False``.  A value the scan cannot read (a variable,
  ``**kwargs``) fails too.  A chapter that shows what breaks eligibility marks the cell with
  the metadata ``"course": {"not_cudnn": "<reason>"}``; a marked cell must contain such a call.
  PyTorch's ``nn.LSTM(...)``/``torch.nn.GRU(...)`` are skipped: every one runs on cuDNN (a bare
  ``LSTM`` imported from ``torch.nn`` would be read as Keras').
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import keras
import nbformat
import numpy as np
import pytest
from keras import layers
from nbutils import ROOT, read, source_notebooks

import course_utils
import course_utils.keras as ck

LAYER_NAMES = ("LSTM", "GRU", "SimpleRNN", "Bidirectional")
#: Positional parameters of each layer, so that ``LSTM(32, "relu")`` is read as ``activation="relu"``.
POSITIONAL = {name: list(inspect.signature(getattr(layers, name)).parameters) for name in LAYER_NAMES}
MARK = "not_cudnn"
TORCH_ROOTS = {"nn", "torch"}  # nn.LSTM(...), torch.nn.GRU(...)


def _is_constant(node: ast.expr, *values) -> bool:
    return isinstance(node, ast.Constant) and any(type(node.value) is type(v) and node.value == v
                                                  for v in values)


def _is_function(node: ast.expr, name: str) -> bool:
    """``"tanh"`` or an attribute such as ``keras.activations.tanh``, ``ops.tanh``, ``tf.tanh``."""
    return _is_constant(node, name) or (isinstance(node, ast.Attribute) and node.attr == name)


#: Argument -> (what cuDNN needs, in words; a test of the argument's AST node).
CUDNN_ARGUMENTS = {
    "activation": ("tanh", lambda v: _is_function(v, "tanh")),
    "recurrent_activation": ("sigmoid", lambda v: _is_function(v, "sigmoid")),
    "recurrent_dropout": ("0", lambda v: _is_constant(v, 0, 0.0)),
    "unroll": ("False", lambda v: _is_constant(v, False)),
    "use_bias": ("True", lambda v: _is_constant(v, True)),
    "reset_after": ("True", lambda v: _is_constant(v, True)),
    "use_cudnn": ('"auto" or True', lambda v: _is_constant(v, "auto", True)),
}


def _layer_name(call: ast.Call) -> str | None:
    """``"LSTM"`` for ``LSTM(...)``, ``layers.LSTM(...)``, ``keras.layers.LSTM(...)``; None for ``nn.LSTM(...)``."""
    func = call.func
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
    root = func
    while isinstance(root, ast.Attribute):
        root = root.value
    if isinstance(root, ast.Name) and root.id in TORCH_ROOTS:
        return None  # PyTorch's layers take other arguments, and every one of them runs on cuDNN
    return name if name in LAYER_NAMES else None


def scan_source(source: str) -> list[str]:
    """Every argument of a recurrent-layer call in ``source`` that may cost the cuDNN kernel, in words.

    Each finding reads ``line 3: GRU(...) passes reset_after=False (cuDNN needs True)``.
    """
    findings = []
    calls = [node for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Call)]
    for call in sorted(calls, key=lambda node: (node.lineno, node.col_offset)):  # in reading order
        if (name := _layer_name(call)) is None:
            continue
        positional = POSITIONAL[name]
        arguments = [(keyword.arg, keyword.value) for keyword in call.keywords]  # arg None: **kwargs
        arguments += [(positional[i] if i < len(positional) and not isinstance(value, ast.Starred) else None, value)
                      for i, value in enumerate(call.args)]
        for arg, value in arguments:
            if arg is None:
                shown = ast.unparse(value) if isinstance(value, ast.Starred) or value in call.args else \
                    f"**{ast.unparse(value)}"
                findings.append(f"line {call.lineno}: {name}(...) passes {shown}, which the scan cannot check")
            elif arg in CUDNN_ARGUMENTS and not CUDNN_ARGUMENTS[arg][1](value):
                findings.append(f"line {call.lineno}: {name}(...) passes {arg}={ast.unparse(value)} "
                                f"(cuDNN needs {CUDNN_ARGUMENTS[arg][0]})")
    return findings


def _python_source(cell_source: str) -> tuple[str, list[str]]:
    """The cell with IPython magic and shell lines blanked, and a finding for each that names a layer."""
    lines, findings = [], []
    for number, line in enumerate(cell_source.splitlines(), start=1):
        if line.lstrip().startswith(("%", "!")):
            if any(name in line for name in LAYER_NAMES):
                findings.append(f"line {number}: an IPython magic or shell line names a recurrent layer, "
                                "which the scan cannot check")
            line = ""
        lines.append(line)
    return "\n".join(lines), findings


def scan_notebook(path: Path) -> list[str]:
    """The findings of :func:`scan_source` in every code cell of ``path``, prefixed with the cell index.

    A cell whose metadata has ``course.not_cudnn`` (a reason) is exempt, but must contain a
    finding; a cell that cannot be parsed is a finding.
    """
    where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    messages = []
    for index, cell in enumerate(read(path).cells):
        if cell.cell_type != "code":
            continue
        source, findings = _python_source(cell.source)
        try:
            findings += scan_source(source)
        except SyntaxError as err:
            findings.append(f"the cell cannot be parsed ({err.msg}, line {err.lineno})")
        mark = cell.metadata.get("course", {}).get(MARK)
        if mark is None:
            messages += [f"{where} cell {index}: {finding}" for finding in findings]
        elif not (isinstance(mark, str) and mark.strip()):
            messages.append(f"{where} cell {index}: course.{MARK} must give the reason, got {mark!r}")
        elif not findings:
            messages.append(f"{where} cell {index}: marked course.{MARK} but changes no cuDNN argument")
    return messages


# --- the scanner can fail ----------------------------------------------------------------

ELIGIBLE = """\
import keras
from keras import layers
lstm = layers.LSTM(32, return_sequences=True, dropout=0.2, go_backwards=True)
gru = keras.layers.GRU(8, "tanh", recurrent_activation=keras.activations.sigmoid)
both = layers.Bidirectional(LSTM(4, use_cudnn="auto", reset_after=True, recurrent_dropout=0.0))
rnn = SimpleRNN(16, use_bias=True, unroll=False)
torch_lstm = nn.LSTM(3, 4, bias=False, dropout=0.5, batch_first=True)
"""

FLAGGED = """\
x = layers.Bidirectional(keras.layers.LSTM(4, unroll=True))
y = GRU(4, "relu")
z = SimpleRNN(3, recurrent_dropout=rate)
w = layers.LSTM(4, **config)
"""


def test_scanner_passes_eligible_calls():
    assert scan_source(ELIGIBLE) == []


def test_scanner_flags_what_costs_cudnn():
    findings = scan_source(FLAGGED)
    assert findings == [
        "line 1: LSTM(...) passes unroll=True (cuDNN needs False)",
        "line 2: GRU(...) passes activation='relu' (cuDNN needs tanh)",
        "line 3: SimpleRNN(...) passes recurrent_dropout=rate (cuDNN needs 0)",
        "line 4: LSTM(...) passes **config, which the scan cannot check",
    ]


def test_scanner_on_a_notebook_honours_marks(tmp_path):
    new = nbformat.v4.new_code_cell
    notebook = nbformat.v4.new_notebook(cells=[
        new(ELIGIBLE),
        nbformat.v4.new_markdown_cell("`layers.LSTM(4, unroll=True)` in prose is not code"),
        new("slow = layers.GRU(4, reset_after=False)", metadata={"course": {MARK: "shows the slow path"}}),
        new("flagged = layers.LSTM(4, use_cudnn=False)"),
        new("fine = layers.LSTM(4)", metadata={"course": {MARK: "nothing to excuse"}}),
        new("slow = layers.GRU(4, unroll=True)", metadata={"course": {MARK: ""}}),
        new("%timeit layers.LSTM(4, unroll=True)(x)"),
    ])
    path = tmp_path / "synthetic.ipynb"
    nbformat.write(notebook, path)
    assert scan_notebook(path) == [
        f"{path} cell 3: line 1: LSTM(...) passes use_cudnn=False (cuDNN needs \"auto\" or True)",
        f"{path} cell 4: marked course.{MARK} but changes no cuDNN argument",
        f"{path} cell 5: course.{MARK} must give the reason, got ''",
        f"{path} cell 6: line 1: an IPython magic or shell line names a recurrent layer, which the scan cannot check",
    ]


# --- static: the chapters and course_utils -------------------------------------------------

NOTEBOOKS = source_notebooks()
MODULES = sorted(Path(course_utils.__file__).resolve().parent.rglob("*.py"))


def test_there_is_something_to_scan():
    assert NOTEBOOKS and MODULES


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.parent.name)
def test_notebook_recurrent_layers_keep_cudnn_defaults(notebook):
    findings = scan_notebook(notebook)
    assert findings == [], "\n".join(findings)


@pytest.mark.parametrize("module", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_course_utils_recurrent_layers_keep_cudnn_defaults(module):
    findings = scan_source(module.read_text(encoding="utf-8"))
    assert findings == [], "\n".join(f"{module.relative_to(ROOT)} {finding}" for finding in findings)


# --- runtime: the Keras models of course_utils ---------------------------------------------

#: Every Keras model course_utils.keras exports, and how to build a small one.
COURSE_MODELS = {
    "CharRNN": lambda: _built(ck.CharRNN(vocab_size=5, num_hiddens=8), np.zeros((2, 3), dtype=np.int64)),
    "CharLSTM": lambda: _built(ck.CharLSTM(vocab_size=5, num_hiddens=8), np.zeros((2, 3), dtype=np.int64)),
    "RecallClassifier": lambda: _built(ck.RecallClassifier("lstm", 5, 8, 3, forget_bias=1.0),
                                       np.zeros((2, 3), dtype=np.int64)),
}


def _built(model: keras.Model, X: np.ndarray) -> keras.Model:
    model(X)  # build every layer
    return model


def test_every_course_model_is_listed():
    exported = {name for name in ck.__all__
                if inspect.isclass(getattr(ck, name)) and issubclass(getattr(ck, name), keras.Model)}
    assert exported == set(COURSE_MODELS), "add a builder for each new Keras model to COURSE_MODELS"


@pytest.mark.parametrize("name", sorted(COURSE_MODELS))
def test_course_model_recurrent_layers(name):
    model = COURSE_MODELS[name]()
    # _flatten_layers is Keras' own walk over nested layers (Model.layers lists only the top level).
    recurrent = [layer for layer in model._flatten_layers(include_self=False)
                 if isinstance(layer, (layers.RNN, layers.Bidirectional))]
    assert recurrent, f"{name} has no recurrent layer"
    for layer in recurrent:
        if isinstance(layer, layers.SimpleRNN):  # no cuDNN kernel in Keras: not applicable, keep the defaults
            cell = layer.cell
            assert cell.activation is keras.activations.tanh, f"{layer.name}: activation"
            assert (cell.recurrent_dropout, layer.unroll, cell.use_bias) == (0, False, True), layer.name
        else:
            eligible, reasons = ck.cudnn_eligible(layer)
            assert eligible, f"{name}.{layer.name}: {reasons}"
