"""The values that cross between the grader and the student's kernel (course_grading.wire, .remote).

What the kernel sends is read strictly: only plain values, arrays rebuilt from a fixed list of
dtypes with their sizes checked, library references looked up among loaded modules, never a
pickle, never an import. And a proxy of a kernel object never lets the kernel decide whether
it equals something or is true.
"""

from __future__ import annotations

import json
import math
import pickle
import textwrap

import numpy as np
import pytest
import torch

from course_grading import wire
from course_grading.remote import Decoder, KernelLink, RemoteObject, StateError, apply_state, rebuild_error
from course_grading.remote_kernel import Server
from course_utils import checked


def plain_encoder() -> wire.Encoder:
    def refuse(obj):
        raise AssertionError(f"not plain: {obj!r}")

    return wire.Encoder(refuse)


def strict(doc):
    """Decode as the grader decodes what the kernel sent (handles refused)."""

    def refuse(doc):
        raise wire.WireError("handle")

    return wire.Decoder(refuse)(json.loads(json.dumps(doc)))


VALUES = [
    None, True, 3, -2**70, 2.5, float("nan"), float("-inf"), 1 + 2j, "text", b"\x00\xff",
    [1, [2, "a"]], (1, (2.0,)), {"a": 1, 2: "b", (1, 2): None}, {1, 2}, frozenset({"x"}), slice(1, None, 2),
    range(2, 9, 3), Ellipsis,
    np.arange(6, dtype=np.float32).reshape(2, 3), np.array([True, False]), np.array([[1, 2]], dtype=np.int64),
    np.array(["ab", "c"]), np.float64(1.5), np.int32(-4), np.zeros((0, 3)),
]


@pytest.mark.parametrize("value", VALUES, ids=lambda v: type(v).__name__)
def test_plain_values_round_trip(value):
    got = strict(plain_encoder()(value))
    assert type(got) is type(value)
    if isinstance(value, np.ndarray):
        assert got.dtype == value.dtype and got.shape == value.shape and np.array_equal(got, value)
    elif isinstance(value, float) and math.isnan(value):
        assert math.isnan(got)
    else:
        assert got == value


def test_tensors_round_trip_with_dtype_and_grad_flag():
    for tensor in [torch.randn(2, 3), torch.arange(4), torch.tensor([True, False]), torch.randn(3).double(),
                   torch.randn(2, 2).to(torch.bfloat16), torch.randn(2, requires_grad=True)]:
        got = strict(plain_encoder()(tensor))
        assert isinstance(got, torch.Tensor) and got.dtype == tensor.dtype and got.shape == tensor.shape
        assert torch.equal(got, tensor.detach()) and got.requires_grad == tensor.requires_grad
    param = strict(plain_encoder()(torch.nn.Parameter(torch.ones(2))))
    assert isinstance(param, torch.nn.Parameter)
    assert strict(plain_encoder()(torch.float64)) is torch.float64


def trusting(doc):
    """Decode as the kernel decodes what the grader sent (pickles and any library reference allowed)."""
    return wire.Decoder(lambda d: None, trusted=True)(json.loads(json.dumps(doc)))


def test_library_functions_travel_as_references_to_the_kernel():
    for obj in [np.allclose, torch.tanh, math.sqrt, np.ndarray, torch.nn.RNN]:
        doc = plain_encoder()(obj)
        assert doc["$t"] == "ref" and trusting(doc) is obj


def test_from_the_kernel_only_activation_functions_are_looked_up():
    import keras

    for activation in [keras.activations.tanh, keras.activations.linear, keras.activations.sigmoid]:
        assert strict(plain_encoder()(activation)) is activation
    for doc in [plain_encoder()(np.allclose), {"$t": "ref", "mod": "torch", "qual": "os.abort"},
                {"$t": "ref", "mod": "os", "qual": "abort"}, {"$t": "ref", "mod": "numpy.ma", "qual": "masked"}]:
        with pytest.raises(wire.WireError):
            strict(doc)


