"""Independent answers for Chapter 2, LSTM and GRU (solutions/02-lstm-gru/lstm_gru.ipynb).

Written from the exercise prompts and the answer cells' docstrings alone, by someone who did
not write the chapter's tests, to check that the visible tests catch the mistakes students
make: gate orders and conventions, in-place edits of the arguments (states, weights, the
PyTorch layer that must stay unchanged), an argument returned as the result, wrong result
types or dtypes, gradients cut off from autograd, states not carried through the loop or
collected out of step, predictions of the cell-path gradient from a misread forget gate,
wrong defaults and names accepted silently, and Keras layers that lose the cuDNN path.
Every name starts with ``ind_``.
"""

import textwrap

from grading_bank import correct, wrong

# Exercise 5 has two solution regions (LSTM, GRU); a correct version of each, so that a
# variant can be wrong in one function only.
LSTM_OK = """
W = dict(torch_lstm.named_parameters())
to_np = lambda t: t.detach().cpu().numpy()
keras_lstm.set_weights([to_np(W["weight_ih_l0"]).T, to_np(W["weight_hh_l0"]).T,
                        to_np(W["bias_ih_l0"]) + to_np(W["bias_hh_l0"])])
"""
GRU_OK = """
if keras_gru.cell.reset_after is False:
    raise ValueError("reset_after=False is not PyTorch's GRU")
h = num_hiddens
to_np = lambda t: t.detach().cpu().numpy()
order = np.concatenate([np.arange(h, 2 * h), np.arange(0, h), np.arange(2 * h, 3 * h)])  # r,z,n -> z,r,n
kernel = to_np(torch_gru.weight_ih_l0)[order].T
recurrent = to_np(torch_gru.weight_hh_l0)[order].T
bias = np.stack([to_np(torch_gru.bias_ih_l0)[order], to_np(torch_gru.bias_hh_l0)[order]])
keras_gru.set_weights([kernel, recurrent, bias])
"""

# Exercise 2 asks for the step written inside the loop; the one answer that calls lstm_step
# anyway brings a correct one along, as the student's notebook would have it from Exercise 1.
LSTM_STEP = """
def lstm_step(X_t, H_prev, C_prev, W_x, W_h, b):
    A = X_t @ W_x + H_prev @ W_h + b
    A_i, A_f, A_g, A_o = A.chunk(4, dim=1)
    C_t = torch.sigmoid(A_f) * C_prev + torch.sigmoid(A_i) * torch.tanh(A_g)
    return torch.sigmoid(A_o) * torch.tanh(C_t), C_t
"""

# Exercise 2's loop, right; a variant adds its own last lines (with _then).
_FORWARD_LOOP = """
H, C = H0, C0
outputs = []
for t in range(X.shape[1]):
    I, F_, G, O = (X[:, t] @ W_x + H @ W_h + b).chunk(4, dim=1)
    C = torch.sigmoid(F_) * C + torch.sigmoid(I) * torch.tanh(G)
    H = torch.sigmoid(O) * torch.tanh(C)
    outputs.append(H)
"""

_LSTM_BODY = """
A = X_t @ W_x + H_prev @ W_h + b
I, F_, G, O = A.chunk(4, dim=1)
C_t = torch.sigmoid(F_) * C_prev + torch.sigmoid(I) * torch.tanh(G)
H_t = torch.sigmoid(O) * torch.tanh(C_t)
"""

_GRU_PARTS = """
h = num_hiddens
x_r, x_z, x_n = (X_t @ W_x + b_x).split(h, dim=1)
h_r, h_z, h_n = (H_prev @ W_h + b_h).split(h, dim=1)
R = torch.sigmoid(x_r + h_r)
Z = torch.sigmoid(x_z + h_z)
"""


def _then(body: str, tail: str) -> str:
    """``body`` (unindented) followed by ``tail`` (indented like the variants)."""
    return body + textwrap.dedent(tail)


