"""Exercise contracts: what every call of a student's function must respect, checked in one place.

Every visible test calls the student's function through :func:`checked`::

    step = checked(rnn_step, "rnn_step", returns=tensor_spec(dtype="float32"), grads=["X_t", "H_prev"])
    H_t = step(X_t, H_prev, W_xh, W_hh, b_h)

and each call then fails, with a message that names the function and the argument, when

* it changed an argument in place (a tensor, an array, a list, a dict, a PyTorch module's or
  Keras layer's weights, a parameter's ``requires_grad``, a module's or submodule's
  training/eval mode, a Keras layer's ``trainable``), unless the argument is listed in
  ``changes`` (or, for the mode alone, in ``modes``): the caller's data must come back as it
  went in (the exercise that carries a state between chunks, the vocabulary built from a
  corpus the chapter reads again, a layer that must go on training). A call that raises is
  checked too: what it wrote before raising stays in the caller's arguments;
* it returned one of its arguments itself where a new object is expected (``fresh=True``);
* the result is not of the type the prompt states (``returns``, see :func:`tensor_spec`);
* no gradient reaches an argument or a module's parameters that the output depends on
  (``grads``): a step computed under ``torch.no_grad()``, through NumPy or ``.item()``.

Framework-free: PyTorch, TensorFlow and Keras objects are recognised by duck typing, and no
framework is imported here (the arguments' snapshots are :mod:`course_utils.contract_state`'s).
When the function is the grader's proxy for the student's function (at grading time), the same
checks run on the grader's own arguments, which take the state the call left in the kernel.
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from course_utils.contract_state import change, fix_for, is_plain, is_torch_module, snapshot
from course_utils.contract_types import ListOf, Tensor, dtype_name, library_of, list_of, tensor_spec, type_error

__all__ = ["ListOf", "Tensor", "checked", "dtype_name", "list_of", "tensor_spec"]


def _argument_names(func: Callable[..., Any], args: tuple, kwargs: dict) -> list[tuple[str, Any]]:
    """(name, value) for every argument of the call, by the function's signature where it has one."""
    try:
        bound = inspect.signature(func).bind(*args, **kwargs)
        return list(bound.arguments.items())
    except Exception:  # noqa: BLE001 - no signature (the grader's proxy), or arguments that do not bind
        return [(f"argument {i + 1}", a) for i, a in enumerate(args)] + list(kwargs.items())


def _tensors_in(value: Any, where: str = "result") -> list[tuple[str, Any]]:
    """(where, tensor) for every PyTorch tensor in a result: ``result``, ``result[1]``, ``result['loss']``."""
    if library_of(value) == "torch":
        return [(where, value)]
    if isinstance(value, (tuple, list)):
        return [t for i, item in enumerate(value) for t in _tensors_in(item, f"{where}[{i}]")]
    if isinstance(value, Mapping):
        return [t for key, item in value.items() for t in _tensors_in(item, f"{where}[{key!r}]")]
    return []


def _check_grads(func: Callable[..., Any], name: str, args: tuple, kwargs: dict, grads: Sequence[str]) -> None:
    """Call again on copies whose named tensors require gradients; every named input must get one."""
    names = [n for n, _ in _argument_names(func, args, kwargs)]
    positional = list(args)
    keywords = dict(kwargs)
    leaves: dict[str, Any] = {}
    for i, value in enumerate(positional):
        if i < len(names) and names[i] in grads:
            positional[i] = leaves[names[i]] = _leaf(value)
    for key in keywords:
        if key in grads:
            keywords[key] = leaves[key] = _leaf(keywords[key])
    result = func(*positional, **keywords)
    found = [(where, t) for where, t in _tensors_in(result) if t.is_floating_point()]
    outputs = [t for _, t in found]
    dead = [where for where, t in found if not t.requires_grad]
    if found and any(t.requires_grad for t in outputs) and dead:
        raise AssertionError(f"{name}'s {dead[0]} carries no gradient while the rest of the result does: "
                             "compute it with PyTorch operations from the inputs (no torch.no_grad(), "
                             ".detach(), .item() or NumPy on the way)")
    if not outputs or not any(t.requires_grad for t in outputs):
        raise AssertionError(f"{name}'s result carries no gradient: it was computed without autograd "
                             "(under torch.no_grad(), with .detach(), .item(), .numpy() or a new tensor "
                             "built from numbers); training needs the gradient to reach the inputs")
    total = None
    for out in outputs:
        if out.requires_grad:
            weight = _weights_like(out)  # fixed, uneven weights: a sum of softmax outputs would be constant
            term = (out * weight).sum()
            total = term if total is None else total + term
    modules = {n: v for n, v in leaves.items() if is_torch_module(v)}
    for module in modules.values():
        module.zero_grad(set_to_none=True)
    total.backward()
    for arg, leaf in leaves.items():
        if arg in modules:
            dead = [p for p, param in leaf.named_parameters() if param.requires_grad and param.grad is None]
            if dead:
                raise AssertionError(f"no gradient reaches {arg}'s parameters {dead[:4]} through {name}: "
                                     "the result must be computed from them with autograd")
        elif getattr(leaf, "grad", None) is None or not bool(leaf.grad.abs().sum() > 0):
            raise AssertionError(f"no gradient reaches {arg} through {name}'s result: the result must be "
                                 f"computed from {arg} with PyTorch operations (is {arg} used at all? no "
                                 "torch.no_grad(), .detach(), .item() or NumPy on the way)")


