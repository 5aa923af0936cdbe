"""The names that :mod:`course_utils.torch` and :mod:`course_utils.keras` both define, topic by topic.

Each framework package has one module per topic (``course_utils.torch.rnn`` and
``course_utils.keras.rnn``, ...), and each pair defines exactly the names listed here.
Keeping the list in one place makes the two packages mirror each other by construction:
a chapter can switch frameworks by switching the package, never the function names.
"""

#: Topic module name -> the public names that module defines in both frameworks.
FRAMEWORK_API: dict[str, tuple[str, ...]] = {
    "device": ("disable_tf32", "get_device"),
    "rnn": ("load_rnn_weights", "rnn_forward", "rnn_step"),
    "bptt": ("clip_grad_norm", "grad_norms_through_time"),
    "charlm": ("CharLSTM", "CharRNN", "evaluate_loss", "fit", "generate", "hidden_states", "load_charlm_checkpoint",
               "load_charlstm_checkpoint"),
    "gates": ("gru_forward", "gru_step", "load_gru_weights", "load_lstm_weights", "lstm_forward", "lstm_step"),
    "gated": ("cudnn_eligible", "gate_activations", "grad_norms_by_cell"),
    "classify": ("recurrent_classifier",),
    "embed": ("MaskedMean", "embedding_layer", "embedding_weights", "masked_mean"),
    "stacked": ("bidirectional_stack", "final_states", "last_forward_first_backward", "load_stacked_lstm_weights",
                "masked_token_accuracy", "sequence_tagger", "stacked_lstm_forward", "stacked_lstm_weights"),
    "attention": ("dot_product_attention", "masked_cross_entropy"),
    "readout": ("MaskedMaxPooling", "last_real_step", "masked_pooling"),
    "recall": ("RecallClassifier", "load_recall_models"),
    "padded": ("bidirectional_rnn", "direction_runners", "reverse_padded"),
}

#: Every shared name, sorted: what ``course_utils.torch`` and ``course_utils.keras`` export.
ALL_NAMES: tuple[str, ...] = tuple(sorted(name for names in FRAMEWORK_API.values() for name in names))
