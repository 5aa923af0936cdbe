"""Independent answers for Chapter 1, RNN anatomy (solutions/01-rnn-anatomy/rnn_anatomy.ipynb).

Written from the exercise prompts and the answer cells' docstrings alone, by someone who did
not write the chapter's tests, to check that the visible tests catch the mistakes students
make: wrong formulas, in-place edits of the arguments, an argument returned as the result,
wrong result types or dtypes, gradients cut off from autograd, edge cases and wrong
defaults. Every name starts with ``ind_`` so that it never clashes with the author's bank.
"""

from grading_bank import correct, wrong

# Exercise 3 has two solution regions (PyTorch, Keras); a correct version of each, so that a
# variant can be wrong in one function only.
TORCH_OK = """
with torch.no_grad():
    layer.weight_ih_l0.copy_(W_xh.T)
    layer.weight_hh_l0.copy_(W_hh.T)
    layer.bias_ih_l0.zero_()
    layer.bias_hh_l0.copy_(b_h)
"""
KERAS_OK = """
layer.set_weights([np.array(W_xh), np.array(W_hh), np.array(b_h)])
"""

# Exercise 6: what the answer cell can rely on from an earlier cell of the notebook (Section 6
# loads the text before the exercise).
NOTEBOOK_TEXT = """
text = cu.load_text("shakespeare/tragedies.txt")
train_text = text[: int(0.9 * len(text))]
vocab = cu.CharVocab.from_text(text)
"""

