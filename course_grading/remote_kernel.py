"""The student's kernel's end of the remote calls: run the student's code on the grader's inputs.

At grading time the grader (:mod:`course_grading.judge`) imports this module in the sandboxed
kernel with :data:`INSTALL` and then, for every call a test makes, sends one execute request
whose code is :func:`serve_code` (the request as a string literal): :func:`serve` runs it
against the kernel's namespace, and the execute reply carries the answer back as the user
expression :data:`REPLY`, in one round trip. A function the grader passed as an argument (a
test's toy decoder step, say) is called back over the kernel's stdin channel (``input()``),
so nothing of the test is ever sent here: only the inputs of each call.

Nothing in this module is trusted by the grader: the student's code can replace any of it.
It can only change what the grader receives, and the grader receives plain values
(:mod:`course_grading.wire`), which it then checks with its own code.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from course_grading import wire

#: The prefix of every ``input()`` prompt this side sends; the grader answers nothing else.
PROMPT = "\x1bcourse-rpc:"
#: The code the grader runs once, after the kernel starts, and for each request.
#: They name no variable of the notebook, so that ``%reset`` or a cell that rebinds names cannot break them.
INSTALL = "__import__('course_grading.remote_kernel', fromlist=['install']).install()"
REPLY = "__import__('course_grading.remote_kernel', fromlist=['reply']).reply()"


def serve_code(request: str) -> str:
    """The code of the execute request that serves ``request`` (a JSON document)."""
    return f"__import__('course_grading.remote_kernel', fromlist=['serve']).serve({request!r})"
#: At most this many items of an iterable are sent back by ``iter``.
MAX_ITER = 10_000

_server: Server | None = None


def install() -> None:
    """Create the server for the running IPython shell's namespace."""
    global _server
    from IPython import get_ipython

    _server = Server(get_ipython().user_ns)


def serve(request: str) -> None:
    """Answer one request of the grader (the code of every execute request it sends)."""
    if _server is None:
        install()
    _server.serve(request)


def reply() -> str:
    """The answer to the last request, once (the user expression of every execute request)."""
    text = _server.last if _server is not None else ""
    if _server is not None:
        _server.last = ""
    return text


def describe(err: BaseException) -> dict:
    """An exception as the grader rebuilds it: the built-in classes it derives from, and its message."""
    builtin = [c.__name__ for c in type(err).__mro__ if c.__module__ == "builtins"]
    try:
        message = str(err)
    except Exception:  # noqa: BLE001 - a message that cannot be printed
        message = "(no message)"
    return {"types": builtin, "type": type(err).__qualname__, "message": message[:4000]}


