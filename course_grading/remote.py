"""The grader's end of the remote calls: proxies for the student's objects, and the channel to the kernel.

:class:`KernelLink` sends one request at a time to the grading kernel (see
:mod:`course_grading.remote_kernel`) and reads the reply as plain values. :class:`RemoteObject`
stands for an object that lives in the kernel (the student's function, a model it built):
calling it, reading an attribute or indexing it is a request, and whatever comes back is a
plain value or another proxy. A proxy never asks the kernel whether it equals something or is
true: it compares by identity and is always true, so an object whose ``__eq__`` or ``__bool__``
lies earns nothing. A call whose arguments need gradients goes through :class:`_RemoteGraph`,
so that ``backward()`` in the grader reaches the student's computation in the kernel.
"""

from __future__ import annotations

import ast
import json
import pickle
import sys
import time
import types
from collections.abc import Callable
from typing import Any

import zmq

from course_grading import wire
from course_grading.remote_kernel import INSTALL, PROMPT, REPLY, serve_code

#: Bytes of the student's printing kept per test cell.
MAX_PRINTED = 20_000
#: The largest message part the grader accepts from a kernel (a reply, a printout, a figure).
MAX_MESSAGE_BYTES = 64 * 2**20
#: Seconds a request may take when no test cell set a deadline (installing, releasing).
DEFAULT_SECONDS = 60


class KernelLost(RuntimeError):
    """The kernel died or stopped answering during a request."""


class CallTimeout(TimeoutError):
    """A request ran past the test cell's deadline (the kernel was interrupted)."""


def harden(kc: Any) -> None:
    """A kernel client's sockets take no part over :data:`MAX_MESSAGE_BYTES` and never reconnect.

    A kernel that replaces its socket with another one gets no new connection; a larger message
    is dropped by ZeroMQ before the grader reads it (the call then times out).
    """
    for name in ("shell_channel", "stdin_channel", "iopub_channel", "control_channel"):
        channel = getattr(kc, name, None)
        socket = getattr(channel, "socket", None)
        if socket is not None:
            socket.setsockopt(zmq.RECONNECT_IVL, -1)
            socket.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES)


