"""Keras 3 (TensorFlow backend) helpers, one module per topic; :mod:`course_utils.torch` has the same names.

* :mod:`~course_utils.keras.device`: ``get_device``, ``disable_tf32``;
* :mod:`~course_utils.keras.rnn`: ``rnn_step``, ``rnn_forward``, ``load_rnn_weights``;
* :mod:`~course_utils.keras.bptt`: ``clip_grad_norm``, ``grad_norms_through_time``;
* :mod:`~course_utils.keras.charlm`: ``CharRNN``, ``CharLSTM``, ``fit``, ``evaluate_loss``, ``generate``,
  ``hidden_states``, ``load_charlm_checkpoint``, ``load_charlstm_checkpoint``;
* :mod:`~course_utils.keras.gates`: ``lstm_step``, ``lstm_forward``, ``gru_step``, ``gru_forward``,
  ``load_lstm_weights``, ``load_gru_weights``;
* :mod:`~course_utils.keras.gated`: ``gate_activations``, ``grad_norms_by_cell``, ``cudnn_eligible``;
* :mod:`~course_utils.keras.classify`: ``recurrent_classifier``;
* :mod:`~course_utils.keras.embed`: ``embedding_layer``, ``embedding_weights``, ``masked_mean``, ``MaskedMean``;
* :mod:`~course_utils.keras.stacked`: ``stacked_lstm_forward``, ``load_stacked_lstm_weights``,
  ``stacked_lstm_weights``, ``final_states``, ``last_forward_first_backward``,
  ``masked_token_accuracy``, ``bidirectional_stack``, ``sequence_tagger``;
* :mod:`~course_utils.keras.attention`: ``dot_product_attention``, ``masked_cross_entropy``;
* :mod:`~course_utils.keras.readout`: ``last_real_step``, ``masked_pooling``, ``MaskedMaxPooling``;
* :mod:`~course_utils.keras.recall`: ``RecallClassifier``, ``load_recall_models``;
* :mod:`~course_utils.keras.padded`: ``reverse_padded``, ``bidirectional_rnn``, ``direction_runners``.

TensorFlow is imported first, with its start-up log lines silenced, so that
``import course_utils.keras as ckeras`` prints nothing, and without scikit-learn, which Keras
loads only for ``keras.wrappers`` (unused here) and which would add about a quarter to the
import time of every kernel, graded ones included. ``import sklearn`` works as usual afterwards.
"""

import os

from course_utils.keras._quiet import quiet_native_stderr, without_module

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
with quiet_native_stderr(), without_module("sklearn"):
    import keras  # noqa: F401
    import tensorflow as tf

    tf.config.list_physical_devices("GPU")  # probe CUDA now, while its error lines are silenced
    # On a CPU without AVX-512, the first boolean op that oneDNN sees (a transpose, as in
    # every masked Keras RNN) logs an error line once per process; nbgrader scores a test
    # cell that writes to stderr 0, so that line is spent here, silenced.
    tf.transpose(tf.constant([[True]]))

from course_utils.keras.attention import dot_product_attention, masked_cross_entropy  # noqa: E402
from course_utils.keras.bptt import clip_grad_norm, grad_norms_through_time  # noqa: E402
from course_utils.keras.charlm import (CharLSTM, CharRNN, evaluate_loss, fit, generate,  # noqa: E402
                                     hidden_states, load_charlm_checkpoint, load_charlstm_checkpoint)
from course_utils.keras.device import disable_tf32, get_device  # noqa: E402
from course_utils.keras.classify import recurrent_classifier  # noqa: E402
from course_utils.keras.embed import MaskedMean, embedding_layer, embedding_weights, masked_mean  # noqa: E402
from course_utils.keras.gated import cudnn_eligible, gate_activations, grad_norms_by_cell  # noqa: E402
from course_utils.keras.gates import (gru_forward, gru_step, load_gru_weights, load_lstm_weights,  # noqa: E402
                                     lstm_forward, lstm_step)
from course_utils.keras.rnn import load_rnn_weights, rnn_forward, rnn_step  # noqa: E402
from course_utils.keras.recall import RecallClassifier, load_recall_models  # noqa: E402
from course_utils.keras.padded import bidirectional_rnn, direction_runners, reverse_padded  # noqa: E402
from course_utils.keras.readout import MaskedMaxPooling, last_real_step, masked_pooling  # noqa: E402
from course_utils.keras.stacked import (bidirectional_stack, final_states, last_forward_first_backward,  # noqa: E402
                                        load_stacked_lstm_weights, masked_token_accuracy, sequence_tagger,
                                        stacked_lstm_forward, stacked_lstm_weights)

__all__ = [
    "CharLSTM",
    "CharRNN",
    "MaskedMaxPooling",
    "MaskedMean",
    "RecallClassifier",
    "bidirectional_rnn",
    "bidirectional_stack",
    "clip_grad_norm",
    "cudnn_eligible",
    "direction_runners",
    "disable_tf32",
    "dot_product_attention",
    "embedding_layer",
    "embedding_weights",
    "evaluate_loss",
    "final_states",
    "fit",
    "gate_activations",
    "generate",
    "get_device",
    "grad_norms_by_cell",
    "grad_norms_through_time",
    "gru_forward",
    "gru_step",
    "hidden_states",
    "last_forward_first_backward",
    "last_real_step",
    "load_charlm_checkpoint",
    "load_charlstm_checkpoint",
    "load_gru_weights",
    "load_lstm_weights",
    "load_recall_models",
    "load_rnn_weights",
    "load_stacked_lstm_weights",
    "lstm_forward",
    "lstm_step",
    "masked_cross_entropy",
    "masked_mean",
    "masked_pooling",
    "masked_token_accuracy",
    "recurrent_classifier",
    "reverse_padded",
    "rnn_forward",
    "rnn_step",
    "sequence_tagger",
    "stacked_lstm_forward",
    "stacked_lstm_weights",
]