def test_subclasses_of_plain_types_travel_as_the_plain_type():
    from collections import Counter, OrderedDict, namedtuple

    pair = namedtuple("Pair", "a b")

    class Loud(int):
        def __eq__(self, other):
            return True

    for value, want in [(Counter("abca"), {"a": 2, "b": 1, "c": 1}), (OrderedDict(x=1), {"x": 1}),
                        (pair(1, 2), (1, 2)), (Loud(3), 3)]:
        got = strict(plain_encoder()(value))
        assert type(got) is type(want) and got == want


def test_short_documents_cannot_ask_for_huge_values():
    with pytest.raises(wire.WireError, match="too long"):
        strict({"$t": "range", "v": [0, 10**9, 1]})
    with pytest.raises(wire.WireError, match="too many bytes"):
        strict({"$t": "ndU", "shape": [3000], "v": ["x" * 100_000] + [""] * 2999})


@pytest.mark.parametrize("doc, words", [
    ({"$t": "pickle", "b64": wire._b64(pickle.dumps(1))}, "unknown wire tag"),
    ({"$t": "nd", "dtype": "O", "shape": [1], "b64": ""}, "not accepted"),
    ({"$t": "nd", "dtype": "f4", "shape": [3], "b64": wire._b64(b"\x00" * 8)}, "does not match"),
    ({"$t": "nd", "dtype": "f4", "shape": [-1], "b64": ""}, "shape"),
    ({"$t": "nd", "dtype": "f8", "shape": [2**40], "b64": ""}, "too large"),
    ({"$t": "ref", "mod": "os", "qual": "system"}, "may not send"),
    ({"$t": "ref", "mod": "numpy", "qual": "_core"}, "may not send"),
    ({"$t": "ref", "mod": "numpy.this_is_not_loaded", "qual": "x"}, "may not send"),
    ({"$t": "float", "v": "1e308"}, "nan, inf"),
    ({"$t": "dict", "k": [[1]], "v": [2]}, "not hashable"),
    ({"$t": "rng", "state": {"$t": "dict", "k": ["bit_generator"], "v": ["MT19937"]}}, "PCG64"),
    ({"$t": "list", "v": []}, "unknown wire tag"),
    ({"$t": "_list", "v": []}, "unknown wire tag"),
    ({"no tag": 1}, "not a wire value"),
])
def test_the_strict_decoder_refuses(doc, words):
    with pytest.raises(wire.WireError, match=words):
        strict(doc)


def test_nesting_is_bounded():
    doc: list = []
    for _ in range(wire.MAX_DEPTH + 5):
        doc = [doc]
    with pytest.raises(wire.WireError, match="deeply"):
        strict(doc)


def test_a_generator_round_trips_with_its_state():
    rng = np.random.default_rng(5)
    rng.normal(size=3)
    got = strict(plain_encoder()(rng))
    assert got.normal() == rng.normal()


class FakeLink:
    """Records what a proxy asks the kernel, and answers with fixed values."""

    def __init__(self, answers=None):
        self.asked, self.answers = [], answers or {}
        self.callbacks = []

    def op(self, op, target, **fields):
        self.asked.append(op)
        if op in self.answers:
            return self.answers[op]
        raise AssertionError(f"the proxy asked the kernel {op!r}")

    def request(self, doc):
        return self.op(doc["op"], doc.get("target"))


def test_a_proxy_never_asks_the_kernel_about_equality_or_truth():
    link = FakeLink()
    proxy = RemoteObject(link, {"id": 1}, "__main__.Anything", "Anything(0)", mro=["__main__.Anything", "builtins.int"])
    assert proxy != 32 and not (proxy == 32) and proxy == proxy and bool(proxy)
    assert {proxy: 1}[proxy] == 1 and link.asked == []
    assert not isinstance(proxy, int) and type(proxy) is RemoteObject
    for mro in (["torch.os.PathLike", "torch.sys.flags"], ["torch.Tensor", "torch._C.TensorBase"],
                ["numpy.ndarray"], ["keras.src.backend.common.variables.Variable"]):
        sneaky = RemoteObject(link, {"id": 9}, mro[0], mro=mro)
        assert sneaky.__class__ is RemoteObject, mro  # never a class C code reads directly (PyTorch would crash)
    assert "student's kernel" in repr(proxy)


