"""Plain values on the wire between the trusted grader and a student's kernel.

At grading time the tests run in the grader's own process (:mod:`course_grading.judge`);
the student's functions run in the sandboxed kernel (:mod:`course_grading.remote_kernel`).
Arguments go to the kernel and results come back as JSON documents built by
:func:`encode` and read by :func:`decode`.

What the kernel sends is read with ``trusted=False``: only the tags below are accepted, every
array is rebuilt with ``numpy.frombuffer`` from a dtype on a fixed list, sizes are checked,
and nothing is unpickled, imported or evaluated. A kernel object that is not a plain value
comes back as a *handle* (``{"$t": "obj", "id": 3}``) that only the kernel can resolve. A
library function travels as a *reference* (``{"$t": "ref", ...}``): from the grader to the
kernel any of :data:`LIBRARIES`, looked up in ``sys.modules``, never imported; from the kernel
to the grader only Keras' activation functions (:func:`safe_refs`), since the grader's code
may call what it receives. The grader's
own objects (models, layers, vocabularies) travel to the kernel pickled (``trusted=True``
on the kernel's side only): the kernel cannot harm the grader by unpickling them.

Tags (``"$t"``): ``tuple``, ``dict``, ``set``, ``frozenset``, ``bytes``, ``float`` (nan and
infinities), ``complex``, ``nd`` (NumPy array of numbers or booleans), ``ndU`` (of strings),
``np`` (NumPy scalar), ``torch`` (tensor), ``tf`` (TensorFlow tensor or Keras variable),
``tdtype``, ``tdevice``, ``rng`` (``numpy.random.Generator``), ``slice``, ``range``,
``ellipsis``, ``ref``, ``obj``, ``arg``, ``cb`` and ``pickle`` (grader to kernel only).
"""

from __future__ import annotations

import base64
import math
import pickle
import sys
import types
from collections.abc import Callable
from typing import Any

import numpy as np

#: NumPy dtypes an array may have on the wire (by ``dtype.str`` without byte order).
DTYPES = frozenset({"b1", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "f2", "f4", "f8", "c8", "c16"})
#: PyTorch dtypes by name, and the NumPy dtype that carries their bytes.
TORCH_DTYPES = {"float16": "f2", "float32": "f4", "float64": "f8", "bfloat16": "u2", "int8": "i1",
                "int16": "i2", "int32": "i4", "int64": "i8", "uint8": "u1", "bool": "b1",
                "complex64": "c8", "complex128": "c16"}
#: Libraries whose functions and classes travel as references (looked up, never imported).
LIBRARIES = ("numpy", "torch", "keras", "tensorflow", "math", "builtins", "collections", "functools",
             "operator", "sklearn", "scipy", "course_utils")
#: Tags of plain values (each has a ``Decoder._<tag>`` method).
VALUE_TAGS = frozenset({"tuple", "dict", "set", "frozenset", "bytes", "float", "complex", "slice", "range",
                        "ellipsis", "nd", "ndU", "np", "rng", "torch", "tf", "tdtype", "tdevice", "ref"})
#: Limits on what a decoder accepts: nesting depth, items in all containers, array bytes.
MAX_DEPTH = 64
MAX_ITEMS = 2_000_000
MAX_BYTES = 256 * 2**20


