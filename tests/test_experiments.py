"""Tests for course_utils.experiments: the shared set-up of the gradient-flow experiment."""

import numpy as np
import pytest

from course_utils.experiments import bptt_problem


def test_shapes_and_dtypes():
    p = bptt_problem(0.5, num_steps=6, num_hiddens=4, input_size=3, batch_size=2)
    assert {k: v.shape for k, v in p.items()} == {"X": (2, 6, 3), "W_xh": (3, 4), "W_hh": (4, 4), "b_h": (4,)}
    assert all(v.dtype == np.float32 for v in p.values())
    assert not p["b_h"].any()


@pytest.mark.parametrize("scale", [0.5, 1.0, 1.5])
def test_w_hh_is_scaled_orthogonal(scale):
    W = bptt_problem(scale)["W_hh"]
    np.testing.assert_allclose(np.linalg.svd(W, compute_uv=False), np.full(32, scale), rtol=1e-5)
    np.testing.assert_allclose(W.T @ W, scale ** 2 * np.eye(32), atol=1e-5)


def test_seeded_and_shared_across_scales():
    a, b = bptt_problem(0.5, seed=3), bptt_problem(1.5, seed=3)
    np.testing.assert_array_equal(a["X"], b["X"])  # only W_hh depends on the scale
    np.testing.assert_allclose(3 * a["W_hh"], b["W_hh"], rtol=1e-6)
    assert not np.array_equal(bptt_problem(0.5, seed=4)["X"], a["X"])
    for key, value in bptt_problem(0.5, seed=3).items():
        np.testing.assert_array_equal(value, a[key])


def test_inputs_are_small():
    p = bptt_problem(1.0)
    assert np.abs(p["X"]).max() < 1.0 and np.abs(p["W_xh"]).std() < 0.2
