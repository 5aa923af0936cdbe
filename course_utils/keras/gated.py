"""Looking inside gated layers in Keras: gate values, gradients through time, cuDNN eligibility."""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf
from keras import layers, ops

from course_utils.checks import check_shape
from course_utils.keras.gates import _lstm_cell

_LAYERS = {"rnn": layers.SimpleRNN, "lstm": layers.LSTM, "gru": layers.GRU}
# What keras.src.backend.tensorflow.rnn accepts as tanh and sigmoid (compared by identity).
_TANH = (keras.activations.tanh, tf.tanh, ops.tanh)
_SIGMOID = (keras.activations.sigmoid, tf.sigmoid, ops.sigmoid)


def _name(function) -> str:
    return getattr(function, "__name__", repr(function))


def gate_activations(layer: layers.LSTM, X) -> dict[str, np.ndarray]:
    """Every gate and state of a one-layer ``keras.layers.LSTM`` on ``X`` ``(B, T, d)``.

    Calls the layer on ``X`` (which builds it if needed), then recomputes it step by step
    with the from-scratch LSTM step on its own ``kernel``, ``recurrent_kernel`` and ``bias``
    from zero initial states, and returns NumPy arrays ``"i"``, ``"f"``, ``"g"`` (Keras' ``c``
    block), ``"o"``, ``"c"``, ``"h"``, each ``(B, T, h)``.  Raises ``AssertionError`` if ``"h"``
    differs from the layer's own output by more than 1e-4, so the recomputation is checked on
    every call.  The layer must use ``tanh``/``sigmoid`` and not be stateful or go backwards.
    """
    if not isinstance(layer, layers.LSTM) or layer.go_backwards or layer.stateful:
        raise ValueError("gate_activations expects a keras.layers.LSTM that is neither stateful "
                         "nor go_backwards")
    cell = layer.cell
    if cell.activation not in _TANH or cell.recurrent_activation not in _SIGMOID:
        raise ValueError(f"gate_activations recomputes the standard LSTM (tanh, sigmoid); this one uses "
                         f"activation={_name(cell.activation)}, "
                         f"recurrent_activation={_name(cell.recurrent_activation)}")
    X = ops.convert_to_tensor(X, dtype="float32")  # (B, T, d)
    check_shape(X, (None, None, cell.kernel.shape[0] if layer.built else None), "X")
    output = layer(X)  # (B, T, h) or (B, h), in a list with the states if return_state
    output = ops.convert_to_numpy(output[0] if layer.return_state else output)  # (B, T, h) or (B, h)
    b = cell.bias if cell.use_bias else ops.zeros((4 * cell.units,))  # (4h,)
    H = ops.zeros((X.shape[0], cell.units))  # (B, h)
    C, steps = H, []
    for t in range(X.shape[1]):
        I, F, G, O, C, H = _lstm_cell(X[:, t], H, C, cell.kernel, cell.recurrent_kernel, b)  # (B, h) each
        steps.append((I, F, G, O, C, H))
    values = {name: ops.convert_to_numpy(ops.stack([step[k] for step in steps], axis=1))  # (B, T, h)
              for k, name in enumerate(("i", "f", "g", "o", "c", "h"))}
    expected = values["h"] if layer.return_sequences else values["h"][:, -1]  # (B, T, h) or (B, h)
    gap = float(np.abs(expected - output).max())
    if gap > 1e-4:
        raise AssertionError(f"the recomputed h differs from the layer's output by {gap:.3g} (more than 1e-4)")
    return values


def grad_norms_by_cell(cell: str, *, num_steps: int = 100, num_inputs: int = 8, num_hiddens: int = 64,
                       seed: int = 0, forget_bias: float | None = None) -> np.ndarray:
    """Return ``||dL/dh_t||`` for ``t = T, T-1, ..., 1`` with ``L = sum(h_T)``, for a fresh layer.

    ``cell`` is "rnn", "lstm" or "gru" (``ValueError`` otherwise).  The layer is ``SimpleRNN``,
    ``LSTM`` or ``GRU`` with Keras' default initialisation (Glorot-uniform ``kernel``,
    orthogonal ``recurrent_kernel``, zero bias except the LSTM's forget block, 1.0 from
    ``unit_forget_bias=True``), seeded by ``keras.random.SeedGenerator(seed)`` without
    touching the global random state.  ``forget_bias`` (LSTM only) sets the forget block of
    the bias to that value.  The inputs are ``0.5 * standard normal`` ``(1, num_steps,
    num_inputs)`` from ``np.random.default_rng(seed)``.  The layer's own cell is unrolled under
    a ``tf.GradientTape``.  Index ``k`` of the result is the distance ``T - t``.  PyTorch
    initialises differently (uniform weights and biases), so its twin gives different numbers.
    """
    if cell not in _LAYERS:
        raise ValueError(f"cell must be 'rnn', 'lstm' or 'gru'; got {cell!r}")
    if forget_bias is not None and cell != "lstm":
        raise ValueError("forget_bias applies to the LSTM only")
    seeds = keras.random.SeedGenerator(seed)
    layer = _LAYERS[cell](num_hiddens, kernel_initializer=keras.initializers.GlorotUniform(seed=seeds),
                          recurrent_initializer=keras.initializers.Orthogonal(seed=seeds))
    layer.build((1, num_steps, num_inputs))
    if forget_bias is not None:
        bias = ops.convert_to_numpy(layer.cell.bias)  # (4h,)
        bias[num_hiddens:2 * num_hiddens] = forget_bias
        layer.cell.bias.assign(bias)
    X = 0.5 * np.random.default_rng(seed).standard_normal((1, num_steps, num_inputs))  # (1, T, d)
    X = X.astype(np.float32)  # (1, T, d)
    with tf.GradientTape() as tape:
        H = ops.zeros((1, num_hiddens))  # (1, h)
        state = [H, ops.zeros((1, num_hiddens))] if cell == "lstm" else [H]  # [(1, h)] or [(1, h), (1, h)]
        hidden = []
        for t in range(num_steps):
            H, state = layer.cell(X[:, t], state)  # (1, h), the new state
            tape.watch(H)  # ask the tape for dL/dh_t, not only dL/dweights
            hidden.append(H)
        loss = ops.sum(H)
    grads = tape.gradient(loss, hidden)  # num_steps x (1, h): dL/dh_t
    return np.asarray([float(ops.norm(g)) for g in reversed(grads)])