class WireError(ValueError):
    """A document that is not a plain value of the wire format."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any) -> bytes:
    if not isinstance(text, str):
        raise WireError("expected base64 text")
    return base64.b64decode(text.encode("ascii"), validate=True)


def qualified_name(obj: Any) -> str:
    """``module.qualname`` of a class (or of ``type(obj)`` for an instance)."""
    cls = obj if isinstance(obj, type) else type(obj)
    return f"{getattr(cls, '__module__', '?')}.{getattr(cls, '__qualname__', cls.__name__)}"


def library_ref(obj: Any) -> dict | None:
    """A reference to a module, function or class of :data:`LIBRARIES`, if ``obj`` is one and can be found again."""
    if isinstance(obj, types.ModuleType):
        name = obj.__name__
        if name.split(".")[0] in LIBRARIES and sys.modules.get(name) is obj:
            return {"$t": "ref", "mod": name, "qual": ""}
        return None
    if not (isinstance(obj, type) or callable(obj)):
        return None
    module, qual, name = (getattr(obj, key, None) for key in ("__module__", "__qualname__", "__name__"))
    candidates = [(module, qual), (module, name)]  # torch.tanh's qualname is _VariableFunctionsClass.tanh
    candidates += [(m, name) for m in ("torch", "numpy", "math") if module is None]  # C functions without a module
    for mod, qualname in candidates:
        if not isinstance(mod, str) or not isinstance(qualname, str) or mod.split(".")[0] not in LIBRARIES:
            continue
        try:
            if resolve_ref(mod, qualname) is obj:
                return {"$t": "ref", "mod": mod, "qual": qualname}
        except WireError:
            continue
    return None


def resolve_ref(module: Any, qual: Any) -> Any:
    """The object a reference names, from modules already imported; raise :class:`WireError` otherwise."""
    if not isinstance(module, str) or not isinstance(qual, str) or module.split(".")[0] not in LIBRARIES:
        raise WireError(f"not a library reference: {module!r}")
    obj = sys.modules.get(module)
    if obj is None:
        raise WireError(f"module {module!r} is not loaded here")
    for part in filter(None, qual.split(".")):
        if part.startswith("_") or part == "<locals>":
            raise WireError(f"not a public name: {qual!r}")
        try:
            obj = vars(obj)[part] if isinstance(obj, (types.ModuleType, type)) else getattr(obj, part)
        except (KeyError, AttributeError, TypeError) as err:
            raise WireError(f"{module}.{qual} not found") from err
    return obj


# ---- encoding -------------------------------------------------------------------------------


class Encoder:
    """Turn values into wire documents.

    ``handle`` is called for an object that is not a plain value and returns its document
    (a handle in the kernel, a pickle in the grader); ``identity`` may map an object to an
    ``{"$t": "arg", ...}`` document when it is one of the call's arguments.
    """

    def __init__(self, handle: Callable[[Any], dict], identity: Callable[[Any], dict | None] | None = None,
                 tensor_extra: Callable[[Any], dict] | None = None):
        self.handle, self.identity = handle, identity or (lambda obj: None)
        self.tensor_extra = tensor_extra

    def __call__(self, value: Any, depth: int = 0) -> Any:
        """The wire document of ``value``."""
        if depth > MAX_DEPTH:
            raise WireError("the value is nested too deeply")
        if value is None or isinstance(value, (bool, str)):
            return value
        if type(value) is int:
            return value
        if type(value) is float:
            return value if math.isfinite(value) else {"$t": "float", "v": repr(value)}
        if type(value) is complex:
            return {"$t": "complex", "re": self(value.real, depth + 1), "im": self(value.imag, depth + 1)}
        same = self.identity(value)
        if same is not None:
            return same
        kind = type(value)
        plain = (list, tuple, dict, str, int, float)
        if kind not in plain and isinstance(value, plain) and not isinstance(value, (bool, np.generic)):
            # Counter, a namedtuple, an IntEnum: their plain value
            value = _plain_base(value)
            kind = type(value)
            if kind in (str, int, float):
                return self(value, depth)
        if kind is list:
            return [self(v, depth + 1) for v in value]
        if kind is tuple:
            return {"$t": "tuple", "v": [self(v, depth + 1) for v in value]}
        if kind is dict:
            return {"$t": "dict", "k": [self(k, depth + 1) for k in value],
                    "v": [self(v, depth + 1) for v in value.values()]}
        if kind in (set, frozenset):
            return {"$t": kind.__name__, "v": [self(v, depth + 1) for v in value]}
        if kind is bytes:
            return {"$t": "bytes", "b64": _b64(value)}
        if kind is slice:
            return {"$t": "slice", "v": [self(value.start), self(value.stop), self(value.step)]}
        if kind is range:
            return {"$t": "range", "v": [value.start, value.stop, value.step]}
        if value is Ellipsis:
            return {"$t": "ellipsis"}
        encoded = self._array_like(value)
        if encoded is not None:
            return encoded
        ref = library_ref(value)
        if ref is not None:
            return ref
        return self.handle(value)

    def _array_like(self, value: Any) -> dict | None:
        if isinstance(value, np.ndarray):
            return encode_ndarray(value)
        if isinstance(value, np.generic):
            array = np.asarray(value)
            if array.dtype.kind in "biufc":
                little = array.astype(array.dtype.newbyteorder("<"))
                return {"$t": "np", "dtype": array.dtype.str[1:], "b64": _b64(little.tobytes())}
            if array.dtype.kind in "US":
                return self(value.item())
            return None
        if isinstance(value, np.random.Generator):
            return {"$t": "rng", "state": self(value.bit_generator.state)}
        module = type(value).__module__ or ""
        if module.startswith("torch"):
            doc = _encode_torch(value)
            if doc is not None and doc.get("$t") == "torch" and self.tensor_extra is not None:
                doc.update(self.tensor_extra(value))
            return doc
        if module.startswith(("tensorflow", "keras")) and hasattr(value, "numpy") and hasattr(value, "dtype") \
                and hasattr(value, "shape") and not callable(getattr(value, "call", None)):
            try:
                array = np.asarray(value.numpy())
            except Exception:  # noqa: BLE001 - not a tensor after all
                return None
            if array.dtype.kind in "biufc":
                return {**encode_ndarray(array), "$t": "tf"}
        return None


def _plain_base(value: Any) -> Any:
    """A subclass instance of a plain type as the plain type itself, read through the base class's own methods."""
    for base, convert in ((dict, lambda v: dict(dict.items(v))), (list, lambda v: list(list.__iter__(v))),
                          (tuple, lambda v: tuple(tuple.__iter__(v))), (str, str.__str__), (int, int.__int__),
                          (float, float.__float__)):
        if isinstance(value, base):
            return convert(value)
    return value


