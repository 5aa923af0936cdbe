"""A wrong input shape stops the reference RNN with a message naming the argument, in both frameworks."""

import numpy as np
import pytest
import tensorflow as tf
import torch

import course_utils.keras as ck
import course_utils.torch as ct

B, T, D, H = 3, 7, 5, 4
FRAMEWORKS = {"torch": (ct, torch.tensor), "keras": (ck, tf.constant)}


@pytest.fixture(params=sorted(FRAMEWORKS))
def framework(request):
    """The helper module and a function that turns a float32 NumPy array into its tensor type."""
    return FRAMEWORKS[request.param]


def _weights(to_tensor):
    rng = np.random.default_rng(0)
    shapes = {"X": (B, T, D), "H0": (B, H), "W_xh": (D, H), "W_hh": (H, H), "b_h": (H,)}
    return {k: to_tensor(rng.standard_normal(s).astype(np.float32)) for k, s in shapes.items()}


@pytest.mark.parametrize("bad, shape, pattern", [
    ("X_t", (B, D + 1), r"X_t should have shape \(3, 5\), got \(3, 6\)"),
    ("W_hh", (H, H + 1), r"W_hh should have shape \(4, 4\), got \(4, 5\)"),
    ("b_h", (1, H), r"b_h should have shape \(4,\), got \(1, 4\)"),
])
def test_rnn_step_wrong_shape(framework, bad, shape, pattern):
    module, to_tensor = framework
    w = _weights(to_tensor)
    args = {"X_t": w["X"][:, 0], "H_prev": w["H0"], "W_xh": w["W_xh"], "W_hh": w["W_hh"], "b_h": w["b_h"]}
    args[bad] = to_tensor(np.zeros(shape, dtype=np.float32))
    with pytest.raises(AssertionError, match=pattern):
        module.rnn_step(**args)


def test_rnn_forward_wrong_shape(framework):
    module, to_tensor = framework
    w = _weights(to_tensor)
    with pytest.raises(AssertionError, match=r"X should have shape \(3, 'any', 5\), got \(3, 5\)"):
        module.rnn_forward(w["X"][:, 0], w["H0"], w["W_xh"], w["W_hh"], w["b_h"])  # time axis missing
    with pytest.raises(AssertionError, match=r"X should have shape \(2, 'any', 5\), got \(3, 7, 5\)"):
        module.rnn_forward(w["X"], w["H0"][:2], w["W_xh"], w["W_hh"], w["b_h"])