def _layer_reasons(layer: layers.RNN) -> list[str]:
    cell, reasons = layer.cell, []
    if cell.activation not in _TANH:
        reasons.append(f"activation={_name(cell.activation)}: cuDNN needs tanh")
    if cell.recurrent_activation not in _SIGMOID:
        reasons.append(f"recurrent_activation={_name(cell.recurrent_activation)}: cuDNN needs sigmoid")
    if cell.recurrent_dropout:
        reasons.append(f"recurrent_dropout={cell.recurrent_dropout}: cuDNN needs 0 (dropout on the inputs is fine)")
    if layer.unroll:
        reasons.append("unroll=True: cuDNN needs unroll=False")
    if not cell.use_bias:
        reasons.append("use_bias=False: cuDNN needs use_bias=True")
    if isinstance(layer, layers.GRU) and not cell.reset_after:
        reasons.append("reset_after=False: cuDNN's GRU needs reset_after=True")
    if layer.use_cudnn is False:
        reasons.append("use_cudnn=False turns the cuDNN kernel off")
    return reasons


def cudnn_eligible(layer) -> tuple[bool, list[str]]:
    """Whether Keras 3 (TensorFlow backend) runs ``layer`` with its cuDNN kernel on a GPU, and if not, why.

    The conditions are Keras 3.15's own: ``LSTM.inner_loop`` and ``GRU.inner_loop`` try the
    cuDNN path only with ``use_cudnn`` ``"auto"`` or ``True`` and ``recurrent_dropout == 0``;
    ``keras.src.backend.tensorflow.rnn.cudnn_ok`` (``_do_lstm_arguments_support_cudnn``,
    ``_do_gru_arguments_support_cudnn``) then needs ``activation`` tanh and
    ``recurrent_activation`` sigmoid (``keras.activations``, ``tf`` or ``keras.ops`` versions),
    ``unroll=False``, ``use_bias=True`` and, for the GRU, ``reset_after=True``.  Every condition
    that fails is listed in the reasons.  ``dropout`` (on the inputs), ``stateful``,
    ``go_backwards`` and ``return_sequences`` do not matter.  A ``Bidirectional`` layer is
    eligible when both its layers are (the TensorFlow backend has no fused bidirectional
    kernel: each direction uses its own).  ``SimpleRNN``, and ``keras.layers.RNN`` wrapping
    a cell, have no cuDNN kernel at all.  Not checked here, because they are decided at run
    time: a GPU must be visible, and a mask must be right-padded (else a ``tf.Assert`` fails).
    With ``use_cudnn="auto"`` an ineligible layer silently runs step by step; with
    ``use_cudnn=True`` it raises a ``ValueError`` when called.
    """
    if isinstance(layer, layers.Bidirectional):
        reasons = [f"{side} layer: {reason}"
                   for side, wrapped in (("forward", layer.forward_layer), ("backward", layer.backward_layer))
                   for reason in cudnn_eligible(wrapped)[1]]
        return not reasons, reasons
    if isinstance(layer, layers.SimpleRNN):
        return False, ["Keras has no cuDNN kernel for SimpleRNN"]
    if isinstance(layer, (layers.LSTM, layers.GRU)):
        reasons = _layer_reasons(layer)
        return not reasons, reasons
    if isinstance(layer, layers.RNN):
        return False, [f"keras.layers.RNN wrapping {type(layer.cell).__name__} runs the cell step by step: "
                       "only the LSTM and GRU layers have a cuDNN kernel"]
    return False, [f"{type(layer).__name__} is not a Keras LSTM or GRU layer"]