def grad_leaves(value: Any, found: list | None = None, depth: int = 0) -> list:
    """The tensors among a call's arguments that require a gradient, in order.

    Both ends list them with this one function, so that the grader's inputs and the kernel's
    copies of them pair up one to one for a backward pass.
    """
    found = [] if found is None else found
    if depth > 6:
        return found
    if isinstance(value, (list, tuple)):
        for item in value:
            grad_leaves(item, found, depth + 1)
    elif isinstance(value, dict):
        for item in value.values():
            grad_leaves(item, found, depth + 1)
    elif getattr(value, "requires_grad", False) is True and type(value).__module__.startswith("torch") \
            and hasattr(value, "grad_fn"):
        found.append(value)
    return found


def encode_ndarray(array: np.ndarray) -> dict:
    """An array of numbers or booleans (``nd``), or of strings (``ndU``); anything else raises."""
    if array.dtype.kind in "US":
        return {"$t": "ndU", "shape": list(array.shape), "v": [str(x) for x in array.ravel().tolist()]}
    if array.dtype.kind not in "biufc":
        raise WireError(f"an array of dtype {array.dtype} cannot be sent")
    little = np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<"))
    return {"$t": "nd", "dtype": array.dtype.str[1:], "shape": list(array.shape), "b64": _b64(little.tobytes())}


def _encode_torch(value: Any) -> dict | None:
    import torch

    if isinstance(value, torch.dtype):
        return {"$t": "tdtype", "name": str(value).removeprefix("torch.")}
    if isinstance(value, torch.device):
        return {"$t": "tdevice", "type": value.type}
    if not isinstance(value, torch.Tensor) or value.is_sparse or value.layout != torch.strided:
        return None
    name = str(value.dtype).removeprefix("torch.")
    if name not in TORCH_DTYPES:
        raise WireError(f"a tensor of dtype {value.dtype} cannot be sent")
    data = value.detach().cpu().contiguous()
    if name == "bfloat16":
        data = data.view(torch.uint16) if hasattr(torch, "uint16") else data.float()
        name = "bfloat16" if hasattr(torch, "uint16") else "float32"
    array = data.resolve_conj().resolve_neg().numpy()
    doc = {**encode_ndarray(array), "$t": "torch", "dtype": name, "rg": bool(value.requires_grad)}
    if isinstance(value, torch.nn.Parameter):
        doc["param"] = True
    return doc


# ---- decoding -------------------------------------------------------------------------------