BANK = {
    # ------------------------------------------------------------------ Exercise 1
    "ex1-rnn-step": [
        wrong("ind_inplace_H_prev_buffer", """
            H_prev.copy_(H_prev @ W_hh)  # reuse the state's buffer for the recurrent term
            return torch.tanh(X_t @ W_xh + H_prev + b_h)
            """, "right values, but the caller's H_prev is overwritten with H_prev @ W_hh"),
        wrong("ind_out_into_H_prev", """
            return torch.tanh(X_t @ W_xh + H_prev @ W_hh + b_h, out=H_prev)
            """, "writes the new state into H_prev and returns the argument itself"),
        wrong("ind_inplace_bias_unsqueeze", """
            b_h.unsqueeze_(0)  # make the bias a (1, h) row for broadcasting
            return torch.tanh(X_t @ W_xh + H_prev @ W_hh + b_h)
            """, "changes the shape of the caller's b_h in place"),
        wrong("ind_detached_result", """
            return torch.tanh(X_t @ W_xh + H_prev @ W_hh + b_h).detach()
            """, "right values, but no gradient reaches X_t, H_prev or the weights"),
        wrong("ind_no_grad_step", """
            with torch.no_grad():
                H_t = torch.tanh(X_t @ W_xh + H_prev @ W_hh + b_h)
            return H_t
            """, "computed under torch.no_grad(): the step cannot be trained"),
        wrong("ind_numpy_roundtrip", """
            pre = (X_t.detach().numpy() @ W_xh.detach().numpy() + H_prev.detach().numpy() @ W_hh.detach().numpy()
                   + b_h.detach().numpy())
            return torch.from_numpy(np.tanh(pre))
            """, "computed in NumPy and wrapped back: a tensor without a gradient"),
        wrong("ind_float64_result", """
            A = X_t.double() @ W_xh.double() + H_prev.double() @ W_hh.double() + b_h.double()
            return torch.tanh(A)
            """, "computes in float64 'for precision' and returns float64 instead of the inputs' float32"),
        wrong("ind_tanh_on_input_term_only", """
            return torch.tanh(X_t @ W_xh) + H_prev @ W_hh + b_h
            """, "the activation wraps the input term only"),
        wrong("ind_returns_pre_activation_too", """
            A = X_t @ W_xh + H_prev @ W_hh + b_h
            return torch.tanh(A), A
            """, "returns a tuple (H_t, pre-activation) instead of one tensor"),
        wrong("ind_returns_list", """
            return torch.tanh(X_t @ W_xh + H_prev @ W_hh + b_h).tolist()
            """, "returns nested Python lists instead of a tensor"),
        correct("ind_F_linear", """
            return torch.tanh(F.linear(X_t, W_xh.T, b_h) + F.linear(H_prev, W_hh.T))
            """, "F.linear with the transposed (column-form) weights"),
        correct("ind_tanh_module_mm", """
            act = nn.Tanh()
            return act(torch.mm(X_t, W_xh).add(torch.mm(H_prev, W_hh)).add(b_h))
            """, "torch.mm, Tensor.add and an nn.Tanh module"),
    ],
    # ------------------------------------------------------------------ Exercise 2
    "ex2-rnn-forward": [
        wrong("ind_zero_initial_state", """
            H, outputs = torch.zeros_like(H0), []
            for t in range(X.shape[1]):
                H = torch.tanh(X[:, t] @ W_xh + H @ W_hh + b_h)
                outputs.append(H)
            return torch.stack(outputs, dim=1), H
            """, "starts from zeros instead of H0"),
        wrong("ind_stack_axis0", """
            H, outputs = H0, []
            for t in range(X.shape[1]):
                H = torch.tanh(X[:, t] @ W_xh + H @ W_hh + b_h)
                outputs.append(H)
            return torch.stack(outputs), H
            """, "stacks along axis 0: outputs (T, B, h) instead of (B, T, h)"),
        wrong("ind_outputs_lag_one_step", """
            H, outputs = H0, []
            for t in range(X.shape[1]):
                outputs.append(H)
                H = torch.tanh(X[:, t] @ W_xh + H @ W_hh + b_h)
            return torch.stack(outputs, dim=1), H
            """, "records the state before each update: outputs hold H_0..H_{T-1}"),
        wrong("ind_inplace_state_in_H0", """
            H = H0
            outputs = []
            for t in range(X.shape[1]):
                H.copy_(torch.tanh(X[:, t] @ W_xh + H @ W_hh + b_h))
                outputs.append(H.clone())
            return torch.stack(outputs, dim=1), H
            """, "updates the state in H0's buffer: the caller's H0 is overwritten and returned as H_T"),
        wrong("ind_inplace_transpose_X", """
            X.transpose_(0, 1)  # time-major, so that X[t] is one step
            H, outputs = H0, []
            for x_t in X:
                H = torch.tanh(x_t @ W_xh + H @ W_hh + b_h)
                outputs.append(H)
            return torch.stack(outputs, dim=1), H
            """, "right values, but the caller's X is transposed in place to (T, B, d)"),
        wrong("ind_reversed_time", """
            H, outputs = H0, []
            for t in reversed(range(X.shape[1])):
                H = torch.tanh(X[:, t] @ W_xh + H @ W_hh + b_h)
                outputs.append(H)
            return torch.stack(outputs, dim=1), H
            """, "runs the sequence backwards (the direction of a reversed RNN)"),
        wrong("ind_detach_each_step", """
            H, outputs = H0, []
            for t in range(X.shape[1]):
                H = torch.tanh(X[:, t] @ W_xh + H.detach() @ W_hh + b_h)
                outputs.append(H)
            return torch.stack(outputs, dim=1), H
            """, "detaches the state at every step: no gradient reaches H0 or flows back through time"),
        wrong("ind_last_state_from_first_step", """
            H, outputs = H0, []
            for t in range(X.shape[1]):
                H = torch.tanh(X[:, t] @ W_xh + H @ W_hh + b_h)
                outputs.append(H)
            outputs = torch.stack(outputs, dim=1)
            return outputs, outputs[:, 0]
            """, "H_T taken from index 0 of the time axis, i.e. H_1"),
        wrong("ind_pair_swapped", """
            H, outputs = H0, []
            for t in range(X.shape[1]):
                H = torch.tanh(X[:, t] @ W_xh + H @ W_hh + b_h)
                outputs.append(H)
            return H, torch.stack(outputs, dim=1)
            """, "returns (H_T, outputs): the pair in the wrong order"),
        wrong("ind_batch_index_as_time", """
            H, outputs = H0, []
            for t in range(X.shape[1]):
                H = torch.tanh(X[t] @ W_xh + H @ W_hh + b_h)
                outputs.append(H)
            return torch.stack(outputs, dim=1), H
            """, "X[t] indexes the batch axis instead of the time axis"),
        wrong("ind_squeezed_outputs", """
            H, outputs = H0, []
            for t in range(X.shape[1]):
                H = torch.tanh(X[:, t] @ W_xh + H @ W_hh + b_h)
                outputs.append(H)
            return torch.stack(outputs, dim=1).squeeze(), H
            """, "squeeze() drops the batch or time axis when it has length 1 (one example, one step)"),
        correct("ind_recursive_unbind", """
            def unroll(steps, H):
                if not steps:
                    return []
                H = torch.tanh(steps[0] @ W_xh + H @ W_hh + b_h)
                return [H] + unroll(steps[1:], H)

            states = unroll(list(X.unbind(dim=1)), H0)
            return torch.stack(states, dim=1), states[-1]
            """, "a recursive helper over X.unbind(1)"),
        correct("ind_cat_unsqueezed", """
            H = H0
            outputs = torch.empty(X.shape[0], 0, H0.shape[1], dtype=H0.dtype, device=H0.device)
            for x_t in X.permute(1, 0, 2):
                H = torch.tanh(torch.addmm(b_h, x_t, W_xh) + H.matmul(W_hh))
                outputs = torch.cat([outputs, H.unsqueeze(1)], dim=1)
            return outputs, H
            """, "grows the output with torch.cat along axis 1, iterating over a permuted view"),
    ],
    # ------------------------------------------------------------------ Exercise 3
    "ex3-load-weights": [
        wrong("ind_torch_not_transposed", ("""
            with torch.no_grad():
                layer.weight_ih_l0.copy_(W_xh)
                layer.weight_hh_l0.copy_(W_hh)
                layer.bias_ih_l0.copy_(b_h)
                layer.bias_hh_l0.zero_()
            """, KERAS_OK), "copies the row-form matrices without transposing them"),
        wrong("ind_torch_b_h_in_both_biases", ("""
            with torch.no_grad():
                layer.weight_ih_l0.copy_(W_xh.T)
                layer.weight_hh_l0.copy_(W_hh.T)
                layer.bias_ih_l0.copy_(b_h)
                layer.bias_hh_l0.copy_(b_h)
            """, KERAS_OK), "b_h in both biases: the layer adds 2 b_h"),
        wrong("ind_torch_bias_hh_untouched", ("""
            with torch.no_grad():
                layer.weight_ih_l0.copy_(W_xh.T)
                layer.weight_hh_l0.copy_(W_hh.T)
                layer.bias_ih_l0.copy_(b_h)
            """, KERAS_OK), "leaves bias_hh_l0 at its random initial value"),
        wrong("ind_torch_halves_b_h_in_place", ("""
            with torch.no_grad():
                layer.weight_ih_l0.copy_(W_xh.T)
                layer.weight_hh_l0.copy_(W_hh.T)
                layer.bias_ih_l0.copy_(b_h.div_(2))
                layer.bias_hh_l0.copy_(b_h)
            """, KERAS_OK), "splits the bias in halves with div_: the layer is right, the caller's b_h is halved"),
        wrong("ind_torch_frozen_after_loading", ("""
            with torch.no_grad():
                layer.weight_ih_l0.copy_(W_xh.T)
                layer.weight_hh_l0.copy_(W_hh.T)
                layer.bias_ih_l0.copy_(b_h)
                layer.bias_hh_l0.zero_()
            layer.requires_grad_(False)  # 'loaded weights should not change'
            """, KERAS_OK), "the layer is no longer trainable"),
        wrong("ind_torch_copy_outside_no_grad", ("""
            layer.weight_ih_l0.copy_(W_xh.T)
            layer.weight_hh_l0.copy_(W_hh.T)
            layer.bias_ih_l0.copy_(b_h)
            layer.bias_hh_l0.zero_()
            """, KERAS_OK), "in-place copy into a leaf that requires grad, outside torch.no_grad()"),
        wrong("ind_torch_parameters_alias_caller", ("""
            layer.weight_ih_l0 = nn.Parameter(W_xh.T)
            layer.weight_hh_l0 = nn.Parameter(W_hh.T)
            layer.bias_ih_l0 = nn.Parameter(b_h)
            layer.bias_hh_l0 = nn.Parameter(torch.zeros_like(b_h))
            """, KERAS_OK), "replaces the layer's parameters by new ones that share the caller's tensors "
                            "(not the existing parameters; training the layer would change W_xh)"),
        wrong("ind_torch_state_dict_wrong_keys", ("""
            layer.load_state_dict({"weight_ih": W_xh.T, "weight_hh": W_hh.T, "bias_ih": b_h,
                                   "bias_hh": torch.zeros_like(b_h)}, strict=False)
            """, KERAS_OK), "load_state_dict with the wrong key names and strict=False: nothing is loaded, "
                            "and no error says so"),
        wrong("ind_keras_transposed", (TORCH_OK, """
            layer.set_weights([W_xh.T, W_hh.T, b_h])
            """), "Keras is row-form: transposing is wrong there"),
        wrong("ind_keras_recurrent_first", (TORCH_OK, """
            layer.set_weights([W_hh, W_xh, b_h])
            """), "the weights in the wrong order"),
        wrong("ind_keras_bias_forgotten", (TORCH_OK, """
            layer.cell.kernel.assign(W_xh)
            layer.cell.recurrent_kernel.assign(W_hh)
            """), "assigns the two matrices and leaves the bias as initialised"),
        wrong("ind_keras_new_layer", (TORCH_OK, """
            layer = keras.layers.SimpleRNN(W_hh.shape[0])
            layer.build((None, None, W_xh.shape[0]))
            layer.set_weights([W_xh, W_hh, b_h])
            """), "builds and loads a new layer; the caller's layer is untouched"),
        wrong("ind_keras_recurrent_transposed_only", (TORCH_OK, """
            layer.set_weights([W_xh, W_hh.T, b_h])
            """), "transposes W_hh only (the PyTorch habit carried over)"),
        correct("ind_bias_split_and_assign", ("""
            params = dict(layer.named_parameters())
            with torch.no_grad():
                for name, value in (("weight_ih_l0", W_xh.T), ("weight_hh_l0", W_hh.T),
                                    ("bias_ih_l0", 0.25 * b_h), ("bias_hh_l0", 0.75 * b_h)):
                    params[name].copy_(value)
            """, """
            layer.cell.kernel.assign(W_xh)
            layer.cell.recurrent_kernel.assign(W_hh)
            layer.cell.bias.assign(b_h)
            """), "a 1/4 + 3/4 bias split in a loop; Keras variables assigned one by one"),
    ],
    # ------------------------------------------------------------------ Exercise 4
    "ex4-num-params": [
        wrong("ind_default_torch", '''
            def rnn_num_params(num_inputs, num_hiddens, framework="torch"):
                """Count the trainable parameters of a one-layer vanilla RNN."""
                weights = num_inputs * num_hiddens + num_hiddens * num_hiddens
                if framework == "keras":
                    return weights + num_hiddens
                if framework == "torch":
                    return weights + 2 * num_hiddens
                raise ValueError(f"unknown framework {framework!r}")
            ''', "the default framework is 'torch' instead of 'keras'", whole_cell=True),
        wrong("ind_biases_swapped", """
            weights = num_inputs * num_hiddens + num_hiddens * num_hiddens
            if framework == "keras":
                return weights + 2 * num_hiddens
            if framework == "torch":
                return weights + num_hiddens
            raise ValueError(framework)
            """, "two biases for Keras and one for PyTorch"),
        wrong("ind_pytorch_alias_accepted", """
            weights = num_inputs * num_hiddens + num_hiddens * num_hiddens
            if framework == "keras":
                return weights + num_hiddens
            if framework in ("torch", "pytorch"):
                return weights + 2 * num_hiddens
            raise ValueError(framework)
            """, "accepts 'pytorch' as an alias of 'torch'"),
        wrong("ind_unknown_is_keras", """
            weights = num_inputs * num_hiddens + num_hiddens * num_hiddens
            if framework == "torch":
                return weights + 2 * num_hiddens
            return weights + num_hiddens
            """, "any name other than 'torch' is counted as Keras, no ValueError"),
        wrong("ind_keyerror_lookup", """
            biases = {"keras": 1, "torch": 2}[framework]
            return num_hiddens * (num_inputs + num_hiddens + biases)
            """, "an unknown name raises KeyError from the dict, not ValueError"),
        wrong("ind_numpy_integer", """
            if framework not in ("keras", "torch"):
                raise ValueError(framework)
            shapes = [(num_inputs, num_hiddens), (num_hiddens, num_hiddens)] + \\
                [(num_hiddens,)] * (1 if framework == "keras" else 2)
            return np.sum([np.prod(s) for s in shapes])
            """, "returns a NumPy integer, not an int"),
        wrong("ind_float_from_division", """
            if framework not in ("keras", "torch"):
                raise ValueError(framework)
            biases = 2 if framework == "torch" else 1
            return num_hiddens * (num_inputs + num_hiddens) + biases * num_hiddens / 1
            """, "the division makes the count a float"),
        wrong("ind_case_insensitive", """
            framework = framework.strip().lower()
            weights = num_inputs * num_hiddens + num_hiddens * num_hiddens
            if framework == "keras":
                return weights + num_hiddens
            if framework == "torch":
                return weights + 2 * num_hiddens
            raise ValueError(framework)
            """, "accepts 'Keras' and ' torch ' silently"),
        wrong("ind_recurrent_as_input_square", """
            if framework not in ("keras", "torch"):
                raise ValueError(framework)
            biases = 2 if framework == "torch" else 1
            return num_inputs * num_inputs + num_hiddens * num_hiddens + biases * num_hiddens
            """, "input weights counted as d*d instead of d*h"),
        correct("ind_layer_shapes", """
            shapes = {"keras": [(num_inputs, num_hiddens), (num_hiddens, num_hiddens), (num_hiddens,)],
                      "torch": [(num_hiddens, num_inputs), (num_hiddens, num_hiddens), (num_hiddens,), (num_hiddens,)]}
            if framework not in shapes:
                raise ValueError(f"unknown framework {framework!r}")
            total = 0
            for shape in shapes[framework]:
                size = 1
                for n in shape:
                    size *= n
                total += size
            return total
            """, "sums the sizes of each framework's weight shapes"),
    ],
    # ------------------------------------------------------------------ Exercise 5
    "ex5-clip-grad-norm": [
        wrong("ind_inplace_and_same_list", """
            total_norm = torch.sqrt(sum((g**2).sum() for g in grads))
            scale = torch.clamp(max_norm / (total_norm + 1e-6), max=1.0)
            for g in grads:
                g.mul_(scale)
            return grads, total_norm
            """, "scales the caller's tensors in place and returns the caller's list"),
        wrong("ind_new_list_inplace_tensors", """
            total_norm = torch.sqrt(sum((g**2).sum() for g in grads))
            scale = torch.clamp(max_norm / (total_norm + 1e-6), max=1.0)
            return [g.mul_(scale) for g in grads], total_norm
            """, "a new list, but of the caller's tensors scaled in place"),
        wrong("ind_same_list_when_under", """
            total_norm = torch.sqrt(sum((g**2).sum() for g in grads))
            if total_norm <= max_norm:
                return grads, total_norm  # nothing to clip
            scale = max_norm / (total_norm + 1e-6)
            return [g * scale for g in grads], total_norm
            """, "under the threshold it returns the argument itself instead of a new list"),
        wrong("ind_pops_the_list", """
            total_norm = torch.sqrt(sum((g**2).sum() for g in grads))
            scale = torch.clamp(max_norm / (total_norm + 1e-6), max=1.0)
            clipped = []
            while grads:
                clipped.append(grads.pop(0) * scale)
            return clipped, total_norm
            """, "empties the caller's list while it clips"),
        wrong("ind_norm_as_python_float", """
            total_norm = float(torch.sqrt(sum((g**2).sum() for g in grads)))
            scale = min(1.0, max_norm / (total_norm + 1e-6))
            return [g * scale for g in grads], total_norm
            """, "the norm is returned as a float, not a tensor"),
        wrong("ind_zero_grads_nan", """
            total_norm = torch.sqrt(sum((g**2).sum() for g in grads))
            capped = torch.clamp(total_norm, max=max_norm)
            return [g / total_norm * capped for g in grads], total_norm
            """, "rescales through g / ||g||: all-zero gradients give 0/0 = NaN"),
        wrong("ind_l1_norm", """
            total_norm = sum(g.abs().sum() for g in grads)
            scale = torch.clamp(max_norm / (total_norm + 1e-6), max=1.0)
            return [g * scale for g in grads], total_norm
            """, "the L1 norm instead of the L2 norm"),
        wrong("ind_flat_vector", """
            flat = torch.cat([g.reshape(-1) for g in grads])
            total_norm = flat.norm()
            return [flat * torch.clamp(max_norm / (total_norm + 1e-6), max=1.0)], total_norm
            """, "returns one flat vector in a list instead of tensors of the original shapes"),
        wrong("ind_numpy_arrays", """
            arrays = [g.detach().cpu().numpy() for g in grads]
            total = np.sqrt(sum((a.astype(np.float64)**2).sum() for a in arrays))
            scale = min(1.0, max_norm / (total + 1e-6))
            return [a * scale for a in arrays], torch.tensor(total)
            """, "clipped gradients come back as NumPy arrays (and the norm as float64)"),
        wrong("ind_per_tensor_clip", """
            norms = [g.norm() for g in grads]
            total_norm = torch.sqrt(sum(n**2 for n in norms))
            return [g * torch.clamp(max_norm / (n + 1e-6), max=1.0) for g, n in zip(grads, norms)], total_norm
            """, "clips every tensor by its own norm (Keras' clipnorm), not by the global norm"),
        correct("ind_vector_norm_where", """
            total_norm = torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g) for g in grads]))
            scale = torch.where(total_norm + 1e-6 > max_norm, max_norm / (total_norm + 1e-6),
                                torch.ones_like(total_norm))
            return [g * scale for g in grads], total_norm
            """, "torch.linalg.vector_norm of the per-tensor norms, torch.where for the min"),
    ],
    # ------------------------------------------------------------------ Exercise 6
    "ex6-predict-untrained-loss": [
        wrong("ind_bits_divided_by_ln2", """
            bits = np.log2(vocab_size)  # a uniform guess costs log2 V bits per character
            return float(bits / np.log(2))  # bits -> nats, the wrong way round
            """, "converts bits to nats by dividing by ln 2 instead of multiplying: ln V / (ln 2)^2"),
        wrong("ind_summed_over_window", """
            import math
            return 64 * math.log(vocab_size)  # -ln(1/V) at each of the 64 steps of a window
            """, "the loss summed over a 64-character window, not per character"),
        wrong("ind_sigmoid_outputs", """
            zeros = torch.zeros(vocab_size)
            target = F.one_hot(torch.tensor(0), vocab_size).float()
            return float(F.binary_cross_entropy_with_logits(zeros, target))
            """, "a sigmoid per character instead of a softmax: ln 2 whatever V is"),
        wrong("ind_unigram_entropy", """
            counts = np.array(list(Counter(text).values()), dtype=float)
            p = counts / counts.sum()
            return float(-(p * np.log(p)).sum())
            """, "the entropy of the text's character frequencies (a unigram model), ignoring vocab_size",
            prelude=NOTEBOOK_TEXT),
        wrong("ind_notebook_vocab", """
            return float(np.log(len(vocab)))
            """, "ln of the notebook's vocabulary size, not of the argument: right for V = 63 only",
            prelude=NOTEBOOK_TEXT),
        wrong("ind_training_characters", """
            import math
            return math.log(len(train_text))  # one chance in the number of training characters
            """, "ln of the number of training characters instead of the vocabulary size",
            prelude=NOTEBOOK_TEXT),
        wrong("ind_one_entropy_term", """
            import math
            p = 1 / vocab_size
            return -p * math.log(p)  # -p ln p for the right character
            """, "one term of the entropy sum: ln(V) / V"),
        wrong("ind_logn_argument_order", """
            return float(np.emath.logn(vocab_size, np.e))  # the log of V, base e
            """, "np.emath.logn(n, x) is log base n of x: this is 1 / ln V"),
        wrong("ind_torch_tensor", """
            return -torch.log(torch.tensor(1.0 / vocab_size))
            """, "right value in a 0-d PyTorch tensor, not a float"),
        wrong("ind_keras_loss_tensor", """
            logits = np.zeros((1, vocab_size), dtype="float32")  # an untrained model's logits
            return keras.losses.sparse_categorical_crossentropy(np.array([0]), logits, from_logits=True)
            """, "the framework's loss returned as is: a TensorFlow tensor of shape (1,), not a float"),
        wrong("ind_decimal", """
            from decimal import Decimal
            return Decimal(vocab_size).ln()
            """, "a decimal.Decimal, not a float"),
        wrong("ind_formatted_string", """
            import math
            return f"{math.log(vocab_size):.3f}"
            """, "a formatted string instead of a float"),
        wrong("ind_prints", """
            import math
            print(f"predicted loss: ln {vocab_size} = {math.log(vocab_size):.3f} nats per character")
            """, "prints the prediction and returns None"),
        wrong("ind_math_log_of_array", """
            import math
            p = np.full(vocab_size, 1.0 / vocab_size)  # the uniform distribution
            return -math.log(p)
            """, "math.log of a NumPy array of probabilities: a TypeError"),
        correct("ind_cross_entropy_of_zero_logits", """
            logits = torch.zeros(1, vocab_size)  # what an untrained model outputs, about
            return F.cross_entropy(logits, torch.tensor([0])).item()
            """, "PyTorch's cross-entropy of all-zero logits, as a Python float"),
        correct("ind_logsumexp", """
            z = np.zeros(vocab_size)  # zero logits; the right character's logit is z[0]
            return float(np.logaddexp.reduce(z) - z[0])
            """, "the loss written as logsumexp(z) - z_right"),
        correct("ind_bits_to_nats", """
            import math
            return math.log2(vocab_size) * math.log(2)
            """, "log2 V bits per character, converted to nats"),
        correct("ind_keras_loss_float", """
            logits = np.zeros((1, vocab_size), dtype="float32")
            loss = keras.losses.sparse_categorical_crossentropy(np.array([0]), logits, from_logits=True)
            return float(ops.convert_to_numpy(loss)[0])
            """, "Keras' loss of all-zero logits, converted to a float"),
        correct("ind_scipy_entropy", """
            from scipy.stats import entropy
            return float(entropy(np.ones(vocab_size)))  # the expected -ln p under the uniform
            """, "the entropy of the uniform distribution with scipy"),
        correct("ind_zero_logits_on_device", """
            logits = torch.zeros(1, vocab_size, device=device)
            log_p = torch.log_softmax(logits, dim=-1)
            return float(-log_p[0, 0])
            """, "log_softmax of zero logits on the notebook's device, converted with float()"),
    ],
    # ------------------------------------------------------------------ Exercise 7
    "ex7-softmax-temperature": [
        wrong("ind_inplace_on_logits", """
            if temperature <= 0:
                raise ValueError("temperature must be positive")
            logits /= temperature
            logits -= logits.max(axis=-1, keepdims=True)
            p = np.exp(logits)
            return p / p.sum(axis=-1, keepdims=True)
            """, "divides and shifts logits in place: a float64 argument is changed"),
        wrong("ind_returns_logits_buffer", """
            if temperature <= 0:
                raise ValueError("temperature must be positive")
            np.divide(logits, temperature, out=logits)
            logits -= logits.max(axis=-1, keepdims=True)
            np.exp(logits, out=logits)
            logits /= logits.sum(axis=-1, keepdims=True)
            return logits
            """, "computes in the argument's buffer and returns the argument itself"),
        wrong("ind_max_not_keepdims", """
            if temperature <= 0:
                raise ValueError("temperature must be positive")
            z = logits / temperature
            p = np.exp(z - z.max(axis=-1))
            return p / p.sum(axis=-1)
            """, "max and sum without keepdims: wrong broadcasting for a batch"),
        wrong("ind_sum_all_entries", """
            if temperature <= 0:
                raise ValueError("temperature must be positive")
            z = logits / temperature
            p = np.exp(z - z.max(axis=-1, keepdims=True))
            return p / p.sum()
            """, "normalises by the sum over the whole batch"),
        wrong("ind_axis0", """
            if temperature <= 0:
                raise ValueError("temperature must be positive")
            z = logits / temperature
            p = np.exp(z - z.max(axis=0, keepdims=True))
            return p / p.sum(axis=0, keepdims=True)
            """, "works along axis 0: right for one vector, wrong for a batch"),
        wrong("ind_assert_not_valueerror", """
            assert temperature > 0, "temperature must be positive"
            z = logits / temperature
            p = np.exp(z - z.max(axis=-1, keepdims=True))
            return p / p.sum(axis=-1, keepdims=True)
            """, "AssertionError instead of ValueError"),
        wrong("ind_negative_only_rejected", """
            if temperature < 0:
                raise ValueError("temperature must be positive")
            with np.errstate(divide="ignore", invalid="ignore"):
                z = logits / temperature
                p = np.exp(z - z.max(axis=-1, keepdims=True))
                return p / p.sum(axis=-1, keepdims=True)
            """, "temperature 0 is accepted (and gives NaN)"),
        wrong("ind_overflow_no_shift", """
            if temperature <= 0:
                raise ValueError("temperature must be positive")
            with np.errstate(over="ignore", invalid="ignore"):
                p = np.exp(logits / temperature)
                return p / p.sum(axis=-1, keepdims=True)
            """, "no max subtraction: logits near 1000 overflow to inf/inf = NaN"),
        wrong("ind_returns_list", """
            if temperature <= 0:
                raise ValueError("temperature must be positive")
            z = logits / temperature
            p = np.exp(z - z.max(axis=-1, keepdims=True))
            return (p / p.sum(axis=-1, keepdims=True)).tolist()
            """, "returns Python lists instead of a NumPy array"),
        wrong("ind_temperature_on_probabilities", """
            if temperature <= 0:
                raise ValueError("temperature must be positive")
            p = np.exp(logits - logits.max(axis=-1, keepdims=True)) ** temperature
            return p / p.sum(axis=-1, keepdims=True)
            """, "raises the probabilities to the power tau (= multiplies the logits by tau)"),
        correct("ind_log_softmax", """
            if not temperature > 0:
                raise ValueError(f"temperature must be > 0, got {temperature}")
            z = logits / temperature
            z = z - np.max(z, axis=-1, keepdims=True)
            return np.exp(z - np.log(np.sum(np.exp(z), axis=-1, keepdims=True)))
            """, "exp of a log-softmax"),
        correct("ind_moveaxis_loop", """
            if temperature <= 0:
                raise ValueError("temperature must be positive")
            flat = (logits / temperature).reshape(-1, logits.shape[-1])
            rows = []
            for row in flat:
                e = np.exp(row - row.max())
                rows.append(e / e.sum())
            return np.array(rows).reshape(logits.shape)
            """, "a loop over the rows of a 2-D view"),
    ],
    # ------------------------------------------------------------------ Exercise 8
    "ex8-generate-text": [
        wrong("ind_state_dropped", """
            new_ids = []
            with torch.no_grad():
                logits, H = model(torch.as_tensor(vocab.encode(prefix), device=device)[None])
                for _ in range(num_chars):
                    z = logits[0, -1].double().cpu().numpy() / temperature
                    p = np.exp(z - z.max())
                    p /= p.sum()
                    new_ids.append(int(rng.choice(len(p), p=p)))
                    logits, _ = model(torch.tensor([[new_ids[-1]]], device=device), None)
            return prefix + vocab.decode(new_ids)
            """, "feeds the new id from a zero state: the context is forgotten"),
        wrong("ind_float32_probabilities", """
            new_ids = []
            with torch.no_grad():
                logits, H = model(torch.as_tensor(vocab.encode(prefix), device=device)[None])
                for _ in range(num_chars):
                    z = logits[0, -1].cpu().numpy() / np.float32(temperature)
                    p = np.exp(z - z.max())
                    p = (p / p.sum()).astype(np.float64)
                    new_ids.append(int(rng.choice(len(p), p=p)))
                    logits, H = model(torch.tensor([[new_ids[-1]]], device=device), H)
            return prefix + vocab.decode(new_ids)
            """, "the softmax in float32, not float64 as the prompt asks"),
        wrong("ind_global_numpy_random", """
            new_ids = []
            with torch.no_grad():
                logits, H = model(torch.as_tensor(vocab.encode(prefix), device=device)[None])
                for _ in range(num_chars):
                    z = logits[0, -1].double().cpu().numpy() / temperature
                    p = np.exp(z - z.max())
                    p /= p.sum()
                    new_ids.append(int(np.random.choice(len(p), p=p)))
                    logits, H = model(torch.tensor([[new_ids[-1]]], device=device), H)
            return prefix + vocab.decode(new_ids)
            """, "draws with the global np.random instead of the seeded rng"),
        wrong("ind_reseeded_every_step", """
            new_ids = []
            with torch.no_grad():
                logits, H = model(torch.as_tensor(vocab.encode(prefix), device=device)[None])
                for _ in range(num_chars):
                    z = logits[0, -1].double().cpu().numpy() / temperature
                    p = np.exp(z - z.max())
                    p /= p.sum()
                    new_ids.append(int(np.random.default_rng(seed).choice(len(p), p=p)))
                    logits, H = model(torch.tensor([[new_ids[-1]]], device=device), H)
            return prefix + vocab.decode(new_ids)
            """, "a new generator with the same seed at every step: the same uniform draw each time"),
        wrong("ind_temperature_times_logits", """
            new_ids = []
            with torch.no_grad():
                logits, H = model(torch.as_tensor(vocab.encode(prefix), device=device)[None])
                for _ in range(num_chars):
                    z = logits[0, -1].double().cpu().numpy() * temperature
                    p = np.exp(z - z.max())
                    p /= p.sum()
                    new_ids.append(int(rng.choice(len(p), p=p)))
                    logits, H = model(torch.tensor([[new_ids[-1]]], device=device), H)
            return prefix + vocab.decode(new_ids)
            """, "multiplies the logits by the temperature"),
        wrong("ind_one_extra_char", """
            new_ids = []
            with torch.no_grad():
                logits, H = model(torch.as_tensor(vocab.encode(prefix), device=device)[None])
                for _ in range(num_chars + 1):
                    z = logits[0, -1].double().cpu().numpy() / temperature
                    p = np.exp(z - z.max())
                    p /= p.sum()
                    new_ids.append(int(rng.choice(len(p), p=p)))
                    logits, H = model(torch.tensor([[new_ids[-1]]], device=device), H)
            return prefix + vocab.decode(new_ids)
            """, "range(num_chars + 1): one character too many"),
        wrong("ind_returns_list_of_chars", """
            new_ids = []
            with torch.no_grad():
                logits, H = model(torch.as_tensor(vocab.encode(prefix), device=device)[None])
                for _ in range(num_chars):
                    z = logits[0, -1].double().cpu().numpy() / temperature
                    p = np.exp(z - z.max())
                    p /= p.sum()
                    new_ids.append(int(rng.choice(len(p), p=p)))
                    logits, H = model(torch.tensor([[new_ids[-1]]], device=device), H)
            return list(prefix) + [vocab.decode([i]) for i in new_ids]
            """, "returns a list of characters instead of one string"),
        wrong("ind_temperature_folded_into_head", """
            head = list(model.children())[-1]
            new_ids = []
            with torch.no_grad():
                head.weight /= temperature  # logits / tau, computed by the model itself
                head.bias /= temperature
                logits, H = model(torch.as_tensor(vocab.encode(prefix), device=device)[None])
                for _ in range(num_chars):
                    z = logits[0, -1].double().cpu().numpy()
                    p = np.exp(z - z.max())
                    p /= p.sum()
                    new_ids.append(int(rng.choice(len(p), p=p)))
                    logits, H = model(torch.tensor([[new_ids[-1]]], device=device), H)
            return prefix + vocab.decode(new_ids)
            """, "divides the model's output layer by tau in place: the caller's model is changed"),
        wrong("ind_last_prefix_char_fed_again", """
            new_ids = []
            with torch.no_grad():
                ids = torch.as_tensor(vocab.encode(prefix), device=device)[None]
                _, H = model(ids)
                logits, H = model(ids[:, -1:], H)  # start the loop from the last character
                for _ in range(num_chars):
                    z = logits[0, -1].double().cpu().numpy() / temperature
                    p = np.exp(z - z.max())
                    p /= p.sum()
                    new_ids.append(int(rng.choice(len(p), p=p)))
                    logits, H = model(torch.tensor([[new_ids[-1]]], device=device), H)
            return prefix + vocab.decode(new_ids)
            """, "the prefix's last character is fed twice"),
        wrong("ind_do_while_loop", """
            new_ids = []
            with torch.no_grad():
                logits, H = model(torch.as_tensor(vocab.encode(prefix), device=device)[None])
                while True:
                    z = logits[0, -1].double().cpu().numpy() / temperature
                    p = np.exp(z - z.max())
                    p /= p.sum()
                    new_ids.append(int(rng.choice(len(p), p=p)))
                    if len(new_ids) >= num_chars:
                        break
                    logits, H = model(torch.tensor([[new_ids[-1]]], device=device), H)
            return prefix + vocab.decode(new_ids)
            """, "samples before testing the count: num_chars=0 still adds one character"),
        correct("ind_torch_full_next_id", """
            ids = vocab.encode(prefix)
            out = []
            with torch.no_grad():
                logits, state = model(torch.tensor(np.asarray(ids)[None], dtype=torch.long, device=device))
                last = logits[:, -1]
                for _ in range(num_chars):
                    z = last.squeeze(0).to("cpu", torch.float64).numpy() / temperature
                    z = z - np.max(z)
                    p = np.exp(z) / np.exp(z).sum()
                    nxt = int(rng.choice(len(p), p=p))
                    out.append(nxt)
                    step_logits, state = model(torch.full((1, 1), nxt, dtype=torch.long, device=device), state)
                    last = step_logits[:, -1]
            return "".join([prefix, vocab.decode(out)])
            """, "torch.full for the next id, the last step's logits kept apart"),
    ],
}
