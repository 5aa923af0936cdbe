"""Independent answers for Chapter 2, LSTM and GRU (solutions/02-lstm-gru/lstm_gru.ipynb).

Written from the exercise prompts and the answer cells' docstrings alone, by someone who did
not write the chapter's tests, to check that the visible tests catch the mistakes students
make: gate orders and conventions, in-place edits of the arguments (states, weights, the
PyTorch layer that must stay unchanged), an argument returned as the result, wrong result
types or dtypes, gradients cut off from autograd, wrong defaults and names accepted
silently, and Keras layers that lose the cuDNN path. Every name starts with ``ind_``.
"""

import textwrap

from grading_bank import correct, wrong

# Exercise 3 has two solution regions (LSTM, GRU); a correct version of each, so that a
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
    ],
    # ------------------------------------------------------------------ Exercise 2
    "ex2-gru-step": [
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
    ],
    # ------------------------------------------------------------------ Exercise 3
    "ex3-torch-to-keras": [
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
    ],
    # ------------------------------------------------------------------ Exercise 4
    "ex4-num-params": [
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
    ],
    # ------------------------------------------------------------------ Exercise 5
    "ex5-keras-classifier": [
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
    ],
}