class KernelLink:
    """A blocking client of the grading kernel that runs requests (:func:`serve_code`).

    ``interrupt`` and ``alive`` come from whoever owns the kernel manager. ``deadline`` (a
    ``time.monotonic()`` value) bounds every request until it is changed.
    """

    def __init__(self, connection_info: dict, interrupt: Callable[[], None], alive: Callable[[], bool]):
        from jupyter_client.blocking import BlockingKernelClient

        self.kc = BlockingKernelClient()
        self.kc.load_connection_info(connection_info)
        self.kc.start_channels()
        harden(self.kc)
        self.interrupt, self.alive = interrupt, alive
        self.deadline = float("inf")
        self.printed: list[str] = []
        self.callbacks: list[Callable] = []
        self.installed = False

    def close(self) -> None:
        """Stop the client's channels."""
        try:
            self.kc.stop_channels()
        except Exception:  # noqa: BLE001 - the kernel may be gone already
            pass

    def install(self, timeout: float = 60) -> None:
        """Import the kernel's side of the calls (once per kernel)."""
        if not self.installed:
            deadline, self.deadline = self.deadline, time.monotonic() + timeout
            try:
                reply = self._execute(INSTALL, lambda prompt: "", {})
            finally:
                self.deadline = deadline
            if reply["content"].get("status") != "ok":
                raise KernelLost(f"the grading kernel could not start its side of the calls: "
                                 f"{reply['content'].get('ename')}: {reply['content'].get('evalue')}")
            self.installed = True

    # -- requests ------------------------------------------------------------------------------

    def request(self, doc: dict) -> Any:
        """Send one request document; return the reply's ``ok`` value (still a wire document).

        One execute request: its code holds the request, its reply the answer (a user
        expression); the student's code may print or call back the grader's functions meanwhile.
        """
        payload = json.dumps(doc, allow_nan=False)

        def answer(prompt: str) -> str:
            return self._callback(prompt[len("call:"):]) if prompt.startswith("call:") else ""

        msg = self._execute(serve_code(payload), answer, {"reply": REPLY})
        content = msg.get("content", {})
        found = content.get("user_expressions", {}).get("reply", {}) if isinstance(content, dict) else {}
        text = found.get("data", {}).get("text/plain") if isinstance(found, dict) else None
        try:
            text = ast.literal_eval(text) if isinstance(text, str) and len(text) <= MAX_MESSAGE_BYTES else None
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            text = None
        if not isinstance(text, str) or not text:  # the kernel is alive but its side of the calls is broken
            raise wire.WireError(f"the kernel answered the call with no value ({content.get('ename', 'no reply')}: "
                                 f"{str(content.get('evalue', ''))[:200]})")
        reply = json.loads(text)
        if not isinstance(reply, dict):
            raise wire.WireError("a reply must be an object")
        if "error" in reply:
            raise rebuild_error(reply["error"])
        return reply.get("ok")

    def _callback(self, text: str) -> str:
        """Run one of the grader's own functions that the student's code called; answer with its result."""
        try:
            doc = json.loads(text)
            function = self.callbacks[int(doc["cb"])]
            decode = Decoder(self)
            args, kwargs = decode(doc["args"]), decode(doc["kwargs"])
            if not isinstance(args, list) or not isinstance(kwargs, dict):
                raise wire.WireError("callback arguments")
            result = function(*args, **kwargs)
            return json.dumps({"ok": Encoder(self)(result)}, allow_nan=False)
        except Exception as err:  # noqa: BLE001 - the student's code sees it as the function's error
            return json.dumps({"error": {"types": [c.__name__ for c in type(err).__mro__
                                                   if c.__module__ == "builtins"],
                                         "message": str(err)[:2000]}})

    def _execute(self, code: str, answer: Callable[[str], str], expressions: dict) -> dict:
        """Execute ``code`` in the kernel, answering its ``input()`` prompts; return the execute reply."""
        if self.deadline == float("inf"):
            self.deadline = time.monotonic() + DEFAULT_SECONDS
            try:
                return self._execute(code, answer, expressions)
            finally:
                self.deadline = float("inf")
        msg_id = self.kc.execute(code, silent=True, store_history=False, user_expressions=expressions,
                                 allow_stdin=True, stop_on_error=False)
        poller = zmq.Poller()
        sockets = {self.kc.shell_channel.socket: "shell", self.kc.stdin_channel.socket: "stdin",
                   self.kc.iopub_channel.socket: "iopub"}
        for sock in sockets:
            poller.register(sock, zmq.POLLIN)
        interrupted = None
        while True:
            now = time.monotonic()
            if interrupted is None and now > self.deadline:
                self.interrupt()
                interrupted = now
            if interrupted is not None and now > interrupted + 10:
                raise KernelLost("the kernel did not stop within 10 s of an interrupt")
            ready = dict(poller.poll(200))
            if not ready:
                if not self.alive():
                    raise KernelLost("the kernel died")
                continue
            for sock, name in sockets.items():
                if sock not in ready:
                    continue
                channel = getattr(self.kc, f"{name}_channel")
                while channel.msg_ready():
                    msg = channel.get_msg(timeout=0)
                    if msg.get("parent_header", {}).get("msg_id") != msg_id:
                        continue
                    kind = msg["header"]["msg_type"]
                    if name == "stdin" and kind == "input_request":
                        prompt = str(msg["content"].get("prompt", ""))
                        text = answer(prompt[len(PROMPT):]) if prompt.startswith(PROMPT) else ""
                        self.kc.input(text)
                    elif name == "iopub" and kind == "stream":
                        self._printed(str(msg["content"].get("text", "")))
                    elif name == "shell" and kind == "execute_reply":
                        if interrupted is not None:
                            raise CallTimeout("the call ran past the test's time limit and was stopped")
                        return msg

    def _printed(self, text: str) -> None:
        used = sum(len(t) for t in self.printed)
        if used < MAX_PRINTED:
            self.printed.append(text[: MAX_PRINTED - used])

    # -- operations ------------------------------------------------------------------------------

    def op(self, op: str, target: dict, **fields: Any) -> Any:
        """A request on one object; the reply decoded."""
        return Decoder(self)(self.request({"op": op, "target": target, **fields}))

    def release(self) -> None:
        """Let the kernel drop every object and graph it kept for this link."""
        self.request({"op": "release"})
        self.callbacks.clear()

    def call(self, target: dict, args: tuple, kwargs: dict, method: str | None = None) -> Any:
        """Call the object ``target`` names (or its method ``method``) with the grader's arguments.

        After the call every argument is brought up to date with what the call did to it in
        the kernel (a list it appended to, a layer whose weights it loaded, a generator it drew
        from), and a result that is one of the arguments is that argument. A call that raised
        is brought up to date the same way before its exception is raised here, so that a test
        sees what the call wrote before raising (Keras' ``set_weights`` writes the kernels
        before it refuses a bias), as the visible test in the notebook does.
        """
        encode = Encoder(self)
        arguments = [list(args), dict(kwargs)]
        leaves = wire.grad_leaves(arguments)
        torch = sys.modules.get("torch")
        graph = bool(leaves) and torch is not None and torch.is_grad_enabled()
        request = {"op": "callmethod" if method else "call", "target": target, "args": encode(list(args)),
                   "kwargs": encode(dict(kwargs)), "graph": graph}
        if method:
            request["name"] = method
        reply = self.request(request)
        if not isinstance(reply, dict):
            raise wire.WireError("a call's reply must be an object")
        for i, (value, state) in enumerate(zip(args, reply.get("args") or [])):
            apply_state(value, state, self, f"its argument {i + 1}")
        states = reply.get("kwargs") or {}
        for key, value in kwargs.items():
            if isinstance(states, dict):
                apply_state(value, states.get(key), self, f"its argument {key}")
        if "raised" in reply:
            raise rebuild_error(reply["raised"])
        shared = reply.get("shared")
        if isinstance(shared, list) and shared:
            names = [str(n)[:100] for n in shared[:4]]
            raise StateError(f"the call left the parameters {names} of a layer sharing memory with another "
                             "argument: copy the values into the layer's own parameters")
        decode = Decoder(self, arguments=arguments, collect_graph=graph)
        result = decode(reply.get("result"))
        if graph and decode.graph_outputs and reply.get("graph") is not None:
            result = _attach(self, int(reply["graph"]), result, decode.graph_outputs, leaves)
        return result


