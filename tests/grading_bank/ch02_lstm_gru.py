"""Answer bank for Chapter 2, LSTM and GRU (solutions/02-lstm-gru/lstm_gru.ipynb).

Each entry replaces the solution region of the exercise's answer cell; see
:mod:`grading_bank` for the conventions and what is demanded of each kind.
"""

from grading_bank import correct, forbidden, wrong

# Exercise 5 has two functions, each with its own solution region: (LSTM, GRU). A wrong
# answer to one of them is paired with a correct answer to the other.
LSTM_OK = """
kernel = torch_lstm.weight_ih_l0.detach().cpu().numpy().T  # (d, 4h)
recurrent = torch_lstm.weight_hh_l0.detach().cpu().numpy().T  # (h, 4h)
bias = torch_lstm.bias_ih_l0.detach().cpu().numpy() + torch_lstm.bias_hh_l0.detach().cpu().numpy()
keras_lstm.set_weights([kernel, recurrent, bias])
"""
GRU_OK = """
if not keras_gru.cell.reset_after:
    raise ValueError("reset_after=False is not the GRU of PyTorch")
h = num_hiddens


def to_z_r_h(a):
    return np.concatenate([a[..., h:2 * h], a[..., :h], a[..., 2 * h:]], axis=-1)


kernel = to_z_r_h(torch_gru.weight_ih_l0.detach().cpu().numpy().T)  # (d, 3h)
recurrent = to_z_r_h(torch_gru.weight_hh_l0.detach().cpu().numpy().T)  # (h, 3h)
bias = np.stack([to_z_r_h(torch_gru.bias_ih_l0.detach().cpu().numpy()),
                 to_z_r_h(torch_gru.bias_hh_l0.detach().cpu().numpy())])  # (2, 3h)
keras_gru.set_weights([kernel, recurrent, bias])
"""


def _gru_region(kernel: str, recurrent: str, bias: str) -> str:
    """A GRU region with the check, the helper and the reads of GRU_OK, and the given three lines."""
    return ('if not keras_gru.cell.reset_after:\n'
            '    raise ValueError("reset_after=False is not the GRU of PyTorch")\n'
            "h = num_hiddens\n\n\n"
            "def to_z_r_h(a):\n"
            "    return np.concatenate([a[..., h:2 * h], a[..., :h], a[..., 2 * h:]], axis=-1)\n\n\n"
            "W_ih = torch_gru.weight_ih_l0.detach().cpu().numpy()  # (3h, d)\n"
            "W_hh = torch_gru.weight_hh_l0.detach().cpu().numpy()  # (3h, h)\n"
            "b_ih = torch_gru.bias_ih_l0.detach().cpu().numpy()  # (3h,)\n"
            "b_hh = torch_gru.bias_hh_l0.detach().cpu().numpy()  # (3h,)\n"
            f"kernel = {kernel}\nrecurrent = {recurrent}\nbias = {bias}\n"
            "keras_gru.set_weights([kernel, recurrent, bias])\n")


# The common LSTM step of Exercise 1's wrong answers: everything but the line that differs.
def _lstm(split: str = "A_i, A_f, A_g, A_o = A.chunk(4, dim=1)",
          cell: str = "C_t = torch.sigmoid(A_f) * C_prev + torch.sigmoid(A_i) * torch.tanh(A_g)",
          out: str = "H_t = torch.sigmoid(A_o) * torch.tanh(C_t)",
          ret: str = "return H_t, C_t") -> str:
    return f"A = X_t @ W_x + H_prev @ W_h + b\n{split}\n{cell}\n{out}\n{ret}\n"


# The student's own step of Exercise 1, for the Exercise 2 answer that calls it (the harness
# runs each exercise on its own, so the answer cell carries it).
OWN_LSTM_STEP = """
def lstm_step(X_t, H_prev, C_prev, W_x, W_h, b):
    A = X_t @ W_x + H_prev @ W_h + b
    A_i, A_f, A_g, A_o = A.chunk(4, dim=1)
    C_t = torch.sigmoid(A_f) * C_prev + torch.sigmoid(A_i) * torch.tanh(A_g)
    return torch.sigmoid(A_o) * torch.tanh(C_t), C_t
"""


# The common unrolled loop of Exercise 2's wrong answers; each argument is one line (or a few)
# of the loop, the loop's lines indented by the helper.
def _unroll(start: str = "H, C = H0, C0\noutputs = []",
            pre: str = "A = X[:, t] @ W_x + H @ W_h + b",
            split: str = "A_i, A_f, A_g, A_o = A.chunk(4, dim=1)",
            cell: str = "C = torch.sigmoid(A_f) * C + torch.sigmoid(A_i) * torch.tanh(A_g)",
            out: str = "H = torch.sigmoid(A_o) * torch.tanh(C)",
            keep: str = "outputs.append(H)",
            ret: str = "return torch.stack(outputs, dim=1), (H, C)") -> str:
    body = "".join(f"    {line}\n" for part in (pre, split, cell, out, keep) for line in part.split("\n"))
    return f"{start}\nfor t in range(X.shape[1]):\n{body}{ret}\n"


# The common GRU step of Exercise 4's wrong answers.
def _gru(pre: str = ("x_r, x_z, x_n = (X_t @ W_x + b_x).chunk(3, dim=1)\n"
                     "h_r, h_z, h_n = (H_prev @ W_h + b_h).chunk(3, dim=1)"),
         gates: str = "R = torch.sigmoid(x_r + h_r)\nZ = torch.sigmoid(x_z + h_z)",
         cand: str = "N = torch.tanh(x_n + R * h_n)",
         ret: str = "return (1 - Z) * N + Z * H_prev") -> str:
    return f"{pre}\n{gates}\n{cand}\n{ret}\n"


# The common classifier of Exercise 7's wrong answers.
def _classifier(check: str = ('if cell not in kinds:\n'
                              '    raise ValueError(f"unknown cell {cell!r}")'),
                table: str = 'kinds = {"rnn": keras.layers.SimpleRNN, "lstm": keras.layers.LSTM, '
                             '"gru": keras.layers.GRU}',
                first: str = "keras.Input(shape=(None, vocab_size)),",
                layer: str = "kinds[cell](num_hiddens)",
                dense: str = "keras.layers.Dense(num_classes)") -> str:
    items = "".join(f"    {item}\n" for item in (first, f"{layer},", f"{dense},") if item)
    return f"{table}\n{check}\nreturn keras.Sequential([\n{items}])\n"


