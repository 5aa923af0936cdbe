"""Tests for the read-out twins course_utils.torch.readout and course_utils.keras.readout."""

import numpy as np
import pytest
import torch
from torch import nn

import course_utils.keras as ckeras
import course_utils.torch as ctorch
from course_utils.checks import to_numpy

import keras  # noqa: E402  (after course_utils.keras, which sets the backend)
from keras import layers  # noqa: E402


def _batch(seed, B=5, T=7, h=3, shift=0.0):
    rng = np.random.default_rng(seed)
    outputs = (rng.normal(size=(B, T, h)) + shift).astype(np.float32)
    lengths = rng.integers(1, T + 1, B)
    return outputs, lengths


@pytest.mark.parametrize("seed", range(3))
def test_torch_last_real_step_matches_packed_gru(seed):
    torch.manual_seed(seed)
    gru = nn.GRU(3, 4, batch_first=True)
    X = torch.randn(5, 6, 3)
    lengths = torch.tensor([6, 1, 3, 2, 5])
    with torch.no_grad():
        out, _ = gru(X)
        _, h_n = gru(nn.utils.rnn.pack_padded_sequence(X, lengths, batch_first=True, enforce_sorted=False))
    torch.testing.assert_close(ctorch.last_real_step(out, lengths), h_n[0])


@pytest.mark.parametrize("seed", range(3))
def test_pooling_against_loops_in_both_frameworks(seed):
    outputs, lengths = _batch(seed, shift=-2.0)
    want_mean = np.stack([outputs[b, :n].mean(0) for b, n in enumerate(lengths)])
    want_max = np.stack([outputs[b, :n].max(0) for b, n in enumerate(lengths)])
    want_last = np.stack([outputs[b, n - 1] for b, n in enumerate(lengths)])
    for got, want in [
        (ctorch.masked_pooling(torch.tensor(outputs), torch.tensor(lengths), "mean"), want_mean),
        (ctorch.masked_pooling(torch.tensor(outputs), torch.tensor(lengths), "max"), want_max),
        (ctorch.MaskedMaxPooling()(torch.tensor(outputs), torch.tensor(lengths)), want_max),
        (ckeras.masked_pooling(outputs, lengths, "mean"), want_mean),
        (ckeras.masked_pooling(outputs, lengths, "max"), want_max),
        (ckeras.last_real_step(outputs, lengths), want_last),
    ]:
        np.testing.assert_allclose(to_numpy(got), want, rtol=1e-5, atol=1e-6)


def test_lengths_and_modes_are_checked():
    outputs, _ = _batch(0, B=2, T=3)
    for module in (ctorch, ckeras):
        x = torch.tensor(outputs) if module is ctorch else outputs
        bad = torch.tensor([0, 2]) if module is ctorch else np.array([0, 2])
        with pytest.raises(AssertionError, match="between 1 and T = 3"):
            module.last_real_step(x, bad)
        ok = torch.tensor([1, 2]) if module is ctorch else np.array([1, 2])
        with pytest.raises(ValueError, match="'mean' or 'max'"):
            module.masked_pooling(x, ok, "sum")


def test_keras_layer_uses_the_mask_in_a_model():
    keras.utils.set_random_seed(0)
    ids = keras.Input(shape=(None,), dtype="int32")
    H = layers.LSTM(3, return_sequences=True)(layers.Embedding(9, 4, mask_zero=True)(ids))
    pooled = ckeras.MaskedMaxPooling()(H)
    model = keras.Model(ids, layers.Dense(2)(pooled))
    short = np.array([[3, 5, 2], [4, 8, 0]])
    longer = np.concatenate([short, np.zeros((2, 5), dtype=int)], axis=1)
    np.testing.assert_allclose(to_numpy(model(longer)), to_numpy(model(short)), rtol=1e-5, atol=1e-6)
    assert getattr(pooled, "_keras_mask", None) is None


def test_keras_global_max_pooling_drops_the_mask():
    """The pitfall Chapter 6 shows: GlobalMaxPooling1D drops the mask of a Bidirectional layer."""
    keras.utils.set_random_seed(0)  # the chapter's seed
    ids = keras.Input(shape=(None,), dtype="int32")
    H = layers.Bidirectional(layers.LSTM(2, return_sequences=True))(layers.Embedding(9, 4, mask_zero=True)(ids))
    padded = np.array([[3, 5, 2, 0, 0]])
    outputs = to_numpy(keras.Model(ids, H)(padded))
    np.testing.assert_array_equal(outputs[0, 3:], 0.0)  # what the padded steps hold, on a CPU
    assert "mask" not in layers.GlobalMaxPooling1D().call.__code__.co_varnames
    with pytest.warns(UserWarning, match="does not support masking"):
        pooled = layers.GlobalMaxPooling1D()(H)
    got = to_numpy(keras.Model(ids, pooled)(padded))[0]
    real_max = outputs[0, :3].max(axis=0)
    negative = real_max < 0
    assert negative.any(), "the test needs a unit whose real outputs are all negative"
    np.testing.assert_array_equal(got[negative], 0.0)
    np.testing.assert_allclose(to_numpy(ckeras.MaskedMaxPooling()(outputs, mask=padded != 0))[0],
                               real_max, rtol=1e-6)