def rebuild_error(error: Any) -> BaseException:
    """The exception the kernel reported, as a built-in exception of the same kind with its message."""
    import builtins

    if not isinstance(error, dict):
        return wire.WireError("a malformed error")
    message = str(error.get("message", ""))[:4000]
    kinds = error.get("types", [])
    if "KeyboardInterrupt" in kinds:
        return CallTimeout("the call ran past the test's time limit and was stopped")
    for name in kinds if isinstance(kinds, list) else []:
        cls = getattr(builtins, str(name), None)
        if isinstance(cls, type) and issubclass(cls, Exception) and cls not in (Exception, BaseException):
            try:
                err = cls(message)
            except TypeError:  # a built-in exception with other required arguments
                continue
            if str(error.get("type", "")) not in ("", name):
                err.course_type = str(error["type"])[:200]
            return err
    return RuntimeError(f"{str(error.get('type', 'error'))[:200]}: {message}")


# ---- proxies ----------------------------------------------------------------------------------


#: Classes found by :func:`_judge_class`, by name (the same names come back for every student).
_CLASSES: dict[str, type | None] = {}
#: Only these libraries' classes can stand for a kernel object: pure Python classes whose
#: instances the grader's code handles through their methods (a Keras layer, an sklearn pipeline).
PROXY_CLASS_LIBRARIES = ("keras", "sklearn")


def _native(cls: type) -> bool:
    """A class whose instances C code reads directly (a tensor, an array): a proxy must never claim it."""
    return any(issubclass(cls, base) for base in _native_bases())


def _native_bases() -> list[type]:
    import numpy as np

    found: list[type] = [np.ndarray, np.generic]
    for module, names in (("torch", ("Tensor",)), ("tensorflow", ("Tensor", "Variable")),
                          ("keras", ("Variable", "KerasTensor")),
                          ("keras.src.backend.common.variables", ("Variable",))):
        loaded = sys.modules.get(module)
        for name in names:
            cls = getattr(loaded, name, None) if loaded is not None else None
            if isinstance(cls, type):
                found.append(cls)
    return found