class Server:
    """Objects the grader holds handles to, autograd graphs kept for a backward pass, and the dispatch."""

    def __init__(self, namespace: dict) -> None:
        self.ns = namespace
        self.objects: dict[int, Any] = {}
        self.graphs: dict[int, tuple[list, list]] = {}
        self.next_id = 1
        self.last = ""  # the reply to the last request

    # -- transport ----------------------------------------------------------------------------

    def serve(self, request: str) -> None:
        """Dispatch the request and keep the reply for :func:`reply` (every error becomes a reply)."""
        self.last = ""
        try:
            answer = {"ok": self.dispatch(json.loads(request))}
        except BaseException as err:  # noqa: BLE001 - the grader decides what an error means
            answer = {"error": describe(err)}
        try:
            self.last = json.dumps(answer, allow_nan=False)
        except (TypeError, ValueError) as err:
            self.last = json.dumps({"error": describe(err)})

    def callback(self, number: int) -> Any:
        """A function that calls the grader's function ``number`` with plain arguments."""

        def call(*args: Any, **kwargs: Any) -> Any:
            encode = self.encoder()
            payload = json.dumps({"cb": number, "args": encode(list(args)), "kwargs": encode(kwargs)})
            answer = json.loads(input(PROMPT + "call:" + payload))
            if "error" in answer:
                error = answer["error"]
                raise _rebuild(error)
            return self.decoder()(answer["ok"])

        call.__name__ = call.__qualname__ = f"grader_function_{number}"
        return call

    # -- encoding -----------------------------------------------------------------------------

    def keep(self, obj: Any) -> int:
        """Keep ``obj`` for later requests; return its handle."""
        number = self.next_id
        self.next_id += 1
        self.objects[number] = obj
        return number

    def handle_doc(self, obj: Any) -> dict:
        """The handle document of an object that is not a plain value."""
        try:
            shown = repr(obj)[:300]
        except Exception:  # noqa: BLE001
            shown = "?"
        try:
            mro = [wire.qualified_name(c) for c in type(obj).__mro__][:40]
        except Exception:  # noqa: BLE001
            mro = []
        return {"$t": "obj", "id": self.keep(obj), "type": wire.qualified_name(obj), "mro": mro, "repr": shown,
                "callable": callable(obj)}

    def encoder(self, identity: dict[int, list] | None = None, tensor_extra=None) -> wire.Encoder:
        """An encoder whose non-plain objects become handles; objects in ``identity`` become ``arg`` paths."""
        table = identity or {}

        def same(obj: Any) -> dict | None:
            path = table.get(id(obj))
            return None if path is None else {"$t": "arg", "path": path}

        return wire.Encoder(self.handle_doc, same if table else None, tensor_extra)

    def decoder(self) -> wire.Decoder:
        """A decoder for the grader's documents: pickles allowed, handles, names and callbacks resolved."""

        def resolve(doc: dict) -> Any:
            if doc["$t"] == "cb":
                return self.callback(int(doc["id"]))
            if doc["$t"] == "obj":
                return self.target(doc)
            raise wire.WireError(f"unexpected {doc['$t']!r}")

        return wire.Decoder(resolve, trusted=True)

    def target(self, doc: dict) -> Any:
        """What a request's target names: a name of the notebook, or a handle."""
        if "name" in doc:
            name = doc["name"]
            if name not in self.ns:
                raise NameError(f"name {name!r} is not defined")
            return self.ns[name]
        number = int(doc["id"])
        if number not in self.objects:
            raise LookupError(f"the object {number} is no longer held")
        return self.objects[number]

    # -- requests -----------------------------------------------------------------------------

    def dispatch(self, request: dict) -> Any:
        """Run one request: ``{"op": ..., "target": ..., ...}``."""
        op = request["op"]
        if op == "release":
            self.objects.clear()
            self.graphs.clear()
            return None
        if op == "backward":
            return self.backward(request)
        obj = self.target(request["target"])
        if op in ("call", "callmethod"):
            if op == "callmethod":
                obj = getattr(obj, request["name"])
            return self.call(obj, request)
        encode = self.encoder()
        if op == "get":
            return encode(obj)
        if op == "getattr":
            return encode(getattr(obj, request["name"]))
        if op == "setattr":
            setattr(obj, request["name"], self.decoder()(request["value"]))
            return None
        if op == "getitem":
            return encode(obj[self.decoder()(request["key"])])
        if op == "setitem":
            obj[self.decoder()(request["key"])] = self.decoder()(request["value"])
            return None
        if op == "len":
            return int(len(obj))
        if op == "iter":
            items = []
            for item in obj:
                items.append(item)
                if len(items) > MAX_ITER:
                    raise ValueError(f"more than {MAX_ITER} items")
            return encode(items)
        if op == "contains":
            return bool(self.decoder()(request["value"]) in obj)
        if op in ("repr", "str"):
            return (repr if op == "repr" else str)(obj)[:100_000]
        if op == "signature":  # parameter names and kinds, for messages that name an argument
            import inspect

            return [[p.name, int(p.kind), p.default is not p.empty]
                    for p in inspect.signature(obj).parameters.values()][:64]
        if op == "array":
            import numpy as np

            return wire.encode_ndarray(np.asarray(obj))
        if op == "number":
            value = {"int": int, "float": float, "index": int}[request["kind"]](obj)
            return value if request["kind"] != "index" else int(obj.__index__())
        raise ValueError(f"unknown request {op!r}")

    def call(self, func: Any, request: dict) -> dict:
        """Call ``func`` on the decoded arguments; reply with the result and the arguments as they are after it.

        A call that raises an exception replies with the exception (``raised``) and the arguments
        as the call left them: what it wrote before raising is seen by the grader too.
        """
        decode = self.decoder()
        args, kwargs = decode(request.get("args", [])), decode(request.get("kwargs", {"$t": "dict", "k": [], "v": []}))
        identity: dict[int, list] = {}
        _index(args, ["a"], identity)
        _index(kwargs, ["k"], identity)
        leaves = wire.grad_leaves([args, kwargs]) if request.get("graph") else []
        try:
            if leaves:
                import torch

                with torch.enable_grad():
                    result = func(*args, **kwargs)
            else:
                result = func(*args, **kwargs)
        except Exception as err:  # noqa: BLE001 - an interrupt (KeyboardInterrupt) is not answered here
            try:
                return {"raised": describe(err), "args": [self.state(a) for a in args],
                        "kwargs": {k: self.state(v) for k, v in kwargs.items()}}
            except Exception:  # noqa: BLE001 - arguments that cannot be sent: the call's own error still goes back
                raise err from None
        outputs: list = []
        extra = None
        if leaves:
            def extra(tensor: Any) -> dict:
                if tensor.requires_grad and tensor.grad_fn is not None:
                    outputs.append(tensor)
                    return {"g": len(outputs) - 1}
                return {}
        encode = self.encoder(identity, extra)
        reply = {"result": encode(result),
                 "args": [self.state(a) for a in args],
                 "kwargs": {k: self.state(v) for k, v in kwargs.items()},
                 "shared": _shared_parameters([*args, *kwargs.values()])}
        if outputs:
            number = self.keep(None)
            self.graphs[number] = (leaves, outputs)
            reply["graph"] = number
        return reply

    def state(self, value: Any, depth: int = 0) -> Any:
        """What an argument is after a call, for the grader to copy into its own object (None: nothing to copy).

        Lists and dicts come whole (``full``) and item by item (``v``, for the items that can
        change in place); arrays, tensors and generators as values; a PyTorch module as its
        parameters (with ``requires_grad``), buffers and the training mode of it and of each
        submodule (``modes``); a Keras layer as its weights and ``trainable``.
        """
        if depth > 8:
            return None
        encode = self.encoder()
        kind = type(value)
        if kind in (list, tuple):
            return {"$t": "seq", "v": [self.state(v, depth + 1) for v in value],
                    "full": encode(value) if kind is list else None}
        if kind is dict:
            return {"$t": "map", "full": encode(value)}
        torch = sys.modules.get("torch")
        if torch is not None and isinstance(value, torch.nn.Module):
            return {"$t": "torch_module", "training": bool(value.training),
                    "modes": {n: bool(m.training) for n, m in value.named_modules() if n},
                    "params": encode({n: p for n, p in value.named_parameters()}),
                    "buffers": encode({n: b for n, b in value.named_buffers()})}
        if torch is not None and isinstance(value, torch.Tensor):
            return encode(value)
        keras = sys.modules.get("keras")
        if keras is not None and isinstance(value, keras.layers.Layer):
            shape = None
            try:
                config = value.get_build_config() if value.built else None
                shape = config.get("input_shape") if isinstance(config, dict) else None
            except Exception:  # noqa: BLE001 - a layer without a build config
                shape = None
            return {"$t": "keras_layer", "built": bool(value.built), "input_shape": encode(shape),
                    "trainable": bool(value.trainable), "weights": encode(list(value.get_weights()))}
        numpy = sys.modules.get("numpy")
        if numpy is not None and isinstance(value, (numpy.ndarray, numpy.random.Generator)):
            return encode(value)
        return None

    def backward(self, request: dict) -> list:
        """Gradients of a kept graph's outputs with respect to its inputs, for the given output gradients."""
        import torch

        leaves, outputs = self.graphs[int(request["graph"])]
        grads = self.decoder()(request["grads"])
        pairs = [(o, g) for o, g in zip(outputs, grads) if g is not None]
        if not pairs:
            return [None] * len(leaves)
        found = torch.autograd.grad([o for o, _ in pairs], leaves, [g.to(o.dtype) for o, g in pairs],
                                    allow_unused=True, retain_graph=True)
        encode = self.encoder()
        return [None if g is None else encode(g.detach()) for g in found]


