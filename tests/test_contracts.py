"""course_utils.contracts: the checks every visible test runs on a call of the student's function."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from course_utils import checked, list_of, tensor_spec
from course_utils.contracts import dtype_name


def step(X_t, H_prev, W):
    return torch.tanh(X_t @ W + H_prev)


def args():
    gen = torch.Generator().manual_seed(0)
    return torch.randn(2, 3, generator=gen), torch.randn(2, 4, generator=gen), torch.randn(3, 4, generator=gen)


def test_a_correct_function_passes_every_check():
    result = checked(step, returns=tensor_spec("torch", dtype="float32", ndim=2),
                     grads=["X_t", "H_prev", "W"])(*args())
    assert result.shape == (2, 4)


def test_in_place_edit_of_a_tensor_names_the_argument():
    def bad(X_t, H_prev, W):
        return H_prev.copy_(torch.tanh(X_t @ W + H_prev))

    with pytest.raises(AssertionError, match=r"bad changed its argument H_prev in place \(its values changed"):
        checked(bad)(*args())


def test_in_place_edit_through_a_keyword_argument_is_named():
    def bad(X_t, H_prev, W):
        W.mul_(2)
        return X_t @ W + H_prev

    X_t, H_prev, W = args()
    with pytest.raises(AssertionError, match="argument W in place"):
        checked(bad, "step")(X_t, H_prev, W=W)


def test_numpy_list_and_dict_arguments_are_compared():
    def sorts(tokens):
        tokens.sort()
        return list(tokens)

    with pytest.raises(AssertionError, match=r"argument tokens in place \(its items changed order\)"):
        checked(sorts)(["b", "a"])

    def normalises(E):
        E /= np.linalg.norm(E, axis=1, keepdims=True)
        return E.copy()

    with pytest.raises(AssertionError, match="argument E in place"):
        checked(normalises)(np.arange(6, dtype=np.float32).reshape(2, 3) + 1)

    def adds(counts):
        counts["<unk>"] = 0
        return dict(counts)

    with pytest.raises(AssertionError, match=r"its keys changed"):
        checked(adds)({"a": 1})

    def nested(corpus):
        corpus[0].sort()
        return len(corpus)

    with pytest.raises(AssertionError, match=r"item 0: its items changed order"):
        checked(nested)([["b", "a"], ["c"]])


def test_an_argument_meant_to_change_may_change():
    def load(layer, W):
        with torch.no_grad():
            layer.weight.copy_(W)

    layer = torch.nn.Linear(3, 2)
    checked(load, changes=["layer"])(layer, torch.ones(2, 3))
    with pytest.raises(AssertionError, match=r"argument layer in place \(its weight weight changed"):
        checked(load)(torch.nn.Linear(3, 2), torch.ones(2, 3))


def test_keras_layer_weights_are_read_only_unless_listed():
    keras = pytest.importorskip("keras")
    layer = keras.layers.Dense(2)
    layer.build((None, 3))

    def zero(layer):
        layer.set_weights([np.zeros_like(w) for w in layer.get_weights()])
        return 1

    with pytest.raises(AssertionError, match=r"argument layer in place \(its weights changed\)"):
        checked(zero)(layer)
    checked(zero, changes=["layer"])(layer)


def test_returning_an_argument_itself_fails_unless_fresh_is_off():
    def same(x):
        return x

    with pytest.raises(AssertionError, match="returned its argument x itself"):
        checked(same)(torch.ones(2))
    with pytest.raises(AssertionError, match="returned its argument x itself"):
        checked(same)([1, 2])
    checked(same, fresh=False)(torch.ones(2))
    checked(same)(3)  # numbers and strings are values, not objects the caller could see change

    def view(x):
        return x[0]  # a view is a new object: allowed, PyTorch does it everywhere

    checked(view)(torch.ones(2, 2))


def test_result_types():
    with pytest.raises(AssertionError, match=r"count's result should be an int, got float 3.0"):
        checked(lambda: 3.0, "count", returns=int)()
    with pytest.raises(AssertionError, match=r"should be an int, got bool"):
        checked(lambda: True, "count", returns=int)()
    with pytest.raises(AssertionError, match=r"got int64 3 \(a NumPy scalar: convert it with int\(...\)\)"):
        checked(lambda: np.int64(3), "count", returns=int)()
    checked(lambda: np.float32(0.5), "acc", returns=float)()
    with pytest.raises(AssertionError, match=r"acc's result should be a float, got int 1"):
        checked(lambda: 1, "acc", returns=float)()
    with pytest.raises(AssertionError, match=r"should have dtype float32, got float64"):
        checked(lambda: torch.zeros(2, dtype=torch.float64), "f", returns=tensor_spec(dtype="float32"))()
    with pytest.raises(AssertionError, match=r"should be a PyTorch tensor, got ndarray"):
        checked(lambda: np.zeros(2), "f", returns=tensor_spec("torch"))()
    with pytest.raises(AssertionError, match=r"f's result should be a tuple of 2 items, got Tensor"):
        checked(lambda: torch.zeros(2), "f", returns=[tensor_spec(), tensor_spec()])()
    with pytest.raises(AssertionError, match=r"f's result\[1\] should have shape \(2, any\), got \(3, 1\)"):
        checked(lambda: (torch.zeros(1), torch.zeros(3, 1)), "f",
                returns=[tensor_spec(), tensor_spec(shape=(2, None))])()
    with pytest.raises(AssertionError, match=r"should have the key 'f1'"):
        checked(lambda: {"acc": 1.0}, "f", returns={"f1": float})()
    checked(lambda: [("a", 0.5), ["b", np.float32(0.25)]], "f", returns=list_of([str, float]))()
    with pytest.raises(AssertionError, match=r"f's result\[1\]\[1\] should be a float, got str"):
        checked(lambda: [("a", 0.5), ("b", "0.25")], "f", returns=list_of([str, float]))()
    with pytest.raises(AssertionError, match=r"f's result should be a list, got tuple"):
        checked(lambda: (("a", 0.5),), "f", returns=list_of([str, float]))()
    with pytest.raises(AssertionError, match=r"returned None; did you forget a `return`"):
        checked(lambda: None, "f", returns=int)()


def test_dead_gradients_are_found():
    def no_grad(X_t, H_prev, W):
        with torch.no_grad():
            return torch.tanh(X_t @ W + H_prev)

    with pytest.raises(AssertionError, match="result carries no gradient"):
        checked(no_grad, grads=["X_t"])(*args())

    def detached_input(X_t, H_prev, W):
        return torch.tanh(X_t @ W + H_prev.detach())

    with pytest.raises(AssertionError, match="no gradient reaches H_prev"):
        checked(detached_input, grads=["X_t", "H_prev"])(*args())

    def detached_second(X_t, H_prev, W):
        H_t = torch.tanh(X_t @ W + H_prev)
        return H_t, H_t.detach() * 2

    with pytest.raises(AssertionError, match=r"detached_second's result\[1\] carries no gradient while the rest"):
        checked(detached_second, grads=["X_t"])(*args())

    def softmax(z):
        return torch.softmax(z, dim=-1)  # its outputs sum to 1: a plain sum has no gradient

    checked(softmax, grads=["z"])(torch.randn(2, 5))

    def frozen_model(model, x):
        return model(x).detach() + 0 * x.sum()

    x = torch.randn(2, 3, requires_grad=False)
    with pytest.raises(AssertionError, match=r"no gradient reaches model's parameters"):
        checked(frozen_model, grads=["model", "x"])(torch.nn.Linear(3, 1), x)


def test_stub_errors_pass_through_and_the_wrapper_keeps_the_function():
    def stub(x):
        raise NotImplementedError

    with pytest.raises(NotImplementedError):
        checked(stub)(1)
    assert checked(stub).__wrapped_exercise__ is stub


@pytest.mark.parametrize(("value", "name"), [(np.zeros(1, np.float32), "float32"),
                                             (torch.zeros(1, dtype=torch.int64), "int64"), (3, "int")])
def test_dtype_names(value, name):
    assert dtype_name(value) == name


def test_the_graders_state_error_is_worded_with_the_argument_name():
    class StateError(AssertionError):
        """Stands for course_grading.remote.StateError, which the grader's proxy raises."""

    def proxy(token_lists, min_freq=1):
        raise StateError("the call changed its argument 1[0] in place")

    with pytest.raises(AssertionError, match=r"build_vocab changed its argument token_lists\[0\] in place"):
        checked(proxy, "build_vocab")([["b", "a"]])