def _judge_class(type_name: str) -> type | None:
    """The grader's class of that name, if a proxy may claim it: a Python class of Keras or scikit-learn.

    The name is looked up in its one module (already loaded) and then through classes only
    (``Outer.Inner``), never through another module's attributes, and nothing is imported.
    Tensors, arrays and anything else C code reads directly are never claimed (PyTorch would read
    a proxy that says it is a ``torch.Tensor`` as one, and crash the grader).
    """
    if type_name not in _CLASSES:
        found = None
        module, _, qual = type_name.rpartition(".")
        while module and found is None:
            namespace = sys.modules.get(module)
            if namespace is not None and module.split(".")[0] in PROXY_CLASS_LIBRARIES:
                obj: Any = namespace
                for i, part in enumerate(qual.split(".")):
                    if part.startswith("_") or not (i == 0 or isinstance(obj, type)):
                        obj = None
                        break
                    obj = vars(obj).get(part)
                found = obj if isinstance(obj, type) and not _native(obj) else None
            module, _, head = module.rpartition(".")  # a nested class: module.Outer.Inner
            qual = f"{head}.{qual}"
        if len(_CLASSES) < 10_000:
            _CLASSES[type_name] = found
        return found
    return _CLASSES[type_name]


_NO_DEFAULT = object()  # a parameter's default in the kernel: the grader needs only that there is one


class RemoteObject:
    """An object of the student's kernel, seen from the grader (see the module docstring)."""

    __slots__ = ("_link", "_target", "_type", "_mro", "_shown", "_callable")

    def __init__(self, link: KernelLink, target: dict, type_name: str = "", shown: str = "",
                 is_callable: bool = True, mro: list | None = None) -> None:
        object.__setattr__(self, "_link", link)
        object.__setattr__(self, "_target", target)
        object.__setattr__(self, "_type", type_name)
        object.__setattr__(self, "_mro", [str(m)[:300] for m in (mro or [type_name])[:40]])
        object.__setattr__(self, "_shown", shown)
        object.__setattr__(self, "_callable", is_callable)

    @property
    def __class__(self):  # noqa: D105 - isinstance() sees the first library class the kernel object derives from
        for name in self._mro:
            found = _judge_class(name)
            if found is not None and found is not object:
                return found
        return RemoteObject

    @property
    def __name__(self) -> str:  # noqa: D401
        name = self._link.op("getattr", self._target, name="__name__")
        return name if isinstance(name, str) else "?"

    @property
    def __signature__(self) -> Any:
        """The kernel function's parameters (names and kinds only), so that a test can name an argument."""
        import inspect

        found = self._link.op("signature", self._target)
        if not isinstance(found, list) or len(found) > 64:
            raise ValueError("no signature")
        params = []
        for item in found:
            if not (isinstance(item, list) and len(item) == 3 and isinstance(item[0], str) and
                    item[0].isidentifier() and type(item[1]) is int and 0 <= item[1] <= 4):
                raise ValueError("no signature")
            default = _NO_DEFAULT if item[2] is True and item[1] not in (2, 4) else inspect.Parameter.empty
            params.append(inspect.Parameter(item[0], inspect._ParameterKind(item[1]), default=default))
        return inspect.Signature(params)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return self._link.op("getattr", self._target, name=name)

    def __setattr__(self, name: str, value: Any) -> None:
        self._link.request({"op": "setattr", "target": self._target, "name": name, "value": Encoder(self._link)(value)})

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._link.call(self._target, args, kwargs)

    def __getitem__(self, key: Any) -> Any:
        return self._link.op("getitem", self._target, key=Encoder(self._link)(key))

    def __setitem__(self, key: Any, value: Any) -> None:
        encode = Encoder(self._link)
        self._link.request({"op": "setitem", "target": self._target, "key": encode(key), "value": encode(value)})

    def __len__(self) -> int:
        value = self._link.op("len", self._target)
        if type(value) is not int or value < 0:
            raise TypeError("len() of a remote object must be a non-negative int")
        return value

    def __iter__(self):
        items = self._link.op("iter", self._target)
        if not isinstance(items, list):
            raise TypeError("the remote object did not iterate to a list")
        return iter(items)

    def __contains__(self, value: Any) -> bool:
        return self._link.op("contains", self._target, value=Encoder(self._link)(value)) is True

    def __bool__(self) -> bool:
        return True

    def __eq__(self, other: Any) -> bool:
        return self is other

    def __ne__(self, other: Any) -> bool:
        return self is not other

    def __hash__(self) -> int:
        return id(self)

    def __repr__(self) -> str:
        return f"<{self._type or 'object'} in the student's kernel: {self._shown[:200]}>"

    __str__ = __repr__

    def __array__(self, dtype: Any = None, copy: Any = None) -> Any:
        import numpy as np

        array = self._link.op("array", self._target)
        if not isinstance(array, np.ndarray):
            raise TypeError("the remote object is not an array")
        return array if dtype is None else array.astype(dtype)

    def _number(self, kind: str) -> Any:
        value = self._link.op("number", self._target, kind=kind)
        if type(value) not in (int, float):
            raise TypeError(f"{kind}() of a remote object must be a number")
        return value

    def __float__(self) -> float:
        return float(self._number("float"))

    def __int__(self) -> int:
        return int(self._number("int"))

    def __index__(self) -> int:
        return int(self._number("index"))


