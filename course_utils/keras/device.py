"""Where TensorFlow computes, and how exactly: GPU memory growth and float32 precision."""

from __future__ import annotations

import keras
import tensorflow as tf

from course_utils.keras._quiet import quiet_native_stderr


def get_device(verbose: bool = True) -> str:
    """Turn on memory growth for every GPU TensorFlow sees and return ``"/GPU:0"`` or ``"/CPU:0"``.

    Memory growth keeps TensorFlow from claiming the whole GPU, so PyTorch can share it.
    Keras places layers on the GPU by itself; the name is for ``tf.device`` blocks and messages.
    """
    with quiet_native_stderr():  # without a driver, CUDA's probe logs an error line
        gpus = tf.config.list_physical_devices("GPU")
    for gpu in gpus:
        try:
            tf.config.experimental.set_memory_growth(gpu, True)
        except RuntimeError:  # the GPU was already initialised; growth can no longer change
            pass
    device = "/GPU:0" if gpus else "/CPU:0"
    if verbose:
        found = ", ".join(g.name for g in gpus) or "no GPU"
        print(f"TensorFlow {tf.__version__} (Keras {keras.__version__}) sees {found}; it uses {device}")
    return device


def disable_tf32() -> None:
    """Make float32 matrix products and cuDNN recurrences run in full float32 precision.

    On Ampere and later NVIDIA GPUs, TensorFlow may compute float32 matmuls and recurrences
    in TF32, which keeps only a 10-bit mantissa: results then differ from exact float32 by
    about 1e-3.  Comparisons of from-scratch code with ``SimpleRNN`` at tight tolerances
    must turn it off.  Harmless on CPUs and older GPUs.
    """
    tf.config.experimental.enable_tensor_float_32_execution(False)
