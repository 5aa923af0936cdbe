"""Where PyTorch computes, and how exactly: device choice and float32 precision."""

from __future__ import annotations

import torch


def get_device(verbose: bool = True) -> torch.device:
    """Return the best available device, CUDA first, then Apple's MPS, then the CPU, and say which."""
    if torch.cuda.is_available():
        device, name = torch.device("cuda"), torch.cuda.get_device_name(0)
    elif getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        device, name = torch.device("mps"), "Apple GPU (Metal)"
    else:
        device, name = torch.device("cpu"), f"{torch.get_num_threads()} CPU threads"
    if verbose:
        print(f"PyTorch {torch.__version__} uses {device.type}: {name}")
    return device


def disable_tf32() -> None:
    """Make float32 matrix products and cuDNN recurrences run in full float32 precision.

    On Ampere and later NVIDIA GPUs, cuBLAS and cuDNN may compute float32 matmuls and
    recurrences in TF32, which keeps only a 10-bit mantissa: results then differ from exact
    float32 by about 1e-3.  Comparisons of from-scratch code with ``nn.RNN`` at tight
    tolerances must turn it off.  Harmless on CPUs and older GPUs.
    """
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.set_float32_matmul_precision("highest")
