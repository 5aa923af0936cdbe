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


# ---- the masked mean (Chapter 3, Exercise 6's references) ----------------------------------------

RNG = np.random.default_rng(3)
E_BATCH = RNG.standard_normal((5, 6, 3)).astype(np.float32)  # (B, T, d)
MASK = np.array([[1, 1, 1, 0, 0, 0],   # padded on the right
                 [0, 0, 0, 0, 0, 0],   # all padding
                 [1, 0, 0, 0, 0, 0],   # one token
                 [0, 0, 1, 1, 1, 1],   # padded on the left
                 [1, 0, 1, 1, 0, 1]], dtype=bool)  # (B, T): not a prefix


def _loop_mean(E, mask):
    """The masked mean row by row in NumPy: the mean of the real rows, zeros when there are none."""
    return np.stack([E[b][mask[b]].mean(axis=0) if mask[b].any() else np.zeros(E.shape[2], E.dtype)
                     for b in range(len(E))])  # (B, d)


def _garbage(E, mask):
    """``E`` with NaN, inf and -inf written into its padded positions."""
    dirty = E.copy()
    dirty[~mask] = np.resize(np.array([np.nan, np.inf, -np.inf], dtype=E.dtype), dirty[~mask].shape)
    return dirty


def _masked_mean(module, E, mask):
    """``module.masked_mean`` on NumPy inputs, as NumPy."""
    if module is ct:
        return module.masked_mean(torch.tensor(E), torch.tensor(mask)).detach().numpy()
    return np.asarray(module.masked_mean(tf.constant(E), tf.constant(mask)))


@pytest.mark.parametrize("module", [ct, ck], ids=["torch", "keras"])
def test_masked_mean_against_a_loop(module):
    got = _masked_mean(module, E_BATCH, MASK)
    assert got.shape == (5, 3) and got.dtype == np.float32
    np.testing.assert_allclose(got, _loop_mean(E_BATCH, MASK), rtol=1e-6, atol=1e-7)
    np.testing.assert_array_equal(got[1], 0.0)  # all padding: zeros, not NaN
    np.testing.assert_allclose(got[2], E_BATCH[2, 0], rtol=0, atol=0)  # one token: that token


@pytest.mark.parametrize("module", [ct, ck], ids=["torch", "keras"])
def test_masked_mean_never_reads_the_padding(module):
    dirty = _garbage(E_BATCH, MASK)
    assert np.isnan(dirty).any() and np.isinf(dirty).any()
    got = _masked_mean(module, dirty, MASK)
    assert np.isfinite(got).all()
    np.testing.assert_allclose(got, _loop_mean(E_BATCH, MASK), rtol=1e-6, atol=1e-7)


def test_masked_mean_is_the_same_in_both_frameworks():
    np.testing.assert_allclose(_masked_mean(ct, E_BATCH, MASK), _masked_mean(ck, E_BATCH, MASK),
                               rtol=1e-6, atol=1e-7)


def test_torch_masked_mean_gradient_is_finite_and_zero_on_the_padding():
    E = torch.tensor(_garbage(E_BATCH, MASK), requires_grad=True)  # (B, T, d)
    mask = torch.tensor(MASK)
    G = torch.tensor(RNG.standard_normal((5, 3)).astype(np.float32))  # (B, d), an upstream gradient
    (ct.masked_mean(E, mask) * G).sum().backward()
    assert torch.isfinite(E.grad).all()
    # The loop's gradient, by autograd on clean values: G[b] / count_b at the real positions, 0 elsewhere.
    clean = torch.tensor(E_BATCH, requires_grad=True)
    rows = [clean[b][mask[b]].mean(dim=0) if mask[b].any() else clean[b, 0] * 0 for b in range(5)]
    (torch.stack(rows) * G).sum().backward()
    torch.testing.assert_close(E.grad, clean.grad)
    assert torch.all(E.grad[~mask] == 0)
    count = mask.sum(dim=1).clamp(min=1)  # (B,)
    torch.testing.assert_close(E.grad[3, 2], G[3] / count[3])


