"""Pretrained embedding layers in both frameworks: the lookup is the matrix, freezing, padding."""

import keras
import numpy as np
import pytest
import tensorflow as tf
import torch

import course_utils.keras as ck
import course_utils.torch as ct

MATRIX = np.random.default_rng(0).standard_normal((6, 4)).astype(np.float32)  # (6, 4)
MATRIX[0] = 0.0  # the <pad> row
X = np.array([[3, 1, 5, 0, 0], [2, 2, 4, 1, 0]])  # (2, 5): ids, 0 is padding


def _lookup(module, layer, X):
    """The layer's output for ids ``X`` as NumPy."""
    if module is ct:
        return layer(torch.tensor(X)).detach().numpy()
    return np.asarray(layer(tf.constant(X)))


@pytest.mark.parametrize("module", [ct, ck], ids=["torch", "keras"])
@pytest.mark.parametrize("trainable", [False, True])
def test_lookup_is_the_matrix_rows(module, trainable):
    layer = module.embedding_layer(MATRIX, trainable=trainable)
    np.testing.assert_array_equal(module.embedding_weights(layer), MATRIX)
    out = _lookup(module, layer, X)
    assert out.shape == (2, 5, 4)
    np.testing.assert_array_equal(out, MATRIX[X])


@pytest.mark.parametrize("module", [ct, ck], ids=["torch", "keras"])
def test_float64_matrix_gives_float32_table(module):
    layer = module.embedding_layer(MATRIX.astype(np.float64), trainable=True)
    weights = module.embedding_weights(layer)
    assert weights.dtype == np.float32
    np.testing.assert_array_equal(weights, MATRIX)


def test_torch_frozen_and_trainable():
    frozen = ct.embedding_layer(MATRIX, trainable=False)
    assert not frozen.weight.requires_grad
    assert frozen(torch.tensor(X)).sum().requires_grad is False
    trained = ct.embedding_layer(MATRIX, trainable=True)
    assert trained.weight.requires_grad


def test_torch_padding_row_gets_zero_gradient():
    layer = ct.embedding_layer(MATRIX, trainable=True)
    assert layer.padding_idx == 0
    layer(torch.tensor(X)).pow(2).sum().backward()
    grad = layer.weight.grad  # (6, 4)
    assert torch.all(grad[0] == 0)
    assert torch.all(grad[[1, 2, 3, 4, 5]].abs().sum(dim=1) > 0)
    assert ct.embedding_layer(MATRIX, trainable=True, pad=False).padding_idx is None


def test_torch_weights_are_a_copy():
    layer = ct.embedding_layer(MATRIX, trainable=True)
    ct.embedding_weights(layer)[:] = 7.0
    np.testing.assert_array_equal(ct.embedding_weights(layer), MATRIX)


def test_keras_frozen_and_trainable():
    frozen = ck.embedding_layer(MATRIX, trainable=False)
    assert frozen.built and not frozen.trainable
    assert frozen.trainable_weights == [] and len(frozen.non_trainable_weights) == 1
    trained = ck.embedding_layer(MATRIX, trainable=True)
    assert len(trained.trainable_weights) == 1
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(trained(tf.constant(X)) ** 2)
    grad = tape.gradient(loss, trained.trainable_weights[0])
    np.testing.assert_allclose(tf.convert_to_tensor(grad).numpy()[3], 2 * MATRIX[3], rtol=1e-6)


@pytest.mark.parametrize("pad", [True, False])
def test_keras_mask(pad):
    layer = ck.embedding_layer(MATRIX, trainable=False, pad=pad)
    mask = layer.compute_mask(tf.constant(X))
    if pad:
        np.testing.assert_array_equal(np.asarray(mask), X != 0)
    else:
        assert mask is None


def test_keras_unbuilt_layer():
    with pytest.raises(ValueError, match="not built"):
        ck.embedding_weights(keras.layers.Embedding(6, 4))


@pytest.mark.parametrize("module", [ct, ck], ids=["torch", "keras"])
def test_matrix_must_be_two_dimensional(module):
    with pytest.raises(ValueError, match=r"shape \(V, d\)"):
        module.embedding_layer(np.zeros(4), trainable=False)