def remote_name(link: KernelLink, name: str) -> Any:
    """What ``name`` is bound to in the kernel: a plain value, a proxy, or :data:`MISSING`."""
    try:
        return link.op("get", {"name": name})
    except NameError:
        return MISSING


MISSING = object()


# ---- encoding for the kernel, decoding from it --------------------------------------------------


def _is_keras(obj: Any) -> bool:
    keras = sys.modules.get("keras")
    return keras is not None and isinstance(obj, (keras.layers.Layer, keras.optimizers.Optimizer))


def Encoder(link: KernelLink) -> wire.Encoder:  # noqa: N802 - a factory that reads like the class it returns
    """The grader's encoder: proxies become their targets, functions become callbacks, the rest is pickled."""

    def handle(obj: Any) -> dict:
        if isinstance(obj, RemoteObject):
            return dict(obj._target, **{"$t": "obj"})
        torch = sys.modules.get("torch")
        if not (torch is not None and isinstance(obj, torch.nn.Module)) and not _is_keras(obj) and (
                isinstance(obj, (types.FunctionType, types.MethodType, types.BuiltinFunctionType, type))
                or type(obj).__name__ == "partial"):
            link.callbacks.append(obj)
            return {"$t": "cb", "id": len(link.callbacks) - 1}
        try:
            return {"$t": "pickle", "b64": wire._b64(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))}
        except Exception as err:  # noqa: BLE001
            raise wire.WireError(f"a {wire.qualified_name(obj)} cannot be sent to the student's kernel: {err}") from err

    return wire.Encoder(handle)


class Decoder(wire.Decoder):
    """The grader's decoder: plain values only; handles become proxies, ``arg`` paths the grader's own arguments."""

    def __init__(self, link: KernelLink, arguments: list | None = None, collect_graph: bool = False) -> None:
        self.link, self.arguments = link, arguments
        self.graph_outputs: dict[int, Any] = {}

        def hook(tensor: Any, doc: dict) -> Any:
            if collect_graph and type(doc.get("g")) is int:
                self.graph_outputs[doc["g"]] = tensor
            return tensor

        super().__init__(self._resolve, trusted=False, tensor_hook=hook)

    def _resolve(self, doc: dict) -> Any:
        if doc["$t"] == "obj" and type(doc.get("id")) is int:
            mro = doc.get("mro") if isinstance(doc.get("mro"), list) else None
            return RemoteObject(self.link, {"id": doc["id"]}, str(doc.get("type", ""))[:300],
                                str(doc.get("repr", ""))[:300], doc.get("callable") is True, mro)
        if doc["$t"] == "arg" and self.arguments is not None:
            path = doc.get("path")
            if not isinstance(path, list) or not path or path[0] not in ("a", "k"):
                raise wire.WireError("arg: a path")
            value: Any = self.arguments[0 if path[0] == "a" else 1]
            for step in path[1:]:
                if isinstance(value, (list, tuple)) and type(step) is int and 0 <= step < len(value):
                    value = value[step]
                elif isinstance(value, dict) and isinstance(step, str) and step in value:
                    value = value[step]
                else:
                    raise wire.WireError("arg: a path that does not exist")
            return value
        raise wire.WireError(f"unexpected {doc['$t']!r} from the kernel")


# ---- arguments changed by a call ----------------------------------------------------------------