def test_torch_masked_mean_keeps_dtype_and_inputs():
    E = torch.tensor(E_BATCH, dtype=torch.float64)  # (B, T, d)
    mask = torch.tensor(MASK)
    E_before, mask_before = E.clone(), mask.clone()
    out = ct.masked_mean(E, mask)
    assert out.dtype == torch.float64 and out.shape == (5, 3)
    assert torch.equal(E, E_before) and torch.equal(mask, mask_before)
    with pytest.raises(AssertionError, match=r"mask \(B, T\)"):
        ct.masked_mean(E, mask[:, :4])


def test_torch_masked_mean_module():
    layer = ct.MaskedMean()
    assert list(layer.parameters()) == []
    E, mask = torch.tensor(E_BATCH), torch.tensor(MASK)
    torch.testing.assert_close(layer(E, mask), ct.masked_mean(E, mask))
    torch.testing.assert_close(layer(E), E.mean(dim=1))  # no mask: every step


def test_keras_masked_mean_layer_against_global_average_pooling():
    layer = ck.MaskedMean()
    got = np.asarray(layer(tf.constant(E_BATCH), mask=tf.constant(MASK)))  # (B, d)
    keras_own = np.asarray(keras.layers.GlobalAveragePooling1D()(tf.constant(E_BATCH), mask=tf.constant(MASK)))
    some = MASK.any(axis=1)  # Keras' own layer divides 0 by 0 on the all-padding row
    assert np.isnan(keras_own[~some]).all()
    np.testing.assert_allclose(got[some], keras_own[some], rtol=1e-6, atol=1e-7)
    np.testing.assert_array_equal(got[~some], 0.0)
    np.testing.assert_allclose(np.asarray(layer(tf.constant(E_BATCH))), E_BATCH.mean(axis=1), rtol=1e-6)
    assert layer.compute_mask(tf.constant(E_BATCH), tf.constant(MASK)) is None
    assert layer.weights == []


def _bag_of_embeddings(table):
    """ids (B, T) -> Embedding(mask_zero=True) with ``table`` -> MaskedMean -> Dense(2)."""
    ids = keras.Input(shape=(None,), dtype="int32")  # (B, T)
    pooled = ck.MaskedMean()(ck.embedding_layer(table, trainable=True)(ids))  # (B, d)
    return keras.Model(ids, keras.layers.Dense(2)(pooled))  # logits (B, 2)


def test_keras_masked_mean_in_a_model():
    keras.utils.set_random_seed(0)
    model = _bag_of_embeddings(MATRIX)
    pooled = model.layers[2].output
    assert getattr(pooled, "_keras_mask", None) is None  # no mask passed on to the Dense
    assert getattr(model.outputs[0], "_keras_mask", None) is None
    longer = np.concatenate([X, np.zeros((2, 3), dtype=X.dtype)], axis=1)  # (2, 8): more padding
    np.testing.assert_allclose(model.predict(longer, verbose=0), model.predict(X, verbose=0), rtol=1e-6)
    # The pooled vectors are the torch twin's on the same table.
    encoder = keras.Model(model.inputs, pooled)
    want = ct.masked_mean(torch.tensor(MATRIX[X]), torch.tensor(X != 0)).numpy()
    np.testing.assert_allclose(encoder.predict(X, verbose=0), want, rtol=1e-6, atol=1e-7)
    # It trains: an all-padding example keeps the loss and every gradient finite.
    with_empty = np.concatenate([X, np.zeros((1, 5), dtype=X.dtype)])  # (3, 5), the last row all padding
    model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(with_empty, np.array([0, 1, 1]), epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(model(with_empty, training=True))
    grads = tape.gradient(loss, model.trainable_weights)
    assert all(np.isfinite(np.asarray(tf.convert_to_tensor(g))).all() for g in grads)