BANK = {
    # ------------------------------------------------------------------ Exercise 1
    "ex1-lstm-step": [
        wrong("lecture-gate-order-f-i-g-o", _lstm(split="A_f, A_i, A_g, A_o = A.chunk(4, dim=1)"),
              "the lectures' order f, i, C~, o instead of PyTorch's and Keras' i, f, g, o"),
        wrong("no-tanh-on-C", _lstm(out="H_t = torch.sigmoid(A_o) * C_t"), "H_t = O * C_t: the tanh is missing"),
        wrong("ignores-C_prev", _lstm(cell="C_t = torch.sigmoid(A_i) * torch.tanh(A_g)"),
              "C_t = I * G: the forget path F * C_prev is dropped"),
        wrong("sigmoid-candidate", _lstm(cell="C_t = torch.sigmoid(A_f) * C_prev + torch.sigmoid(A_i) * "
                                              "torch.sigmoid(A_g)"),
              "the candidate g goes through a sigmoid like the gates, not tanh"),
        wrong("interleaved-gates", _lstm(split="A_i, A_f, A_g, A_o = A.reshape(A.shape[0], -1, 4).unbind(-1)"),
              "reshape(B, h, 4): reads the columns as interleaved [i f g o | i f g o], which equals the "
              "blocks only when h = 1"),
        wrong("returns-C-then-H", _lstm(ret="return C_t, H_t"), "the pair in the wrong order"),
        wrong("H_prev-for-C_prev", _lstm(cell="C_t = torch.sigmoid(A_f) * H_prev + torch.sigmoid(A_i) * "
                                              "torch.tanh(A_g)"),
              "the forget gate multiplies the hidden state instead of the cell state"),
        wrong("updates-C_prev-in-place", """
            A = X_t @ W_x + H_prev @ W_h + b
            A_i, A_f, A_g, A_o = A.chunk(4, dim=1)
            C_prev *= torch.sigmoid(A_f)
            C_prev += torch.sigmoid(A_i) * torch.tanh(A_g)
            return torch.sigmoid(A_o) * torch.tanh(C_prev), C_prev
            """, "right values, but the caller's C_prev is overwritten (and autograd refuses the in-place "
                 "update of a tensor it saved)"),
        wrong("chunk-on-the-batch-axis", _lstm(split="A_i, A_f, A_g, A_o = A.chunk(4, dim=0)"),
              "splits the batch axis: an unpacking error for a batch of 2"),
        wrong("no-grad-step", """
            with torch.no_grad():
                A = X_t @ W_x + H_prev @ W_h + b
                A_i, A_f, A_g, A_o = A.chunk(4, dim=1)
                C_t = torch.sigmoid(A_f) * C_prev + torch.sigmoid(A_i) * torch.tanh(A_g)
                return torch.sigmoid(A_o) * torch.tanh(C_t), C_t
            """, "the right values under torch.no_grad(): no gradient reaches the weights, nothing trains"),
        wrong("float64-result", _lstm(split="A_i, A_f, A_g, A_o = A.double().chunk(4, dim=1)"),
              "the gates in float64: right values, but a float64 pair instead of float32 tensors"),
        wrong("detached-cell-state", _lstm(ret="return H_t, C_t.detach()"),
              "C_t detached: H_t still carries the gradient, but none flows along the cell state to the "
              "next step"),
        correct("slices-and-addmm", """
            h = H_prev.shape[1]
            A = torch.addmm(b, X_t, W_x) + torch.mm(H_prev, W_h)  # (B, 4h)
            I = torch.sigmoid(A[:, 0 * h:1 * h])
            F_gate = torch.sigmoid(A[:, 1 * h:2 * h])
            G = torch.tanh(A[:, 2 * h:3 * h])
            O = torch.sigmoid(A[:, 3 * h:4 * h])
            C_t = F_gate * C_prev + I * G
            return O * torch.tanh(C_t), C_t
            """, "explicit slices; addmm for the input term"),
        correct("concatenated-weights-and-split", """
            XH = torch.cat([X_t, H_prev], dim=-1)  # (B, d + h)
            W = torch.cat([W_x, W_h], dim=0)  # (d + h, 4h)
            gates = torch.split(XH @ W + b, H_prev.shape[-1], dim=-1)
            i, f, g, o = gates[0].sigmoid(), gates[1].sigmoid(), gates[2].tanh(), gates[3].sigmoid()
            C_t = torch.addcmul(f * C_prev, i, g)
            H_t = o * C_t.tanh()
            return (H_t, C_t)
            """, "one product on [X_t, H_prev]; torch.split by h; addcmul"),
        correct("reshape-blocks-then-unbind", """
            B, h = H_prev.shape
            A = (torch.einsum("bd,dk->bk", X_t, W_x) + torch.einsum("bh,hk->bk", H_prev, W_h) + b).view(B, 4, h)
            S = torch.sigmoid(A)  # every block through the sigmoid; g is taken from A below
            C_t = S[:, 1] * C_prev + S[:, 0] * (2 * torch.sigmoid(2 * A[:, 2]) - 1)
            H_t = S[:, 3] * torch.tanh(C_t)
            return H_t, C_t
            """, "view(B, 4, h) (the blocks, not interleaved); einsum; tanh(a) = 2 sigmoid(2a) - 1"),
        forbidden("ctorch-call", "return ctorch.lstm_step(X_t, H_prev, C_prev, W_x, W_h, b)",
                  "calls the reference through the set-up cell's alias ctorch"),
        forbidden("import-gates-module", """
            import course_utils.torch.gates as reference_gates
            return reference_gates.lstm_step(X_t, H_prev, C_prev, W_x, W_h, b)
            """, "imports the module of the reference under another alias"),
        forbidden("rebound-name", "lstm_step = ctorch.lstm_step", "the whole cell rebinds the reference",
                  whole_cell=True),
    ],
    # ------------------------------------------------------------------ Exercise 2
    "ex2-lstm-forward": [
        wrong("cell-restarts-from-C0", _unroll(cell="C = torch.sigmoid(A_f) * C0 + torch.sigmoid(A_i) * "
                                                    "torch.tanh(A_g)"),
              "C is not carried: every step forgets from C0 instead of the previous step's C"),
        wrong("hidden-restarts-from-H0", _unroll(pre="A = X[:, t] @ W_x + H0 @ W_h + b"),
              "H is not carried: every step reads H0 instead of the previous step's H"),
        wrong("stacked-time-first", _unroll(ret="return torch.stack(outputs), (H, C)"),
              "torch.stack(outputs) stacks on axis 0: outputs (T, B, h), the time-major layout"),
        wrong("initial-state-in-outputs", _unroll(start="H, C = H0, C0\noutputs = [H0]"),
              "H0 kept as the first output: T + 1 states, (B, T + 1, h)"),
        wrong("outputs-one-step-behind", """
            H, C = H0, C0
            outputs = []
            for t in range(X.shape[1]):
                outputs.append(H)  # the state before the step: H0 ... H_{T-1}
                A = X[:, t] @ W_x + H @ W_h + b
                A_i, A_f, A_g, A_o = A.chunk(4, dim=1)
                C = torch.sigmoid(A_f) * C + torch.sigmoid(A_i) * torch.tanh(A_g)
                H = torch.sigmoid(A_o) * torch.tanh(C)
            return torch.stack(outputs, dim=1), (H, C)
            """, "appends before the update: outputs H0 ... H_{T-1}, the right shape, off by one step"),
        wrong("outputs-reversed", _unroll(ret="return torch.stack(outputs[::-1], dim=1), (H, C)"),
              "outputs in reverse order, the last step first"),
        wrong("list-of-states", _unroll(ret="return outputs, (H, C)"),
              "outputs returned as the Python list of T states, not a (B, T, h) tensor"),
        wrong("flat-triple", _unroll(ret="return torch.stack(outputs, dim=1), H, C"),
              "(outputs, H_T, C_T) flat, not (outputs, (H_T, C_T)) as nn.LSTM returns"),
        wrong("cell-states-as-outputs", _unroll(keep="outputs.append(C)"),
              "collects the cell states: outputs are C_1 ... C_T, not the hidden states"),
        wrong("detached-between-steps", _unroll(pre="H, C = H.detach(), C.detach()\n"
                                                    "A = X[:, t] @ W_x + H @ W_h + b"),
              "the state detached at every step: the right values, but the gradient stops after one step "
              "(truncated to one step) and never reaches H0 or C0"),
        wrong("detached-cell-path", _unroll(cell="C = torch.sigmoid(A_f) * C.detach() + torch.sigmoid(A_i) * "
                                                 "torch.tanh(A_g)"),
              "only the cell path detached: the right values, but no gradient flows along C to C0"),
        wrong("loops-over-the-batch", _unroll().replace("range(X.shape[1])", "range(len(X))"),
              "for t in range(len(X)): len(X) is the batch size, not the number of steps"),
        wrong("initial-states-swapped", _unroll(start="H, C = C0, H0\noutputs = []"),
              "H, C = C0, H0: the initial states the wrong way round, right only when they are equal"),
        wrong("lecture-gate-order", _unroll(split="A_f, A_i, A_g, A_o = A.chunk(4, dim=1)"),
              "the step re-written with the lectures' order f, i, C~, o instead of i, f, g, o"),
        wrong("always-zero-state", _unroll(start="H = C = torch.zeros_like(H0)\noutputs = []"),
              "H0 and C0 ignored: every sequence starts from zeros, right only when they are zeros"),
        wrong("C_T-for-H_T", _unroll(ret="return torch.stack(outputs, dim=1), (C, C)"),
              "C_T returned in place of H_T: the outputs and C_T are right, H_T is not the last output"),
        wrong("states-swapped", _unroll(ret="return torch.stack(outputs, dim=1), (C, H)"),
              "(C_T, H_T): the final pair in the wrong order"),
        wrong("updates-C0-in-place", _unroll(cell="C *= torch.sigmoid(A_f)\nC += torch.sigmoid(A_i) * torch.tanh(A_g)"),
              "C *= F; C += I * G: the right values, but the first step writes into the caller's C0 (and "
              "autograd refuses the in-place update of a leaf that requires a gradient)"),
        wrong("preallocated-written-through-data", """
            batch_size, num_steps = X.shape[0], X.shape[1]
            outputs = torch.zeros(batch_size, num_steps, H0.shape[1], device=X.device)
            H, C = H0, C0
            for t in range(num_steps):
                A = X[:, t] @ W_x + H @ W_h + b
                A_i, A_f, A_g, A_o = A.chunk(4, dim=1)
                C = torch.sigmoid(A_f) * C + torch.sigmoid(A_i) * torch.tanh(A_g)
                H = torch.sigmoid(A_o) * torch.tanh(C)
                outputs.data[:, t] = H.data
            return outputs, (H, C)
            """, "writes into a preallocated tensor through .data: the right values, but the outputs are "
                 "cut off from autograd (no loss on them trains anything)"),
        wrong("calls-own-lstm-step", """
            H, C = H0, C0
            outputs = []
            for X_t in X.unbind(dim=1):  # (B, d) each, in time order
                H, C = lstm_step(X_t, H, C, W_x, W_h, b)
                outputs.append(H)
            return torch.stack(outputs, dim=1), (H, C)
            """, "calls the student's own lstm_step of Exercise 1 (right values, X.unbind(1) for the "
                 "steps): the prompt asks for the step inside the loop, so that each exercise is graded on "
                 "its own", prelude=OWN_LSTM_STEP),
        correct("preallocated-empty-and-split", """
            batch_size, num_steps, _ = X.shape
            h = H0.shape[1]
            outputs = torch.empty(batch_size, num_steps, h, dtype=X.dtype, device=X.device)
            H, C = H0, C0
            for t in range(num_steps):
                i, f, g, o = torch.split(X[:, t, :] @ W_x + H @ W_h + b, h, dim=1)
                C = f.sigmoid() * C + i.sigmoid() * g.tanh()
                H = o.sigmoid() * C.tanh()
                outputs[:, t] = H  # an in-place copy that autograd records (CopySlices)
            return outputs, (H, C)
            """, "torch.empty filled step by step by indexed assignment; torch.split by h"),
        correct("while-and-cat", """
            h = H0.shape[-1]
            XW = X @ W_x + b  # (B, T, 4h): the input terms of every step at once
            H, C = H0, C0
            states = []
            t = 0
            while t < X.shape[1]:
                A = XW[:, t] + H @ W_h
                I, F_ = A[:, :h].sigmoid(), A[:, h:2 * h].sigmoid()
                G, O = A[:, 2 * h:3 * h].tanh(), A[:, 3 * h:].sigmoid()
                C = F_ * C + I * G
                H = O * torch.tanh(C)
                states.append(H.unsqueeze(1))  # (B, 1, h)
                t += 1
            return torch.cat(states, dim=1), (H, C)
            """, "the input projection of the whole sequence first; a while loop; torch.cat of unsqueezed states"),
        correct("blocks-view-and-stack-dim-minus-2", """
            B, h = H0.shape
            state = (H0, C0)
            hidden_states = []
            for t in range(X.shape[1]):
                H_prev, C_prev = state
                gates = torch.addmm(b, X[:, t], W_x).addmm(H_prev, W_h).view(B, 4, h)
                C_t = torch.sigmoid(gates[:, 1]) * C_prev + torch.sigmoid(gates[:, 0]) * torch.tanh(gates[:, 2])
                state = (torch.sigmoid(gates[:, 3]) * torch.tanh(C_t), C_t)
                hidden_states.append(state[0])
            return torch.stack(hidden_states, dim=-2), state
            """, "addmm chained; view(B, 4, h) for the blocks; stack on axis -2; the state kept as a tuple"),
        forbidden("ctorch-call", "return ctorch.lstm_forward(X, H0, C0, W_x, W_h, b)",
                  "calls the reference through ctorch"),
        forbidden("gates-module-import", """
            from course_utils.torch.gates import lstm_forward as reference_forward
            return reference_forward(X, H0, C0, W_x, W_h, b)
            """, "imports the reference from course_utils.torch.gates under another name"),
        forbidden("own-loop-borrowed-step", """
            H, C = H0, C0
            outputs = []
            for t in range(X.shape[1]):
                H, C = ctorch.lstm_step(X[:, t], H, C, W_x, W_h, b)
                outputs.append(H)
            return torch.stack(outputs, dim=1), (H, C)
            """, "its own loop, but every step is the reference's lstm_step"),
    ],
    # ------------------------------------------------------------------ Exercise 3
    "ex3-predict-cell-path-gradient": [
        wrong("sigmoid-times-T", "return float(1 / (1 + np.exp(-forget_bias)) * num_steps)",
              "sigmoid(b) * T: adds the forget gates up instead of multiplying them"),
        wrong("one-factor-too-few", "return float((1 / (1 + np.exp(-forget_bias))) ** (num_steps - 1))",
              "sigmoid(b) ** (T - 1): counts the steps between C_1 and C_T, not from C_0"),
        wrong("complement-of-the-gate", "return float((1 - 1 / (1 + np.exp(-forget_bias))) ** num_steps)",
              "(1 - sigmoid(b)) ** T: the gate read as the share that is forgotten"),
        wrong("sign-flip", "return float((1 / (1 + np.exp(forget_bias))) ** num_steps)",
              "1 / (1 + exp(b)): the minus sign of the sigmoid lost, so sigmoid(-b)"),
        wrong("bias-as-the-gate", "return float(forget_bias ** num_steps)",
              "b ** T: the bias taken for the gate itself, without the sigmoid"),
        wrong("exponential-decay", "return float(np.exp(-num_steps * forget_bias))",
              "exp(-T b): a decay guessed from the bias, not the product of the gates"),
        wrong("tanh-gate", "return float(np.tanh(forget_bias) ** num_steps)",
              "tanh(b) ** T: the candidate's nonlinearity instead of the gate's sigmoid"),
        wrong("gate-alone", "return float(1 / (1 + np.exp(-forget_bias)))",
              "sigmoid(b): one step's factor, whatever num_steps"),
        wrong("perfect-memory", "return 1.0",
              "1.0: the cell path taken as an identity, as if the forget gate were 1"),
        wrong("torch-tensor-result", "return torch.sigmoid(torch.tensor(float(forget_bias))) ** num_steps",
              "the right number as a 0-d torch tensor, not a float"),
        wrong("numpy-array-result", "return (1 / (1 + np.exp(-np.array([forget_bias])))) ** num_steps",
              "the right number in a NumPy array of shape (1,), not a float"),
        wrong("measured-with-nn-LSTM", """
            layer = nn.LSTM(1, 1)
            with torch.no_grad():
                for p in layer.parameters():
                    p.zero_()
                layer.bias_ih_l0[1] = forget_bias  # the forget block of i, f, g, o
            C0 = torch.zeros(1, 1, 1, requires_grad=True)
            _, (_, c_T) = layer(torch.zeros(num_steps, 1, 1), (torch.zeros(1, 1, 1), C0))
            c_T.sum().backward()
            return C0.grad.item()
            """, "the right number, measured with an nn.LSTM of zero weights and autograd instead of "
                 "predicted"),
        correct("math-module", """
            import math

            return (1.0 / (1.0 + math.exp(-forget_bias))) ** num_steps
            """, "math.exp; a Python float without float()"),
        correct("scipy-expit", """
            from scipy.special import expit

            return expit(forget_bias) ** num_steps
            """, "scipy.special.expit; a NumPy float64, which the contract accepts"),
        correct("log-sigmoid", "return float(np.exp(-np.logaddexp(0.0, -forget_bias) * num_steps))",
                "through log sigmoid(b) = -log(1 + exp(-b)), stable for any bias"),
        correct("loop-of-factors", """
            import math

            forget_gate = 1.0 / (1.0 + math.exp(-forget_bias))
            derivative = 1.0  # dC_0/dC_0
            for _ in range(num_steps):
                derivative *= forget_gate  # one factor F_t per step along the cell path
            return derivative
            """, "multiplies the factors one step at a time"),
        correct("torch-then-item", """
            gate = torch.sigmoid(torch.tensor(forget_bias, dtype=torch.float64))
            return gate.pow(num_steps).item()
            """, "torch.sigmoid on a float64 scalar, then .item()"),
        forbidden("ccells-call", "return ccells.predicted_cell_path_gradient(forget_bias, num_steps)",
                  "calls the reference through ccells"),
        forbidden("cu-attribute-chain", "return float(cu.cells.predicted_cell_path_gradient(forget_bias, num_steps))",
                  "reaches the reference through cu.cells"),
    ],
    # ------------------------------------------------------------------ Exercise 4
    "ex4-gru-step": [
        wrong("lecture-z-convention", _gru(ret="return Z * N + (1 - Z) * H_prev"),
              "the lectures' h = (1 - z) h + z n: Z keeps the candidate instead of the state"),
        wrong("reset-before-the-product", _gru(
            pre=("x_r, x_z, x_n = (X_t @ W_x + b_x).chunk(3, dim=1)\n"
                 "h_r, h_z, _ = (H_prev @ W_h + b_h).chunk(3, dim=1)\n"
                 "W_hn, b_hn = W_h.chunk(3, dim=1)[2], b_h.chunk(3)[2]"),
            cand="N = torch.tanh(x_n + (R * H_prev) @ W_hn + b_hn)"),
              "(R * H_prev) @ W_hn: the reset_after=False convention, not PyTorch's"),
        wrong("b_hn-outside-the-reset", _gru(
            pre=("x_r, x_z, x_n = (X_t @ W_x + b_x).chunk(3, dim=1)\n"
                 "h_r, h_z, h_n = (H_prev @ W_h).chunk(3, dim=1)\n"
                 "b_hr, b_hz, b_hn = b_h.chunk(3)"),
            gates="R = torch.sigmoid(x_r + h_r + b_hr)\nZ = torch.sigmoid(x_z + h_z + b_hz)",
            cand="N = torch.tanh(x_n + R * h_n + b_hn)"),
              "R multiplies H_prev W_hn but not its bias b_hn"),
        wrong("biases-summed-first", _gru(
            pre=("x_r, x_z, x_n = (X_t @ W_x + b_x + b_h).chunk(3, dim=1)\n"
                 "h_r, h_z, h_n = (H_prev @ W_h).chunk(3, dim=1)")),
              "b_x + b_h added up front, as for the LSTM: b_hn escapes the reset"),
        wrong("order-z-r-n", _gru(
            pre=("x_z, x_r, x_n = (X_t @ W_x + b_x).chunk(3, dim=1)\n"
                 "h_z, h_r, h_n = (H_prev @ W_h + b_h).chunk(3, dim=1)")),
              "blocks read as z, r, n (Keras' order) instead of r, z, n"),
        wrong("input-bias-only", _gru(
            pre=("x_r, x_z, x_n = (X_t @ W_x + b_x).chunk(3, dim=1)\n"
                 "h_r, h_z, h_n = (H_prev @ W_h).chunk(3, dim=1)")),
              "b_h is forgotten: one bias, as in the lectures"),
        wrong("blends-into-H_prev-in-place", _gru(ret="return H_prev.mul_(Z).add_((1 - Z) * N)"),
              "H_prev.mul_(Z).add_(...): the right values, written into the caller's H_prev (and returned)"),
        wrong("in-place-then-copy", _gru(ret="return H_prev.mul_(Z).add_((1 - Z) * N).clone()"),
              "a new tensor comes back, but the caller's H_prev was overwritten on the way"),
        wrong("detached-result", _gru(ret="return ((1 - Z) * N + Z * H_prev).detach()"),
              "the right values, detached: no gradient reaches the weights"),
        correct("slices-and-lerp", """
            h = H_prev.shape[1]
            gx = X_t @ W_x + b_x  # (B, 3h)
            gh = H_prev @ W_h + b_h  # (B, 3h)
            RZ = torch.sigmoid(gx[:, :2 * h] + gh[:, :2 * h])  # r and z with one sigmoid
            R, Z = RZ[:, :h], RZ[:, h:]
            N = torch.tanh(gx[:, 2 * h:] + R * gh[:, 2 * h:])
            return torch.lerp(N, H_prev, Z)  # N + Z (H_prev - N)
            """, "one sigmoid for r and z together; torch.lerp for the blend"),
        correct("per-gate-matrices", """
            h = H_prev.shape[-1]
            W_xr, W_xz, W_xn = torch.split(W_x, h, dim=1)
            W_hr, W_hz, W_hn = torch.split(W_h, h, dim=1)
            b_xr, b_xz, b_xn = torch.split(b_x, h)
            b_hr, b_hz, b_hn = torch.split(b_h, h)
            R = torch.sigmoid(X_t @ W_xr + b_xr + H_prev @ W_hr + b_hr)
            Z = torch.sigmoid(X_t @ W_xz + b_xz + H_prev @ W_hz + b_hz)
            N = torch.tanh(X_t @ W_xn + b_xn + R * (H_prev @ W_hn + b_hn))
            return H_prev + (1 - Z) * (N - H_prev)
            """, "the weights split per gate first; H_prev + (1 - Z)(N - H_prev)"),
        correct("einsum-and-unbind", """
            B, h = H_prev.shape
            gx = (torch.einsum("bd,dk->bk", X_t, W_x) + b_x).reshape(B, 3, h).unbind(1)
            gh = (torch.einsum("bj,jk->bk", H_prev, W_h) + b_h).reshape(B, 3, h).unbind(1)
            reset = (gx[0] + gh[0]).sigmoid()
            update = (gx[1] + gh[1]).sigmoid()
            candidate = torch.tanh(gx[2] + reset * gh[2])
            return update * H_prev + (1.0 - update) * candidate
            """, "einsum; reshape(B, 3, h).unbind(1); the terms of the blend in the other order"),
        forbidden("ctorch-call", "return ctorch.gru_step(X_t, H_prev, W_x, W_h, b_x, b_h)",
                  "calls the reference through ctorch"),
        forbidden("from-import-alias", """
            from course_utils.torch.gates import gru_step as reference_step
            return reference_step(X_t, H_prev, W_x, W_h, b_x, b_h)
            """, "imports the reference under another name"),
        forbidden("alias-outside-the-function", """
            step = ctorch.gru_step


            def gru_step(X_t, H_prev, W_x, W_h, b_x, b_h):
                return step(X_t, H_prev, W_x, W_h, b_x, b_h)
            """, "a module-level alias, so the function's own source never names course_utils",
                  whole_cell=True),
    ],
    # ------------------------------------------------------------------ Exercise 5
    "ex5-torch-to-keras": [
        wrong("lstm-bias_ih-only", ("""
            kernel = torch_lstm.weight_ih_l0.detach().cpu().numpy().T
            recurrent = torch_lstm.weight_hh_l0.detach().cpu().numpy().T
            bias = torch_lstm.bias_ih_l0.detach().cpu().numpy()
            keras_lstm.set_weights([kernel, recurrent, bias])
            """, GRU_OK), "only PyTorch's input bias: bias_hh_l0 is lost"),
        wrong("lstm-no-transpose", ("""
            kernel = torch_lstm.weight_ih_l0.detach().cpu().numpy()
            recurrent = torch_lstm.weight_hh_l0.detach().cpu().numpy()
            bias = (torch_lstm.bias_ih_l0 + torch_lstm.bias_hh_l0).detach().cpu().numpy()
            keras_lstm.set_weights([kernel, recurrent, bias])
            """, GRU_OK), "PyTorch's (4h, d) matrices as they are: set_weights refuses the shapes"),
        wrong("lstm-reshape-instead-of-transpose", ("""
            W_ih = torch_lstm.weight_ih_l0.detach().cpu().numpy()
            W_hh = torch_lstm.weight_hh_l0.detach().cpu().numpy()
            kernel = W_ih.reshape(W_ih.shape[1], W_ih.shape[0])
            recurrent = W_hh.reshape(W_hh.shape[1], W_hh.shape[0])
            bias = (torch_lstm.bias_ih_l0 + torch_lstm.bias_hh_l0).detach().cpu().numpy()
            keras_lstm.set_weights([kernel, recurrent, bias])
            """, GRU_OK), "reshape to (d, 4h): the right shape, scrambled values"),
        wrong("lstm-reordered-like-the-gru", ("""
            h = num_hiddens


            def swap_first_two(a):
                return np.concatenate([a[..., h:2 * h], a[..., :h], a[..., 2 * h:]], axis=-1)


            kernel = swap_first_two(torch_lstm.weight_ih_l0.detach().cpu().numpy().T)
            recurrent = swap_first_two(torch_lstm.weight_hh_l0.detach().cpu().numpy().T)
            bias = swap_first_two((torch_lstm.bias_ih_l0 + torch_lstm.bias_hh_l0).detach().cpu().numpy())
            keras_lstm.set_weights([kernel, recurrent, bias])
            """, GRU_OK), "swaps i and f as if Keras' LSTM had another order (both use i, f, g/c, o)"),
        wrong("gru-no-reordering", (LSTM_OK, _gru_region("W_ih.T", "W_hh.T", "np.stack([b_ih, b_hh])")),
              "PyTorch's r, z, n copied as they are into Keras' z, r, h"),
        wrong("gru-bias-summed", (LSTM_OK, _gru_region("to_z_r_h(W_ih.T)", "to_z_r_h(W_hh.T)",
                                                       "to_z_r_h(b_ih + b_hh)")),
              "one (3h,) bias b_ih + b_hh, as for the LSTM: Keras' GRU keeps both, shape (2, 3h)"),
        wrong("gru-bias-rows-swapped", (LSTM_OK, _gru_region("to_z_r_h(W_ih.T)", "to_z_r_h(W_hh.T)",
                                                             "np.stack([to_z_r_h(b_hh), to_z_r_h(b_ih)])")),
              "row 0 the recurrent bias, row 1 the input bias"),
        wrong("gru-biases-not-reordered", (LSTM_OK, _gru_region("to_z_r_h(W_ih.T)", "to_z_r_h(W_hh.T)",
                                                                "np.stack([b_ih, b_hh])")),
              "the matrices reordered to z, r, h, the biases left in r, z, n"),
        wrong("gru-reorders-before-transposing", (LSTM_OK, _gru_region("to_z_r_h(W_ih).T", "to_z_r_h(W_hh).T",
                                                                       "to_z_r_h(np.stack([b_ih, b_hh]))")),
              "reorders the last axis of PyTorch's (3h, d) matrices, which is not the gate axis"),
        wrong("gru-accepts-reset_after-False", (LSTM_OK, """
            h = num_hiddens


            def to_z_r_h(a):
                return np.concatenate([a[..., h:2 * h], a[..., :h], a[..., 2 * h:]], axis=-1)


            kernel = to_z_r_h(torch_gru.weight_ih_l0.detach().cpu().numpy().T)
            recurrent = to_z_r_h(torch_gru.weight_hh_l0.detach().cpu().numpy().T)
            b_ih = to_z_r_h(torch_gru.bias_ih_l0.detach().cpu().numpy())
            b_hh = to_z_r_h(torch_gru.bias_hh_l0.detach().cpu().numpy())
            if keras_gru.cell.reset_after:
                bias = np.stack([b_ih, b_hh])
            else:  # "make it work" for the old-style GRU: a different function, silently
                bias = b_ih + b_hh
            keras_gru.set_weights([kernel, recurrent, bias])
            """), "no ValueError for reset_after=False: the biases are summed to fit its (3h,) bias"),
        wrong("gru-no-reset_after-check", (LSTM_OK, GRU_OK.replace(
            'if not keras_gru.cell.reset_after:\n    raise ValueError("reset_after=False is not the GRU of PyTorch")\n',
            "")), "no check: Keras' set_weights raises a ValueError at the bias of a reset_after=False layer, "
                  "after writing its kernel and recurrent kernel"),
        wrong("lstm-sums-the-biases-into-torch", ("""
            with torch.no_grad():
                torch_lstm.bias_ih_l0 += torch_lstm.bias_hh_l0  # changes the caller's PyTorch layer
            kernel = torch_lstm.weight_ih_l0.detach().cpu().numpy().T
            recurrent = torch_lstm.weight_hh_l0.detach().cpu().numpy().T
            keras_lstm.set_weights([kernel, recurrent, torch_lstm.bias_ih_l0.detach().cpu().numpy()])
            """, GRU_OK), "the right Keras weights, but the PyTorch layer's bias_ih_l0 is overwritten"),
        correct("torch-side-and-assign", ("""
            W_ih = torch_lstm.weight_ih_l0.detach().cpu()  # (4h, d)
            W_hh = torch_lstm.weight_hh_l0.detach().cpu()  # (4h, h)
            b = torch_lstm.bias_ih_l0.detach().cpu() + torch_lstm.bias_hh_l0.detach().cpu()
            keras_lstm.cell.kernel.assign(W_ih.t().numpy())
            keras_lstm.cell.recurrent_kernel.assign(W_hh.t().numpy())
            keras_lstm.cell.bias.assign(b.numpy())
            """, """
            if not keras_gru.reset_after:
                raise ValueError("keras_gru must be built with reset_after=True")
            h = torch_gru.hidden_size


            def z_r_n(w):  # PyTorch's blocks are the rows: r, z, n -> z, r, n
                return torch.cat([w[h:2 * h], w[:h], w[2 * h:]], dim=0)


            W_ih = z_r_n(torch_gru.weight_ih_l0.detach().cpu())  # (3h, d)
            W_hh = z_r_n(torch_gru.weight_hh_l0.detach().cpu())  # (3h, h)
            b = torch.stack([z_r_n(torch_gru.bias_ih_l0.detach().cpu()),
                             z_r_n(torch_gru.bias_hh_l0.detach().cpu())])  # (2, 3h)
            keras_gru.cell.kernel.assign(W_ih.T.numpy())
            keras_gru.cell.recurrent_kernel.assign(W_hh.T.numpy())
            keras_gru.cell.bias.assign(b.numpy())
            """), "reorders PyTorch's rows with torch.cat before transposing; assigns Keras' variables"),
        correct("index-permutation-and-config", ("""
            params = [p.detach().cpu().numpy() for p in torch_lstm.parameters()]  # W_ih, W_hh, b_ih, b_hh
            keras_lstm.set_weights([np.transpose(params[0]), np.transpose(params[1]), np.add(params[2], params[3])])
            """, """
            if keras_gru.get_config()["reset_after"] is not True:
                raise ValueError("only reset_after=True computes what torch.nn.GRU computes")
            h = torch_gru.hidden_size
            order = np.concatenate([np.arange(h, 2 * h), np.arange(h), np.arange(2 * h, 3 * h)])
            W_ih, W_hh, b_ih, b_hh = (p.detach().cpu().numpy() for p in torch_gru.parameters())
            keras_gru.set_weights([W_ih.T[:, order], W_hh.T[:, order], np.stack([b_ih, b_hh])[:, order]])
            """), "parameters() in order; a permutation index; reset_after read from get_config()"),
        correct("bias-shape-check-and-split", ("""
            weights = [torch_lstm.weight_ih_l0, torch_lstm.weight_hh_l0]
            kernel, recurrent = (w.detach().cpu().numpy().T.copy() for w in weights)
            bias = torch.add(torch_lstm.bias_ih_l0, torch_lstm.bias_hh_l0).detach().cpu().numpy()
            keras_lstm.set_weights([kernel, recurrent, bias])
            """, """
            if tuple(keras_gru.cell.bias.shape) != (2, 3 * num_hiddens):
                raise ValueError("expected Keras' reset_after=True bias of shape (2, 3h)")
            converted = []
            for w in (torch_gru.weight_ih_l0.T, torch_gru.weight_hh_l0.T,
                      torch.stack([torch_gru.bias_ih_l0, torch_gru.bias_hh_l0])):
                r, z, n = np.split(w.detach().cpu().numpy(), 3, axis=1)
                converted.append(np.hstack([z, r, n]))
            keras_gru.set_weights(converted)
            """), "tells reset_after by the bias shape; np.split and np.hstack over the three arrays"),
        correct("returns-the-filled-layers", (LSTM_OK + "return keras_lstm\n", GRU_OK + "return keras_gru\n"),
                "each function returns the Keras layer it filled"),
        forbidden("reference-converters", ("""
            ccells.lstm_torch_to_keras(torch_lstm, keras_lstm)
            """, """
            ccells.gru_torch_to_keras(torch_gru, keras_gru)
            """), "calls both course_utils converters through ccells"),
        forbidden("gru-imported-under-an-alias", (LSTM_OK, """
            from course_utils.cells import gru_torch_to_keras as convert_gru
            convert_gru(torch_gru, keras_gru)
            """), "its own LSTM copy, the reference GRU converter imported under another name"),
        forbidden("gru-borrows-the-gate-order-helper", (LSTM_OK, """
            if not keras_gru.cell.reset_after:
                raise ValueError("reset_after=False is not the GRU of PyTorch")
            kernel = cu.cells.torch_to_keras_gate_order(torch_gru.weight_ih_l0.detach().cpu().numpy().T, "gru")
            recurrent = cu.cells.torch_to_keras_gate_order(torch_gru.weight_hh_l0.detach().cpu().numpy().T, "gru")
            bias = cu.cells.torch_to_keras_gate_order(
                np.stack([torch_gru.bias_ih_l0.detach().cpu().numpy(), torch_gru.bias_hh_l0.detach().cpu().numpy()]),
                "gru")
            keras_gru.set_weights([kernel, recurrent, bias])
            """), "its own code, but the gate reordering is the course's helper, reached through cu"),
        forbidden("rebound-names", """
            lstm_torch_to_keras = ccells.lstm_torch_to_keras
            gru_torch_to_keras = ccells.gru_torch_to_keras
            """, "the whole cell rebinds both references", whole_cell=True),
    ],
    # ------------------------------------------------------------------ Exercise 6
    "ex6-num-params": [
        wrong("keras-gru-one-bias", """
            blocks = {"rnn": 1, "lstm": 4, "gru": 3}
            if cell not in blocks or framework not in ("keras", "torch"):
                raise ValueError(f"unknown cell {cell!r} or framework {framework!r}")
            biases = 2 if framework == "torch" else 1
            return blocks[cell] * (num_inputs * num_hiddens + num_hiddens * num_hiddens + biases * num_hiddens)
            """, "one bias vector for every Keras cell: GRU(reset_after=True) keeps two"),
        wrong("torch-one-bias", """
            blocks = {"rnn": 1, "lstm": 4, "gru": 3}
            if cell not in blocks or framework not in ("keras", "torch"):
                raise ValueError(f"unknown cell {cell!r} or framework {framework!r}")
            biases = 2 if cell == "gru" else 1
            return blocks[cell] * (num_inputs * num_hiddens + num_hiddens * num_hiddens + biases * num_hiddens)
            """, "PyTorch counted like Keras: b_ih and b_hh are two vectors for every cell"),
        wrong("gru-four-blocks", """
            blocks = {"rnn": 1, "lstm": 4, "gru": 4}
            if cell not in blocks or framework not in ("keras", "torch"):
                raise ValueError(f"unknown cell {cell!r} or framework {framework!r}")
            biases = 2 if framework == "torch" or cell == "gru" else 1
            return blocks[cell] * (num_inputs * num_hiddens + num_hiddens * num_hiddens + biases * num_hiddens)
            """, "the GRU counted with four blocks, like the LSTM"),
        wrong("lstm-three-blocks", """
            blocks = {"rnn": 1, "lstm": 3, "gru": 3}
            if cell not in blocks or framework not in ("keras", "torch"):
                raise ValueError(f"unknown cell {cell!r} or framework {framework!r}")
            biases = 2 if framework == "torch" or cell == "gru" else 1
            return blocks[cell] * (num_inputs * num_hiddens + num_hiddens * num_hiddens + biases * num_hiddens)
            """, "the LSTM counted with three gates, forgetting the candidate block"),
        wrong("case-insensitive-cell", """
            cell = cell.lower()
            blocks = {"rnn": 1, "lstm": 4, "gru": 3}
            if cell not in blocks or framework not in ("keras", "torch"):
                raise ValueError(f"unknown cell {cell!r} or framework {framework!r}")
            biases = 2 if framework == "torch" or cell == "gru" else 1
            return blocks[cell] * (num_inputs * num_hiddens + num_hiddens * num_hiddens + biases * num_hiddens)
            """, "cell.lower(): 'LSTM' is accepted instead of raising ValueError"),
        wrong("framework-not-checked", """
            blocks = {"rnn": 1, "lstm": 4, "gru": 3}
            if cell not in blocks:
                raise ValueError(f"unknown cell {cell!r}")
            biases = 2 if framework == "torch" or cell == "gru" else 1
            return blocks[cell] * (num_inputs * num_hiddens + num_hiddens * num_hiddens + biases * num_hiddens)
            """, "any framework other than 'torch' is counted as Keras: 'pytorch' gives a number"),
        wrong("math-pow-float", """
            import math

            blocks = {"rnn": 1, "lstm": 4, "gru": 3}
            if cell not in blocks or framework not in ("keras", "torch"):
                raise ValueError(f"unknown cell {cell!r} or framework {framework!r}")
            biases = 2 if framework == "torch" or cell == "gru" else 1
            return blocks[cell] * (num_inputs * num_hiddens + math.pow(num_hiddens, 2) + biases * num_hiddens)
            """, "math.pow returns a float: the count is 108.0, not an int"),
        wrong("numpy-integer", """
            blocks = {"rnn": 1, "lstm": 4, "gru": 3}
            if cell not in blocks or framework not in ("keras", "torch"):
                raise ValueError(f"unknown cell {cell!r} or framework {framework!r}")
            biases = 2 if framework == "torch" or cell == "gru" else 1
            shapes = [(num_inputs, num_hiddens), (num_hiddens, num_hiddens)] + [(num_hiddens,)] * biases
            return blocks[cell] * np.sum([np.prod(s) for s in shapes])
            """, "np.sum of np.prod: a numpy.int64, not an int"),
        wrong("default-framework-torch", """
            def num_params(cell, num_inputs, num_hiddens, framework="torch"):
                blocks = {"rnn": 1, "lstm": 4, "gru": 3}
                if cell not in blocks or framework not in ("keras", "torch"):
                    raise ValueError(f"unknown cell {cell!r} or framework {framework!r}")
                biases = 2 if framework == "torch" or cell == "gru" else 1
                return blocks[cell] * (num_inputs * num_hiddens + num_hiddens * num_hiddens + biases * num_hiddens)
            """, "framework='torch' by default: num_params('lstm', 5, 2) gives PyTorch's 72, not Keras' 64 "
                 "(the GRU's count is the same in both)", whole_cell=True),
        correct("table-of-pairs", """
            table = {
                ("rnn", "keras"): (1, 1), ("lstm", "keras"): (4, 1), ("gru", "keras"): (3, 2),
                ("rnn", "torch"): (1, 2), ("lstm", "torch"): (4, 2), ("gru", "torch"): (3, 2),
            }
            try:
                blocks, biases = table[(cell, framework)]
            except (KeyError, TypeError):
                raise ValueError(f"no such cell/framework: {cell!r}, {framework!r}") from None
            return blocks * num_hiddens * (num_inputs + num_hiddens + biases)
            """, "one table keyed by (cell, framework); h (d + h + biases) per block"),
        correct("match-and-sum-of-shapes", """
            match cell:
                case "rnn":
                    blocks = 1
                case "lstm":
                    blocks = 4
                case "gru":
                    blocks = 3
                case _:
                    raise ValueError(f"cell must be 'rnn', 'lstm' or 'gru', got {cell!r}")
            if framework not in {"keras", "torch"}:
                raise ValueError(f"framework must be 'keras' or 'torch', got {framework!r}")
            two_biases = framework == "torch" or cell == "gru"
            weights = num_inputs * num_hiddens + num_hiddens ** 2
            total = 0
            for _ in range(blocks):
                total += weights + num_hiddens + (num_hiddens if two_biases else 0)
            return int(total)
            """, "match on the cell, a loop over the blocks, int() at the end"),
        correct("keras-count-plus-extra-torch-biases", """
            gates = dict(rnn=1, lstm=4, gru=3).get(cell)
            if gates is None or framework not in ("keras", "torch"):
                raise ValueError("cell must be rnn/lstm/gru and framework keras/torch")
            d, h = num_inputs, num_hiddens
            keras_count = gates * (d * h + h * h + h) + (3 * h if cell == "gru" else 0)
            return keras_count if framework == "keras" else gates * (d * h + h * h + 2 * h)
            """, "Keras' count with the GRU's extra bias, PyTorch's written out separately"),
        forbidden("ccells-call", "return ccells.num_params(cell, num_inputs, num_hiddens, framework)",
                  "calls the reference through the set-up cell's alias ccells"),
        forbidden("module-import-alias", """
            import course_utils.cells as counting
            return counting.num_params(cell, num_inputs, num_hiddens, framework)
            """, "imports course_utils.cells under another alias"),
        forbidden("default-argument", """
            def num_params(cell, num_inputs, num_hiddens, framework="keras", count=ccells.num_params):
                return count(cell, num_inputs, num_hiddens, framework)
            """, "the reference smuggled in as a default argument", whole_cell=True),
    ],
    # ------------------------------------------------------------------ Exercise 7
    "ex7-keras-classifier": [
        wrong("return-sequences", _classifier(layer="kinds[cell](num_hiddens, return_sequences=True)"),
              "return_sequences=True: logits (B, T, num_classes) for every step, not the last"),
        wrong("softmax-output", _classifier(dense='keras.layers.Dense(num_classes, activation="softmax")'),
              "Dense with softmax: probabilities, not logits"),
        wrong("recurrent-dropout", _classifier(layer="kinds[cell](num_hiddens, recurrent_dropout=0.1)"),
              "recurrent_dropout=0.1 takes the LSTM and GRU off the cuDNN path"),
        wrong("relu-activation", _classifier(layer='kinds[cell](num_hiddens, activation="relu")'),
              "activation='relu': not cuDNN-eligible, and SimpleRNN loses its tanh"),
        wrong("gru-reset_after-False", _classifier(
            table=('kinds = {"rnn": keras.layers.SimpleRNN, "lstm": keras.layers.LSTM, '
                   '"gru": lambda units: keras.layers.GRU(units, reset_after=False)}')),
              "GRU(reset_after=False), the lectures' GRU: one bias, and no cuDNN kernel"),
        wrong("no-ValueError", _classifier(check="", layer="kinds.get(cell, keras.layers.LSTM)(num_hiddens)"),
              "an unknown cell silently becomes an LSTM"),
        wrong("case-insensitive-cell", _classifier(check=('cell = cell.lower()\n'
                                                          'if cell not in kinds:\n'
                                                          '    raise ValueError(f"unknown cell {cell!r}")')),
              "cell.lower(): 'LSTM' is accepted instead of raising ValueError"),
        wrong("input-without-time-axis", _classifier(first="keras.Input(shape=(vocab_size,)),"),
              "keras.Input(shape=(vocab_size,)): no time axis, the recurrent layer refuses 2-D inputs"),
        wrong("sequential-without-input", _classifier(first=""),
              "no keras.Input: the model is not built until its first call (count_params() and summary() "
              "fail before it, and the first call fixes input_shape to that batch's (B, T, vocab_size))"),
        wrong("go-backwards", _classifier(layer="kinds[cell](num_hiddens, go_backwards=True)"),
              "go_backwards=True: cuDNN-eligible, the right shapes and counts, but it reads the sequence "
              "from the end, so its last output is another function of the inputs"),
        wrong("input-dropout", _classifier(layer="kinds[cell](num_hiddens, dropout=0.2)"),
              "dropout=0.2 on the inputs: cuDNN-eligible and the same logits at inference, but not the "
              "defaults the prompt asks for"),
        correct("add-layer-by-layer", """
            if cell == "rnn":
                recurrent = layers.SimpleRNN(num_hiddens)
            elif cell == "lstm":
                recurrent = layers.LSTM(num_hiddens)
            elif cell == "gru":
                recurrent = layers.GRU(num_hiddens)
            else:
                raise ValueError(f"cell must be 'rnn', 'lstm' or 'gru', got {cell!r}")
            model = keras.Sequential()
            model.add(keras.layers.Input(shape=(None, vocab_size)))
            model.add(recurrent)
            model.add(layers.Dense(num_classes, activation=None))
            return model
            """, "if/elif chain; model.add one layer at a time; activation=None written out"),
        correct("match-and-named-model", """
            match cell:
                case "rnn":
                    layer_class = keras.layers.SimpleRNN
                case "lstm":
                    layer_class = keras.layers.LSTM
                case "gru":
                    layer_class = keras.layers.GRU
                case _:
                    raise ValueError(f"unknown cell {cell!r}")
            return keras.Sequential(
                [keras.Input((None, vocab_size)), layer_class(units=num_hiddens, return_sequences=False),
                 keras.layers.Dense(units=num_classes, activation="linear")],
                name=f"{cell}_classifier",
            )
            """, "match; keyword units; return_sequences=False and activation='linear' written out"),
        correct("explicit-default-arguments", """
            if cell not in ("rnn", "lstm", "gru"):
                raise ValueError(f"unknown cell {cell!r}")
            if cell == "rnn":
                recurrent = keras.layers.SimpleRNN(num_hiddens, activation="tanh")
            elif cell == "lstm":
                recurrent = keras.layers.LSTM(num_hiddens, activation="tanh", recurrent_activation="sigmoid",
                                              use_bias=True, unroll=False)
            else:
                recurrent = keras.layers.GRU(num_hiddens, reset_after=True, dropout=0.0, recurrent_dropout=0.0)
            return keras.Sequential([keras.Input(batch_shape=(None, None, vocab_size)), recurrent,
                                     keras.layers.Dense(num_classes)])
            """, "the cuDNN defaults spelled out; Input(batch_shape=...)"),
        correct("named-layers", _classifier(layer='kinds[cell](num_hiddens, name=f"{cell}_layer")',
                                            dense='keras.layers.Dense(num_classes, name="logits")'),
                "layers with names of their own (a name is not a setting the tests compare)"),
        forbidden("ckeras-call", "return ckeras.recurrent_classifier(cell, vocab_size, num_classes, num_hiddens)",
                  "calls the reference through ckeras"),
        forbidden("from-import-alias", """
            from course_utils.keras.classify import recurrent_classifier as make_model
            return make_model(cell, vocab_size, num_classes, num_hiddens)
            """, "imports the reference under another name"),
        forbidden("rebound-name", "build_keras_classifier = ckeras.recurrent_classifier",
                  "the whole cell rebinds the reference", whole_cell=True),
    ],
}
