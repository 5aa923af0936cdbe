"""One call that makes a run reproducible."""

from __future__ import annotations

import importlib.util
import os
import random

import numpy as np


def set_seed(seed: int = 0) -> None:
    """Seed Python's ``random``, NumPy, PyTorch (all devices) and TensorFlow/Keras.

    Frameworks that are not installed are skipped.  On a GPU some kernels stay
    nondeterministic; the seeds still make initial weights and batch order repeat.
    """
    random.seed(seed)
    np.random.seed(seed)
    os.environ["PYTHONHASHSEED"] = str(seed)
    if importlib.util.find_spec("torch") is not None:
        import torch

        torch.manual_seed(seed)  # seeds the CPU and every CUDA/MPS device
    if importlib.util.find_spec("tensorflow") is not None:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        os.environ.setdefault("KERAS_BACKEND", "tensorflow")
        import keras

        keras.utils.set_random_seed(seed)  # seeds Python, NumPy and TensorFlow
