"""Tests for course_utils.seed: one call makes Python, NumPy, PyTorch and Keras/TensorFlow draws repeat."""

import os
import random

import keras
import numpy as np
import tensorflow as tf
import torch

from course_utils import set_seed


def _draws():
    dense = keras.layers.Dense(4)
    dense.build((None, 3))
    return {
        "python": [random.random() for _ in range(3)],
        "numpy": np.random.rand(3).tolist(),
        "torch": torch.rand(3).tolist(),
        "torch_init": torch.nn.Linear(3, 4).weight.detach().numpy().tolist(),
        "tf": tf.random.uniform((3,)).numpy().tolist(),
        "keras": keras.random.normal((3,)).numpy().tolist(),
        "keras_init": dense.kernel.numpy().tolist(),
    }


def test_same_seed_repeats_every_generator():
    set_seed(123)
    first = _draws()
    set_seed(123)
    second = _draws()
    assert first == second


def test_other_seed_changes_every_generator():
    set_seed(1)
    first = _draws()
    set_seed(2)
    second = _draws()
    for key in first:
        assert first[key] != second[key], key


def test_default_seed_and_hash_seed():
    set_seed()
    first = (random.random(), np.random.rand(), torch.rand(1).item())
    assert os.environ["PYTHONHASHSEED"] == "0"
    set_seed(0)
    assert (random.random(), np.random.rand(), torch.rand(1).item()) == first
    set_seed(5)
    assert os.environ["PYTHONHASHSEED"] == "5"