class StateError(AssertionError):
    """A call changed an argument it should have left alone, or in a way the grader cannot copy."""


def apply_state(value: Any, state: Any, link: KernelLink, path: str = "an argument") -> None:
    """Check or copy what the call did to the grader's argument ``value`` in the kernel (``state``).

    Objects that carry state (a PyTorch module, a Keras layer, a NumPy generator) take the
    kernel's new state: loading weights into a layer and drawing from a generator are what
    some exercises do. A module takes its parameters' ``requires_grad`` and its own and its
    submodules' training mode too, and a Keras layer its ``trainable``, so that the test's
    ``checked`` sees a call that froze the caller's layer or left it in eval mode. Data
    (arrays, tensors, lists, dicts) must come back unchanged: the grader does not copy the
    change, since the test would then compute what it expects from what the student's code
    wrote, and the call fails with :class:`StateError` naming the argument.
    """
    if state is None or not isinstance(state, dict):
        return
    tag = state.get("$t")
    decode = Decoder(link)
    if tag == "torch_module":
        _apply_module(value, state, decode)
    elif tag == "keras_layer":
        _apply_layer(value, state, decode)
    elif tag == "seq" and isinstance(value, (list, tuple)):
        items = state.get("v") if isinstance(state.get("v"), list) else []
        full = decode(state["full"]) if state.get("full") is not None else None
        if isinstance(value, list) and (not isinstance(full, list) or len(full) != len(value)):
            raise StateError(f"the call changed {path} in place (a list of {len(value)} items)")
        for i, (item, item_state) in enumerate(zip(value, items)):
            if _stateful(item) or isinstance(item, (list, tuple, dict)) or _data(item):
                apply_state(item, item_state, link, f"{path}[{i}]")
            elif isinstance(full, list) and not _same(item, full[i]):
                raise StateError(f"the call changed {path}[{i}] in place")
    elif tag == "map" and isinstance(value, dict):
        full = decode(state.get("full"))
        if not isinstance(full, dict) or len(full) != len(value) or \
                not all(k in value and _same(value[k], v) for k, v in full.items()):
            raise StateError(f"the call changed {path} in place (a dict)")
    elif tag == "rng":
        new = decode(state)
        import numpy as np

        if isinstance(value, np.random.Generator) and type(new) is np.random.Generator:
            value.bit_generator.state = new.bit_generator.state
    elif _data(value):
        if not _same(value, decode(state)):
            raise StateError(f"the call changed {path} in place; the tests need it as it was")


def _stateful(item: Any) -> bool:
    import numpy as np

    torch = sys.modules.get("torch")
    return isinstance(item, np.random.Generator) or _is_keras(item) or \
        (torch is not None and isinstance(item, torch.nn.Module))


def _data(item: Any) -> bool:
    import numpy as np

    torch = sys.modules.get("torch")
    return type(item) is np.ndarray or (torch is not None and type(item) in (torch.Tensor, torch.nn.Parameter))


def _same(a: Any, b: Any) -> bool:
    """Whether two values the grader decoded are equal (a proxy is never equal to anything)."""
    import numpy as np

    if type(a) is RemoteObject or type(b) is RemoteObject:
        return False
    try:
        if isinstance(a, np.ndarray) or isinstance(b, np.ndarray) or hasattr(a, "shape") or hasattr(b, "shape"):
            from course_utils.checks import to_numpy

            x, y = to_numpy(a), to_numpy(b)
            return x.shape == y.shape and x.dtype == y.dtype and \
                bool(np.array_equal(x, y, equal_nan=x.dtype.kind in "fc"))
        if isinstance(a, (list, tuple)) and type(a) is type(b) and len(a) == len(b):
            return all(_same(x, y) for x, y in zip(a, b))
        return type(a) is type(b) and bool(a == b)
    except Exception:  # noqa: BLE001 - anything that cannot be compared counts as changed
        return False


