"""The PyTorch and Keras modules mirror each other, everything public is documented, and the base import is light."""

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
from course_utils.framework_api import FRAMEWORK_API

REPO = Path(__file__).resolve().parent.parent
MODULES = sorted(f"course_utils.{m.name}" for m in pkgutil.iter_modules(course_utils.__path__))


def test_module_list_is_complete():
    assert MODULES == [f"course_utils.{m}" for m in
                       ["checks", "data", "experiments", "framework_api", "keras", "plotting", "seed", "text",
                        "torch"]]


def test_torch_and_keras_export_the_same_names():
    assert ct.__all__ == ck.__all__ == list(FRAMEWORK_API)
    assert len(set(ct.__all__)) == len(ct.__all__)
    # Both modules define every shared name themselves and export nothing else that is public.
    for module in (ct, ck):
        public = {n for n, v in vars(module).items() if not n.startswith("_") and getattr(v, "__module__", None)
                  == module.__name__}
        assert public == set(FRAMEWORK_API), f"{module.__name__} defines {sorted(public ^ set(FRAMEWORK_API))}"


@pytest.mark.parametrize("module", [ct, ck], ids=["torch", "keras"])
def test_exported_names_exist_and_are_documented(module):
    for name in module.__all__:
        obj = getattr(module, name)
        assert (obj.__doc__ or "").strip(), f"{module.__name__}.{name} has no docstring"
        assert obj.__module__ == module.__name__, f"{name} should be defined in {module.__name__}"


@pytest.mark.parametrize("name", [n for n in ct.__all__ if inspect.isfunction(getattr(ct, n))])
def test_mirrored_functions_take_the_same_arguments(name):
    def params(func):
        return [(p.name, p.kind, p.default) for p in inspect.signature(func).parameters.values()]

    assert params(getattr(ct, name)) == params(getattr(ck, name))


def test_char_rnn_constructors_match():
    torch_params = list(inspect.signature(ct.CharRNN.__init__).parameters)
    keras_params = list(inspect.signature(ck.CharRNN.__init__).parameters)
    assert keras_params[:len(torch_params)] == torch_params == ["self", "vocab_size", "num_hiddens"]


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
    found = dict(_public_callables(module))
    constants = [n for n in vars(module) if n.isupper()]  # e.g. framework_api.FRAMEWORK_API
    assert found or constants, f"{module_name} defines nothing public"
    # __doc__ rather than inspect.getdoc, which would accept a docstring inherited from a base class
    undocumented = [name for name, obj in found.items() if not (getattr(obj, "__func__", obj).__doc__ or "").strip()]
    assert undocumented == [], f"{module_name}: no docstring for {undocumented}"


def test_import_course_utils_loads_no_framework():
    code = ("import json, sys, course_utils; "
            "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
            "{'torch', 'tensorflow', 'keras', 'matplotlib'})))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=REPO,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []
