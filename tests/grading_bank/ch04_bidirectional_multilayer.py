"""Answer bank for Chapter 4, bidirectional and multilayer RNNs
(solutions/04-bidirectional-multilayer/bidirectional_multilayer.ipynb).

Each entry replaces the solution region of the exercise's answer cell; see
:mod:`grading_bank` for the conventions and what is demanded of each kind.
"""

from grading_bank import correct, forbidden, wrong

CHECK_H_N = '''num_directions = 2 if bidirectional else 1
assert h_n.dim() == 3 and h_n.shape[0] == num_layers * num_directions, "wrong h_n"
'''

CHECK_OUTPUT = '''assert output.dim() == 3 and output.shape[-1] % 2 == 0, "output should be (B, T, 2h)"
h = output.shape[-1] // 2
last = torch.as_tensor(lengths, device=output.device).long() - 1
rows = torch.arange(output.shape[0], device=output.device)
'''


# Exercise 2: the right reverse_padded and stack, and a stack with one line changed.
REV_RIGHT = """
n = torch.as_tensor(lengths, device=X.device).long()[:, None]
steps = torch.arange(X.shape[1], device=X.device)
source = torch.where(steps < n, n - 1 - steps, steps)
rows = torch.arange(X.shape[0], device=X.device)[:, None]
return X[rows, source]
"""
REV_FLIP = "return X.flip(1)\n"


def _stack(after: str = "reverse_padded(backward(reverse_padded(X, n)), n)",
           h_f: str = "out_f[rows, n - 1]", h_b: str = "out_b[:, 0]", cat: str = "[out_f, out_b]",
           mask: str = " * real") -> str:
    return ("n = torch.as_tensor(lengths, device=X.device).long()\n"
            "real = (torch.arange(X.shape[1], device=X.device) < n[:, None])[..., None]\n"
            "rows = torch.arange(X.shape[0], device=X.device)\nH_n = []\n"
            "for forward, backward in layers:\n    out_f = forward(X)\n"
            f"    out_b = {after}\n    H_n += [{h_f}, {h_b}]\n"
            f"    X = torch.cat({cat}, dim=-1){mask}\nreturn X, torch.stack(H_n)\n")


STACK_RIGHT = _stack()


# The common stack count of Exercise 4's wrong answers.
def _count(checks: str = ('blocks = {"rnn": 1, "lstm": 4, "gru": 3}\n'
                          'if cell not in blocks:\n    raise ValueError(cell)\n'
                          'if framework not in ("torch", "keras"):\n    raise ValueError(framework)\n'
                          'if num_layers < 1:\n    raise ValueError(num_layers)'),
           biases: str = 'biases = 2 if framework == "torch" or cell == "gru" else 1',
           directions: str = "directions = 2 if bidirectional else 1",
           next_d: str = "d = directions * h") -> str:
    return (f"{checks}\ng, h = blocks[cell], num_hiddens\n{biases}\n{directions}\n"
            "total, d = 0, num_inputs\nfor _ in range(num_layers):\n"
            f"    total += directions * g * h * (d + h + biases)\n    {next_d}\nreturn total\n")


# The common Keras tagger of Exercise 6's wrong answers.
def _tagger(embed: str = "layers.Embedding(vocab_size, embed_dim, mask_zero=True)",
            lstm: str = "layers.LSTM(num_hiddens, return_sequences=True)",
            wrap: str = "layers.Bidirectional(lstm) if bidirectional else lstm",
            head: str = "layers.Dense(num_tags)") -> str:
    return (f"ids = keras.Input(shape=(None,), dtype='int32')\nH = {embed}(ids)\n"
            f"for _ in range(num_layers):\n    lstm = {lstm}\n    H = ({wrap})(H)\n"
            f"return keras.Model(ids, {head}(H))\n")


