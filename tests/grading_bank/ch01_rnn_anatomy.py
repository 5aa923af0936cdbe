"""Answer bank for Chapter 1, RNN anatomy (solutions/01-rnn-anatomy/rnn_anatomy.ipynb).

Each entry replaces the solution region of the exercise's answer cell; see
:mod:`grading_bank` for the conventions and what is demanded of each kind.
"""

from grading_bank import correct, forbidden, wrong

# The student's own Exercise 1, for the answers to later exercises that (wrongly) call it.
OWN_RNN_STEP = '''
def rnn_step(X_t, H_prev, W_xh, W_hh, b_h):
    return torch.tanh(X_t @ W_xh + H_prev @ W_hh + b_h)
'''

# Exercise 3 has two functions, each with its own solution region: (PyTorch, Keras).
TORCH_LOAD = """
with torch.no_grad():
    layer.weight_ih_l0.copy_(W_xh.T)
    layer.weight_hh_l0.copy_(W_hh.T)
    layer.bias_ih_l0.copy_(b_h)
    layer.bias_hh_l0.zero_()
"""
KERAS_LOAD = """
layer.set_weights([np.asarray(W_xh), np.asarray(W_hh), np.asarray(b_h)])
"""

BANK = {
    # ------------------------------------------------------------------ Exercise 1
    "ex1-rnn-step": [
        wrong("W_hh-transposed", "return torch.tanh(X_t @ W_xh + H_prev @ W_hh.T + b_h)",
              "H_prev @ W_hh.T: the column-vector formula copied into row form"),
        wrong("column-form-recurrence", "return torch.tanh(X_t @ W_xh + (W_hh @ H_prev.T).T + b_h)",
              "(W_hh @ H_prev.T).T, i.e. H_prev @ W_hh.T"),
        wrong("W_xh-transposed", "return torch.tanh(X_t @ W_xh.T + H_prev @ W_hh + b_h)",
              "X_t @ W_xh.T: a shape error when num_inputs != num_hiddens, wrong values otherwise"),
        wrong("no-tanh", "return X_t @ W_xh + H_prev @ W_hh + b_h", "the activation is missing"),
        wrong("sigmoid", "return torch.sigmoid(X_t @ W_xh + H_prev @ W_hh + b_h)", "sigmoid instead of tanh"),
        wrong("no-bias", "return torch.tanh(X_t @ W_xh + H_prev @ W_hh)", "b_h is forgotten"),
        wrong("relu", "return torch.relu(X_t @ W_xh + H_prev @ W_hh + b_h)", "ReLU instead of tanh"),
        wrong("H_prev-overwritten", """
            H_prev.copy_(torch.tanh(X_t @ W_xh + H_prev @ W_hh + b_h))
            return H_prev
            """, "right values, written into the caller's H_prev and returned"),
        wrong("tanh-from-exp", """
            E = torch.exp(2 * (X_t @ W_xh + H_prev @ W_hh + b_h))
            return (E - 1) / (E + 1)
            """, "tanh written with exp: inf / inf = nan for pre-activations near 100"),
        wrong("float64-result", "return torch.tanh((X_t @ W_xh + H_prev @ W_hh + b_h).double())",
              "right values, but float64 instead of the inputs' float32"),
        wrong("through-numpy", """
            A = X_t.cpu().numpy() @ W_xh.cpu().numpy() + H_prev.cpu().numpy() @ W_hh.cpu().numpy()
            return torch.tensor(np.tanh(A + b_h.cpu().numpy()), device=X_t.device)
            """, "right values computed in NumPy: no gradient reaches the inputs"),
        wrong("under-no-grad", """
            with torch.no_grad():
                return torch.tanh(X_t @ W_xh + H_prev @ W_hh + b_h)
            """, "right values computed under torch.no_grad(): nothing to train through"),
        correct("concatenated-weights", """
            XH = torch.cat([X_t, H_prev], dim=1)  # (B, d + h)
            W = torch.cat([W_xh, W_hh], dim=0)  # (d + h, h)
            return torch.tanh(XH @ W + b_h)
            """, "one matrix product on [X_t, H_prev]"),
        correct("addmm-and-sigmoid-identity", """
            A = torch.addmm(b_h.expand(H_prev.shape[0], -1), X_t, W_xh) + torch.matmul(H_prev, W_hh)
            return 2 * torch.sigmoid(2 * A) - 1  # tanh(a) = 2 sigmoid(2a) - 1
            """, "addmm for the input term, tanh written through the sigmoid"),
        correct("einsum", """
            pre = torch.einsum("bd,dh->bh", X_t, W_xh) + torch.einsum("bk,kh->bh", H_prev, W_hh)
            return (pre + b_h[None, :]).tanh()
            """, "einsum and the tensor method .tanh()"),
        correct("F-linear-and-in-place-on-own-tensor", """
            out = F.linear(X_t, W_xh.T, b_h)  # (B, h): X_t W_xh + b_h
            out += H_prev @ W_hh
            return out.tanh_()
            """, "F.linear, then in-place operations on its own new tensor (not on an argument)"),
        forbidden("ctorch-call", "return ctorch.rnn_step(X_t, H_prev, W_xh, W_hh, b_h)",
                  "calls the reference through the set-up cell's alias ctorch"),
        forbidden("import-inside", """
            from course_utils.torch import rnn_step as reference_step
            return reference_step(X_t, H_prev, W_xh, W_hh, b_h)
            """, "imports the reference under another name"),
        forbidden("rebound-name", "rnn_step = ctorch.rnn_step", "the whole cell just rebinds the reference",
                  whole_cell=True),
        forbidden("alias-outside-the-function", """
            step = ctorch.rnn_step


            def rnn_step(X_t, H_prev, W_xh, W_hh, b_h):
                return step(X_t, H_prev, W_xh, W_hh, b_h)
            """, "a module-level alias, so the function's own source never names course_utils",
                  whole_cell=True),
        forbidden("alias-in-a-container", """
            steps = {"tanh": ctorch.rnn_step}


            def rnn_step(X_t, H_prev, W_xh, W_hh, b_h):
                return steps["tanh"](X_t, H_prev, W_xh, W_hh, b_h)
            """, "the reference kept in a module-level dict", whole_cell=True),
        forbidden("globals-lookup", 'return globals()["ctorch"].rnn_step(X_t, H_prev, W_xh, W_hh, b_h)',
                  "reaches ctorch through globals()"),
    ],
    # ------------------------------------------------------------------ Exercise 2
    "ex2-rnn-forward": [
        wrong("ignores-H0", """
            H, outputs = torch.zeros_like(H0), []
            for t in range(X.shape[1]):
                H = torch.tanh(X[:, t] @ W_xh + H @ W_hh + b_h)
                outputs.append(H)
            return torch.stack(outputs, dim=1), H
            """, "starts from zeros instead of H0"),
        wrong("W_hh-transposed", """
            H, outputs = H0, []
            for t in range(X.shape[1]):
                H = torch.tanh(X[:, t] @ W_xh + H @ W_hh.T + b_h)
                outputs.append(H)
            return torch.stack(outputs, dim=1), H
            """, "H @ W_hh.T"),
        wrong("time-major-stack", """
            H, outputs = H0, []
            for t in range(X.shape[1]):
                H = torch.tanh(X[:, t] @ W_xh + H @ W_hh + b_h)
                outputs.append(H)
            return torch.stack(outputs), H
            """, "torch.stack on dim 0 gives (T, B, h)"),
        wrong("off-by-one-states", """
            H, outputs = H0, []
            for t in range(X.shape[1]):
                outputs.append(H)
                H = torch.tanh(X[:, t] @ W_xh + H @ W_hh + b_h)
            return torch.stack(outputs, dim=1), H
            """, "outputs holds H_0..H_{T-1}: H0 included, H_T dropped"),
        wrong("returns-H0-as-last-state", """
            H, outputs = H0, []
            for t in range(X.shape[1]):
                H = torch.tanh(X[:, t] @ W_xh + H @ W_hh + b_h)
                outputs.append(H)
            return torch.stack(outputs, dim=1), H0
            """, "the initial state is returned as H_T"),
        wrong("outputs-only", """
            H, outputs = H0, []
            for t in range(X.shape[1]):
                H = torch.tanh(X[:, t] @ W_xh + H @ W_hh + b_h)
                outputs.append(H)
            return torch.stack(outputs, dim=1)
            """, "returns only the outputs, not the pair"),
        wrong("calls-rnn_step", """
            H, outputs = H0, []
            for t in range(X.shape[1]):
                H = rnn_step(X[:, t], H, W_xh, W_hh, b_h)
                outputs.append(H)
            return torch.stack(outputs, dim=1), H
            """, "correct values, but calls rnn_step from Exercise 1, which the exercise forbids",
              prelude=OWN_RNN_STEP),
        wrong("H0-updated-in-place", """
            H, outputs = H0, []
            for t in range(X.shape[1]):
                H.copy_(torch.tanh(X[:, t] @ W_xh + H @ W_hh + b_h))
                outputs.append(H.clone())
            return torch.stack(outputs, dim=1), H.clone()
            """, "right values, but H = H0 and H.copy_(...) write every state into the caller's H0"),
        wrong("H0-slice-assigned", """
            outputs = []
            for t in range(X.shape[1]):
                H0[:] = torch.tanh(X[:, t] @ W_xh + H0 @ W_hh + b_h)
                outputs.append(H0.clone())
            return torch.stack(outputs, dim=1), H0.clone()
            """, "right values, but H0[:] = ... overwrites the caller's initial state"),
        wrong("squeezed-outputs", """
            H, outputs = H0, []
            for t in range(X.shape[1]):
                H = torch.tanh(X[:, t] @ W_xh + H @ W_hh + b_h)
                outputs.append(H)
            return torch.stack(outputs, dim=1).squeeze(), H
            """, ".squeeze() drops the batch and time axes of one sequence of one step"),
        wrong("detached-states", """
            H, outputs = H0, []
            for t in range(X.shape[1]):
                H = torch.tanh(X[:, t] @ W_xh + H @ W_hh + b_h).detach()
                outputs.append(H)
            return torch.stack(outputs, dim=1), H
            """, "right values, but .detach() cuts backpropagation through time"),
        correct("preallocated", """
            B, T, _ = X.shape
            outputs = torch.empty(B, T, W_hh.shape[0], dtype=X.dtype, device=X.device)
            H = H0
            for t in range(T):
                H = torch.tanh(X[:, t, :] @ W_xh + H @ W_hh + b_h)
                outputs[:, t] = H
            return outputs, outputs[:, -1]
            """, "fills a preallocated tensor; H_T read back from it"),
        correct("comprehension-running-state", """
            H = H0
            outputs = [H := torch.tanh(X[:, t] @ W_xh + H @ W_hh + b_h) for t in range(X.shape[1])]
            return torch.stack(outputs, 1), H
            """, "a list comprehension carrying the state with :="),
        correct("unbind", """
            states, H = [], H0
            for X_t in X.unbind(1):
                H = torch.tanh(torch.addmm(b_h, X_t, W_xh) + H @ W_hh)
                states += [H]
            return torch.stack(states, dim=1), states[-1]
            """, "iterates over X.unbind(1)"),
        correct("input-projection-up-front", """
            XW = X @ W_xh + b_h  # (B, T, h), every step at once
            H, outputs = H0, []
            for t in range(XW.shape[1]):
                H = torch.tanh(XW[:, t] + H @ W_hh)
                outputs.append(H.unsqueeze(1))
            return torch.cat(outputs, dim=1), H
            """, "X @ W_xh for all steps first, then torch.cat of (B, 1, h) slices"),
        forbidden("ctorch-call", "return ctorch.rnn_forward(X, H0, W_xh, W_hh, b_h)",
                  "calls the reference through ctorch"),
        forbidden("module-import-alias", """
            import course_utils.torch as reference
            return reference.rnn_forward(X, H0, W_xh, W_hh, b_h)
            """, "imports course_utils.torch under another alias"),
    ],
    # ------------------------------------------------------------------ Exercise 3
    "ex3-load-weights": [
        wrong("torch-no-transpose", ("""
            with torch.no_grad():
                layer.weight_ih_l0.copy_(W_xh)
                layer.weight_hh_l0.copy_(W_hh)
                layer.bias_ih_l0.copy_(b_h)
                layer.bias_hh_l0.zero_()
            """, KERAS_LOAD), "PyTorch stores (h, d) and computes x W^T: the weights need a transpose"),
        wrong("torch-only-W_hh-not-transposed", ("""
            with torch.no_grad():
                layer.weight_ih_l0.copy_(W_xh.T)
                layer.weight_hh_l0.copy_(W_hh)
                layer.bias_ih_l0.copy_(b_h)
                layer.bias_hh_l0.zero_()
            """, KERAS_LOAD), "W_hh is square, so no shape error: only the values are wrong"),
        wrong("torch-bias-twice", ("""
            with torch.no_grad():
                layer.weight_ih_l0.copy_(W_xh.T)
                layer.weight_hh_l0.copy_(W_hh.T)
                layer.bias_ih_l0.copy_(b_h)
                layer.bias_hh_l0.copy_(b_h)
            """, KERAS_LOAD), "b_h in both biases: the layer adds 2 b_h"),
        wrong("torch-bias_hh-left-random", ("""
            with torch.no_grad():
                layer.weight_ih_l0.copy_(W_xh.T)
                layer.weight_hh_l0.copy_(W_hh.T)
                layer.bias_ih_l0.copy_(b_h)
            """, KERAS_LOAD), "bias_hh_l0 keeps its random initial values"),
        wrong("torch-ih-hh-swapped", ("""
            with torch.no_grad():
                layer.weight_ih_l0.copy_(W_hh.T)
                layer.weight_hh_l0.copy_(W_xh.T)
                layer.bias_ih_l0.copy_(b_h)
                layer.bias_hh_l0.zero_()
            """, KERAS_LOAD), "weight_ih and weight_hh swapped"),
        wrong("keras-kernel-transposed", (TORCH_LOAD, """
            layer.set_weights([np.asarray(W_xh).T, np.asarray(W_hh).T, np.asarray(b_h)])
            """), "transposes for Keras as for PyTorch, but Keras stores (d, h) like the lectures"),
        wrong("keras-wrong-order", (TORCH_LOAD, """
            layer.set_weights([np.asarray(W_hh), np.asarray(W_xh), np.asarray(b_h)])
            """), "set_weights in the wrong order (recurrent kernel first)"),
        wrong("torch-halves-the-callers-b_h", ("""
            b_h /= 2
            with torch.no_grad():
                layer.weight_ih_l0.copy_(W_xh.T)
                layer.weight_hh_l0.copy_(W_hh.T)
                layer.bias_ih_l0.copy_(b_h)
                layer.bias_hh_l0.copy_(b_h)
            """, KERAS_LOAD), "right layer, but b_h /= 2 halves the caller's bias"),
        wrong("torch-frozen-parameters", ("""
            layer.requires_grad_(False)
            layer.weight_ih_l0.copy_(W_xh.T)
            layer.weight_hh_l0.copy_(W_hh.T)
            layer.bias_ih_l0.copy_(b_h)
            layer.bias_hh_l0.zero_()
            """, KERAS_LOAD), "turns gradients off to copy, and never back on: the layer cannot train"),
        wrong("keras-recurrent-kernel-transposed", (TORCH_LOAD, """
            layer.set_weights([np.asarray(W_xh), np.asarray(W_hh).T, np.asarray(b_h)])
            """), "W_hh transposed for Keras, which stores the row form"),
        correct("torch-data-assignment", ("""
            layer.weight_ih_l0.data = W_xh.T.clone()
            layer.weight_hh_l0.data = W_hh.T.clone()
            layer.bias_ih_l0.data = b_h.clone()
            layer.bias_hh_l0.data = torch.zeros_like(b_h)
            """, KERAS_LOAD), "assigns .data instead of copy_ under no_grad"),
        correct("torch-bias-split-in-halves", ("""
            with torch.no_grad():
                layer.weight_ih_l0.copy_(W_xh.t())
                layer.weight_hh_l0.copy_(W_hh.t())
                layer.bias_ih_l0.copy_(b_h / 2)
                layer.bias_hh_l0.copy_(b_h / 2)
            """, KERAS_LOAD), "the bias split evenly between the two PyTorch biases"),
        correct("torch-load-state-dict-keras-assign", ("""
            layer.load_state_dict({
                "weight_ih_l0": W_xh.T, "weight_hh_l0": W_hh.T,
                "bias_ih_l0": b_h, "bias_hh_l0": torch.zeros_like(b_h),
            })
            """, """
            layer.cell.kernel.assign(W_xh)
            layer.cell.recurrent_kernel.assign(W_hh)
            layer.cell.bias.assign(b_h)
            """), "load_state_dict for PyTorch; assigning the Keras cell's variables"),
        correct("both-return-the-layer", ("""
            with torch.no_grad():
                for name, value in [("weight_ih_l0", W_xh.T), ("weight_hh_l0", W_hh.T),
                                    ("bias_ih_l0", b_h), ("bias_hh_l0", torch.zeros_like(b_h))]:
                    layer.state_dict()[name].copy_(value)
            return layer
            """, """
            layer.set_weights([np.array(W_xh, copy=True), np.array(W_hh, copy=True), np.array(b_h, copy=True)])
            return layer
            """), "copies through state_dict() entries and returns the layer (allowed: nothing else is used)"),
        forbidden("reference-loaders", ("""
            ctorch.load_rnn_weights(layer, W_xh, W_hh, b_h)
            """, """
            ckeras.load_rnn_weights(layer, W_xh, W_hh, b_h)
            """), "calls both course_utils loaders through ctorch and ckeras"),
    ],
    # ------------------------------------------------------------------ Exercise 4
    "ex4-num-params": [
        wrong("keras-formula-for-torch", """
            if framework not in ("keras", "torch"):
                raise ValueError(f"unknown framework {framework!r}")
            return num_inputs * num_hiddens + num_hiddens * num_hiddens + num_hiddens
            """, "one bias for PyTorch too (nn.RNN has bias_ih and bias_hh)"),
        wrong("no-bias", """
            weights = num_inputs * num_hiddens + num_hiddens * num_hiddens
            if framework == "keras":
                return weights
            if framework == "torch":
                return weights + num_hiddens
            raise ValueError(f"unknown framework {framework!r}")
            """, "forgets one bias in each framework"),
        wrong("no-recurrent-weights", """
            if framework == "keras":
                return num_inputs * num_hiddens + num_hiddens
            if framework == "torch":
                return num_inputs * num_hiddens + 2 * num_hiddens
            raise ValueError(f"unknown framework {framework!r}")
            """, "h^2 missing: W_hh forgotten"),
        wrong("input-weights-twice", """
            weights = 2 * num_inputs * num_hiddens
            if framework == "keras":
                return weights + num_hiddens
            if framework == "torch":
                return weights + 2 * num_hiddens
            raise ValueError(f"unknown framework {framework!r}")
            """, "d*h twice instead of d*h + h*h"),
        wrong("no-ValueError", """
            weights = num_inputs * num_hiddens + num_hiddens * num_hiddens
            if framework == "keras":
                return weights + num_hiddens
            if framework == "torch":
                return weights + 2 * num_hiddens
            """, "an unknown framework silently returns None"),
        wrong("returns-float", """
            weights = num_inputs * num_hiddens + num_hiddens ** 2.0
            if framework == "keras":
                return weights + num_hiddens
            if framework == "torch":
                return weights + 2 * num_hiddens
            raise ValueError(f"unknown framework {framework!r}")
            """, "** 2.0 makes the count a float"),
        wrong("lowercases-framework", """
            framework = framework.lower()
            weights = num_inputs * num_hiddens + num_hiddens * num_hiddens
            if framework == "keras":
                return weights + num_hiddens
            if framework == "torch":
                return weights + 2 * num_hiddens
            raise ValueError(f"unknown framework {framework!r}")
            """, "accepts 'Keras' and 'TORCH', which the exercise asks to reject"),
        wrong("tensorflow-is-keras", """
            weights = num_inputs * num_hiddens + num_hiddens * num_hiddens
            if framework in ("keras", "tensorflow"):
                return weights + num_hiddens
            if framework == "torch":
                return weights + 2 * num_hiddens
            raise ValueError(f"unknown framework {framework!r}")
            """, "accepts 'tensorflow' (Keras' backend) as a framework name"),
        wrong("unknown-name-counted-as-keras", """
            weights = num_inputs * num_hiddens + num_hiddens * num_hiddens
            if framework == "torch":
                return weights + 2 * num_hiddens
            return weights + num_hiddens
            """, "every name but 'torch' is counted as Keras: no ValueError"),
        wrong("empty-name-is-the-default", """
            framework = framework or "keras"
            weights = num_inputs * num_hiddens + num_hiddens * num_hiddens
            if framework == "keras":
                return weights + num_hiddens
            if framework == "torch":
                return weights + 2 * num_hiddens
            raise ValueError(f"unknown framework {framework!r}")
            """, "an empty framework name silently becomes 'keras'"),
        correct("bias-table", """
            biases = {"keras": 1, "torch": 2}.get(framework)
            if biases is None:
                raise ValueError(f"framework must be 'keras' or 'torch', got {framework!r}")
            return (num_inputs + num_hiddens + biases) * num_hiddens
            """, "factored (d + h + biases) * h with a lookup table"),
        correct("match-statement", """
            match framework:
                case "keras":
                    num_biases = 1
                case "torch":
                    num_biases = 2
                case _:
                    raise ValueError("framework must be 'keras' or 'torch'")
            return int(num_hiddens * num_inputs + num_hiddens ** 2 + num_biases * num_hiddens)
            """, "a match statement"),
        correct("validate-first", """
            if framework != "keras" and framework != "torch":
                raise ValueError(framework)
            total = num_inputs * num_hiddens + num_hiddens * num_hiddens + num_hiddens
            if framework == "torch":
                total += num_hiddens
            return total
            """, "validates first, then adds PyTorch's second bias"),
        correct("count-the-shapes", """
            shapes = [(num_inputs, num_hiddens), (num_hiddens, num_hiddens), (num_hiddens,)]
            if framework == "torch":
                shapes.append((num_hiddens,))
            elif framework != "keras":
                raise ValueError(f"framework must be 'keras' or 'torch', got {framework!r}")
            return int(sum(np.prod(shape) for shape in shapes))
            """, "counts the weights' shapes with NumPy, then converts to int"),
    ],
    # ------------------------------------------------------------------ Exercise 5
    "ex5-clip-grad-norm": [
        wrong("in-place", """
            total_norm = torch.sqrt(sum((g ** 2).sum() for g in grads))
            scale = torch.clamp(max_norm / (total_norm + 1e-6), max=1.0)
            for g in grads:
                g.mul_(scale)
            return grads, total_norm
            """, "g.mul_(scale) modifies the caller's tensors"),
        wrong("per-tensor-norms", """
            total_norm = torch.sqrt(sum((g ** 2).sum() for g in grads))
            clipped = [g * torch.clamp(max_norm / (g.norm() + 1e-6), max=1.0) for g in grads]
            return clipped, total_norm
            """, "each tensor clipped by its own norm"),
        wrong("norm-after-clipping", """
            total_norm = torch.sqrt(sum((g ** 2).sum() for g in grads))
            scale = torch.clamp(max_norm / (total_norm + 1e-6), max=1.0)
            clipped = [g * scale for g in grads]
            return clipped, torch.sqrt(sum((c ** 2).sum() for c in clipped))
            """, "returns the norm of the clipped gradients"),
        wrong("always-rescales", """
            total_norm = torch.sqrt(sum((g ** 2).sum() for g in grads))
            return [g * max_norm / (total_norm + 1e-6) for g in grads], total_norm
            """, "no min(1, .): small gradients are blown up to max_norm"),
        wrong("no-epsilon", """
            total_norm = torch.sqrt(sum((g ** 2).sum() for g in grads))
            return [g / total_norm * torch.clamp(total_norm, max=max_norm) for g in grads], total_norm
            """, "g / total_norm without the epsilon: NaN for all-zero gradients"),
        wrong("sum-of-norms", """
            total_norm = sum(g.norm() for g in grads)
            scale = torch.clamp(max_norm / (total_norm + 1e-6), max=1.0)
            return [g * scale for g in grads], total_norm
            """, "adds the per-tensor norms instead of taking the global norm"),
        wrong("norm-as-a-float", """
            total_norm = torch.sqrt(sum((g ** 2).sum() for g in grads))
            scale = torch.clamp(max_norm / (total_norm + 1e-6), max=1.0)
            return [g * scale for g in grads], total_norm.item()
            """, "the norm comes back as a Python float, not as a tensor"),
        wrong("returns-grads-under-threshold", """
            total_norm = torch.sqrt(sum((g ** 2).sum() for g in grads))
            if total_norm <= max_norm:
                return grads, total_norm
            return [g * (max_norm / (total_norm + 1e-6)) for g in grads], total_norm
            """, "under the threshold, the caller's own list comes back instead of a new one"),
        wrong("rebinds-the-callers-items", """
            total_norm = torch.sqrt(sum((g ** 2).sum() for g in grads))
            scale = torch.clamp(max_norm / (total_norm + 1e-6), max=1.0)
            for i in range(len(grads)):
                grads[i] = grads[i] * scale
            return list(grads), total_norm
            """, "new tensors, but written into the caller's list"),
        correct("concatenated", """
            flat = torch.cat([g.reshape(-1) for g in grads])
            total_norm = torch.linalg.vector_norm(flat)
            scale = min(1.0, max_norm / (total_norm.item() + 1e-6))
            return [g.clone() * scale for g in grads], total_norm
            """, "one flat vector; a Python float scale"),
        correct("norm-of-norms", """
            total_norm = torch.stack([g.norm() for g in grads]).norm()
            if total_norm > max_norm:
                grads = [g * (max_norm / (total_norm + 1e-6)) for g in grads]
            else:
                grads = [g.clone() for g in grads]
            return grads, total_norm
            """, "the norm of the per-tensor norms; an if instead of min"),
        correct("torch-minimum", """
            total_norm = sum(g.pow(2).sum() for g in grads).sqrt()
            scale = torch.minimum(torch.ones_like(total_norm), max_norm / (total_norm + 1e-6))
            return [torch.mul(g, scale) for g in grads], total_norm
            """, "torch.minimum against ones"),
        correct("in-place-on-own-copies", """
            clipped = [g.detach().clone() for g in grads]
            total_norm = torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(c) for c in clipped]))
            scale = torch.clamp(max_norm / (total_norm + 1e-6), max=1.0)
            for c in clipped:
                c.mul_(scale)
            return clipped, total_norm
            """, "copies first, then scales its own copies in place (the inputs are untouched)"),
        forbidden("ctorch-call", "return ctorch.clip_grad_norm(grads, max_norm)", "the reference through ctorch"),
        forbidden("from-import", """
            from course_utils.torch import clip_grad_norm as reference_clip
            return reference_clip(grads, max_norm)
            """, "imports the reference under another name"),
    ],
    # ------------------------------------------------------------------ Exercise 7
    "ex7-softmax-temperature": [
        wrong("one-dimensional-only", """
            if temperature <= 0:
                raise ValueError("temperature must be positive")
            z = np.asarray(logits, dtype=np.float64) / temperature
            p = np.exp(z - z.max())
            return p / p.sum()
            """, "sums over the whole array: a (B, V) batch is normalised as one distribution"),
        wrong("multiplies-by-temperature", """
            if temperature <= 0:
                raise ValueError("temperature must be positive")
            z = np.asarray(logits, dtype=np.float64) * temperature
            p = np.exp(z - z.max(axis=-1, keepdims=True))
            return p / p.sum(axis=-1, keepdims=True)
            """, "logits * temperature instead of / temperature"),
        wrong("no-max-subtraction", """
            if temperature <= 0:
                raise ValueError("temperature must be positive")
            p = np.exp(np.asarray(logits, dtype=np.float64) / temperature)
            return p / p.sum(axis=-1, keepdims=True)
            """, "exp overflows for logits near 1000: inf / inf = nan"),
        wrong("no-ValueError", """
            z = np.asarray(logits, dtype=np.float64) / temperature
            p = np.exp(z - z.max(axis=-1, keepdims=True))
            return p / p.sum(axis=-1, keepdims=True)
            """, "a temperature <= 0 is not rejected"),
        wrong("zero-temperature-accepted", """
            if temperature < 0:
                raise ValueError("temperature must be positive")
            z = np.asarray(logits, dtype=np.float64) / temperature
            p = np.exp(z - z.max(axis=-1, keepdims=True))
            return p / p.sum(axis=-1, keepdims=True)
            """, "< 0 instead of <= 0: temperature 0 divides by zero"),
        wrong("in-place-division", """
            if temperature <= 0:
                raise ValueError("temperature must be positive")
            logits /= temperature
            logits -= logits.max(axis=-1, keepdims=True)
            p = np.exp(logits)
            return p / p.sum(axis=-1, keepdims=True)
            """, "divides the caller's array in place"),
        wrong("global-max", """
            if temperature <= 0:
                raise ValueError("temperature must be positive")
            z = np.asarray(logits, dtype=np.float64) / temperature
            p = np.exp(z - z.max())
            return p / p.sum(axis=-1, keepdims=True)
            """, "subtracts the maximum of the whole array: a row far below it underflows to 0 / 0"),
        wrong("max-before-temperature", """
            if temperature <= 0:
                raise ValueError("temperature must be positive")
            logits = np.asarray(logits, dtype=np.float64)
            p = np.exp(logits / temperature - logits.max(axis=-1, keepdims=True))
            return p / p.sum(axis=-1, keepdims=True)
            """, "subtracts the maximum of the logits, not of logits / tau: overflows at tau < 1"),
        wrong("returns-torch-tensor", """
            if temperature <= 0:
                raise ValueError("temperature must be positive")
            return torch.softmax(torch.as_tensor(np.asarray(logits, dtype=np.float64)) / temperature, dim=-1)
            """, "right values, but a PyTorch tensor instead of a NumPy array"),
        correct("logsumexp", """
            if not temperature > 0:
                raise ValueError(f"temperature must be > 0, got {temperature}")
            z = np.asarray(logits, dtype=np.float64) / temperature
            m = np.max(z, axis=-1, keepdims=True)
            log_norm = m + np.log(np.sum(np.exp(z - m), axis=-1, keepdims=True))
            return np.exp(z - log_norm)
            """, "normalises in log space with a log-sum-exp"),
        correct("torch-softmax", """
            if temperature <= 0:
                raise ValueError("temperature must be positive")
            z = torch.as_tensor(np.array(logits, dtype=np.float64)) / temperature
            return torch.softmax(z, dim=-1).numpy()
            """, "the framework's own softmax, in float64"),
        correct("ellipsis-indexing", """
            if temperature <= 0:
                raise ValueError("temperature must be positive")
            z = np.array(logits, dtype=np.float64, copy=True)
            z = z / temperature
            z = z - z.max(axis=-1)[..., None]
            e = np.exp(z)
            return e / e.sum(axis=-1)[..., None]
            """, "[..., None] instead of keepdims"),
        forbidden("cu-call", "return cu.softmax_temperature(logits, temperature)",
                  "calls the reference through the set-up cell's alias cu"),
        forbidden("from-course-utils-text", """
            from course_utils.text import softmax_temperature as reference_softmax
            return reference_softmax(logits, temperature)
            """, "imports the reference from course_utils.text"),
    ],
    # ------------------------------------------------------------------ Exercise 8
    "ex8-generate-text": [
        wrong("argmax", """
            device = next(model.parameters()).device
            model.eval()
            ids = []
            with torch.no_grad():
                logits, H = model(torch.as_tensor(vocab.encode(prefix), device=device)[None])
                for _ in range(num_chars):
                    ids.append(int(logits[0, -1].argmax()))
                    logits, H = model(torch.tensor([[ids[-1]]], device=device), H)
            return prefix + vocab.decode(ids)
            """, "greedy decoding: always the most likely character"),
        wrong("ignores-temperature", """
            device = next(model.parameters()).device
            rng = np.random.default_rng(seed)
            model.eval()
            ids = []
            with torch.no_grad():
                logits, H = model(torch.as_tensor(vocab.encode(prefix), device=device)[None])
                for _ in range(num_chars):
                    z = logits[0, -1].double().cpu().numpy()
                    p = np.exp(z - z.max())
                    p /= p.sum()
                    ids.append(int(rng.choice(len(p), p=p)))
                    logits, H = model(torch.tensor([[ids[-1]]], device=device), H)
            return prefix + vocab.decode(ids)
            """, "samples at temperature 1 whatever the argument"),
        wrong("first-step-logits", """
            device = next(model.parameters()).device
            rng = np.random.default_rng(seed)
            model.eval()
            ids = []
            with torch.no_grad():
                logits, H = model(torch.as_tensor(vocab.encode(prefix), device=device)[None])
                for _ in range(num_chars):
                    z = logits[0, 0].double().cpu().numpy() / temperature
                    p = np.exp(z - z.max())
                    p /= p.sum()
                    ids.append(int(rng.choice(len(p), p=p)))
                    logits, H = model(torch.tensor([[ids[-1]]], device=device), H)
            return prefix + vocab.decode(ids)
            """, "logits[0, 0]: the first character of the prefix is predicted from"),
        wrong("state-not-carried", """
            device = next(model.parameters()).device
            rng = np.random.default_rng(seed)
            model.eval()
            ids = []
            with torch.no_grad():
                logits, _ = model(torch.as_tensor(vocab.encode(prefix), device=device)[None])
                for _ in range(num_chars):
                    z = logits[0, -1].double().cpu().numpy() / temperature
                    p = np.exp(z - z.max())
                    p /= p.sum()
                    ids.append(int(rng.choice(len(p), p=p)))
                    logits, _ = model(torch.tensor([[ids[-1]]], device=device), None)
            return prefix + vocab.decode(ids)
            """, "H=None at every step: each character sees only the previous one"),
        wrong("prefix-dropped", """
            device = next(model.parameters()).device
            rng = np.random.default_rng(seed)
            model.eval()
            ids = []
            with torch.no_grad():
                logits, H = model(torch.as_tensor(vocab.encode(prefix), device=device)[None])
                for _ in range(num_chars):
                    z = logits[0, -1].double().cpu().numpy() / temperature
                    p = np.exp(z - z.max())
                    p /= p.sum()
                    ids.append(int(rng.choice(len(p), p=p)))
                    logits, H = model(torch.tensor([[ids[-1]]], device=device), H)
            return vocab.decode(ids)
            """, "returns only the new characters"),
        wrong("one-character-short", """
            device = next(model.parameters()).device
            rng = np.random.default_rng(seed)
            model.eval()
            ids = []
            with torch.no_grad():
                logits, H = model(torch.as_tensor(vocab.encode(prefix), device=device)[None])
                for _ in range(num_chars - 1):
                    z = logits[0, -1].double().cpu().numpy() / temperature
                    p = np.exp(z - z.max())
                    p /= p.sum()
                    ids.append(int(rng.choice(len(p), p=p)))
                    logits, H = model(torch.tensor([[ids[-1]]], device=device), H)
            return prefix + vocab.decode(ids)
            """, "range(num_chars - 1)"),
        wrong("feeds-prefix-end-every-time", """
            device = next(model.parameters()).device
            rng = np.random.default_rng(seed)
            model.eval()
            ids = []
            last = torch.as_tensor(vocab.encode(prefix[-1]), device=device)[None]
            with torch.no_grad():
                logits, H = model(torch.as_tensor(vocab.encode(prefix), device=device)[None])
                for _ in range(num_chars):
                    z = logits[0, -1].double().cpu().numpy() / temperature
                    p = np.exp(z - z.max())
                    p /= p.sum()
                    ids.append(int(rng.choice(len(p), p=p)))
                    logits, H = model(last, H)
            return prefix + vocab.decode(ids)
            """, "the prefix's last character is fed back instead of the sampled one"),
        wrong("samples-before-the-loop", """
            device = next(model.parameters()).device
            rng = np.random.default_rng(seed)
            model.eval()
            with torch.no_grad():
                logits, H = model(torch.as_tensor(vocab.encode(prefix), device=device)[None])
                z = logits[0, -1].double().cpu().numpy() / temperature
                p = np.exp(z - z.max())
                ids = [int(rng.choice(len(p), p=p / p.sum()))]
                for _ in range(num_chars - 1):
                    logits, H = model(torch.tensor([[ids[-1]]], device=device), H)
                    z = logits[0, -1].double().cpu().numpy() / temperature
                    p = np.exp(z - z.max())
                    ids.append(int(rng.choice(len(p), p=p / p.sum())))
            return prefix + vocab.decode(ids)
            """, "one draw before a num_chars - 1 loop: num_chars=0 still gives one character"),
        wrong("prefix-end-not-read", """
            device = next(model.parameters()).device
            rng = np.random.default_rng(seed)
            model.eval()
            ids = vocab.encode(prefix).tolist()
            new = []
            with torch.no_grad():
                H = None
                if len(ids) > 1:
                    _, H = model(torch.tensor([ids[:-1]], device=device))
                for _ in range(num_chars):
                    logits, H = model(torch.tensor([[(ids + new)[-2 if new else -1]]], device=device), H)
                    z = logits[0, -1].double().cpu().numpy() / temperature
                    p = np.exp(z - z.max())
                    new.append(int(rng.choice(len(p), p=p / p.sum())))
            return prefix + vocab.decode(new)
            """, "feeds the character before the last one after the first draw: off by one in what is read"),
        wrong("state-size-hard-coded", """
            device = next(model.parameters()).device
            rng = np.random.default_rng(seed)
            model.eval()
            ids = []
            with torch.no_grad():
                H = torch.zeros(1, 1, 16, device=device)  # the size of the model tried first
                logits, H = model(torch.as_tensor(vocab.encode(prefix), device=device)[None], H)
                for _ in range(num_chars):
                    z = logits[0, -1].double().cpu().numpy() / temperature
                    p = np.exp(z - z.max())
                    p /= p.sum()
                    ids.append(int(rng.choice(len(p), p=p)))
                    logits, H = model(torch.tensor([[ids[-1]]], device=device), H)
            return prefix + vocab.decode(ids)
            """, "a zero state of a hard-coded size instead of None: works for 16 hidden units only"),
        wrong("temperature-folded-into-weights", """
            device = next(model.parameters()).device
            rng = np.random.default_rng(seed)
            model.eval()
            ids = []
            with torch.no_grad():
                model.head.weight /= temperature
                model.head.bias /= temperature
                logits, H = model(torch.as_tensor(vocab.encode(prefix), device=device)[None])
                for _ in range(num_chars):
                    z = logits[0, -1].double().cpu().numpy()
                    p = np.exp(z - z.max())
                    p /= p.sum()
                    ids.append(int(rng.choice(len(p), p=p)))
                    logits, H = model(torch.tensor([[ids[-1]]], device=device), H)
            return prefix + vocab.decode(ids)
            """, "divides the caller's output layer by the temperature: right once, the model changed"),
        correct("rerun-whole-text", """
            device = next(model.parameters()).device
            rng = np.random.default_rng(seed)
            model.eval()
            text = prefix
            with torch.no_grad():
                for _ in range(num_chars):
                    logits, _ = model(torch.as_tensor(vocab.encode(text), device=device)[None])
                    z = logits[0, -1].cpu().numpy().astype(np.float64) / temperature
                    p = np.exp(z - z.max())
                    p = p / p.sum()
                    text += vocab.decode([int(rng.choice(len(p), p=p))])
            return text
            """, "re-reads all the text so far from a zero state at every step (slow, same distribution)"),
        correct("torch-softmax-double", """
            device = next(model.parameters()).device
            rng = np.random.default_rng(seed)
            model.eval()
            out = prefix
            with torch.no_grad():
                X = torch.as_tensor(vocab.encode(prefix), device=device).unsqueeze(0)
                H = None
                for _ in range(num_chars):
                    logits, H = model(X, H)
                    p = torch.softmax(logits[0, -1].double() / temperature, dim=-1).cpu().numpy()
                    next_id = int(rng.choice(len(p), p=p))
                    out += vocab.decode([next_id])
                    X = torch.full((1, 1), next_id, dtype=torch.long, device=device)
            return out
            """, "torch.softmax in float64, then NumPy; a string built as it goes"),
        correct("prefix-then-last-character", """
            device = next(model.parameters()).device
            rng = np.random.default_rng(seed)
            model.eval()
            ids = torch.as_tensor(vocab.encode(prefix), device=device)[None]  # (1, T)
            new_ids = []
            with torch.no_grad():
                H = model(ids[:, :-1])[1] if ids.shape[1] > 1 else None
                x = ids[:, -1:]  # (1, 1)
                for _ in range(num_chars):
                    logits, H = model(x, H)
                    z = logits[0, -1].double().cpu().numpy() / temperature
                    p = np.exp(z - np.max(z))
                    new_ids.append(int(rng.choice(len(p), p=p / p.sum())))
                    x = torch.tensor([[new_ids[-1]]], device=device)
            return prefix + "".join(vocab.decode(new_ids))
            """, "reads all of the prefix but its last character, then one character per step"),
        forbidden("ctorch-generate", """
            return ctorch.generate(model, vocab, prefix, num_chars, temperature=temperature, seed=seed)
            """, "calls the reference generator through ctorch"),
        forbidden("cu-sample-index", """
            device = next(model.parameters()).device
            rng = np.random.default_rng(seed)
            model.eval()
            ids = []
            with torch.no_grad():
                logits, H = model(torch.as_tensor(vocab.encode(prefix), device=device)[None])
                for _ in range(num_chars):
                    ids.append(cu.sample_index(logits[0, -1].cpu().numpy(), temperature, rng))
                    logits, H = model(torch.tensor([[ids[-1]]], device=device), H)
            return prefix + vocab.decode(ids)
            """, "its own loop, but samples with the reference cu.sample_index"),
    ],
    # ------------------------------------------------------------------ Exercise 6
    "ex6-predict-untrained-loss": [
        wrong("bits-not-nats", "return float(np.log2(vocab_size))", "log2 V: bits per character, not nats"),
        wrong("perplexity", "return float(vocab_size)", "V itself: the perplexity of the uniform guess, not its loss"),
        wrong("log10", "return float(np.log10(vocab_size))", "the decimal logarithm"),
        wrong("perfect-model", "return 0.0", "the loss of a model that is always right"),
        wrong("probability", "return 1.0 / vocab_size", "the probability of the right character, not -ln of it"),
        wrong("sign", "return float(-np.log(vocab_size))", "ln(1/V) without the minus of the cross-entropy"),
        wrong("hard-coded-63", "return 4.143", "ln 63 typed in: right for this text only"),
        wrong("array", "return np.log(np.array([vocab_size], dtype=float))",
              "right value in a one-element array, not a float"),
        wrong("rounded-int", """
            import math
            return round(math.log(vocab_size))
            """, "rounded to an int: too far off, and not a float"),
        wrong("other-characters", """
            import math
            return math.log(vocab_size - 1)
            """, "ln(V - 1): as if the right character could not be drawn (off by 0.11 at V = 10)"),
        wrong("log1p", "return float(np.log1p(vocab_size))",
              "ln(V + 1): as if there were one more character; 0.09 off at V = 10, 0.22 at V = 4"),
        wrong("measures-a-model", """
            rnn, head = nn.RNN(vocab_size, 128, batch_first=True), nn.Linear(128, vocab_size)
            ids = torch.randint(vocab_size, (8, 33))
            with torch.no_grad():
                logits = head(rnn(F.one_hot(ids[:, :-1], vocab_size).float())[0])  # (8, 32, V)
            return F.cross_entropy(logits.reshape(-1, vocab_size), ids[:, 1:].reshape(-1)).item()
            """, "measures an untrained model of its own instead of predicting, which the prompt forbids"),
        correct("math-log", """
            import math
            return math.log(vocab_size)
            """, "math.log"),
        correct("minus-log-probability", "return -np.log(1.0 / vocab_size)",
                "-ln(1/V), a NumPy float"),
        correct("softmax-of-zeros", """
            z = np.zeros(vocab_size)  # the logits of an untrained model, about
            p = np.exp(z) / np.exp(z).sum()
            return float(-np.log(p[0]))
            """, "works it out: the softmax of zero logits, then -ln p"),
        correct("torch-log", "return torch.log(torch.tensor(float(vocab_size))).item()", "in PyTorch"),
        forbidden("measures-with-ctorch", """
            ids = np.zeros((4, 9), dtype=np.int64)
            return float(ctorch.evaluate_loss(ctorch.CharRNN(vocab_size, 128), ids[:, :-1], ids[:, 1:]))
            """, "measures an untrained reference model instead of predicting"),
        forbidden("cu-softmax", """
            return float(-np.log(cu.softmax_temperature(np.zeros(vocab_size), 1.0)[0]))
            """, "works it out, but with the reference softmax_temperature"),
    ],
}

NO_FORBIDDEN = {
    "ex4-num-params": "course_utils has no parameter-count reference to borrow",
}
