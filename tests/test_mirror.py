"""The PyTorch and Keras packages mirror each other topic by topic, everything public is documented,
no module is too long, and the base import is light."""

import importlib
import inspect
import json
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import course_utils
import course_utils.keras as ck
import course_utils.torch as ct
from course_utils.framework_api import ALL_NAMES, FRAMEWORK_API

REPO = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(course_utils.__file__).resolve().parent
MAX_LINES = 300  # six chapters must fit: split a module by topic before it grows past this
MODULES = sorted(m.name for m in pkgutil.walk_packages(course_utils.__path__, prefix="course_utils."))
TWINS = {"torch": ct, "keras": ck}


def _topics(package) -> set[str]:
    """The public topic modules of a framework package (private helpers such as ``_quiet`` excluded)."""
    return {m.name for m in pkgutil.iter_modules(package.__path__) if not m.name.startswith("_")}


def _defined_public_names(module) -> set[str]:
    """Public names whose object was defined in ``module`` itself (not imported into it)."""
    return {n for n, v in vars(module).items() if not n.startswith("_") and getattr(v, "__module__", None)
            == module.__name__}


def _params(func) -> list[tuple]:
    return [(p.name, p.kind, p.default) for p in inspect.signature(func).parameters.values()]


def test_discovery_finds_the_framework_topics():
    for twin in TWINS:
        for topic in FRAMEWORK_API:
            assert f"course_utils.{twin}.{topic}" in MODULES
    assert {"course_utils.checks", "course_utils.grading", "course_utils.plotting"} <= set(MODULES)


def test_framework_api_is_consistent():
    names = [n for names in FRAMEWORK_API.values() for n in names]
    assert len(names) == len(set(names)), "a name is listed under two topics"
    assert ALL_NAMES == tuple(sorted(names))
    for topic, topic_names in FRAMEWORK_API.items():
        assert list(topic_names) == sorted(topic_names), f"FRAMEWORK_API[{topic!r}] should be sorted"


@pytest.mark.parametrize("twin", sorted(TWINS))
def test_no_topic_module_on_one_side_only(twin):
    assert _topics(TWINS[twin]) == set(FRAMEWORK_API)


@pytest.mark.parametrize("topic", sorted(FRAMEWORK_API))
@pytest.mark.parametrize("twin", sorted(TWINS))
def test_topic_module_defines_exactly_its_names(twin, topic):
    assert (PACKAGE_DIR / twin / f"{topic}.py").is_file()
    module = importlib.import_module(f"course_utils.{twin}.{topic}")
    assert _defined_public_names(module) == set(FRAMEWORK_API[topic]), (
        f"{module.__name__} defines {sorted(_defined_public_names(module) ^ set(FRAMEWORK_API[topic]))} "
        f"beyond or instead of FRAMEWORK_API[{topic!r}]")


@pytest.mark.parametrize("twin", sorted(TWINS))
def test_package_reexports_every_name(twin):
    package = TWINS[twin]
    assert package.__all__ == list(ALL_NAMES)
    for topic, names in FRAMEWORK_API.items():
        module = importlib.import_module(f"course_utils.{twin}.{topic}")
        for name in names:
            assert getattr(package, name) is getattr(module, name), f"course_utils.{twin}.{name}"


@pytest.mark.parametrize("module", [ct, ck], ids=["torch", "keras"])
def test_exported_names_exist_and_are_documented(module):
    for name in module.__all__:
        obj = getattr(module, name)
        assert (obj.__doc__ or "").strip(), f"{module.__name__}.{name} has no docstring"
        assert obj.__module__.startswith(module.__name__ + "."), f"{name} should be defined in {module.__name__}"


@pytest.mark.parametrize("name", [n for n in ALL_NAMES if inspect.isfunction(getattr(ct, n))])
def test_mirrored_functions_take_the_same_arguments(name):
    assert _params(getattr(ct, name)) == _params(getattr(ck, name))


@pytest.mark.parametrize("name", [n for n in ALL_NAMES if inspect.isclass(getattr(ct, n))])
def test_mirrored_class_constructors_match(name):
    torch_params = _params(getattr(ct, name).__init__)
    keras_params = [p for p in _params(getattr(ck, name).__init__) if p[1] is not inspect.Parameter.VAR_KEYWORD]
    assert keras_params == torch_params  # Keras models also take **kwargs (name, dtype, ...)


def test_char_rnn_constructor_arguments():
    assert list(inspect.signature(ct.CharRNN.__init__).parameters) == ["self", "vocab_size", "num_hiddens"]


def test_package_all_is_importable():
    for name in course_utils.__all__:
        assert callable(getattr(course_utils, name)), name


def _public_callables(module):
    """Public functions and classes defined in ``module``, and the public methods of those classes."""
    for name, obj in vars(module).items():
        if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
            continue
        if inspect.isfunction(obj):
            yield name, obj
        elif inspect.isclass(obj):
            yield name, obj
            for attr, member in vars(obj).items():
                if not attr.startswith("_") and (inspect.isfunction(member) or isinstance(member, classmethod)):
                    yield f"{name}.{attr}", member


@pytest.mark.parametrize("module_name", MODULES)
def test_every_public_function_has_a_docstring(module_name):
    module = importlib.import_module(module_name)
    assert (module.__doc__ or "").strip(), f"{module_name} has no module docstring"
    if hasattr(module, "__path__"):  # a package: its __init__ only re-exports
        return
    found = dict(_public_callables(module))
    constants = [n for n in vars(module) if n.isupper()]  # e.g. framework_api.FRAMEWORK_API
    assert found or constants, f"{module_name} defines nothing public"
    # __doc__ rather than inspect.getdoc, which would accept a docstring inherited from a base class
    undocumented = [name for name, obj in found.items() if not (getattr(obj, "__func__", obj).__doc__ or "").strip()]
    assert undocumented == [], f"{module_name}: no docstring for {undocumented}"


@pytest.mark.parametrize("path", sorted(PACKAGE_DIR.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE_DIR)))
def test_no_module_is_too_long(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(REPO)} has {lines} lines (at most {MAX_LINES}): split it by topic"


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=REPO,
                          env={**os.environ, "PYTHONPATH": str(REPO)})


def test_import_course_utils_loads_no_framework():
    result = _run("import json, sys, course_utils; "
                  "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
                  "{'torch', 'tensorflow', 'keras', 'matplotlib'})))")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []


def test_import_course_utils_keras_prints_nothing():
    result = _run("import course_utils.keras as ckeras")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and result.stderr == ""