def _shared_parameters(values: list) -> list:
    """Parameters of a PyTorch module argument that share memory with another argument's tensors.

    The grader copies a module's new state by value, so a layer whose parameters were made
    views of the caller's tensors (``nn.Parameter(W.T)``) would look right there while
    training it would change the caller's tensors: the grader fails such a call instead.
    """
    torch = sys.modules.get("torch")
    if torch is None:
        return []
    storages = set()
    for value in values:
        for item in value if isinstance(value, (list, tuple)) else [value]:
            if isinstance(item, torch.Tensor) and item.numel():
                storages.add(item.untyped_storage().data_ptr())
    found = []
    for value in values:
        if isinstance(value, torch.nn.Module):
            found += [name for name, p in value.named_parameters()
                      if p.numel() and p.untyped_storage().data_ptr() in storages]
    return found[:16]


def _index(value: Any, path: list, table: dict[int, list], depth: int = 0) -> None:
    """Record where every object of the arguments is, so that a result that *is* one of them says so."""
    if depth > 4 or isinstance(value, (str, bytes, int, float, bool, type(None))):
        return
    table.setdefault(id(value), path)
    if isinstance(value, (list, tuple)):
        for i, item in enumerate(value[:1000]):
            _index(item, path + [i], table, depth + 1)
    elif isinstance(value, dict):
        for key, item in list(value.items())[:1000]:
            if isinstance(key, str):
                _index(item, path + [key], table, depth + 1)


def _rebuild(error: dict) -> BaseException:
    """The exception the grader's callback raised, as a built-in exception of the same kind."""
    import builtins

    for name in error.get("types", []):
        cls = getattr(builtins, name, None)
        if isinstance(cls, type) and issubclass(cls, Exception):
            return cls(error.get("message", ""))
    return RuntimeError(error.get("message", ""))