def test_lists_of_tensors_and_objects_that_compare_by_identity():
    def clip(grads):
        return [g * 0.5 for g in grads]

    grads = [torch.ones(2, 2), torch.ones(3)]
    checked(clip)(grads)  # a list of tensors: compared item by item, not with ==

    def clip_in_place(grads):
        for g in grads:
            g.mul_(0.5)
        return [g.clone() for g in grads]

    with pytest.raises(AssertionError, match=r"argument grads in place \(item 0: its values changed"):
        checked(clip_in_place)([torch.ones(2, 2), torch.ones(3)])

    class Vocab:  # no __eq__: a deep copy is never == the original
        def __init__(self):
            self.itos = ["<pad>", "a"]

    checked(lambda vocab: len(vocab.itos), "size")(Vocab())

    def grows(vocab):
        vocab.itos.append("b")
        return 3

    with pytest.raises(AssertionError, match=r"argument vocab in place \(attribute 'itos': it had 2 items"):
        checked(grows)(Vocab())


def test_frozen_parameters_and_modes_left_changed_are_changes():
    def freezes(torch_lstm):
        torch_lstm.requires_grad_(False)  # to call .numpy() without .detach()
        return torch_lstm.weight_ih_l0.numpy().sum()

    with pytest.raises(AssertionError, match=r"copy changed its argument torch_lstm in place \(parameter "
                                             r"weight_ih_l0 no longer requires grad\): the caller's torch_lstm "
                                             r"must stay as it was; read its tensors with .detach\(\)"):
        checked(freezes, "copy")(torch.nn.LSTM(2, 3))

    def evaluates(model):
        model.eval()
        return 1

    with pytest.raises(AssertionError, match=r"argument model in place \(it was left in eval mode\): .* switch "
                                             r"it back before returning"):
        checked(evaluates)(torch.nn.LSTM(2, 3))
    def trains(model):
        model.train()
        return 1

    left_training = torch.nn.Linear(2, 2).eval()
    with pytest.raises(AssertionError, match=r"argument model in place \(it was left in training mode\)"):
        checked(trains)(left_training)

    def drops_off(model):
        model[1].eval()
        return 1

    model = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Dropout(0.5))
    with pytest.raises(AssertionError, match=r"argument model in place \(its submodule 1 was left in eval mode\)"):
        checked(drops_off)(model)
    checked(evaluates, modes=["model"])(torch.nn.LSTM(2, 3))  # a sampler may switch to eval mode
    with pytest.raises(AssertionError, match="no longer requires grad"):
        checked(freezes, modes=["torch_lstm"])(torch.nn.LSTM(2, 3))  # but not freeze the weights
    checked(freezes, changes=["torch_lstm"])(torch.nn.LSTM(2, 3))
    untouched = torch.nn.LSTM(2, 3).eval()
    checked(lambda model: 1, "reads")(untouched)  # a module already in eval mode stays so: no change
    assert not untouched.training


def test_a_keras_layer_made_untrainable_is_a_change():
    keras = pytest.importorskip("keras")
    layer = keras.layers.Dense(2)
    layer.build((None, 3))

    def freezes(layer):
        layer.trainable = False
        return 1

    with pytest.raises(AssertionError, match=r"argument layer in place \(it is no longer trainable\)"):
        checked(freezes)(layer)


def test_a_call_that_raises_is_checked_for_what_it_wrote_before():
    def half_done(H, W):
        H.zero_()
        raise ValueError("W has the wrong shape")

    with pytest.raises(AssertionError, match=r"half_done changed its argument H in place \(its values changed "
                                             r"\(first at index \(0,\)\)\) before raising ValueError") as info:
        checked(half_done)(torch.ones(2), torch.ones(3))
    assert isinstance(info.value.__cause__, ValueError)
    with pytest.raises(ValueError, match="wrong shape"):  # an argument meant to change: the call's own error
        checked(half_done, changes=["H"])(torch.ones(2), torch.ones(3))

    def refuses(H, W):
        raise ValueError("W has the wrong shape")

    with pytest.raises(ValueError, match="wrong shape"):
        checked(refuses)(torch.ones(2), torch.ones(3))
