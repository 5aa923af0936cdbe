"""Looking inside gated layers in PyTorch: gate values, gradients through time, cuDNN eligibility."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from course_utils.checks import check_shape
from course_utils.torch.gates import _lstm_cell

_LAYERS = {"rnn": (nn.RNN, nn.RNNCell), "lstm": (nn.LSTM, nn.LSTMCell), "gru": (nn.GRU, nn.GRUCell)}


def gate_activations(layer: nn.LSTM, X) -> dict[str, np.ndarray]:
    """Every gate and state of a one-layer ``nn.LSTM(batch_first=True)`` on ``X`` ``(B, T, d)``.

    Recomputes the layer step by step with the from-scratch LSTM step on the layer's own
    weights (transposed to row form, ``b = bias_ih_l0 + bias_hh_l0``) from zero initial
    states, and returns NumPy arrays ``"i"``, ``"f"``, ``"g"``, ``"o"``, ``"c"``, ``"h"``, each
    ``(B, T, h)``.  Raises ``AssertionError`` if ``"h"`` differs from the layer's own output
    by more than 1e-4, so the recomputation is checked on every call.
    """
    if not isinstance(layer, nn.LSTM) or layer.num_layers != 1 or layer.bidirectional \
            or layer.proj_size or not layer.batch_first:
        raise ValueError("gate_activations expects a one-layer, unidirectional "
                         "nn.LSTM(batch_first=True) without projection")
    weight = layer.weight_ih_l0
    X = torch.as_tensor(X, dtype=weight.dtype, device=weight.device)  # (B, T, d)
    check_shape(X, (None, None, layer.input_size), "X")
    W_x, W_h = layer.weight_ih_l0.T, layer.weight_hh_l0.T  # (d, 4h), (h, 4h)
    b = layer.bias_ih_l0 + layer.bias_hh_l0 if layer.bias else torch.zeros_like(W_x[0])  # (4h,)
    H = torch.zeros(X.shape[0], layer.hidden_size, dtype=X.dtype, device=X.device)  # (B, h)
    C, steps = H, []
    with torch.no_grad():
        for t in range(X.shape[1]):
            I, F, G, O, C, H = _lstm_cell(X[:, t], H, C, W_x, W_h, b)  # (B, h) each
            steps.append((I, F, G, O, C, H))
        output, _ = layer(X)  # (B, T, h)
    values = {name: torch.stack([step[k] for step in steps], dim=1).cpu().numpy()  # (B, T, h)
              for k, name in enumerate(("i", "f", "g", "o", "c", "h"))}
    gap = float(np.abs(values["h"] - output.cpu().numpy()).max())
    if gap > 1e-4:
        raise AssertionError(f"the recomputed h differs from the layer's output by {gap:.3g} (more than 1e-4)")
    return values


def grad_norms_by_cell(cell: str, *, num_steps: int = 100, num_inputs: int = 8, num_hiddens: int = 64,
                       seed: int = 0, forget_bias: float | None = None) -> np.ndarray:
    """Return ``||dL/dh_t||`` for ``t = T, T-1, ..., 1`` with ``L = sum(h_T)``, for a fresh layer.

    ``cell`` is "rnn", "lstm" or "gru" (``ValueError`` otherwise).  The layer is ``nn.RNN``,
    ``nn.LSTM`` or ``nn.GRU`` with PyTorch's default initialisation under ``torch.manual_seed(seed)``
    (every weight and both biases uniform in ``(-1/sqrt(h), 1/sqrt(h))``), drawn without
    touching the global random state.  ``forget_bias`` (LSTM only) sets the forget block of
    ``bias_ih_l0`` to that value and that of ``bias_hh_l0`` to 0.  The inputs are
    ``0.5 * standard normal`` ``(1, num_steps, num_inputs)`` from ``np.random.default_rng(seed)``.
    The layer's weights are unrolled with ``nn.RNNCell``/``LSTMCell``/``GRUCell``.  Index ``k``
    of the result is the distance ``T - t``.  The Keras twin initialises differently (Glorot,
    orthogonal, zero biases), so the two give different numbers with the same shape of decay.
    """
    if cell not in _LAYERS:
        raise ValueError(f"cell must be 'rnn', 'lstm' or 'gru'; got {cell!r}")
    if forget_bias is not None and cell != "lstm":
        raise ValueError("forget_bias applies to the LSTM only")
    layer_class, cell_class = _LAYERS[cell]
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        layer = layer_class(num_inputs, num_hiddens, batch_first=True)
        step = cell_class(num_inputs, num_hiddens)
    if forget_bias is not None:
        with torch.no_grad():
            layer.bias_ih_l0[num_hiddens:2 * num_hiddens] = forget_bias
            layer.bias_hh_l0[num_hiddens:2 * num_hiddens] = 0.0
    step.load_state_dict({name.removesuffix("_l0"): value for name, value in layer.state_dict().items()})
    X = 0.5 * np.random.default_rng(seed).standard_normal((1, num_steps, num_inputs))  # (1, T, d)
    X = torch.tensor(X, dtype=torch.float32)  # (1, T, d)
    H = torch.zeros(1, num_hiddens)  # (1, h)
    state = (H, torch.zeros_like(H)) if cell == "lstm" else H  # (1, h) or ((1, h), (1, h))
    hidden = []
    for t in range(num_steps):
        state = step(X[:, t], state)
        H = state[0] if cell == "lstm" else state  # (1, h)
        H.retain_grad()  # keep dL/dh_t, which autograd would otherwise free
        hidden.append(H)
    H.sum().backward()
    return np.asarray([H_t.grad.norm().item() for H_t in reversed(hidden)])


def cudnn_eligible(layer) -> tuple[bool, list[str]]:
    """Whether ``layer`` runs as one fused cuDNN kernel on an NVIDIA GPU, and if not, why.

    PyTorch dispatches every ``nn.RNN``, ``nn.LSTM`` and ``nn.GRU`` (``nn.RNNBase``) on CUDA
    to cuDNN, whatever its arguments: ``(True, [])``.  A cell (``nn.RNNCell``, ``nn.LSTMCell``,
    ``nn.GRUCell``) is one step: called in a Python loop it launches small kernels step by
    step, never the fused sequence kernel.  The runtime conditions (a CUDA device, a float
    dtype, ``torch.backends.cudnn.enabled``) are not checked here.
    """
    if isinstance(layer, nn.RNNBase):
        return True, []
    if isinstance(layer, nn.RNNCellBase):
        return False, [f"{type(layer).__name__} is a cell: called in a Python loop it runs step by step, "
                       "with no fused cuDNN kernel; use nn.RNN, nn.LSTM or nn.GRU"]
    return False, [f"{type(layer).__name__} is not a torch.nn recurrent layer (nn.RNN, nn.LSTM, nn.GRU)"]