BANK = {
    # ------------------------------------------------------------------ Exercise 1
    "ex1-last-layer-states": [
        wrong("h_n-last-row", "return h_n[-1]", "h_n[-1]: the last layer's backward state only, (B, h)"),
        wrong("last-two-rows-backward-first",
              CHECK_H_N + "return torch.cat([h_n[-1], h_n[-2]], dim=-1) if bidirectional else h_n[-1]",
              "the two directions in the wrong order: backward first"),
        wrong("layers-and-directions-swapped",
              CHECK_H_N + "by_dir = h_n.view(num_directions, num_layers, h_n.shape[1], h_n.shape[2])\n"
                          "return torch.cat([by_dir[k, -1] for k in range(num_directions)], dim=-1)",
              "view(num_directions, num_layers, ...): reads layers and directions the wrong way round"),
        wrong("first-layer",
              CHECK_H_N + "by_layer = h_n.view(num_layers, num_directions, h_n.shape[1], h_n.shape[2])\n"
                          "return torch.cat([by_layer[0, k] for k in range(num_directions)], dim=-1)",
              "the first layer's final states, not the last layer's"),
        wrong("stack-not-cat",
              CHECK_H_N + "by_layer = h_n.view(num_layers, num_directions, h_n.shape[1], h_n.shape[2])\n"
                          "return torch.stack([by_layer[-1, k] for k in range(num_directions)], dim=1)",
              "torch.stack: (B, directions, h) instead of (B, 2h)"),
        wrong("no-assert",
              "num_directions = 2 if bidirectional else 1\n"
              "by_layer = h_n.view(num_layers, num_directions, h_n.shape[1], h_n.shape[2])\n"
              "return torch.cat([by_layer[-1, k] for k in range(num_directions)], dim=-1)",
              "no assert: a wrong h_n fails inside view with a RuntimeError that names no expected shape"),
        wrong("assert-without-message",
              "num_directions = 2 if bidirectional else 1\n"
              "assert h_n.shape[0] == num_layers * num_directions\n"
              "by_layer = h_n.view(num_layers, num_directions, h_n.shape[1], h_n.shape[2])\n"
              "return torch.cat([by_layer[-1, k] for k in range(num_directions)], dim=-1)",
              "a bare assert: the failure does not say what shape was expected"),
        wrong("squeezes-the-batch-axis",
              CHECK_H_N + "return torch.cat(list(h_n[-num_directions:]), dim=-1).squeeze()",
              ".squeeze(): a batch of one sentence (or h = 1) loses an axis"),
        wrong("through-numpy",
              CHECK_H_N + "last = h_n.detach().cpu().numpy()[-num_directions:]  # (D, B, h)\n"
                          "return torch.from_numpy(np.concatenate(list(last), axis=-1)).to(h_n.device)",
              "computed in NumPy: right values, but no gradient reaches h_n"),
        correct("last-rows-sliced", """
            directions = 2 if bidirectional else 1
            assert h_n.ndim == 3, f"h_n should have 3 axes, got shape {tuple(h_n.shape)}"
            assert len(h_n) == num_layers * directions, (
                f"expected {num_layers * directions} rows in h_n, got {len(h_n)}")
            return torch.cat(list(h_n[-directions:]), dim=1)
            """, "the last num_directions rows, concatenated"),
        correct("permute-reshape", """
            D = 2 if bidirectional else 1
            assert tuple(h_n.shape[:1]) == (num_layers * D,) and h_n.dim() == 3, (
                f"h_n should be (num_layers * {D}, B, h), got {tuple(h_n.shape)}")
            L, B, h = num_layers, h_n.shape[1], h_n.shape[2]
            last = h_n.reshape(L, D, B, h)[L - 1]  # (D, B, h)
            return last.permute(1, 0, 2).reshape(B, D * h)
            """, "reshape, then permute the directions behind the batch axis"),
        correct("index-arithmetic", """
            D = 2 if bidirectional else 1
            if h_n.dim() != 3 or h_n.shape[0] != num_layers * D:
                raise AssertionError(f"expected h_n of shape ({num_layers * D}, B, h), got {list(h_n.shape)}")
            parts = [h_n[(num_layers - 1) * D + k] for k in range(D)]
            return parts[0] if D == 1 else torch.hstack(parts)
            """, "index layer * D + direction, torch.hstack"),
        forbidden("ctorch-final-states", "return ctorch.final_states(h_n, num_layers, bidirectional)",
                  "the course's reference"),
    ],
    # ------------------------------------------------------------------ Exercise 2
    "ex2-padded-stack": [
        wrong("flip-whole-row", (REV_FLIP, STACK_RIGHT),
              "reverse_padded flips the whole row: the backward direction reads the padding first"),
        wrong("reverse-from-the-longest", ("""
            n = torch.as_tensor(lengths, device=X.device).long()
            steps = torch.arange(X.shape[1], device=X.device)
            source = torch.where(steps < n.max(), n.max() - 1 - steps, steps)  # the longest, for all
            return X[:, source]
            """, STACK_RIGHT), "every row reversed within the longest length, i.e. the whole row"),
        wrong("reverse-off-by-one", ("""
            n = torch.as_tensor(lengths, device=X.device).long()[:, None]
            steps = torch.arange(X.shape[1], device=X.device)
            source = torch.where(steps < n, (n - steps) % X.shape[1], steps)  # n - t, not n - 1 - t
            rows = torch.arange(X.shape[0], device=X.device)[:, None]
            return X[rows, source]
            """, STACK_RIGHT), "n - t instead of n - 1 - t: shifted by one step"),
        wrong("reverse-writes-into-X", ("""
            for row, n in enumerate(torch.as_tensor(lengths).tolist()):
                X[row, :n] = X[row, :n].flip(0).clone()
            return X.clone()
            """, STACK_RIGHT), "reverses in place: the caller's X changes"),
        wrong("reverse-zeros-the-padding", ("""
            n = torch.as_tensor(lengths, device=X.device).long()[:, None]
            steps = torch.arange(X.shape[1], device=X.device)
            source = torch.where(steps < n, n - 1 - steps, steps)
            rows = torch.arange(X.shape[0], device=X.device)[:, None]
            keep = (steps < n).reshape(n.shape[0], -1, *([1] * (X.dim() - 2)))
            return X[rows, source] * keep
            """, STACK_RIGHT), "sets the padded steps to zero instead of leaving them where they are"),
        wrong("backward-not-reversed-back", (REV_RIGHT, _stack(after="backward(reverse_padded(X, n))")),
              "the backward states are left in reversed order: position t holds another word's state"),
        wrong("backward-reads-X-as-it-is", (REV_RIGHT, _stack(after="backward(X).flip(1)")),
              "the backward direction runs over X unreversed (and its states are flipped)"),
        wrong("backward-flips-whole-row", (REV_RIGHT, _stack(after="backward(X.flip(1)).flip(1)")),
              "Section 1's whole-row flip kept in the stack: the backward direction reads the padding first"),
        wrong("forward-final-in-last-column", (REV_RIGHT, _stack(h_f="out_f[:, -1]")),
              "the forward final state taken in the last column: a padded step (zero, or after padding)"),
        wrong("backward-final-at-last-step", (REV_RIGHT, _stack(h_b="out_b[rows, n - 1]")),
              "the backward final state taken at the last real step: it has read one word"),
        wrong("padding-not-zeroed", (REV_RIGHT, _stack(mask="")),
              "the output keeps the states computed over the padding instead of zeros"),
        wrong("h_n-directions-grouped", (REV_RIGHT, """
            n = torch.as_tensor(lengths, device=X.device).long()
            real = (torch.arange(X.shape[1], device=X.device) < n[:, None])[..., None]
            rows = torch.arange(X.shape[0], device=X.device)
            forward_h, backward_h = [], []
            for forward, backward in layers:
                out_f = forward(X)
                out_b = reverse_padded(backward(reverse_padded(X, n)), n)
                forward_h.append(out_f[rows, n - 1])
                backward_h.append(out_b[:, 0])
                X = torch.cat([out_f, out_b], dim=-1) * real
            return X, torch.stack(forward_h + backward_h)
            """), "h_n with every forward state first, then every backward one: row l, not 2l + d"),
        wrong("directions-swapped", (REV_RIGHT, _stack(cat="[out_b, out_f]")),
              "[backward | forward] instead of [forward | backward]"),
        wrong("next-layer-reads-its-input", (REV_RIGHT, """
            n = torch.as_tensor(lengths, device=X.device).long()
            real = (torch.arange(X.shape[1], device=X.device) < n[:, None])[..., None]
            rows = torch.arange(X.shape[0], device=X.device)
            H_n, out = [], None
            for forward, backward in layers:
                out_f = forward(X if out is None else out[..., :out.shape[-1] // 2])
                out_b = reverse_padded(backward(reverse_padded(X if out is None else out, n)), n)
                H_n += [out_f[rows, n - 1], out_b[:, 0]]
                out = torch.cat([out_f, out_b], dim=-1) * real
            return out, torch.stack(H_n)
            """), "layer 2's forward direction reads only layer 1's forward half"),
        correct("reverse-row-by-row-cat", ("""
            rows = []
            for row, n in enumerate(torch.as_tensor(lengths).tolist()):
                rows.append(torch.cat([X[row, :n].flip(0), X[row, n:]]))
            return torch.stack(rows)
            """, STACK_RIGHT), "reverse row by row with flip and cat"),
        correct("gather-and-where", ("""
            B, T = X.shape[:2]
            n = torch.as_tensor(lengths, device=X.device).reshape(B, 1).long()
            t = torch.arange(T, device=X.device).expand(B, T)
            index = torch.where(t < n, n - 1 - t, t)
            index = index.reshape(B, T, *([1] * (X.dim() - 2))).expand_as(X)
            return torch.gather(X, 1, index)
            """, """
            B, T = X.shape[:2]
            n = [int(v) for v in torch.as_tensor(lengths).tolist()]
            mask = torch.zeros(B, T, 1, device=X.device)
            for row, length in enumerate(n):
                mask[row, :length] = 1.0
            finals = []
            for forward, backward in layers:
                out_f = forward(X)
                out_b = reverse_padded(backward(reverse_padded(X, n)), n)
                finals.append(torch.stack([out_f[row, length - 1] for row, length in enumerate(n)]))
                finals.append(out_b[:, 0])
                X = torch.cat([out_f, out_b], dim=2) * mask
            return X, torch.stack(finals)
            """), "torch.gather, a float mask built in a loop, final states row by row"),
        correct("masked-fill-and-where", (REV_RIGHT, """
            n = torch.as_tensor(lengths, device=X.device).long()
            pad = torch.arange(X.shape[1], device=X.device)[None, :] >= n[:, None]
            H_n = []
            for forward, backward in layers:
                out_f = forward(X)
                out_b = reverse_padded(backward(reverse_padded(X, lengths)), lengths)
                last = (n - 1).view(-1, 1, 1).expand(-1, 1, out_f.shape[-1])
                H_n.extend([out_f.gather(1, last).squeeze(1), out_b[:, 0, :]])
                X = torch.cat((out_f, out_b), -1).masked_fill(pad[..., None], 0.0)
            return X, torch.stack(H_n, dim=0)
            """), "masked_fill for the padding, gather for the forward final state"),
        forbidden("ctorch-reference", ("return ctorch.reverse_padded(X, lengths)",
                                       "return ctorch.bidirectional_rnn(X, lengths, layers)"),
                  "the course's reference"),
    ],
    # ------------------------------------------------------------------ Exercise 3
    "ex3-sentence-vector": [
        wrong("output-last-step", CHECK_OUTPUT + "return output[:, -1]",
              "output[:, -1]: the backward half has read one word, and is read on a pad"),
        wrong("last-real-step-both-halves", CHECK_OUTPUT + "return output[rows, last]",
              "both halves at the last real word: the backward half has read one word"),
        wrong("first-step-both-halves", CHECK_OUTPUT + "return output[:, 0]",
              "both halves at the first word: the forward half has read one word"),
        wrong("lengths-not-minus-one",
              CHECK_OUTPUT + "last = torch.clamp(last + 1, max=output.shape[1] - 1)\n"
                             "return torch.cat([output[rows, last, :h], output[:, 0, h:]], dim=1)",
              "indexes at lengths (clamped) instead of lengths - 1: one step past the last word"),
        wrong("halves-swapped", CHECK_OUTPUT + "return torch.cat([output[:, 0, h:], output[rows, last, :h]], dim=1)",
              "backward half first"),
        wrong("no-assert",
              "h = output.shape[-1] // 2\n"
              "last = torch.as_tensor(lengths, device=output.device).long() - 1\n"
              "rows = torch.arange(output.shape[0], device=output.device)\n"
              "return torch.cat([output[rows, last, :h], output[:, 0, h:]], dim=1)",
              "no assert: an odd last axis is split silently"),
        wrong("lengths-minus-one-in-place",
              "assert output.dim() == 3 and output.shape[-1] % 2 == 0, 'output should be (B, T, 2h)'\n"
              "h = output.shape[-1] // 2\n"
              "lengths = torch.as_tensor(lengths)  # the caller's tensor, or its NumPy array's memory\n"
              "lengths -= 1\n"
              "rows = torch.arange(output.shape[0])\n"
              "return torch.cat([output[rows, lengths.to(output.device), :h], output[:, 0, h:]], dim=1)",
              "lengths -= 1 on the caller's lengths (a tensor, or an array torch.as_tensor shares)"),
        wrong("writes-into-output",
              CHECK_OUTPUT + "output[rows, last, h:] = output[:, 0, h:]  # both halves on one row\n"
                             "return output[rows, last]",
              "moves the backward half into the caller's output, then reads one row"),
        wrong("no-three-axes-assert",
              "assert output.shape[-1] % 2 == 0, 'the last axis of output should be even (2h)'\n"
              "h = output.shape[-1] // 2\n"
              "last = torch.as_tensor(lengths, device=output.device).long() - 1\n"
              "rows = torch.arange(output.shape[0], device=output.device)\n"
              "return torch.cat([output[rows, last, :h], output[:, 0, h:]], dim=1)",
              "no check of the three axes: a (B, 2h) output fails with an IndexError"),
        wrong("through-numpy",
              CHECK_OUTPUT + "out = output.detach().cpu().numpy()\n"
                             "idx = np.asarray(last.cpu())\n"
                             "both = np.concatenate([out[np.arange(len(idx)), idx, :h], out[:, 0, h:]], axis=1)\n"
                             "return torch.from_numpy(both).to(output.device)",
              "computed in NumPy: right values, but no gradient reaches output"),
        correct("loop-over-rows", """
            assert output.ndim == 3 and output.shape[2] % 2 == 0, (
                f"expected output (B, T, 2h), got {tuple(output.shape)}")
            h = output.shape[2] // 2
            vectors = []
            for b, n in enumerate(list(lengths)):
                vectors.append(torch.cat([output[b, int(n) - 1, :h], output[b, 0, h:]]))
            return torch.stack(vectors)
            """, "a loop over the sentences, torch.stack"),
        correct("gather", """
            B, T, two_h = output.shape if output.dim() == 3 else (None, None, None)
            assert B is not None and two_h % 2 == 0, f"output should be (B, T, 2h), got {tuple(output.shape)}"
            h = two_h // 2
            idx = (torch.as_tensor(lengths).to(output.device).long() - 1).view(-1, 1, 1).expand(-1, 1, h)
            forward = output[..., :h].gather(1, idx).squeeze(1)  # (B, h)
            return torch.cat((forward, output[:, 0, h:]), 1)
            """, "torch.gather along the time axis"),
        correct("numpy-lengths", """
            if output.dim() != 3 or output.size(-1) % 2:
                raise AssertionError(f"output must have shape (B, T, 2h); got {tuple(output.size())}")
            h = output.size(-1) // 2
            steps = np.asarray(lengths).astype(np.int64) - 1
            forward = output[np.arange(len(steps)), steps][:, :h]
            return torch.cat([forward, output[:, 0][:, h:]], dim=-1)
            """, "lengths through NumPy, advanced indexing with arrays"),
        forbidden("ctorch-read-out", "return ctorch.last_forward_first_backward(output, lengths)",
                  "the course's reference through the set-up cell's alias"),
        forbidden("from-import-alias", """
            from course_utils.torch import last_forward_first_backward as read_out
            return read_out(output, lengths)
            """, "the reference imported under another name"),
    ],
    # ------------------------------------------------------------------ Exercise 4
    "ex4-stacked-num-params": [
        wrong("later-layers-read-h", _count(next_d="d = h"),
              "layer 2 reads h features even when the layer below is bidirectional (2h)"),
        wrong("every-layer-reads-the-input", _count(next_d="pass"), "every layer reads num_inputs"),
        wrong("one-bias-in-torch", _count(biases='biases = 2 if cell == "gru" else 1'),
              "PyTorch's two bias vectors per block counted as one"),
        wrong("one-bias-for-keras-gru", _count(biases='biases = 2 if framework == "torch" else 1'),
              "Keras' GRU (reset_after=True) has two bias vectors, counted as one"),
        wrong("bidirectional-ignored", _count(directions="directions = 1"), "the backward direction not counted"),
        wrong("no-ValueError", _count(checks='blocks = {"rnn": 1, "lstm": 4, "gru": 3}'),
              "an unknown cell raises KeyError, an unknown framework or num_layers=0 nothing"),
        wrong("returns-a-float", _count().replace("return total", "return total * 1.0"),
              "a float count (240.0), not an int"),
        correct("closed-form", """
            gates = {"rnn": 1, "lstm": 4, "gru": 3}.get(cell)
            if gates is None or framework not in {"torch", "keras"} or num_layers < 1:
                raise ValueError(f"bad arguments: cell={cell!r}, framework={framework!r}, "
                                 f"num_layers={num_layers}")
            D, h = (2 if bidirectional else 1), num_hiddens
            b = 1 if (framework == "keras" and cell != "gru") else 2
            first = D * gates * h * (num_inputs + h + b)
            later = (num_layers - 1) * D * gates * h * (D * h + h + b)
            return first + later
            """, "the first layer plus (num_layers - 1) identical later layers"),
        correct("per-framework-table", """
            gates = {"rnn": 1, "lstm": 4, "gru": 3}
            bias_vectors = {("torch", c): 2 for c in gates}
            bias_vectors.update({("keras", "rnn"): 1, ("keras", "lstm"): 1, ("keras", "gru"): 2})
            if (framework, cell) not in bias_vectors:
                raise ValueError(f"unknown cell {cell!r} or framework {framework!r}")
            if not num_layers >= 1:
                raise ValueError("num_layers must be positive")
            sizes = [num_inputs] + [num_hiddens * (1 + bool(bidirectional))] * (num_layers - 1)
            one = [gates[cell] * (d * num_hiddens + num_hiddens * num_hiddens
                                  + bias_vectors[(framework, cell)] * num_hiddens) for d in sizes]
            return int(sum(one) * (2 if bidirectional else 1))
            """, "a table of bias vectors per (framework, cell); a list of input sizes"),
        forbidden("ccells-call", "return ccells.stacked_num_params(cell, num_inputs, num_hiddens, num_layers, "
                                 "bidirectional, framework)", "the course's reference"),
        forbidden("module-import-alias", """
            import course_utils.cells as counting
            return counting.stacked_num_params(cell, num_inputs, num_hiddens, num_layers, bidirectional, framework)
            """, "the reference's module imported under another alias"),
    ],
    # ------------------------------------------------------------------ Exercise 5
    "ex5-masked-accuracy": [
        wrong("counts-padding", "predicted = Y_hat.argmax(dim=-1) if Y_hat.dim() == 3 else Y_hat\n"
                                "return (predicted == Y).float().mean().item()",
              "the padded positions counted as words"),
        wrong("mean-of-sentences",
              "predicted = Y_hat.argmax(dim=-1) if Y_hat.dim() == 3 else Y_hat\nreal = Y != pad_id\n"
              "if not real.any():\n    raise ValueError('padding only')\n"
              "per_sentence = ((predicted == Y) & real).sum(1).float() / real.sum(1).clamp(min=1).float()\n"
              "return per_sentence.mean().item()",
              "the mean of per-sentence accuracies: short sentences weigh as much as long ones"),
        wrong("argmax-over-time",
              "predicted = Y_hat.argmax(dim=1) if Y_hat.dim() == 3 else Y_hat\nreal = Y != pad_id\n"
              "if not real.any():\n    raise ValueError('padding only')\n"
              "return ((predicted == Y) & real).sum().item() / real.sum().item()",
              "argmax over the time axis instead of the tag axis"),
        wrong("returns-a-tensor",
              "predicted = Y_hat.argmax(dim=-1) if Y_hat.dim() == 3 else Y_hat\nreal = Y != pad_id\n"
              "if not real.any():\n    raise ValueError('padding only')\n"
              "return ((predicted == Y) & real).sum() / real.sum()",
              "a 0-d tensor, not a float"),
        wrong("pad-id-fixed-to-zero",
              "predicted = Y_hat.argmax(dim=-1) if Y_hat.dim() == 3 else Y_hat\nreal = Y != 0\n"
              "if not real.any():\n    raise ValueError('padding only')\n"
              "return ((predicted == Y) & real).sum().item() / real.sum().item()",
              "padding assumed to be 0 whatever pad_id says"),
        wrong("no-ValueError",
              "predicted = Y_hat.argmax(dim=-1) if Y_hat.dim() == 3 else Y_hat\nreal = Y != pad_id\n"
              "return ((predicted == Y) & real).sum().item() / real.sum().item()",
              "padding only: ZeroDivisionError instead of ValueError"),
        wrong("writes-into-predictions",
              "predicted = Y_hat.argmax(dim=-1) if Y_hat.dim() == 3 else Y_hat\nreal = Y != pad_id\n"
              "if not real.any():\n    raise ValueError('padding only')\n"
              "predicted[~real] = Y[~real] + 1  # never right at the padding\n"
              "return (predicted == Y).sum().item() / real.sum().item()",
              "writes into the caller's predicted ids to make the padding wrong"),
        wrong("marks-padding-in-Y",
              "predicted = Y_hat.argmax(dim=-1) if Y_hat.dim() == 3 else Y_hat\n"
              "Y[Y == pad_id] = -100\nreal = Y != -100\n"
              "if not real.any():\n    raise ValueError('padding only')\n"
              "return ((predicted == Y) & real).sum().item() / real.sum().item()",
              "rewrites the caller's Y with its own padding id"),
        correct("masked-select", """
            pred = Y_hat if Y_hat.ndim == 2 else torch.argmax(Y_hat, dim=2)
            keep = Y.ne(pad_id)
            if keep.sum() == 0:
                raise ValueError("no word to score: Y is all padding")
            return float(torch.masked_select(pred.eq(Y), keep).float().mean())
            """, "torch.masked_select, then a mean"),
        correct("where-and-counts", """
            if Y_hat.dim() == 3:
                Y_hat = Y_hat.max(dim=-1).indices
            words = (Y != pad_id).long()
            n = int(words.sum())
            if n == 0:
                raise ValueError(f"Y contains only pad_id={pad_id}")
            hits = torch.where(Y_hat == Y, words, torch.zeros_like(words)).sum()
            return hits.item() / n
            """, "max(...).indices, torch.where"),
        forbidden("ctorch-accuracy", "return ctorch.masked_token_accuracy(Y_hat, Y, pad_id)",
                  "the course's reference"),
        forbidden("cu-attribute-chain", "return cu.torch.masked_token_accuracy(Y_hat, Y, pad_id)",
                  "the reference reached through cu"),
    ],
    # ------------------------------------------------------------------ Exercise 6
    "ex6-keras-tagger": [
        wrong("no-return-sequences", _tagger(lstm="layers.LSTM(num_hiddens)"),
              "no return_sequences: one vector per sentence, the next LSTM refuses it"),
        wrong("last-layer-without-sequences",
              "ids = keras.Input(shape=(None,), dtype='int32')\n"
              "H = layers.Embedding(vocab_size, embed_dim, mask_zero=True)(ids)\n"
              "for i in range(num_layers):\n"
              "    lstm = layers.LSTM(num_hiddens, return_sequences=i < num_layers - 1)\n"
              "    H = (layers.Bidirectional(lstm) if bidirectional else lstm)(H)\n"
              "return keras.Model(ids, layers.Dense(num_tags)(H))\n",
              "the classifier's stack: the last LSTM returns one vector, so one tag per sentence"),
        wrong("no-mask", _tagger(embed="layers.Embedding(vocab_size, embed_dim)"),
              "no mask_zero: the backward direction reads the padding"),
        wrong("merge-sum", _tagger(wrap="layers.Bidirectional(lstm, merge_mode='sum') if bidirectional else lstm"),
              "merge_mode='sum': h columns instead of 2h, other parameter counts"),
        wrong("recurrent-dropout", _tagger(lstm="layers.LSTM(num_hiddens, return_sequences=True, "
                                                "recurrent_dropout=0.1)"),
              "recurrent_dropout: not cuDNN-eligible"),
        wrong("softmax-output", _tagger(head="layers.Dense(num_tags, activation='softmax')"),
              "probabilities instead of logits"),
        wrong("always-bidirectional", _tagger(wrap="layers.Bidirectional(lstm)"),
              "bidirectional ignored: always two directions"),
        wrong("one-lstm-for-every-layer",
              "ids = keras.Input(shape=(None,), dtype='int32')\n"
              "H = layers.Embedding(vocab_size, embed_dim, mask_zero=True)(ids)\n"
              "lstm = layers.LSTM(num_hiddens, return_sequences=True)  # one layer object\n"
              "for _ in range(num_layers):\n"
              "    H = (layers.Bidirectional(lstm) if bidirectional else lstm)(H)\n"
              "return keras.Model(ids, layers.Dense(num_tags)(H))\n",
              "one LSTM object for every layer: forward only, the layers share their weights"),
        wrong("one-bidirectional-for-every-layer",
              "ids = keras.Input(shape=(None,), dtype='int32')\n"
              "H = layers.Embedding(vocab_size, embed_dim, mask_zero=True)(ids)\n"
              "lstm = layers.LSTM(num_hiddens, return_sequences=True)\n"
              "recurrent = layers.Bidirectional(lstm) if bidirectional else lstm  # one layer object\n"
              "for _ in range(num_layers):\n"
              "    H = recurrent(H)\n"
              "return keras.Model(ids, layers.Dense(num_tags)(H))\n",
              "one (Bidirectional) layer object for every layer of the stack: shared weights"),
        wrong("sequential-without-input", """
            stack = [layers.Embedding(vocab_size, embed_dim, mask_zero=True)]
            for _ in range(num_layers):
                lstm = layers.LSTM(num_hiddens, return_sequences=True)
                stack.append(layers.Bidirectional(lstm) if bidirectional else lstm)
            return keras.Sequential(stack + [layers.Dense(num_tags)])
            """, "no keras.Input: the model is not built (no weights, no count_params) until called"),
        wrong("relu-output", _tagger(head="layers.Dense(num_tags, activation='relu')"),
              "a ReLU on the scores: no negative logits"),
        correct("sequential", """
            stack = [keras.Input((None,), dtype="int32"),
                     layers.Embedding(input_dim=vocab_size, output_dim=embed_dim, mask_zero=True)]
            for _ in range(num_layers):
                cell = layers.LSTM(units=num_hiddens, return_sequences=True)
                stack.append(layers.Bidirectional(cell, merge_mode="concat") if bidirectional else cell)
            stack.append(layers.Dense(units=num_tags))
            return keras.Sequential(stack)
            """, "keras.Sequential, keyword arguments, explicit merge_mode"),
        correct("functional-with-helper", """
            def recurrent():
                layer = keras.layers.LSTM(num_hiddens, return_sequences=True)
                return keras.layers.Bidirectional(layer) if bidirectional else layer

            inputs = keras.Input(shape=(None,), dtype="int32", name="word_ids")
            x = keras.layers.Embedding(vocab_size, embed_dim, mask_zero=True)(inputs)
            for layer in [recurrent() for _ in range(num_layers)]:
                x = layer(x)
            logits = keras.layers.Dense(num_tags, activation=None)(x)
            return keras.Model(inputs=inputs, outputs=logits)
            """, "a nested helper that makes each layer, keras.layers spelled out"),
        correct("time-distributed-dense", """
            ids = keras.Input(shape=(None,), dtype="int32")  # (B, T)
            H = layers.Embedding(vocab_size, embed_dim, mask_zero=True)(ids)  # (B, T, d)
            for _ in range(num_layers):
                H = (layers.Bidirectional(layers.LSTM(num_hiddens, return_sequences=True)) if bidirectional
                     else layers.LSTM(num_hiddens, return_sequences=True))(H)  # (B, T, D*h)
            return keras.Model(ids, layers.TimeDistributed(layers.Dense(num_tags))(H))  # (B, T, q)
            """, "TimeDistributed(Dense(...)): the classic Keras idiom, the same Dense at every step"),
        forbidden("ckeras-tagger", "return ckeras.sequence_tagger(vocab_size, num_tags, embed_dim, num_hiddens, "
                                   "num_layers, bidirectional)", "the course's reference"),
    ],
}
