"""PyTorch helpers, one module per topic; :mod:`course_utils.keras` has the same names for Keras.

* :mod:`~course_utils.torch.device`: ``get_device``, ``disable_tf32``;
* :mod:`~course_utils.torch.rnn`: ``rnn_step``, ``rnn_forward``, ``load_rnn_weights``;
* :mod:`~course_utils.torch.bptt`: ``clip_grad_norm``, ``grad_norms_through_time``;
* :mod:`~course_utils.torch.charlm`: ``CharRNN``, ``fit``, ``evaluate_loss``, ``generate``, ``hidden_states``.

Every name is re-exported here, so ``import course_utils.torch as ctorch; ctorch.rnn_forward(...)`` works.
"""

from course_utils.torch.bptt import clip_grad_norm, grad_norms_through_time
from course_utils.torch.charlm import CharRNN, evaluate_loss, fit, generate, hidden_states
from course_utils.torch.device import disable_tf32, get_device
from course_utils.torch.rnn import load_rnn_weights, rnn_forward, rnn_step

__all__ = [
    "CharRNN",
    "clip_grad_norm",
    "disable_tf32",
    "evaluate_loss",
    "fit",
    "generate",
    "get_device",
    "grad_norms_through_time",
    "hidden_states",
    "load_rnn_weights",
    "rnn_forward",
    "rnn_step",
]
