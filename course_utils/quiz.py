"""Self-check quizzes that grade themselves: numeric predictions and multiple choice.

Each chapter ends with a few questions in its text and a cell such as::

    my_answers = {1: 15200, 2: "c", 3: None}
    cu.check_quiz("01-rnn-anatomy", my_answers)

The quizzes are worth no points; the keys live here, not in the notebooks, so that a
reader who scrolls does not see the answers before trying.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Question:
    """One question: a numeric ``answer`` (within ``rel_tol``; 0 for exact counts) or a choice letter, and why."""

    answer: float | str
    why: str
    rel_tol: float = 0.01


QUIZZES: dict[str, dict[int, Question]] = {
    "01-rnn-anatomy": {
        1: Question(15_200, "d*h + h*h + 2h = 50*100 + 100*100 + 2*100: PyTorch has two bias vectors.",
                    rel_tol=0.0),
        2: Question("c", "The same weights are applied at every step, so the length never enters the count."),
        3: Question("b", "h_n is (num_layers * num_directions, B, h) whatever batch_first says."),
        4: Question(0.8**10, "Each of the 10 factors D_k W_hh^T has norm at most 0.8 (tanh' <= 1): 0.8^10 = 0.107."),
        5: Question(3.0, "The global norm is sqrt(6^2 + 8^2) = 10, so both are scaled by 5/10: [3.0] and [4.0]."),
        6: Question(1.5 / math.log(2), "Divide nats by ln 2: 1.5 / 0.693 = 2.16 bits per character."),
        7: Question("b", "clipnorm clips each variable on its own; global_clipnorm is the PyTorch rule."),
        8: Question("b", "outputs[i, -1] has read the padding after the last real token; in a one-direction "
                         "RNN h_n is the state after the padding too."),
    },
    "02-lstm-gru": {
        1: Question(60_800, "4 blocks of d*h + h*h + 2h = 4 * (5000 + 10000 + 200): PyTorch keeps two bias vectors.",
                    rel_tol=0.0),
        2: Question(45_600, "3 blocks of d*h + h*h + 2h = 3 * (5000 + 10000 + 200): reset_after=True keeps an input "
                            "and a recurrent bias.", rel_tol=0.0),
        3: Question("b", "H_t = (1 - Z) * N + Z * H_prev: with Z = 1 the unit keeps its previous state."),
        4: Question(0.95**20, "With the input gate at 0 the cell path multiplies by f each step: 0.95^20 = 0.358."),
        5: Question("b", "cuDNN has no recurrent dropout; return_sequences, return_state and stateful don't matter."),
        6: Question("b", "The output gate only scales tanh(C_t) into H_t; C_t = F * C_prev + I * G ignores it."),
        7: Question("b", "Keras packs z, r, h (PyTorch r, z, n; the LSTMs i, f, c/g, o)."),
        8: Question("b", "Section 7: every gated cell's gradient still shrinks over 100 steps, far more slowly "
                         "with forget gates near 1."),
    },
    "03-embeddings": {
        1: Question(1_000_000, "V * d = 20,000 * 50: one row of 50 numbers per word, no bias.", rel_tol=0.0),
        2: Question(102_400_000, "32 * 40 * 20,000 floats of 4 bytes; as int64 ids the batch takes 10,240 bytes.",
                    rel_tol=0.0),
        3: Question("b", "padding_idx only fixes row 0 at zero; the GRU still steps over the padded positions."),
        4: Question("b", "mask_zero leaves row 0 as it is and passes the mask X != 0 to the next layers."),
        5: Question(1.0, "Cosine ignores length: 3v points the same way as v."),
        6: Question("a", "Both have the same words, so the same mean of embeddings and the same output."),
        7: Question("b", "b - a + c is often nearest to an input word (c in 42.5% of the benchmark's "
                          "questions, Section 4); 3CosAdd searches the other words."),
        8: Question("b", "SimLex-999 rates similarity proper: antonyms and associated words score low there, "
                         "yet co-occur."),
    },
    "04-bidirectional-multilayer": {
        1: Question(960, "(num_layers * 2) * B * h = 6 * 8 * 20: every layer and direction keeps its final state.",
                    rel_tol=0.0),
        2: Question(11_280, "Per direction 3 * (d*h + h*h + 2h): layer 1 with d = 10 gives 1,920, layer 2 with "
                            "d = 2h = 40 gives 3,720; both directions: 2 * (1,920 + 3,720).", rel_tol=0.0),
        3: Question("b", "At the last position the backward direction has taken one step: it has read the last "
                         "word only."),
        4: Question(2, "Index layer * 2 + direction: the last layer (1) forward (0) is 2; h_n[-1] = 3 is its "
                       "backward state."),
        5: Question("b", "The forward states at the real words come before any pad; the backward direction reads "
                         "the pads first."),
        6: Question("b", "The backward state at step t has read X_{t+1}, the target: the model can copy it."),
        7: Question("b", "The first Bidirectional layer returns (B, 128); an LSTM needs (B, T, features)."),
        8: Question("c", "Dropout acts between stacked layers only; with one layer there is none, and PyTorch "
                         "warns."),
    },
    "05-seq2seq": {
        1: Question(5, "One prediction per target word and one for <end>: Y_out = y_1 ... y_4 <end>.", rel_tol=0.0),
        2: Question(6, "3 words + <end> and 1 word + <end>; the 2 padded positions of the shorter row do not count.",
                    rel_tol=0.0),
        3: Question("b", "return_state=True hands over the final state_h and state_c, used as initial_state."),
        4: Question("b", "One hypothesis kept: the best extension at every step, the arg-max."),
        5: Question(1000, "10 choices at each of 3 positions: 10 ** 3.", rel_tol=0.0),
        6: Question(25, "Each of the 5 target steps spreads its weight over the 5 real source tokens; padding gets 0.",
                    rel_tol=0.0),
        7: Question("b", "Teacher forcing feeds the right previous word; generation feeds the model's own, errors "
                         "included (exposure bias)."),
    },
    "06-sentiment": {
        1: Question(5, "love, this, product, hate, service: 'I' is dropped (the default keeps words of 2+ letters).",
                    rel_tol=0.0),
        2: Question(1, "Only the 7-token sentence has no padding; the others end at steps 4 and 2.", rel_tol=0.0),
        3: Question("b", "-inf never wins a max; a padded 0 wins whenever every real value is negative."),
        4: Question(60 / 90, "2 TP / (2 TP + FP + FN) = 60 / (60 + 10 + 20) = 0.667."),
        5: Question(15, "Equally good: each disagreement is a coin flip, 30 / 2 = 15 each.", rel_tol=0.0),
        6: Question("b", "A score used to choose is biased upwards; the test split must choose nothing."),
        7: Question("b", "Its call() takes no mask, and Keras drops the mask without a word (Section 5)."),
        8: Question(0, "Both hold good, not and bad once each: the same counts, so no feature differs.",
                    rel_tol=0.0),
    },
}


def _is_right(question: Question, given: Any) -> bool:
    if isinstance(question.answer, str):
        return isinstance(given, str) and given.strip().lower() == question.answer
    try:
        value = float(given)
    except (TypeError, ValueError):
        return False
    return math.isclose(value, float(question.answer), rel_tol=question.rel_tol, abs_tol=1e-12)


def check_quiz(chapter: str, answers: Mapping[int, Any]) -> int:
    """Print, for each question of ``chapter``'s quiz, whether ``answers`` has it right, and why.

    ``answers`` maps question numbers to a number or a choice letter; ``None`` means not
    answered yet. Returns the number of right answers.
    """
    if chapter not in QUIZZES:
        raise KeyError(f"no quiz for chapter {chapter!r}; known: {sorted(QUIZZES)}")
    questions = QUIZZES[chapter]
    unknown = sorted(set(answers) - set(questions))
    if unknown:
        raise KeyError(f"the quiz of {chapter} has questions {sorted(questions)}, not {unknown}")
    right = answered = 0
    for number, question in questions.items():
        given = answers.get(number)
        if given is None:
            print(f"Q{number}: not answered yet")
            continue
        answered += 1
        if _is_right(question, given):
            right += 1
            print(f"Q{number}: right. {question.why}")
        else:
            print(f"Q{number}: not quite ({given!r}). Think again, or read on: {question.why}")
    print(f"{right} of {len(questions)} right, {len(questions) - answered} not answered yet.")
    return right