def test_a_proxy_reports_the_library_class_it_derives_from():
    import keras

    proxy = RemoteObject(FakeLink(), {"id": 2}, "__main__.MaskedMaxPooling", mro=[
        "__main__.MaskedMaxPooling", "keras.src.layers.layer.Layer", "builtins.object"])
    assert isinstance(proxy, keras.layers.Layer) and proxy.__class__.__name__ == "Layer"
    unknown = RemoteObject(FakeLink(), {"id": 3}, "__main__.Thing", mro=["__main__.Thing", "builtins.object"])
    assert unknown.__class__ is RemoteObject


def test_numbers_and_arrays_of_a_proxy_must_be_plain():
    proxy = RemoteObject(FakeLink({"number": "7", "array": [1, 2], "len": -1}), {"id": 4})
    for convert in (float, int, np.asarray, len):
        with pytest.raises(TypeError):
            convert(proxy)


def test_kernel_errors_become_builtin_exceptions():
    err = rebuild_error({"types": ["MyError", "ValueError", "Exception"], "type": "MyError", "message": "bad"})
    assert type(err) is ValueError and str(err) == "bad"
    assert type(rebuild_error({"types": ["KeyboardInterrupt", "BaseException"], "message": ""})).__name__ == \
        "CallTimeout"
    assert type(rebuild_error({"types": ["SystemExit", "BaseException"], "message": "x"})) is RuntimeError
    assert type(rebuild_error("nonsense")) is wire.WireError


def test_data_arguments_must_come_back_unchanged():
    link = FakeLink()
    encode = plain_encoder()
    array, tensor, items = np.zeros(3), torch.zeros(2), [np.zeros(1), 5]
    apply_state(array, encode(np.zeros(3)), link)  # unchanged: nothing to say
    apply_state(items, {"$t": "seq", "v": [encode(np.zeros(1)), None], "full": encode([np.zeros(1), 5])}, link)
    for value, state in [(array, encode(np.ones(3))), (tensor, encode(torch.ones(2))),
                         (items, {"$t": "seq", "v": [encode(np.ones(1)), None], "full": encode([np.ones(1), 5])}),
                         (items, {"$t": "seq", "v": [None, None], "full": encode([np.zeros(1), 6])}),
                         ([1], {"$t": "seq", "v": [None, None], "full": encode([1, 2])}),
                         ({"a": 1}, {"$t": "map", "full": encode({"a": 2})})]:
        with pytest.raises(AssertionError, match="in place"):
            apply_state(value, state, link, "its argument 1")
    assert array.tolist() == [0, 0, 0] and tensor.tolist() == [0, 0] and items[1] == 5  # never copied


def test_stateful_arguments_take_the_kernels_state():
    rng = np.random.default_rng(1)
    drawn = np.random.default_rng(1)
    drawn.normal(size=4)
    apply_state(rng, plain_encoder()(drawn), FakeLink())
    assert rng.normal() == drawn.normal()


def test_a_module_whose_parameters_changed_is_updated_or_refused():
    link = FakeLink()
    layer = torch.nn.Linear(2, 2)
    encode = plain_encoder()
    params = {n: torch.full_like(p, 3.0) for n, p in layer.named_parameters()}
    apply_state(layer, {"$t": "torch_module", "training": False, "params": encode(params),
                        "buffers": encode({})}, link)
    assert torch.all(layer.weight == 3) and not layer.training
    with pytest.raises(AssertionError, match="which parameters"):
        apply_state(layer, {"$t": "torch_module", "params": encode({"weight": params["weight"]}),
                            "buffers": encode({})}, link)


def test_the_graders_decoder_resolves_arguments_by_path_only():
    link = FakeLink()
    args = [[torch.zeros(1), "x"], {"k": np.ones(2)}]
    decode = Decoder(link, arguments=args)
    assert decode({"$t": "arg", "path": ["a", 0]}) is args[0][0]
    assert decode({"$t": "arg", "path": ["k", "k"]}) is args[1]["k"]
    with pytest.raises(wire.WireError):
        decode({"$t": "arg", "path": ["a", 5]})
    with pytest.raises(wire.WireError):
        Decoder(link)({"$t": "cb", "id": 0})