def _apply_module(module: Any, state: dict, decode: Decoder) -> None:
    torch = sys.modules.get("torch")
    if torch is None or not isinstance(module, torch.nn.Module):
        return
    params, buffers = decode(state.get("params")), decode(state.get("buffers"))
    mine = dict(module.named_parameters())
    if not isinstance(params, dict) or set(params) != set(mine):
        changed = sorted(set(params) ^ set(mine)) if isinstance(params, dict) else ["?"]
        raise StateError(f"the call changed which parameters the {type(module).__name__} has: {changed[:4]}")
    with torch.no_grad():
        for name, tensor in params.items():
            if type(tensor) not in (torch.Tensor, torch.nn.Parameter):
                raise StateError(f"the call replaced the parameter {name} with a {type(tensor).__name__}")
            target = mine[name]
            if target.shape != tensor.shape:
                target.data = tensor.to(target.dtype)
            else:
                target.copy_(tensor.to(target.dtype))
            target.requires_grad_(bool(tensor.requires_grad))
        if isinstance(buffers, dict):
            own = dict(module.named_buffers())
            for name, tensor in buffers.items():
                if name in own and type(tensor) is torch.Tensor and own[name].shape == tensor.shape:
                    own[name].copy_(tensor.to(own[name].dtype))
    module.train(state.get("training") is True)
    modes = state.get("modes")
    if isinstance(modes, dict):
        for name, sub in module.named_modules():
            if name and type(modes.get(name)) is bool:
                sub.training = modes[name]


def _apply_layer(layer: Any, state: dict, decode: Decoder) -> None:
    if not _is_keras(layer):
        return
    weights = decode(state.get("weights"))
    if not isinstance(weights, list):
        return
    if state.get("built") is True and not layer.built:
        shape = decode(state.get("input_shape"))
        if isinstance(shape, (list, tuple)) and all(d is None or type(d) is int for d in shape):
            layer.build(tuple(shape))
        elif isinstance(shape, (list, tuple)) and all(isinstance(s, (list, tuple)) for s in shape):
            layer.build([tuple(s) for s in shape])
    import numpy as np

    if any(type(w) is RemoteObject for w in weights):
        raise StateError(f"the call left weights in the {type(layer).__name__} that are not arrays")
    arrays = [np.asarray(w) for w in weights]
    mine = layer.get_weights()
    if len(arrays) != len(mine) or any(a.shape != m.shape for a, m in zip(arrays, mine)):
        if arrays or mine:
            raise StateError(f"the call changed the weights of the {type(layer).__name__} to other shapes: "
                             f"{[tuple(a.shape) for a in arrays]} instead of {[tuple(m.shape) for m in mine]}")
        return
    if any(not _same(a, m) for a, m in zip(arrays, mine)):
        layer.set_weights(arrays)
    layer.trainable = state.get("trainable") is not False


# ---- gradients through the kernel ---------------------------------------------------------------


def _attach(link: KernelLink, graph: int, result: Any, outputs: dict[int, Any], leaves: list) -> Any:
    """Replace the result's tensors that carry the kernel's graph with tensors that backpropagate into it."""
    import torch

    class _RemoteGraph(torch.autograd.Function):
        @staticmethod
        def forward(ctx, *inputs):  # noqa: D102 - the inputs only link the graph; the values came from the kernel
            return tuple(outputs[i].detach().clone() for i in order)

        @staticmethod
        def backward(ctx, *grads):  # noqa: D102
            docs = link.request({"op": "backward", "graph": graph, "grads": Encoder(link)(
                [g.detach() if g is not None else None for g in grads])})
            found = Decoder(link)(docs)
            if not isinstance(found, list) or len(found) != len(leaves):
                raise wire.WireError("backward: one gradient per input")
            out = []
            for leaf, grad in zip(leaves, found):
                if grad is None:
                    out.append(None)
                elif isinstance(grad, torch.Tensor) and grad.shape == leaf.shape:
                    out.append(grad.to(leaf.dtype))
                else:
                    raise wire.WireError("backward: a gradient of the input's shape")
            return tuple(out)

    order = sorted(outputs)
    attached = _RemoteGraph.apply(*leaves)
    if not isinstance(attached, tuple):
        attached = (attached,)
    by_id = {id(outputs[i]): t for i, t in zip(order, attached)}

    def swap(value: Any) -> Any:
        if id(value) in by_id:
            return by_id[id(value)]
        if type(value) is list:
            return [swap(v) for v in value]
        if type(value) is tuple:
            return tuple(swap(v) for v in value)
        if type(value) is dict:
            return {k: swap(v) for k, v in value.items()}
        return value

    return swap(result)