class Decoder:
    """Turn wire documents back into values.

    ``handle(doc)`` resolves ``obj``/``arg``/``cb`` documents; ``trusted`` allows ``pickle``
    (only ever true in the kernel, for what the grader sends). ``tensor_hook(tensor, doc)``
    may replace a decoded tensor (the grader uses it to attach gradients).
    """

    def __init__(self, handle: Callable[[dict], Any], trusted: bool = False,
                 tensor_hook: Callable[[Any, dict], Any] | None = None):
        self.handle, self.trusted, self.tensor_hook = handle, trusted, tensor_hook
        self.items = 0
        self.bytes = 0  # of every array decoded so far: at most MAX_BYTES in one document

    def _spend(self, nbytes: int) -> None:
        self.bytes += nbytes
        if self.bytes > MAX_BYTES:
            raise WireError("the document holds too many bytes")

    def __call__(self, doc: Any, depth: int = 0) -> Any:
        """The value of ``doc``; :class:`WireError` for anything outside the format."""
        if depth > MAX_DEPTH:
            raise WireError("the document is nested too deeply")
        self.items += 1
        if self.items > MAX_ITEMS:
            raise WireError("the document holds too many items")
        if doc is None or isinstance(doc, (bool, str)) or type(doc) in (int, float):
            return doc
        if isinstance(doc, list):
            return [self(v, depth + 1) for v in doc]
        if not isinstance(doc, dict) or not isinstance(doc.get("$t"), str):
            raise WireError(f"not a wire value: {type(doc).__name__}")
        tag = doc["$t"]
        method = getattr(self, "_" + tag) if tag in VALUE_TAGS else None
        if method is None:
            if tag in ("obj", "arg", "cb"):
                return self.handle(doc)
            if tag == "pickle" and self.trusted:
                return pickle.loads(_unb64(doc["b64"]))
            raise WireError(f"unknown wire tag {tag!r}")
        return method(doc, depth + 1)

    def _list(self, doc: dict, key: str, depth: int) -> list:
        values = doc.get(key)
        if not isinstance(values, list):
            raise WireError(f"{doc['$t']}: {key} must be a list")
        return [self(v, depth) for v in values]

    def _tuple(self, doc: dict, depth: int) -> tuple:
        return tuple(self._list(doc, "v", depth))

    def _dict(self, doc: dict, depth: int) -> dict:
        keys, values = self._list(doc, "k", depth), self._list(doc, "v", depth)
        if len(keys) != len(values):
            raise WireError("dict: as many keys as values")
        try:
            return dict(zip(keys, values))
        except TypeError as err:
            raise WireError("dict: a key is not hashable") from err

    def _set(self, doc: dict, depth: int) -> set:
        try:
            return set(self._list(doc, "v", depth))
        except TypeError as err:
            raise WireError("set: an item is not hashable") from err

    def _frozenset(self, doc: dict, depth: int) -> frozenset:
        return frozenset(self._set(doc, depth))

    def _bytes(self, doc: dict, depth: int) -> bytes:
        return _unb64(doc.get("b64"))

    def _float(self, doc: dict, depth: int) -> float:
        if doc.get("v") not in ("nan", "inf", "-inf"):
            raise WireError("float: nan, inf or -inf")
        return float(doc["v"])

    def _complex(self, doc: dict, depth: int) -> complex:
        re_, im_ = self(doc.get("re"), depth), self(doc.get("im"), depth)
        if not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in (re_, im_)):
            raise WireError("complex: two numbers")
        return complex(re_, im_)

    def _slice(self, doc: dict, depth: int) -> slice:
        values = self._list(doc, "v", depth)
        if len(values) != 3 or not all(v is None or type(v) is int for v in values):
            raise WireError("slice: three integers or None")
        return slice(*values)

    def _range(self, doc: dict, depth: int) -> range:
        values = doc.get("v")
        if not (isinstance(values, list) and len(values) == 3 and all(type(v) is int for v in values)) \
                or values[2] == 0:
            raise WireError("range: three integers")
        if len(range(*values)) > MAX_ITEMS:  # a short document for a huge list
            raise WireError("range: too long")
        return range(*values)

    def _ellipsis(self, doc: dict, depth: int) -> Any:
        return Ellipsis

    def _nd(self, doc: dict, depth: int) -> np.ndarray:
        array = decode_ndarray(doc)
        self._spend(array.nbytes)
        return array

    def _ndU(self, doc: dict, depth: int) -> np.ndarray:
        shape, values = _shape(doc), doc.get("v")
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values) \
                or len(values) != math.prod(shape):
            raise WireError("ndU: a list of strings of the array's size")
        self.items += len(values)
        self._spend(len(values) * max((len(v) for v in values), default=1) * 4)  # NumPy pads every string
        return np.array(values, dtype=str).reshape(shape) if values else np.zeros(shape, dtype=str)

    def _np(self, doc: dict, depth: int) -> np.generic:
        dtype = _dtype(doc.get("dtype"))
        data = _unb64(doc.get("b64"))
        if len(data) != dtype.itemsize:
            raise WireError("np: one value")
        return np.frombuffer(data, dtype=dtype)[0].astype(dtype.newbyteorder("="))

    def _rng(self, doc: dict, depth: int) -> np.random.Generator:
        state = self(doc.get("state"), depth)
        if not isinstance(state, dict) or state.get("bit_generator") != "PCG64":
            raise WireError("rng: a PCG64 state")
        generator = np.random.Generator(np.random.PCG64())
        try:
            generator.bit_generator.state = state
        except (TypeError, ValueError, KeyError) as err:
            raise WireError(f"rng: {err}") from err
        return generator

    def _torch(self, doc: dict, depth: int) -> Any:
        import torch

        name = doc.get("dtype")
        if name not in TORCH_DTYPES:
            raise WireError(f"torch: dtype {name!r}")
        array = decode_ndarray({**doc, "dtype": TORCH_DTYPES[name]})
        self._spend(array.nbytes)
        tensor = torch.from_numpy(array.copy())
        if name == "bfloat16":
            tensor = tensor.view(torch.bfloat16)
        if doc.get("rg") is True and tensor.is_floating_point():
            tensor.requires_grad_(True)
        if doc.get("param") is True and tensor.is_floating_point():
            tensor = torch.nn.Parameter(tensor, requires_grad=doc.get("rg") is True)
        return self.tensor_hook(tensor, doc) if self.tensor_hook else tensor

    def _tf(self, doc: dict, depth: int) -> Any:
        array = decode_ndarray({**doc, "$t": "nd"})
        self._spend(array.nbytes)
        tf = sys.modules.get("tensorflow")
        return tf.convert_to_tensor(array) if tf is not None else array

    def _tdtype(self, doc: dict, depth: int) -> Any:
        import torch

        if doc.get("name") not in TORCH_DTYPES:
            raise WireError("tdtype: a known dtype")
        return getattr(torch, doc["name"])

    def _tdevice(self, doc: dict, depth: int) -> Any:
        import torch

        return torch.device("cpu") if doc.get("type") not in ("cuda", "mps") else torch.device(doc["type"])

    def _ref(self, doc: dict, depth: int) -> Any:
        if self.trusted:
            return resolve_ref(doc.get("mod"), doc.get("qual"))
        return resolve_safe_ref(doc.get("mod"), doc.get("qual"))


