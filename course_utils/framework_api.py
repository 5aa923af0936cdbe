"""The names that :mod:`course_utils.torch` and :mod:`course_utils.keras` both define.

Keeping the list in one place makes the two modules mirror each other by construction:
a chapter can switch frameworks by switching the module, never the function names.
"""

FRAMEWORK_API: tuple[str, ...] = (
    "CharRNN",
    "clip_grad_norm",
    "fit",
    "generate",
    "get_device",
    "grad_norms_through_time",
    "load_rnn_weights",
    "rnn_forward",
    "rnn_step",
)
