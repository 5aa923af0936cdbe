"""PyTorch helpers, one module per topic; :mod:`course_utils.keras` has the same names for Keras.

* :mod:`~course_utils.torch.device`: ``get_device``, ``disable_tf32``;
* :mod:`~course_utils.torch.rnn`: ``rnn_step``, ``rnn_forward``, ``load_rnn_weights``;
* :mod:`~course_utils.torch.bptt`: ``clip_grad_norm``, ``grad_norms_through_time``;
* :mod:`~course_utils.torch.charlm`: ``CharRNN``, ``CharLSTM``, ``fit``, ``evaluate_loss``, ``generate``,
  ``hidden_states``, ``load_charlm_checkpoint``, ``load_charlstm_checkpoint``;
* :mod:`~course_utils.torch.gates`: ``lstm_step``, ``lstm_forward``, ``gru_step``, ``gru_forward``,
  ``load_lstm_weights``, ``load_gru_weights``;
* :mod:`~course_utils.torch.gated`: ``gate_activations``, ``grad_norms_by_cell``, ``cudnn_eligible``;
* :mod:`~course_utils.torch.classify`: ``recurrent_classifier``;
* :mod:`~course_utils.torch.embed`: ``embedding_layer``, ``embedding_weights``, ``masked_mean``, ``MaskedMean``;
* :mod:`~course_utils.torch.stacked`: ``stacked_lstm_forward``, ``load_stacked_lstm_weights``,
  ``stacked_lstm_weights``, ``final_states``, ``last_forward_first_backward``,
  ``masked_token_accuracy``, ``bidirectional_stack``, ``sequence_tagger``;
* :mod:`~course_utils.torch.attention`: ``dot_product_attention``, ``masked_cross_entropy``;
* :mod:`~course_utils.torch.readout`: ``last_real_step``, ``masked_pooling``, ``MaskedMaxPooling``;
* :mod:`~course_utils.torch.recall`: ``RecallClassifier``, ``load_recall_models``;
* :mod:`~course_utils.torch.padded`: ``reverse_padded``, ``bidirectional_rnn``, ``direction_runners``.

Every name is re-exported here, so ``import course_utils.torch as ctorch; ctorch.rnn_forward(...)`` works.
"""

from course_utils.torch.attention import dot_product_attention, masked_cross_entropy
from course_utils.torch.bptt import clip_grad_norm, grad_norms_through_time
from course_utils.torch.charlm import (CharLSTM, CharRNN, evaluate_loss, fit, generate, hidden_states,
                                     load_charlm_checkpoint, load_charlstm_checkpoint)
from course_utils.torch.device import disable_tf32, get_device
from course_utils.torch.classify import recurrent_classifier
from course_utils.torch.embed import MaskedMean, embedding_layer, embedding_weights, masked_mean
from course_utils.torch.gated import cudnn_eligible, gate_activations, grad_norms_by_cell
from course_utils.torch.gates import (gru_forward, gru_step, load_gru_weights, load_lstm_weights,
                                    lstm_forward, lstm_step)
from course_utils.torch.rnn import load_rnn_weights, rnn_forward, rnn_step
from course_utils.torch.recall import RecallClassifier, load_recall_models
from course_utils.torch.padded import bidirectional_rnn, direction_runners, reverse_padded
from course_utils.torch.readout import MaskedMaxPooling, last_real_step, masked_pooling
from course_utils.torch.stacked import (bidirectional_stack, final_states, last_forward_first_backward,
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