def _leaf(value: Any) -> Any:
    if is_torch_module(value):
        return copy.deepcopy(value)
    return value.detach().clone().requires_grad_(True)


def _weights_like(out: Any) -> Any:
    flat = np.cos(np.arange(out.numel()) * 1.7 + 0.3) + 1.5  # positive, uneven, deterministic
    import torch  # only reached with a PyTorch result

    return torch.as_tensor(flat, dtype=out.dtype, device=out.device).reshape(out.shape)


# ---- the wrapper -----------------------------------------------------------------------------


def checked(func: Callable[..., Any], name: str | None = None, *, returns: Any = None, fresh: bool = True,
            changes: Sequence[str] = (), modes: Sequence[str] = (), grads: Sequence[str] = ()) -> Callable[..., Any]:
    """Wrap the student's ``func`` so that every call checks the exercise's contract.

    Args:
        func: the student's function.
        name: how messages call it (default: its ``__name__``).
        returns: the type of the result: a type (``int`` is a Python int, not a NumPy integer,
            float or bool; ``float`` a Python or NumPy float), a :func:`tensor_spec` spec, a tuple of
            alternatives, a list of specs (a tuple of results, item by item), a dict of specs (a dict
            with these keys) or a :func:`list_of` spec (a list of any length).
        fresh: the result (or an item of a tuple result) must not be one of the arguments itself.
        changes: the arguments the function is meant to change (a layer it loads weights into).
        modes: PyTorch modules the function may switch to training or eval mode, and nothing else
            (a sampler that calls ``model.eval()``); their weights and ``requires_grad`` stay checked.
        grads: the arguments (tensors or PyTorch modules) the gradient of the result must reach;
            checked by a second call on copies that require gradients.
    """
    label = name if isinstance(name, str) else getattr(func, "__name__", None)
    label = label if isinstance(label, str) else "the function"

    def unchanged(before: list, raised: BaseException | None = None) -> None:
        for arg, value, saved in before:
            if (why := change(saved, value)) is not None:
                how = f" before raising {type(raised).__name__}" if raised is not None else ""
                raise AssertionError(f"{label} changed its argument {arg} in place ({why}){how}: the caller's "
                                     f"{arg} must stay as it was; {fix_for(why)}")

    def call(*args: Any, **kwargs: Any) -> Any:
        named = _argument_names(func, args, kwargs)
        before = [(arg, value, snapshot(value, modes=arg not in modes)) for arg, value in named if arg not in changes]
        try:
            result = func(*args, **kwargs)
        except Exception as err:
            if type(err).__name__ == "StateError" and "its argument" in str(err):  # the grader found one changed
                message = str(err).replace("the call changed", f"{label} changed")
                for i, (arg, _) in enumerate(named):
                    for after in (" ", "["):  # the argument itself, or an item of it (argument 1[0])
                        message = message.replace(f"its argument {i + 1}{after}", f"its argument {arg}{after}")
                raise AssertionError(message + " (compute new values instead of writing into the caller's)") from None
            try:
                unchanged(before, err)  # what a call wrote before raising stays in the caller's arguments
            except AssertionError as changed:
                raise changed from err
            raise
        unchanged(before)
        if result is None and returns is not None:
            raise AssertionError(f"{label} returned None; did you forget a `return`?")
        items = result if isinstance(result, tuple) else (result,)
        for arg, value in named if fresh and result is not None else []:
            if any(item is value for item in items) and not is_plain(value):
                raise AssertionError(f"{label} returned its argument {arg} itself: return a new {type(value).__name__}, "
                                     "so that changing the result cannot change the caller's input")
        if returns is not None and (why := type_error(result, returns, f"{label}'s result")) is not None:
            raise AssertionError(why)
        if grads:
            _check_grads(func, label, args, kwargs, grads)
        return result

    call.__name__ = f"checked_{label}"
    call.__wrapped_exercise__ = func  # type: ignore[attr-defined]
    return call