BANK = {
    # ------------------------------------------------------------------ Exercise 1
    "ex1-lstm-step": [
        wrong("ind_gate_order_i_f_o_g", """
            A = X_t @ W_x + H_prev @ W_h + b
            I, F_, O, G = A.chunk(4, dim=1)
            C_t = torch.sigmoid(F_) * C_prev + torch.sigmoid(I) * torch.tanh(G)
            return torch.sigmoid(O) * torch.tanh(C_t), C_t
            """, "reads the blocks as i, f, o, g"),
        wrong("ind_C_prev_scaled_in_place", """
            A = X_t @ W_x + H_prev @ W_h + b
            I, F_, G, O = A.chunk(4, dim=1)
            C_prev.mul_(torch.sigmoid(F_))
            C_t = C_prev + torch.sigmoid(I) * torch.tanh(G)
            return torch.sigmoid(O) * torch.tanh(C_t), C_t
            """, "forgets in place: the caller's C_prev is multiplied by F (values right)"),
        wrong("ind_C_prev_updated_and_returned", """
            A = X_t @ W_x + H_prev @ W_h + b
            I, F_, G, O = A.chunk(4, dim=1)
            C_prev *= torch.sigmoid(F_)
            C_prev += torch.sigmoid(I) * torch.tanh(G)
            return torch.sigmoid(O) * torch.tanh(C_prev), C_prev
            """, "updates the cell state in place and returns the argument C_prev itself"),
        wrong("ind_bias_row_in_place", """
            b.unsqueeze_(0)  # (1, 4h), to broadcast over the batch
            A = X_t @ W_x + H_prev @ W_h + b
            I, F_, G, O = A.chunk(4, dim=1)
            C_t = torch.sigmoid(F_) * C_prev + torch.sigmoid(I) * torch.tanh(G)
            return torch.sigmoid(O) * torch.tanh(C_t), C_t
            """, "reshapes the caller's bias in place"),
        wrong("ind_H_from_C_prev", _then(_LSTM_BODY, """
            return torch.sigmoid(O) * torch.tanh(C_prev), C_t
            """), "the output gate reads the old cell state"),
        wrong("ind_candidate_sigmoid_output_tanh", """
            A = X_t @ W_x + H_prev @ W_h + b
            I, F_, G, O = A.chunk(4, dim=1)
            C_t = torch.sigmoid(F_) * C_prev + torch.sigmoid(I) * torch.sigmoid(G)
            return torch.tanh(O) * torch.tanh(C_t), C_t
            """, "sigmoid and tanh exchanged on the candidate and output gate"),
        wrong("ind_cell_state_detached", _then(_LSTM_BODY, """
            return H_t, C_t.detach()
            """), "C_t is detached: no gradient flows along the cell state"),
        wrong("ind_no_grad_step", """
            with torch.no_grad():
                A = X_t @ W_x + H_prev @ W_h + b
                I, F_, G, O = A.chunk(4, dim=1)
                C_t = torch.sigmoid(F_) * C_prev + torch.sigmoid(I) * torch.tanh(G)
                H_t = torch.sigmoid(O) * torch.tanh(C_t)
            return H_t, C_t
            """, "computed under torch.no_grad()"),
        wrong("ind_returns_list_pair", _then(_LSTM_BODY, """
            return [H_t, C_t]
            """), "returns a list instead of the pair (tuple) (H_t, C_t)"),
        wrong("ind_stacked_result", _then(_LSTM_BODY, """
            return torch.stack([H_t, C_t])
            """), "returns one stacked tensor (2, B, h) instead of a pair"),
        wrong("ind_float64_states", """
            A = X_t.double() @ W_x.double() + H_prev.double() @ W_h.double() + b.double()
            I, F_, G, O = A.chunk(4, dim=1)
            C_t = torch.sigmoid(F_) * C_prev.double() + torch.sigmoid(I) * torch.tanh(G)
            return torch.sigmoid(O) * torch.tanh(C_t), C_t
            """, "computes and returns float64 states for float32 inputs"),
        wrong("ind_shared_input_gate", """
            A = X_t @ W_x + H_prev @ W_h + b
            I, F_, G, O = A.chunk(4, dim=1)
            C_t = torch.sigmoid(F_) * C_prev + (1 - torch.sigmoid(F_)) * torch.tanh(G)
            return torch.sigmoid(O) * torch.tanh(C_t), C_t
            """, "couples the gates (input = 1 - forget), ignoring the i block"),
        correct("ind_view_blocks", """
            B, h = H_prev.shape
            A = (X_t @ W_x + H_prev @ W_h + b).view(B, 4, h)
            I, F_, O = torch.sigmoid(A[:, 0]), torch.sigmoid(A[:, 1]), torch.sigmoid(A[:, 3])
            G = torch.tanh(A[:, 2])
            C_t = torch.addcmul(F_ * C_prev, I, G)
            return O * C_t.tanh(), C_t
            """, "view as (B, 4, h) blocks and torch.addcmul"),
        wrong("ind_cell_state_squashed", """
            A = X_t @ W_x + H_prev @ W_h + b
            I, F_, G, O = A.chunk(4, dim=1)
            C_t = torch.tanh(torch.sigmoid(F_) * C_prev + torch.sigmoid(I) * torch.tanh(G))
            return torch.sigmoid(O) * C_t, C_t
            """, "stores tanh(C) as the cell state, so the cell path is squashed every step"),
        wrong("ind_recurrent_term_missing", """
            A = X_t @ W_x + b
            I, F_, G, O = A.chunk(4, dim=1)
            C_t = torch.sigmoid(F_) * C_prev + torch.sigmoid(I) * torch.tanh(G)
            return torch.sigmoid(O) * torch.tanh(C_t), C_t
            """, "forgets H_prev @ W_h: the gates see only the input"),
        wrong("ind_bias_added_twice", """
            A = (X_t @ W_x + b) + (H_prev @ W_h + b)  # PyTorch's b_ih and b_hh
            I, F_, G, O = A.chunk(4, dim=1)
            C_t = torch.sigmoid(F_) * C_prev + torch.sigmoid(I) * torch.tanh(G)
            return torch.sigmoid(O) * torch.tanh(C_t), C_t
            """, "adds the one bias twice, as if it were PyTorch's two bias vectors"),
        wrong("ind_split_by_num_inputs", """
            A = X_t @ W_x + H_prev @ W_h + b
            I, F_, G, O = A.split(X_t.shape[1], dim=1)[:4]
            C_t = torch.sigmoid(F_) * C_prev + torch.sigmoid(I) * torch.tanh(G)
            return torch.sigmoid(O) * torch.tanh(C_t), C_t
            """, "splits into blocks of num_inputs columns: right only when d == h"),
        wrong("ind_input_gate_forgotten", """
            A = X_t @ W_x + H_prev @ W_h + b
            I, F_, G, O = A.chunk(4, dim=1)
            C_t = torch.sigmoid(F_) * C_prev + torch.tanh(G)
            return torch.sigmoid(O) * torch.tanh(C_t), C_t
            """, "the candidate is added without the input gate"),
        wrong("ind_peephole_gates", """
            A = X_t @ W_x + H_prev @ W_h + b
            I, F_, G, O = A.chunk(4, dim=1)
            C_t = torch.sigmoid(F_ + C_prev) * C_prev + torch.sigmoid(I + C_prev) * torch.tanh(G)
            return torch.sigmoid(O + C_t) * torch.tanh(C_t), C_t
            """, "adds peephole terms (the cell state inside the gates): not the LSTM of the prompt"),
        wrong("ind_numpy_then_tensor", """
            to_np = lambda t: t.detach().cpu().numpy()
            sig = lambda a: 1 / (1 + np.exp(-a))
            A = to_np(X_t) @ to_np(W_x) + to_np(H_prev) @ to_np(W_h) + to_np(b)
            I, F_, G, O = np.split(A, 4, axis=1)
            C_t = sig(F_) * to_np(C_prev) + sig(I) * np.tanh(G)
            H_t = sig(O) * np.tanh(C_t)
            return torch.tensor(H_t, requires_grad=True), torch.tensor(C_t, requires_grad=True)
            """, "computes in NumPy and wraps new leaf tensors: no gradient reaches the inputs"),
    ],
    # ------------------------------------------------------------------ Exercise 2
    "ex2-lstm-forward": [
        wrong("ind_detach_every_35_steps", """
            H, C = H0, C0
            outputs = []
            for t in range(X.shape[1]):
                I, F_, G, O = (X[:, t] @ W_x + H @ W_h + b).chunk(4, dim=1)
                C = torch.sigmoid(F_) * C + torch.sigmoid(I) * torch.tanh(G)
                H = torch.sigmoid(O) * torch.tanh(C)
                outputs.append(H)
                if (t + 1) % 35 == 0:  # truncated backpropagation, which the prompt rules out
                    H, C = H.detach(), C.detach()
            return torch.stack(outputs, dim=1), (H, C)
            """, "cuts the gradient every 35 steps: on a long sequence the last output's gradient no longer "
                 "reaches the first input"),
        wrong("ind_last_state_as_list", """
            H, C = H0, C0
            outputs = []
            for t in range(X.shape[1]):
                I, F_, G, O = (X[:, t] @ W_x + H @ W_h + b).chunk(4, dim=1)
                C = torch.sigmoid(F_) * C + torch.sigmoid(I) * torch.tanh(G)
                H = torch.sigmoid(O) * torch.tanh(C)
                outputs.append(H)
            return torch.stack(outputs, dim=1), [H, C]
            """, "returns the last state as a list, where the prompt (and nn.LSTM) gives a tuple"),
        wrong("ind_cell_state_not_carried", """
            H = H0
            outputs = []
            for t in range(X.shape[1]):
                I, F_, G, O = (X[:, t] @ W_x + H @ W_h + b).chunk(4, dim=1)
                C = torch.sigmoid(F_) * C0 + torch.sigmoid(I) * torch.tanh(G)  # always from C0
                H = torch.sigmoid(O) * torch.tanh(C)
                outputs.append(H)
            return torch.stack(outputs, dim=1), (H, C)
            """, "every step starts from C0: the cell state is not carried"),
        wrong("ind_hidden_state_not_carried", """
            C = C0
            outputs = []
            for t in range(X.shape[1]):
                I, F_, G, O = (X[:, t] @ W_x + H0 @ W_h + b).chunk(4, dim=1)  # always H0
                C = torch.sigmoid(F_) * C + torch.sigmoid(I) * torch.tanh(G)
                H = torch.sigmoid(O) * torch.tanh(C)
                outputs.append(H)
            return torch.stack(outputs, dim=1), (H, C)
            """, "every step reads H0 instead of the previous hidden state"),
        wrong("ind_outputs_time_first", _then(_FORWARD_LOOP, """
            return torch.stack(outputs), (H, C)
            """), "stacks along axis 0: outputs of shape (T, B, h)"),
        wrong("ind_outputs_are_cell_states", """
            H, C = H0, C0
            outputs = []
            for t in range(X.shape[1]):
                I, F_, G, O = (X[:, t] @ W_x + H @ W_h + b).chunk(4, dim=1)
                C = torch.sigmoid(F_) * C + torch.sigmoid(I) * torch.tanh(G)
                H = torch.sigmoid(O) * torch.tanh(C)
                outputs.append(C)
            return torch.stack(outputs, dim=1), (H, C)
            """, "collects the cell states instead of the hidden states"),
        wrong("ind_outputs_one_step_late", """
            H, C = H0, C0
            outputs = []
            for t in range(X.shape[1]):
                outputs.append(H)  # the state before the step
                I, F_, G, O = (X[:, t] @ W_x + H @ W_h + b).chunk(4, dim=1)
                C = torch.sigmoid(F_) * C + torch.sigmoid(I) * torch.tanh(G)
                H = torch.sigmoid(O) * torch.tanh(C)
            return torch.stack(outputs, dim=1), (H, C)
            """, "appends the state before each step: H0 .. H_{T-1} instead of H_1 .. H_T"),
        wrong("ind_last_step_skipped", """
            H, C = H0, C0
            outputs = [H0]
            for t in range(X.shape[1] - 1):
                I, F_, G, O = (X[:, t] @ W_x + H @ W_h + b).chunk(4, dim=1)
                C = torch.sigmoid(F_) * C + torch.sigmoid(I) * torch.tanh(G)
                H = torch.sigmoid(O) * torch.tanh(C)
                outputs.append(H)
            return torch.stack(outputs, dim=1), (H, C)
            """, "loops over T - 1 steps and pads the outputs with H0"),
        wrong("ind_time_reversed", """
            H, C = H0, C0
            outputs = []
            for t in reversed(range(X.shape[1])):
                I, F_, G, O = (X[:, t] @ W_x + H @ W_h + b).chunk(4, dim=1)
                C = torch.sigmoid(F_) * C + torch.sigmoid(I) * torch.tanh(G)
                H = torch.sigmoid(O) * torch.tanh(C)
                outputs.append(H)
            return torch.stack(outputs, dim=1), (H, C)
            """, "reads the sequence from the last step to the first"),
        wrong("ind_truncated_backprop", """
            H, C = H0, C0
            outputs = []
            for t in range(X.shape[1]):
                H, C = H.detach(), C.detach()  # one step of backpropagation at a time
                I, F_, G, O = (X[:, t] @ W_x + H @ W_h + b).chunk(4, dim=1)
                C = torch.sigmoid(F_) * C + torch.sigmoid(I) * torch.tanh(G)
                H = torch.sigmoid(O) * torch.tanh(C)
                outputs.append(H)
            return torch.stack(outputs, dim=1), (H, C)
            """, "detaches the state before every step: values right, no gradient through time"),
        wrong("ind_zero_initial_state", """
            H, C = torch.zeros_like(H0), torch.zeros_like(C0)
            outputs = []
            for t in range(X.shape[1]):
                I, F_, G, O = (X[:, t] @ W_x + H @ W_h + b).chunk(4, dim=1)
                C = torch.sigmoid(F_) * C + torch.sigmoid(I) * torch.tanh(G)
                H = torch.sigmoid(O) * torch.tanh(C)
                outputs.append(H)
            return torch.stack(outputs, dim=1), (H, C)
            """, "ignores H0 and C0 and starts from zeros"),
        wrong("ind_old_cell_state_returned", _then(_FORWARD_LOOP, """
            outputs = torch.stack(outputs, dim=1)
            return outputs, (outputs[:, -1], C0)
            """), "returns the initial cell state C0 as C_T"),
        wrong("ind_state_arguments_swapped", """
            H, C = H0, C0
            outputs = []
            for t in range(X.shape[1]):
                H_prev, C_prev = C, H  # unpacked in the wrong order
                I, F_, G, O = (X[:, t] @ W_x + H_prev @ W_h + b).chunk(4, dim=1)
                C = torch.sigmoid(F_) * C_prev + torch.sigmoid(I) * torch.tanh(G)
                H = torch.sigmoid(O) * torch.tanh(C)
                outputs.append(H)
            return torch.stack(outputs, dim=1), (H, C)
            """, "every step reads C as the hidden state and H as the cell state"),
        wrong("ind_outputs_concatenated", _then(_FORWARD_LOOP, """
            return torch.cat(outputs, dim=1), (H, C)
            """), "torch.cat instead of torch.stack: outputs of shape (B, T * h)"),
        wrong("ind_loops_over_batch", """
            H, C = H0, C0
            outputs = []
            for X_t in X:  # as if X were time-first
                I, F_, G, O = (X_t @ W_x + H @ W_h + b).chunk(4, dim=-1)
                C = torch.sigmoid(F_) * C + torch.sigmoid(I) * torch.tanh(G)
                H = torch.sigmoid(O) * torch.tanh(C)
                outputs.append(H)
            return torch.stack(outputs, dim=1), (H, C)
            """, "iterates over the first axis of X, the batch, as if X were (T, B, d)"),
        wrong("ind_inline_lecture_gate_order", """
            H, C = H0, C0
            outputs = []
            for t in range(X.shape[1]):
                F_, I, G, O = (X[:, t] @ W_x + H @ W_h + b).chunk(4, dim=1)
                C = torch.sigmoid(F_) * C + torch.sigmoid(I) * torch.tanh(G)
                H = torch.sigmoid(O) * torch.tanh(C)
                outputs.append(H)
            return torch.stack(outputs, dim=1), (H, C)
            """, "the step in the lectures' gate order f, i, g, o"),
        wrong("ind_states_written_in_place", _then(_FORWARD_LOOP, """
            with torch.no_grad():  # hand the final state back through the arguments, as a layer keeps it
                H0.copy_(H)
                C0.copy_(C)
            return torch.stack(outputs, dim=1), (H, C)
            """), "overwrites the caller's H0 and C0 with the final state"),
        wrong("ind_outputs_filled_through_data", """
            H, C = H0, C0
            outputs = torch.zeros(X.shape[0], X.shape[1], H0.shape[1], dtype=X.dtype)
            for t in range(X.shape[1]):
                I, F_, G, O = (X[:, t] @ W_x + H @ W_h + b).chunk(4, dim=1)
                C = torch.sigmoid(F_) * C + torch.sigmoid(I) * torch.tanh(G)
                H = torch.sigmoid(O) * torch.tanh(C)
                outputs[:, t] = H.data
            return outputs, (H, C)
            """, "writes H.data into a preallocated tensor: the outputs carry no gradient"),
        wrong("ind_calls_own_lstm_step", """
            H, C = H0, C0
            outputs = []
            for t in range(X.shape[1]):
                H, C = lstm_step(X[:, t], H, C, W_x, W_h, b)
                outputs.append(H)
            return torch.stack(outputs, dim=1), (H, C)
            """, "right values, but calls lstm_step from Exercise 1, which the prompt asks not to do",
              prelude=LSTM_STEP),
        correct("ind_step_outputs_preallocated", """
            T = X.shape[1]
            outputs = X.new_zeros(batch_size, T, num_hiddens)
            H, C = H0, C0
            for t in range(T):
                gates = torch.addmm(b, X[:, t], W_x) + H @ W_h  # (B, 4h)
                I, F_, G, O = gates.split(num_hiddens, dim=1)
                C = F_.sigmoid() * C + I.sigmoid() * G.tanh()
                H = O.sigmoid() * C.tanh()
                outputs = outputs.index_copy(1, torch.tensor([t], device=X.device), H.unsqueeze(1))
            return outputs, (H, C)
            """, "torch.addmm and split; fills the outputs with out-of-place index_copy"),
    ],
    # ------------------------------------------------------------------ Exercise 3
    "ex3-predict-cell-path-gradient": [
        wrong("ind_measured_with_jacobian", """
            f = torch.tensor(float(forget_bias))

            def cell_path(C0):
                C = C0
                for _ in range(num_steps):
                    C = torch.sigmoid(f) * C + 0.5 * torch.tanh(torch.tensor(0.0))
                return C

            return float(torch.autograd.functional.jacobian(cell_path, torch.tensor(0.3)))
            """, "measures the derivative with autograd's jacobian instead of predicting it"),
        wrong("ind_one_step_only", """
            return float(1 / (1 + np.exp(-forget_bias)))
            """, "the forget gate of one step: the power num_steps is missing"),
        wrong("ind_bias_without_sigmoid", """
            return float(forget_bias ** num_steps)
            """, "takes the bias itself as the forget gate (no sigmoid)"),
        wrong("ind_gates_added", """
            return float(num_steps / (1 + np.exp(-forget_bias)))
            """, "adds the forget gates over the steps instead of multiplying them"),
        wrong("ind_half_every_step", """
            return 0.5 ** num_steps  # every weight is zero, so every gate is sigmoid(0)
            """, "ignores the bias: takes every gate as sigmoid(0) = 1/2"),
        wrong("ind_constant_carousel", """
            return 1.0  # the cell path is additive: the gradient neither vanishes nor explodes
            """, "the 'constant error carousel' taken literally: 1 whatever the forget gate"),
        wrong("ind_steps_off_by_one", """
            return float((1 / (1 + np.exp(-forget_bias))) ** (num_steps - 1))
            """, "one factor too few: T - 1 forget gates between C_0 and C_T"),
        wrong("ind_one_minus_forget", """
            return float((1 / (1 + np.exp(forget_bias))) ** num_steps)
            """, "sigmoid(-b_f) = 1 - F: keeps the part the gate forgets"),
        wrong("ind_keras_bias_added_again", """
            return float((1 / (1 + np.exp(-(forget_bias + 1)))) ** num_steps)
            """, "adds Keras' unit forget bias of 1 on top of b_f"),
        wrong("ind_sigmoid_precedence", """
            return float((1 / 1 + np.exp(-forget_bias)) ** num_steps)
            """, "1 / 1 + exp(-b): missing parentheses, so the 'gate' is 1 + exp(-b_f)"),
        wrong("ind_tanh_gate", """
            return float(np.tanh(forget_bias) ** num_steps)
            """, "tanh instead of the sigmoid for the forget gate"),
        wrong("ind_through_hidden_state", """
            forget_gate = 1 / (1 + np.exp(-forget_bias))
            return float(0.5 * forget_gate ** num_steps)  # H_T = O_T * tanh(C_T), O_T = sigmoid(0)
            """, "predicts dH_T/dC_0 (an extra factor O_T = 1/2), not dC_T/dC_0"),
        wrong("ind_returns_tensor", """
            return torch.sigmoid(torch.tensor(float(forget_bias))) ** num_steps
            """, "returns a torch tensor, not a float"),
        wrong("ind_measures_with_a_cell", """
            cell = torch.nn.LSTMCell(1, 1)
            with torch.no_grad():
                for p in cell.parameters():
                    p.zero_()
                cell.bias_ih[1] = forget_bias  # the f block of i, f, g, o
            C0 = torch.zeros(1, 1, requires_grad=True)
            H, C = torch.zeros(1, 1), C0
            x = torch.zeros(1, 1)
            for _ in range(num_steps):
                H, C = cell(x, (H, C))
            (grad,) = torch.autograd.grad(C.sum(), C0)
            return float(grad)
            """, "measures with an nn.LSTMCell instead of predicting, which the prompt forbids"),
        correct("ind_log_space", """
            import math
            log_gate = -math.log1p(math.exp(-forget_bias))  # log sigmoid(b_f)
            return math.exp(num_steps * log_gate)
            """, "the product of the forget gates computed in log space"),
        correct("ind_numpy_float32", """
            gate = np.float32(1) / (np.float32(1) + np.exp(-np.float32(forget_bias)))
            return gate ** num_steps
            """, "a NumPy float32 result: a NumPy float, as the prompt allows"),
    ],
    # ------------------------------------------------------------------ Exercise 4
    "ex4-gru-step": [
        wrong("ind_reset_on_state", _then(_GRU_PARTS, """
            W_hn = W_h[:, 2 * h:]
            N = torch.tanh(x_n + (R * H_prev) @ W_hn + b_h[2 * h:])
            return (1 - Z) * N + Z * H_prev
            """), "the reset gate multiplies H_prev before the product (Keras' reset_after=False)"),
        wrong("ind_reset_skips_recurrent_bias", """
            h = num_hiddens
            x_r, x_z, x_n = (X_t @ W_x + b_x).split(h, dim=1)
            hw_r, hw_z, hw_n = (H_prev @ W_h).split(h, dim=1)
            bh_r, bh_z, bh_n = b_h.split(h)
            R = torch.sigmoid(x_r + hw_r + bh_r)
            Z = torch.sigmoid(x_z + hw_z + bh_z)
            N = torch.tanh(x_n + R * hw_n + bh_n)
            return (1 - Z) * N + Z * H_prev
            """, "b_h's n block is added outside the reset gate"),
        wrong("ind_update_weights_swapped", _then(_GRU_PARTS, """
            N = torch.tanh(x_n + R * h_n)
            return Z * N + (1 - Z) * H_prev
            """), "Z weighs the candidate and 1 - Z the old state"),
        wrong("ind_blocks_n_r_z", """
            h = num_hiddens
            x_n, x_r, x_z = (X_t @ W_x + b_x).split(h, dim=1)
            h_n, h_r, h_z = (H_prev @ W_h + b_h).split(h, dim=1)
            R = torch.sigmoid(x_r + h_r)
            Z = torch.sigmoid(x_z + h_z)
            N = torch.tanh(x_n + R * h_n)
            return (1 - Z) * N + Z * H_prev
            """, "reads the blocks in the order n, r, z"),
        wrong("ind_H_prev_blended_in_place", _then(_GRU_PARTS, """
            N = torch.tanh(x_n + R * h_n)
            H_prev.mul_(Z).add_((1 - Z) * N)
            return H_prev
            """), "blends into the caller's H_prev in place and returns it"),
        wrong("ind_biases_merged_in_place", """
            h = num_hiddens
            b_x[: 2 * h] += b_h[: 2 * h]  # r and z only need the sum of the biases
            x_r, x_z, x_n = (X_t @ W_x + b_x).split(h, dim=1)
            hw_r, hw_z, hw_n = (H_prev @ W_h).split(h, dim=1)
            R = torch.sigmoid(x_r + hw_r)
            Z = torch.sigmoid(x_z + hw_z)
            N = torch.tanh(x_n + R * (hw_n + b_h[2 * h:]))
            return (1 - Z) * N + Z * H_prev
            """, "right values, but the r and z blocks of the caller's b_x are changed in place"),
        wrong("ind_detached_state", _then(_GRU_PARTS, """
            N = torch.tanh(x_n + R * h_n)
            return ((1 - Z) * N + Z * H_prev).detach()
            """), "the new state is detached from autograd"),
        wrong("ind_via_numpy", """
            to_np = lambda t: t.detach().cpu().numpy()
            h = num_hiddens
            sig = lambda a: 1 / (1 + np.exp(-a))
            gx = to_np(X_t) @ to_np(W_x) + to_np(b_x)
            gh = to_np(H_prev) @ to_np(W_h) + to_np(b_h)
            R = sig(gx[:, :h] + gh[:, :h])
            Z = sig(gx[:, h:2 * h] + gh[:, h:2 * h])
            N = np.tanh(gx[:, 2 * h:] + R * gh[:, 2 * h:])
            return torch.from_numpy((1 - Z) * N + Z * to_np(H_prev))
            """, "computed in NumPy: no gradient, and the result is not connected to the inputs"),
        wrong("ind_candidate_relu", _then(_GRU_PARTS, """
            N = torch.relu(x_n + R * h_n)
            return (1 - Z) * N + Z * H_prev
            """), "ReLU instead of tanh for the candidate"),
        wrong("ind_returns_state_and_gates", _then(_GRU_PARTS, """
            N = torch.tanh(x_n + R * h_n)
            return (1 - Z) * N + Z * H_prev, (R, Z)
            """), "returns the gates too: a tuple instead of one tensor"),
        correct("ind_lerp", _then(_GRU_PARTS, """
            N = torch.tanh(torch.addcmul(x_n, R, h_n))
            return torch.lerp(N, H_prev, Z)
            """), "torch.addcmul for the candidate, torch.lerp for the blend"),
        wrong("ind_reset_gate_unused", _then(_GRU_PARTS, """
            N = torch.tanh(x_n + h_n)
            return (1 - Z) * N + Z * H_prev
            """), "computes R but never applies it to the candidate"),
        wrong("ind_reset_on_whole_candidate", _then(_GRU_PARTS, """
            N = torch.tanh(R * (x_n + h_n))
            return (1 - Z) * N + Z * H_prev
            """), "the reset gate multiplies the input part of the candidate too"),
        wrong("ind_candidate_sigmoid", _then(_GRU_PARTS, """
            N = torch.sigmoid(x_n + R * h_n)
            return (1 - Z) * N + Z * H_prev
            """), "a sigmoid instead of tanh for the candidate"),
        wrong("ind_one_minus_reset", _then(_GRU_PARTS, """
            N = torch.tanh(x_n + (1 - R) * h_n)
            return (1 - Z) * N + Z * H_prev
            """), "uses 1 - R as the reset, as if the reset gate were flipped like the update gate"),
        wrong("ind_chunk_default_dim", """
            x_r, x_z, x_n = (X_t @ W_x + b_x).chunk(3)
            h_r, h_z, h_n = (H_prev @ W_h + b_h).chunk(3)
            R = torch.sigmoid(x_r + h_r)
            Z = torch.sigmoid(x_z + h_z)
            N = torch.tanh(x_n + R * h_n)
            return (1 - Z) * N + Z * H_prev
            """, "torch.chunk's default axis 0 splits the batch, not the gate blocks"),
        wrong("ind_tanh_on_new_state", _then(_GRU_PARTS, """
            N = torch.tanh(x_n + R * h_n)
            return torch.tanh((1 - Z) * N + Z * H_prev)
            """), "squashes the blended state with another tanh"),
    ],
    # ------------------------------------------------------------------ Exercise 5
    "ex5-torch-to-keras": [
        wrong("ind_lstm_hh_bias_only", ("""
            to_np = lambda t: t.detach().cpu().numpy()
            keras_lstm.set_weights([to_np(torch_lstm.weight_ih_l0).T, to_np(torch_lstm.weight_hh_l0).T,
                                    to_np(torch_lstm.bias_hh_l0)])
            """, GRU_OK), "copies bias_hh_l0 only"),
        wrong("ind_lstm_biases_merged_in_torch", ("""
            with torch.no_grad():
                torch_lstm.bias_ih_l0 += torch_lstm.bias_hh_l0  # one bias, as Keras keeps
            to_np = lambda t: t.detach().cpu().numpy()
            keras_lstm.set_weights([to_np(torch_lstm.weight_ih_l0).T, to_np(torch_lstm.weight_hh_l0).T,
                                    to_np(torch_lstm.bias_ih_l0)])
            """, GRU_OK), "the Keras layer is right, but the PyTorch layer's input bias is changed in place"),
        wrong("ind_lstm_transposed_in_torch", ("""
            torch_lstm.weight_ih_l0.data = torch_lstm.weight_ih_l0.data.T  # Keras' layout
            torch_lstm.weight_hh_l0.data = torch_lstm.weight_hh_l0.data.T
            to_np = lambda t: t.detach().cpu().numpy()
            keras_lstm.set_weights([to_np(torch_lstm.weight_ih_l0), to_np(torch_lstm.weight_hh_l0),
                                    to_np(torch_lstm.bias_ih_l0 + torch_lstm.bias_hh_l0)])
            """, GRU_OK), "transposes the PyTorch weights by reassigning .data: the PyTorch layer is changed"),
        wrong("ind_lstm_gates_to_f_i_c_o", ("""
            def i_f_g_o_to_f_i_g_o(a):
                i, f, g, o = np.split(a, 4, axis=-1)
                return np.concatenate([f, i, g, o], axis=-1)

            to_np = lambda t: t.detach().cpu().numpy()
            keras_lstm.set_weights([i_f_g_o_to_f_i_g_o(to_np(torch_lstm.weight_ih_l0).T),
                                    i_f_g_o_to_f_i_g_o(to_np(torch_lstm.weight_hh_l0).T),
                                    i_f_g_o_to_f_i_g_o(to_np(torch_lstm.bias_ih_l0 + torch_lstm.bias_hh_l0))])
            """, GRU_OK), "reorders the LSTM blocks to the lecture's f, i, c, o"),
        wrong("ind_lstm_kernel_recurrent_swapped", ("""
            to_np = lambda t: t.detach().cpu().numpy()
            keras_lstm.set_weights([to_np(torch_lstm.weight_hh_l0).T, to_np(torch_lstm.weight_ih_l0).T,
                                    to_np(torch_lstm.bias_ih_l0 + torch_lstm.bias_hh_l0)])
            """, GRU_OK), "kernel and recurrent kernel exchanged"),
        wrong("ind_gru_order_kept", (LSTM_OK, """
            if not keras_gru.cell.reset_after:
                raise ValueError("reset_after=False")
            to_np = lambda t: t.detach().cpu().numpy()
            keras_gru.set_weights([to_np(torch_gru.weight_ih_l0).T, to_np(torch_gru.weight_hh_l0).T,
                                   np.stack([to_np(torch_gru.bias_ih_l0), to_np(torch_gru.bias_hh_l0)])])
            """), "keeps PyTorch's r, z, n order"),
        wrong("ind_gru_only_kernels_reordered", (LSTM_OK, """
            if not keras_gru.cell.reset_after:
                raise ValueError("reset_after=False")
            h = num_hiddens
            to_np = lambda t: t.detach().cpu().numpy()
            perm = lambda a: np.concatenate([a[..., h:2 * h], a[..., :h], a[..., 2 * h:]], axis=-1)
            keras_gru.set_weights([perm(to_np(torch_gru.weight_ih_l0).T), perm(to_np(torch_gru.weight_hh_l0).T),
                                   np.stack([to_np(torch_gru.bias_ih_l0), to_np(torch_gru.bias_hh_l0)])])
            """), "reorders the kernels but not the biases"),
        wrong("ind_gru_bias_rows_hh_first", (LSTM_OK, """
            if not keras_gru.cell.reset_after:
                raise ValueError("reset_after=False")
            h = num_hiddens
            to_np = lambda t: t.detach().cpu().numpy()
            perm = lambda a: np.concatenate([a[..., h:2 * h], a[..., :h], a[..., 2 * h:]], axis=-1)
            keras_gru.set_weights([perm(to_np(torch_gru.weight_ih_l0).T), perm(to_np(torch_gru.weight_hh_l0).T),
                                   np.stack([perm(to_np(torch_gru.bias_hh_l0)), perm(to_np(torch_gru.bias_ih_l0))])])
            """), "bias rows in the order recurrent, input"),
        wrong("ind_gru_no_reset_after_check", (LSTM_OK, """
            h = num_hiddens
            to_np = lambda t: t.detach().cpu().numpy()
            perm = lambda a: np.concatenate([a[..., h:2 * h], a[..., :h], a[..., 2 * h:]], axis=-1)
            bias = np.stack([perm(to_np(torch_gru.bias_ih_l0)), perm(to_np(torch_gru.bias_hh_l0))])
            if not keras_gru.cell.reset_after:  # one bias vector there: use the sum
                bias = bias.sum(axis=0)
            keras_gru.set_weights([perm(to_np(torch_gru.weight_ih_l0).T), perm(to_np(torch_gru.weight_hh_l0).T), bias])
            """), "loads a reset_after=False layer with summed biases instead of raising ValueError"),
        wrong("ind_gru_typeerror", (LSTM_OK, """
            if not keras_gru.cell.reset_after:
                raise TypeError("keras_gru must use reset_after=True")
            h = num_hiddens
            to_np = lambda t: t.detach().cpu().numpy()
            perm = lambda a: np.concatenate([a[..., h:2 * h], a[..., :h], a[..., 2 * h:]], axis=-1)
            keras_gru.set_weights([perm(to_np(torch_gru.weight_ih_l0).T), perm(to_np(torch_gru.weight_hh_l0).T),
                                   np.stack([perm(to_np(torch_gru.bias_ih_l0)), perm(to_np(torch_gru.bias_hh_l0))])])
            """), "raises TypeError instead of ValueError for reset_after=False"),
        wrong("ind_gru_reordered_in_torch", (LSTM_OK, """
            if not keras_gru.cell.reset_after:
                raise ValueError("reset_after=False")
            h = num_hiddens
            order = torch.cat([torch.arange(h, 2 * h), torch.arange(h), torch.arange(2 * h, 3 * h)])
            with torch.no_grad():  # reorder the PyTorch tensors to z, r, n first
                for name in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"):
                    p = getattr(torch_gru, name)
                    p.copy_(p[order])
            to_np = lambda t: t.detach().cpu().numpy()
            keras_gru.set_weights([to_np(torch_gru.weight_ih_l0).T, to_np(torch_gru.weight_hh_l0).T,
                                   np.stack([to_np(torch_gru.bias_ih_l0), to_np(torch_gru.bias_hh_l0)])])
            """), "the Keras layer is right, but the PyTorch layer's gate blocks are permuted in place"),
        correct("ind_assign_variables", ("""
            to_np = lambda t: t.detach().cpu().numpy()
            cell = keras_lstm.cell
            cell.kernel.assign(np.ascontiguousarray(to_np(torch_lstm.weight_ih_l0).T))
            cell.recurrent_kernel.assign(np.ascontiguousarray(to_np(torch_lstm.weight_hh_l0).T))
            cell.bias.assign(to_np(torch_lstm.bias_ih_l0) + to_np(torch_lstm.bias_hh_l0))
            """, """
            if not getattr(keras_gru.cell, "reset_after", True):
                raise ValueError("keras_gru has reset_after=False")
            to_np = lambda t: t.detach().cpu().numpy()

            def z_r_n(a):
                r, z, n = np.split(a, 3, axis=0)  # PyTorch keeps the blocks along the rows
                return np.concatenate([z, r, n], axis=0)

            keras_gru.set_weights([z_r_n(to_np(torch_gru.weight_ih_l0)).T, z_r_n(to_np(torch_gru.weight_hh_l0)).T,
                                   np.vstack([z_r_n(to_np(torch_gru.bias_ih_l0)), z_r_n(to_np(torch_gru.bias_hh_l0))])])
            """), "Keras variables assigned one by one; the GRU blocks reordered along PyTorch's rows"),
        wrong("ind_lstm_biases_averaged", ("""
            to_np = lambda t: t.detach().cpu().numpy()
            keras_lstm.set_weights([to_np(torch_lstm.weight_ih_l0).T, to_np(torch_lstm.weight_hh_l0).T,
                                    (to_np(torch_lstm.bias_ih_l0) + to_np(torch_lstm.bias_hh_l0)) / 2])
            """, GRU_OK), "averages the two biases instead of adding them"),
        wrong("ind_gru_biases_summed_in_row0", (LSTM_OK, """
            if not keras_gru.cell.reset_after:
                raise ValueError("reset_after=False is not PyTorch's GRU")
            h = num_hiddens
            to_np = lambda t: t.detach().cpu().numpy()
            perm = lambda a: np.concatenate([a[..., h:2 * h], a[..., :h], a[..., 2 * h:]], axis=-1)
            total = perm(to_np(torch_gru.bias_ih_l0) + to_np(torch_gru.bias_hh_l0))
            keras_gru.set_weights([perm(to_np(torch_gru.weight_ih_l0).T), perm(to_np(torch_gru.weight_hh_l0).T),
                                   np.stack([total, np.zeros_like(total)])])
            """), "adds the two biases as for the LSTM: b_hn no longer sits inside the reset"),
        wrong("ind_gru_message_without_name", (LSTM_OK, """
            if not keras_gru.cell.reset_after:
                raise ValueError("this Keras GRU uses the lecture's candidate, not PyTorch's")
            h = num_hiddens
            to_np = lambda t: t.detach().cpu().numpy()
            perm = lambda a: np.concatenate([a[..., h:2 * h], a[..., :h], a[..., 2 * h:]], axis=-1)
            keras_gru.set_weights([perm(to_np(torch_gru.weight_ih_l0).T), perm(to_np(torch_gru.weight_hh_l0).T),
                                   np.stack([perm(to_np(torch_gru.bias_ih_l0)), perm(to_np(torch_gru.bias_hh_l0))])])
            """), "the ValueError's message does not name reset_after"),
        wrong("ind_gru_order_z_n_r", (LSTM_OK, """
            if not keras_gru.cell.reset_after:
                raise ValueError("reset_after=False")
            h = num_hiddens
            to_np = lambda t: t.detach().cpu().numpy()
            perm = lambda a: np.concatenate([a[..., h:2 * h], a[..., 2 * h:], a[..., :h]], axis=-1)  # r,z,n -> z,n,r
            keras_gru.set_weights([perm(to_np(torch_gru.weight_ih_l0).T), perm(to_np(torch_gru.weight_hh_l0).T),
                                   np.stack([perm(to_np(torch_gru.bias_ih_l0)), perm(to_np(torch_gru.bias_hh_l0))])])
            """), "moves the blocks to z, n, r (a rotation) instead of z, r, n"),
        wrong("ind_requires_grad_off", ("""
            torch_lstm.requires_grad_(False)  # "Can't call numpy() on Tensor that requires grad"
            keras_lstm.set_weights([torch_lstm.weight_ih_l0.cpu().numpy().T, torch_lstm.weight_hh_l0.cpu().numpy().T,
                                    (torch_lstm.bias_ih_l0 + torch_lstm.bias_hh_l0).cpu().numpy()])
            """, GRU_OK), "turns gradients off on the caller's PyTorch layer to read it: that layer no longer trains"),
        wrong("ind_eval_left_on", ("""
            torch_lstm.eval()  # only reading it
            to_np = lambda t: t.detach().cpu().numpy()
            keras_lstm.set_weights([to_np(torch_lstm.weight_ih_l0).T, to_np(torch_lstm.weight_hh_l0).T,
                                    to_np(torch_lstm.bias_ih_l0 + torch_lstm.bias_hh_l0)])
            """, GRU_OK), "leaves the caller's PyTorch layer in eval mode"),
        wrong("ind_relies_on_keras_error", (LSTM_OK, """
            h = num_hiddens
            to_np = lambda t: t.detach().cpu().numpy()
            perm = lambda a: np.concatenate([a[..., h:2 * h], a[..., :h], a[..., 2 * h:]], axis=-1)
            kernel = perm(to_np(torch_gru.weight_ih_l0).T)
            recurrent = perm(to_np(torch_gru.weight_hh_l0).T)
            bias = np.stack([perm(to_np(torch_gru.bias_ih_l0)), perm(to_np(torch_gru.bias_hh_l0))])
            try:
                keras_gru.set_weights([kernel, recurrent, bias])
            except ValueError as err:
                raise ValueError("keras_gru needs reset_after=True") from err
            """), "no reset_after check of its own: Keras' set_weights raises at the bias, after writing the kernels"),
    ],
    # ------------------------------------------------------------------ Exercise 6
    "ex6-num-params": [
        wrong("ind_default_torch", '''
            def num_params(cell, num_inputs, num_hiddens, framework="torch"):
                """Count the trainable parameters of a one-layer recurrent cell."""
                blocks = {"rnn": 1, "lstm": 4, "gru": 3}
                if cell not in blocks or framework not in ("keras", "torch"):
                    raise ValueError(f"unknown cell {cell!r} or framework {framework!r}")
                biases = 1 if framework == "keras" and cell != "gru" else 2
                return blocks[cell] * (num_hiddens * (num_inputs + num_hiddens) + biases * num_hiddens)
            ''', "the default framework is 'torch' instead of 'keras'", whole_cell=True),
        wrong("ind_keras_lstm_two_biases", """
            blocks = {"rnn": 1, "lstm": 4, "gru": 3}
            if cell not in blocks or framework not in ("keras", "torch"):
                raise ValueError(f"unknown cell {cell!r} or framework {framework!r}")
            biases = 1 if framework == "keras" and cell == "rnn" else 2
            return blocks[cell] * (num_hiddens * (num_inputs + num_hiddens) + biases * num_hiddens)
            """, "two biases for Keras' LSTM as well"),
        wrong("ind_unknown_cell_keyerror", """
            blocks = {"rnn": 1, "lstm": 4, "gru": 3}[cell]
            if framework not in ("keras", "torch"):
                raise ValueError(framework)
            biases = 1 if framework == "keras" and cell != "gru" else 2
            return blocks * (num_hiddens * (num_inputs + num_hiddens) + biases * num_hiddens)
            """, "an unknown cell raises KeyError, not ValueError"),
        wrong("ind_unknown_framework_torch", """
            blocks = {"rnn": 1, "lstm": 4, "gru": 3}
            if cell not in blocks:
                raise ValueError(cell)
            biases = 1 if framework == "keras" and cell != "gru" else 2
            return blocks[cell] * (num_hiddens * (num_inputs + num_hiddens) + biases * num_hiddens)
            """, "any framework other than 'keras' is counted as PyTorch, no ValueError"),
        wrong("ind_accepts_upper_case", """
            cell, framework = cell.lower(), framework.lower()
            blocks = {"rnn": 1, "lstm": 4, "gru": 3}
            if cell not in blocks or framework not in ("keras", "torch"):
                raise ValueError(f"unknown cell {cell!r} or framework {framework!r}")
            biases = 1 if framework == "keras" and cell != "gru" else 2
            return blocks[cell] * (num_hiddens * (num_inputs + num_hiddens) + biases * num_hiddens)
            """, "'LSTM' and 'Torch' accepted silently"),
        wrong("ind_float_count", """
            blocks = {"rnn": 1.0, "lstm": 4.0, "gru": 3.0}
            if cell not in blocks or framework not in ("keras", "torch"):
                raise ValueError(f"unknown cell {cell!r} or framework {framework!r}")
            biases = 1 if framework == "keras" and cell != "gru" else 2
            return blocks[cell] * (num_hiddens * (num_inputs + num_hiddens) + biases * num_hiddens)
            """, "float block counts make the result a float"),
        wrong("ind_one_bias_per_layer", """
            blocks = {"rnn": 1, "lstm": 4, "gru": 3}
            if cell not in blocks or framework not in ("keras", "torch"):
                raise ValueError(f"unknown cell {cell!r} or framework {framework!r}")
            biases = 1 if framework == "keras" and cell != "gru" else 2
            return blocks[cell] * num_hiddens * (num_inputs + num_hiddens) + biases * num_hiddens
            """, "the bias vectors counted once per layer instead of once per block"),
        wrong("ind_numpy_int64", """
            blocks = {"rnn": 1, "lstm": 4, "gru": 3}
            if cell not in blocks or framework not in ("keras", "torch"):
                raise ValueError(f"unknown cell {cell!r} or framework {framework!r}")
            biases = 1 if framework == "keras" and cell != "gru" else 2
            sizes = np.array([num_inputs * num_hiddens, num_hiddens**2, biases * num_hiddens])
            return blocks[cell] * sizes.sum()
            """, "returns numpy.int64, not int"),
        wrong("ind_pytorch_alias", """
            framework = {"pytorch": "torch", "tf": "keras"}.get(framework, framework)
            blocks = {"rnn": 1, "lstm": 4, "gru": 3}
            if cell not in blocks or framework not in ("keras", "torch"):
                raise ValueError(f"unknown cell {cell!r} or framework {framework!r}")
            biases = 1 if framework == "keras" and cell != "gru" else 2
            return blocks[cell] * (num_hiddens * (num_inputs + num_hiddens) + biases * num_hiddens)
            """, "maps 'pytorch' and 'tf' to known names instead of raising"),
        correct("ind_keras_layers_table", """
            counts = {("rnn", "keras"): (1, 1), ("lstm", "keras"): (4, 1), ("gru", "keras"): (3, 2),
                      ("rnn", "torch"): (1, 2), ("lstm", "torch"): (4, 2), ("gru", "torch"): (3, 2)}
            try:
                blocks, biases = counts[(cell, framework)]
            except (KeyError, TypeError):
                raise ValueError(f"unknown cell {cell!r} or framework {framework!r}") from None
            return int(blocks * num_hiddens * (num_inputs + num_hiddens + biases))
            """, "a (cell, framework) table; KeyError turned into ValueError"),
        wrong("ind_counts_gates_not_blocks", """
            gates = {"rnn": 1, "lstm": 3, "gru": 2}  # LSTM: forget, input, output; GRU: update, reset
            if cell not in gates or framework not in ("keras", "torch"):
                raise ValueError(f"unknown cell {cell!r} or framework {framework!r}")
            biases = 1 if framework == "keras" and cell != "gru" else 2
            return gates[cell] * (num_hiddens * (num_inputs + num_hiddens) + biases * num_hiddens)
            """, "counts the gates only: the LSTM's and GRU's candidate block is missing"),
        wrong("ind_torch_rnn_one_bias", """
            blocks = {"rnn": 1, "lstm": 4, "gru": 3}
            if cell not in blocks or framework not in ("keras", "torch"):
                raise ValueError(f"unknown cell {cell!r} or framework {framework!r}")
            biases = 2 if cell == "gru" or (framework == "torch" and cell == "lstm") else 1
            return blocks[cell] * (num_hiddens * (num_inputs + num_hiddens) + biases * num_hiddens)
            """, "one bias for PyTorch's nn.RNN, which keeps b_ih and b_hh"),
        wrong("ind_recurrent_weights_missing", """
            blocks = {"rnn": 1, "lstm": 4, "gru": 3}
            if cell not in blocks or framework not in ("keras", "torch"):
                raise ValueError(f"unknown cell {cell!r} or framework {framework!r}")
            biases = 1 if framework == "keras" and cell != "gru" else 2
            return blocks[cell] * (num_inputs * num_hiddens + biases * num_hiddens)
            """, "forgets the h * h recurrent weights of each block"),
        wrong("ind_assert_validation", """
            blocks = {"rnn": 1, "lstm": 4, "gru": 3}
            assert cell in blocks, f"unknown cell {cell!r}"
            assert framework in ("keras", "torch"), f"unknown framework {framework!r}"
            biases = 1 if framework == "keras" and cell != "gru" else 2
            return blocks[cell] * (num_hiddens * (num_inputs + num_hiddens) + biases * num_hiddens)
            """, "validates with assert: AssertionError, not ValueError"),
        wrong("ind_unknown_gives_zero", """
            blocks = {"rnn": 1, "lstm": 4, "gru": 3}
            if cell not in blocks or framework not in ("keras", "torch"):
                return 0
            biases = 1 if framework == "keras" and cell != "gru" else 2
            return blocks[cell] * (num_hiddens * (num_inputs + num_hiddens) + biases * num_hiddens)
            """, "returns 0 for an unknown cell or framework instead of raising ValueError"),
        wrong("ind_inputs_and_hiddens_swapped", """
            blocks = {"rnn": 1, "lstm": 4, "gru": 3}
            if cell not in blocks or framework not in ("keras", "torch"):
                raise ValueError(f"unknown cell {cell!r} or framework {framework!r}")
            biases = 1 if framework == "keras" and cell != "gru" else 2
            return blocks[cell] * (num_inputs * (num_inputs + num_hiddens) + biases * num_inputs)
            """, "sizes the blocks by num_inputs instead of num_hiddens (right only when d == h)"),
    ],
    # ------------------------------------------------------------------ Exercise 7
    "ex7-keras-classifier": [
        wrong("ind_all_steps_then_dense", """
            recurrent = {"rnn": keras.layers.SimpleRNN, "lstm": keras.layers.LSTM, "gru": keras.layers.GRU}
            if cell not in recurrent:
                raise ValueError(cell)
            return keras.Sequential([keras.Input(shape=(None, vocab_size)),
                                     recurrent[cell](num_hiddens, return_sequences=True),
                                     keras.layers.Dense(num_classes)])
            """, "returns every step's output: logits (B, T, C)"),
        wrong("ind_sigmoid_probabilities", """
            recurrent = {"rnn": keras.layers.SimpleRNN, "lstm": keras.layers.LSTM, "gru": keras.layers.GRU}
            if cell not in recurrent:
                raise ValueError(cell)
            return keras.Sequential([keras.Input(shape=(None, vocab_size)), recurrent[cell](num_hiddens),
                                     keras.layers.Dense(num_classes, activation="sigmoid")])
            """, "a sigmoid on the output: probabilities, not logits"),
        wrong("ind_hard_sigmoid_recurrent", """
            recurrent = {"rnn": keras.layers.SimpleRNN, "lstm": keras.layers.LSTM, "gru": keras.layers.GRU}
            if cell not in recurrent:
                raise ValueError(cell)
            return keras.Sequential([keras.Input(shape=(None, vocab_size)),
                                     recurrent[cell](num_hiddens, **({} if cell == "rnn" else
                                                                      {"recurrent_activation": "hard_sigmoid"})),
                                     keras.layers.Dense(num_classes)])
            """, "LSTM and GRU with recurrent_activation='hard_sigmoid' (the Keras 2 default): not cuDNN-eligible"),
        wrong("ind_dropout_in_cell", """
            recurrent = {"rnn": keras.layers.SimpleRNN, "lstm": keras.layers.LSTM, "gru": keras.layers.GRU}
            if cell not in recurrent:
                raise ValueError(cell)
            return keras.Sequential([keras.Input(shape=(None, vocab_size)),
                                     recurrent[cell](num_hiddens, recurrent_dropout=0.2),
                                     keras.layers.Dense(num_classes)])
            """, "recurrent_dropout: not cuDNN-eligible"),
        wrong("ind_fixed_length", """
            recurrent = {"rnn": keras.layers.SimpleRNN, "lstm": keras.layers.LSTM, "gru": keras.layers.GRU}
            if cell not in recurrent:
                raise ValueError(cell)
            return keras.Sequential([keras.Input(shape=(20, vocab_size)), recurrent[cell](num_hiddens),
                                     keras.layers.Dense(num_classes)])
            """, "a fixed sequence length of 20 instead of any length"),
        wrong("ind_unknown_is_simplernn", """
            recurrent = {"lstm": keras.layers.LSTM, "gru": keras.layers.GRU}.get(cell, keras.layers.SimpleRNN)
            return keras.Sequential([keras.Input(shape=(None, vocab_size)), recurrent(num_hiddens),
                                     keras.layers.Dense(num_classes)])
            """, "any other cell name gives a SimpleRNN instead of ValueError"),
        wrong("ind_functional_model", """
            recurrent = {"rnn": keras.layers.SimpleRNN, "lstm": keras.layers.LSTM, "gru": keras.layers.GRU}
            if cell not in recurrent:
                raise ValueError(cell)
            inputs = keras.Input(shape=(None, vocab_size))
            outputs = keras.layers.Dense(num_classes)(recurrent[cell](num_hiddens)(inputs))
            return keras.Model(inputs, outputs)
            """, "a functional keras.Model, not the keras.Sequential the prompt names"),
        wrong("ind_sizes_swapped", """
            recurrent = {"rnn": keras.layers.SimpleRNN, "lstm": keras.layers.LSTM, "gru": keras.layers.GRU}
            if cell not in recurrent:
                raise ValueError(cell)
            return keras.Sequential([keras.Input(shape=(None, vocab_size)), recurrent[cell](num_classes),
                                     keras.layers.Dense(num_hiddens)])
            """, "num_hiddens and num_classes exchanged"),
        wrong("ind_extra_hidden_dense", """
            recurrent = {"rnn": keras.layers.SimpleRNN, "lstm": keras.layers.LSTM, "gru": keras.layers.GRU}
            if cell not in recurrent:
                raise ValueError(cell)
            return keras.Sequential([keras.Input(shape=(None, vocab_size)), recurrent[cell](num_hiddens),
                                     keras.layers.Dense(num_hiddens, activation="relu"),
                                     keras.layers.Dense(num_classes)])
            """, "an extra hidden Dense layer: other layers and parameter count"),
        wrong("ind_gru_reset_before", """
            if cell == "rnn":
                layer = keras.layers.SimpleRNN(num_hiddens)
            elif cell == "lstm":
                layer = keras.layers.LSTM(num_hiddens)
            elif cell == "gru":
                layer = keras.layers.GRU(num_hiddens, reset_after=False)  # the textbook GRU
            else:
                raise ValueError(cell)
            return keras.Sequential([keras.Input(shape=(None, vocab_size)), layer, keras.layers.Dense(num_classes)])
            """, "GRU with reset_after=False: not the default and not cuDNN-eligible"),
        correct("ind_input_layer_and_pop_style", """
            choices = dict(rnn=layers.SimpleRNN, lstm=layers.LSTM, gru=layers.GRU)
            if cell not in choices:
                raise ValueError(f"cell must be one of {sorted(choices)}, got {cell!r}")
            model = keras.Sequential(name=f"{cell}_classifier")
            model.add(layers.InputLayer(shape=(None, vocab_size)))
            model.add(choices[cell](units=num_hiddens, return_sequences=False))
            model.add(layers.Dense(units=num_classes, activation=None))
            return model
            """, "keras.layers.InputLayer and model.add, keyword arguments spelled out"),
        wrong("ind_generic_rnn_wrapper", """
            cells = {"rnn": keras.layers.SimpleRNNCell, "lstm": keras.layers.LSTMCell, "gru": keras.layers.GRUCell}
            if cell not in cells:
                raise ValueError(cell)
            return keras.Sequential([keras.Input(shape=(None, vocab_size)), keras.layers.RNN(cells[cell](num_hiddens)),
                                     keras.layers.Dense(num_classes)])
            """, "keras.layers.RNN around a cell: not the LSTM/GRU layer, and no cuDNN path"),
        wrong("ind_unrolled", """
            recurrent = {"rnn": keras.layers.SimpleRNN, "lstm": keras.layers.LSTM, "gru": keras.layers.GRU}
            if cell not in recurrent:
                raise ValueError(cell)
            return keras.Sequential([keras.Input(shape=(None, vocab_size)), recurrent[cell](num_hiddens, unroll=True),
                                     keras.layers.Dense(num_classes)])
            """, "unroll=True: not the default, not cuDNN-eligible (and needs a fixed length)"),
        wrong("ind_bidirectional", """
            recurrent = {"rnn": keras.layers.SimpleRNN, "lstm": keras.layers.LSTM, "gru": keras.layers.GRU}
            if cell not in recurrent:
                raise ValueError(cell)
            return keras.Sequential([keras.Input(shape=(None, vocab_size)),
                                     keras.layers.Bidirectional(recurrent[cell](num_hiddens)),
                                     keras.layers.Dense(num_classes)])
            """, "a bidirectional layer: twice the units and parameters, not the one layer asked for"),
        wrong("ind_lstm_and_gru_swapped", """
            recurrent = {"rnn": keras.layers.SimpleRNN, "lstm": keras.layers.GRU, "gru": keras.layers.LSTM}
            if cell not in recurrent:
                raise ValueError(cell)
            return keras.Sequential([keras.Input(shape=(None, vocab_size)), recurrent[cell](num_hiddens),
                                     keras.layers.Dense(num_classes)])
            """, "'lstm' builds a GRU and 'gru' an LSTM"),
        wrong("ind_unknown_cell_keyerror", """
            recurrent = {"rnn": keras.layers.SimpleRNN, "lstm": keras.layers.LSTM, "gru": keras.layers.GRU}[cell]
            return keras.Sequential([keras.Input(shape=(None, vocab_size)), recurrent(num_hiddens),
                                     keras.layers.Dense(num_classes)])
            """, "an unknown cell raises KeyError, not ValueError"),
        wrong("ind_no_unit_forget_bias", """
            if cell == "rnn":
                layer = keras.layers.SimpleRNN(num_hiddens)
            elif cell == "lstm":
                layer = keras.layers.LSTM(num_hiddens, unit_forget_bias=False)  # PyTorch-like start
            elif cell == "gru":
                layer = keras.layers.GRU(num_hiddens)
            else:
                raise ValueError(cell)
            return keras.Sequential([keras.Input(shape=(None, vocab_size)), layer, keras.layers.Dense(num_classes)])
            """, "turns off the LSTM's unit_forget_bias: a changed default"),
        wrong("ind_masking_first", """
            recurrent = {"rnn": keras.layers.SimpleRNN, "lstm": keras.layers.LSTM, "gru": keras.layers.GRU}
            if cell not in recurrent:
                raise ValueError(cell)
            return keras.Sequential([keras.Input(shape=(None, vocab_size)), keras.layers.Masking(),
                                     recurrent[cell](num_hiddens), keras.layers.Dense(num_classes)])
            """, "an extra Masking layer: not the three layers asked for"),
    ],
}