class LoopLink(KernelLink):
    """The grader's link to an in-process kernel side (course_grading.remote_kernel.Server), no kernel.

    Only the transport is replaced: the request goes through JSON to a Server whose namespace
    stands for the student's notebook, and its arguments are the Server's own decoded copies.
    """

    def __init__(self, namespace: dict) -> None:  # noqa: D107 - no kernel client to start
        self.server, self.callbacks, self.printed = Server(namespace), [], []

    def request(self, doc):
        self.server.serve(json.dumps(doc, allow_nan=False))
        reply = json.loads(self.server.last)
        if "error" in reply:
            raise rebuild_error(reply["error"])
        return reply.get("ok")


def _student(name: str, code: str) -> RemoteObject:
    """The function ``name`` of the student's ``code``, as the grader sees it (a proxy over a LoopLink)."""
    namespace = {"np": np, "torch": torch}
    exec(compile(textwrap.dedent(code), "<student>", "exec"), namespace)  # noqa: S102 - the student's cell
    return RemoteObject(LoopLink(namespace), {"name": name})


def test_a_call_that_raises_still_brings_its_arguments_up_to_date():
    """Keras' set_weights writes the kernels before it refuses the bias: the grader's layer must show
    that, and the student's ValueError comes after, as in the notebook."""
    import keras

    convert = _student("gru_torch_to_keras", """
        def gru_torch_to_keras(torch_gru, keras_gru):
            kernel = torch_gru.weight_ih_l0.detach().numpy().T
            recurrent = torch_gru.weight_hh_l0.detach().numpy().T
            bias = np.stack([torch_gru.bias_ih_l0.detach().numpy(), torch_gru.bias_hh_l0.detach().numpy()])
            try:
                keras_gru.set_weights([kernel, recurrent, bias])
            except ValueError as err:
                raise ValueError("keras_gru needs reset_after=True") from err
        """)
    old_style = keras.layers.GRU(2, reset_after=False)
    old_style.build((None, None, 5))
    before = old_style.get_weights()
    torch_gru = torch.nn.GRU(5, 2, batch_first=True)
    with pytest.raises(ValueError, match="needs reset_after=True"):
        checked(convert, "gru_torch_to_keras", changes=["keras_gru"], fresh=False)(torch_gru, old_style)
    after = old_style.get_weights()
    assert np.array_equal(after[0], torch_gru.weight_ih_l0.detach().numpy().T)
    assert not np.array_equal(after[1], before[1]) and np.array_equal(after[2], before[2])

    fills = _student("fills", """
        def fills(x, y):
            x[...] = 0
            raise ValueError("y is wrong")
        """)
    with pytest.raises(StateError, match="changed its argument 1 in place"):
        fills(np.ones(3), 1)  # a changed array is never copied: the call fails, as checked fails it
    with pytest.raises(AssertionError, match="fills changed its argument x in place"):
        checked(fills, "fills")(np.ones(3), 1)
    refuses = _student("refuses", """
        def refuses(x):
            raise KeyError("no such word")
        """)
    with pytest.raises(KeyError, match="no such word"):
        refuses(np.ones(3))


def test_frozen_parameters_and_eval_mode_reach_the_grader():
    freezes = _student("lstm_torch_to_keras", """
        def lstm_torch_to_keras(torch_lstm, keras_lstm):
            torch_lstm.requires_grad_(False)
            return torch_lstm.weight_ih_l0.numpy().sum()
        """)
    torch_lstm = torch.nn.LSTM(2, 3)
    with pytest.raises(AssertionError, match=r"lstm_torch_to_keras changed its argument torch_lstm in place "
                                             r"\(parameter weight_ih_l0 no longer requires grad\)"):
        checked(freezes, "lstm_torch_to_keras", changes=["keras_lstm"], fresh=False)(torch_lstm, None)
    assert not torch_lstm.weight_ih_l0.requires_grad  # the grader's layer took the kernel's flags
    evaluates = _student("evaluates", """
        def evaluates(model):
            model[1].eval()
            return 1
        """)
    model = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Dropout(0.5))
    with pytest.raises(AssertionError, match=r"evaluates changed its argument model in place "
                                             r"\(its submodule 1 was left in eval mode\)"):
        checked(evaluates, "evaluates")(model)
    assert model.training and not model[1].training