def safe_refs() -> dict[int, Any]:
    """The library objects a kernel may name in what it sends (by id): Keras' activation functions.

    Tests compare a layer's activation with them (``dense.activation is
    keras.activations.linear``); nothing else that a kernel names is ever looked up, since the
    grader's own code would then call it (a "reference" to ``os.abort`` is refused).
    """
    keras = sys.modules.get("keras")
    if keras is None:
        return {}
    return {id(v): v for k, v in vars(keras.activations).items() if not k.startswith("_") and callable(v)
            and not isinstance(v, types.ModuleType)}


def resolve_safe_ref(module: Any, qual: Any) -> Any:
    """A reference sent by a kernel: one name in one loaded module, and only an object of :func:`safe_refs`."""
    if not isinstance(module, str) or not isinstance(qual, str) or not qual.isidentifier():
        raise WireError("a reference must name one attribute of one module")
    found = vars(sys.modules[module]).get(qual) if module in sys.modules else None
    allowed = safe_refs()
    if found is None or id(found) not in allowed or allowed[id(found)] is not found:
        raise WireError(f"the kernel named {module}.{qual}, which it may not send")
    return found


def _shape(doc: dict) -> tuple[int, ...]:
    shape = doc.get("shape")
    if not isinstance(shape, list) or len(shape) > 32 or not all(type(n) is int and 0 <= n for n in shape):
        raise WireError("shape: a list of sizes")
    if math.prod(shape) * 1 > MAX_BYTES:
        raise WireError("the array is too large")
    return tuple(shape)


def _dtype(name: Any) -> np.dtype:
    if name not in DTYPES:
        raise WireError(f"dtype {name!r} is not accepted")
    return np.dtype("<" + name)


def decode_ndarray(doc: dict) -> np.ndarray:
    """An ``nd`` document as a writable NumPy array in native byte order."""
    dtype, shape = _dtype(doc.get("dtype")), _shape(doc)
    data = _unb64(doc.get("b64"))
    if len(data) > MAX_BYTES or len(data) != math.prod(shape) * dtype.itemsize:
        raise WireError("nd: the data does not match the shape")
    return np.frombuffer(data, dtype=dtype).reshape(shape).astype(dtype.newbyteorder("="))
