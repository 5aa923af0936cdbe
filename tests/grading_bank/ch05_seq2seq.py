"""Answer bank for Chapter 5, sequence to sequence (solutions/05-seq2seq/seq2seq.ipynb).

Each entry replaces the solution region of the exercise's answer cell; see
:mod:`grading_bank` for the conventions and what is demanded of each kind.
"""

import textwrap

from grading_bank import correct, forbidden, wrong


def _indent(code: str, level: int = 1) -> str:
    """``code`` indented by ``level`` steps of four spaces, to sit inside a loop of a template."""
    return textwrap.indent(textwrap.dedent(code).strip("\n"), "    " * level)


# The common teacher-forcing pair of Exercise 1's wrong answers.
def _pair(num_steps: str = "max(len(ids) for ids in target_ids) + 1",
          row_in: str = "[start_id] + list(ids)", row_out: str = "list(ids) + [end_id]",
          fill: str = "pad_id", dtype: str = "np.int64", ret: str = "return Y_in, Y_out") -> str:
    return (f"T = {num_steps}\n"
            f"Y_in = np.full((len(target_ids), T), {fill}, dtype={dtype})  # (B, T)\n"
            f"Y_out = np.full((len(target_ids), T), {fill}, dtype={dtype})  # (B, T)\n"
            "for b, ids in enumerate(target_ids):\n"
            f"    row_in, row_out = {row_in}, {row_out}\n"
            "    n_in, n_out = min(len(row_in), T), min(len(row_out), T)\n"
            "    Y_in[b, :n_in] = row_in[:n_in]\n"
            "    Y_out[b, :n_out] = row_out[:n_out]\n"
            f"{ret}\n")


# Exercise 2: the shape assert and the log-probabilities of the targets, shared by its wrong answers.
ASSERT_LOGITS = '''assert logits.dim() == 3 and tuple(logits.shape[:2]) == tuple(Y.shape), (
    f"logits should be (B, T, V) with (B, T) = {tuple(Y.shape)}, got {tuple(logits.shape)}")
'''
PICKED = "picked = F.log_softmax(logits, dim=-1).gather(-1, Y.unsqueeze(-1)).squeeze(-1)  # (B, T)\n"


# The common greedy decoder of Exercise 3's wrong answers.
def _greedy(steps: str = "max_len", call: str = "log_probs, state = step(tokens, state)",
            pick: str = "tokens = to_numpy(log_probs).argmax(axis=-1).astype(np.int64)",
            stop: str = "if all(done):\n    break") -> str:
    return ("tokens = np.full(batch_size, start_id, dtype=np.int64)  # (B,)\n"
            "outputs = [[] for _ in range(batch_size)]\n"
            "done = [False] * batch_size\n"
            f"for _ in range({steps}):\n"
            f"{_indent(call)}\n"
            f"{_indent(pick)}\n"
            "    for b in range(batch_size):\n"
            "        if done[b]:\n"
            "            continue\n"
            "        if tokens[b] == end_id:\n"
            "            done[b] = True\n"
            "        else:\n"
            "            outputs[b].append(int(tokens[b]))\n"
            f"{_indent(stop)}\n"
            "return outputs\n")


# The common beam search of Exercise 4's wrong answers (the instructor's, in parts).
def _beam(total: str = "scores[:, None] + to_numpy(log_probs).astype(np.float64)",
          pick: str = ("flat = np.argsort(total, axis=None)[::-1][:beam_width]\n"
                       "rows, words = np.unravel_index(flat, total.shape)"),
          finish: str = "finished += [(total[r, w], seqs[r]) for r, w in zip(rows, words) if w == end_id]",
          reorder: str = "state = tuple(s[rows] for s in state)",
          leftover: str = "finished += list(zip(scores, seqs))",
          end: str = "score, best = max(finished, key=lambda f: f[0])\nreturn best, float(score)") -> str:
    return ("seqs, scores = [[]], np.zeros(1)  # open hypotheses and their total log-probabilities\n"
            "tokens = np.array([start_id])  # (k,)\n"
            "finished = []  # (score, tokens)\n"
            "for _ in range(max_len):\n"
            "    log_probs, state = step(tokens, state)\n"
            f"    total = {total}  # (k, V)\n"
            f"{_indent(pick)}\n"
            "    keep = [(r, w) for r, w in zip(rows, words) if w != end_id]\n"
            f"{_indent(finish)}\n"
            "    if not keep:\n"
            "        break\n"
            "    rows = np.array([r for r, _ in keep])\n"
            "    seqs = [seqs[r] + [int(w)] for r, w in keep]\n"
            "    scores = np.array([total[r, w] for r, w in keep])\n"
            "    tokens = np.array([w for _, w in keep])\n"
            f"{_indent(reorder)}\n"
            "else:\n"
            f"{_indent(leftover)}\n"
            f"{textwrap.dedent(end).strip()}\n")


# The common attention of Exercise 5's wrong answers (check_shape runs above the region).
def _attention(scores: str = "ops.matmul(queries, ops.transpose(keys, (0, 2, 1)))",
               mask: str = 'scores = ops.where(ops.cast(key_mask, "bool")[:, None, :], scores, -1e9)',
               weights: str = "weights = ops.softmax(scores, axis=-1)",
               ret: str = "return ops.matmul(weights, values), weights") -> str:
    return (f"scores = {scores}  # (B, T_y, T_x)\n"
            "if key_mask is not None:\n"
            f"{_indent(mask)}\n"
            f"{weights}\n"
            f"{ret}\n")


BANK = {
    # ------------------------------------------------------------------ Exercise 1
    "ex1-teacher-forcing": [
        wrong("no-end-token", _pair(row_out="list(ids)"), "Y_out is the sentence alone: <end> is never predicted"),
        wrong("shifted-the-wrong-way", _pair(row_in="list(ids) + [end_id]", row_out="[start_id] + list(ids)"),
              "input and target swapped: the decoder reads the sentence and <end>, predicts <start> first"),
        wrong("no-start-token", _pair(row_in="list(ids)"),
              "Y_in is the sentence itself: the decoder reads the word it must predict"),
        wrong("padded-with-zero", _pair(fill="0"), "padding with 0 whatever pad_id says"),
        wrong("T-is-the-longest", _pair(num_steps="max(len(ids) for ids in target_ids)"),
              "T = the longest sentence's length: the longest loses its last word or <end>"),
        wrong("int32", _pair(dtype="np.int32"), "int32 arrays, not int64"),
        wrong("lists-returned", _pair(ret="return Y_in.tolist(), Y_out.tolist()"),
              "lists of lists instead of NumPy arrays"),
        wrong("left-padded", """
            T = max(len(ids) for ids in target_ids) + 1
            Y_in = np.full((len(target_ids), T), pad_id, dtype=np.int64)
            Y_out = np.full((len(target_ids), T), pad_id, dtype=np.int64)
            for b, ids in enumerate(target_ids):
                Y_in[b, T - len(ids) - 1:] = [start_id] + list(ids)
                Y_out[b, T - len(ids) - 1:] = list(ids) + [end_id]
            return Y_in, Y_out
            """, "padding on the left"),
        wrong("appends-end-to-the-input", """
            T = max(len(ids) for ids in target_ids) + 1
            Y_in = np.full((len(target_ids), T), pad_id, dtype=np.int64)
            Y_out = np.full((len(target_ids), T), pad_id, dtype=np.int64)
            for b, ids in enumerate(target_ids):
                ids.append(end_id)  # changes the caller's list
                Y_out[b, :len(ids)] = ids
                Y_in[b, :len(ids)] = [start_id] + ids[:-1]
            return Y_in, Y_out
            """, "ids.append(end_id) mutates target_ids"),
        wrong("one-row-sliced-both-ways", """
            T = max(len(ids) for ids in target_ids) + 1
            full = np.full((len(target_ids), T + 1), pad_id, dtype=np.int64)
            for b, ids in enumerate(target_ids):
                full[b, :len(ids) + 2] = [start_id] + list(ids) + [end_id]
            return full[:, :-1], full[:, 1:]
            """, "<start> sentence <end> sliced twice: Y_in keeps the <end> of every shorter sentence"),
        wrong("float-from-zeros", _pair(fill="pad_id", dtype="np.float64"),
              "np.zeros-style float64 arrays: ids must be int64"),
        correct("rows-then-array", """
            longest = max([len(sentence) for sentence in target_ids])
            rows_in, rows_out = [], []
            for sentence in target_ids:
                padding = [pad_id] * (longest - len(sentence))
                rows_in.append([start_id, *sentence, *padding])
                rows_out.append([*sentence, end_id, *padding])
            return np.array(rows_in, dtype=np.int64), np.array(rows_out, dtype=np.int64)
            """, "Python lists padded by hand, then np.array"),
        correct("np-pad-and-stack", """
            T = 1 + max(map(len, target_ids))

            def padded(seq):
                seq = np.asarray(seq, dtype=np.int64)
                return np.pad(seq, (0, T - len(seq)), constant_values=pad_id)

            Y_in = np.stack([padded([start_id] + list(s)) for s in target_ids])
            Y_out = np.stack([padded(list(s) + [end_id]) for s in target_ids])
            return Y_in, Y_out
            """, "np.pad per sentence, np.stack"),
        correct("one-row-sliced-then-fixed", """
            B, T = len(target_ids), max(len(s) for s in target_ids) + 1
            full = np.full((B, T + 1), pad_id, dtype=np.int64)  # <start> sentence <end> padding
            full[:, 0] = start_id
            for b, s in enumerate(target_ids):
                full[b, 1:len(s) + 1] = s
                full[b, len(s) + 1] = end_id
            Y_in, Y_out = full[:, :-1].copy(), full[:, 1:].copy()
            for b, s in enumerate(target_ids):
                if len(s) + 1 < T:
                    Y_in[b, len(s) + 1] = pad_id  # the input never reads <end>
            return Y_in, Y_out
            """, "one array <start> sentence <end>, sliced both ways, the <end> taken out of Y_in"),
        forbidden("cs2s-call", "return cs2s.teacher_forcing_pair(target_ids, start_id, end_id, pad_id)",
                  "the course's reference through the set-up cell's alias cs2s"),
        forbidden("from-import-alias", """
            from course_utils.seq2seq import teacher_forcing_pair as make_pair
            return make_pair(target_ids, start_id, end_id, pad_id)
            """, "the reference imported under another name"),
    ],
    # ------------------------------------------------------------------ Exercise 2
    "ex2-masked-loss": [
        wrong("mean-over-padding", ASSERT_LOGITS + PICKED + "return -picked.mean()",
              "the mean over every position, padding included"),
        wrong("mean-of-sentence-means", ASSERT_LOGITS + PICKED
              + "real = (Y != pad_id).float()\nreturn (-(picked * real).sum(dim=1) / real.sum(dim=1)).mean()",
              "the mean of per-sentence means: short sentences weigh as much as long ones"),
        wrong("pad-id-fixed-to-zero", ASSERT_LOGITS + PICKED
              + "real = (Y != 0).float()\nreturn -(picked * real).sum() / real.sum()",
              "padding assumed to be 0 whatever pad_id says"),
        wrong("returns-a-float", ASSERT_LOGITS + PICKED
              + "real = (Y != pad_id).float()\nreturn (-(picked * real).sum() / real.sum()).item()",
              ".item(): a Python float, so .backward() fails"),
        wrong("softmax-without-log", ASSERT_LOGITS
              + "p = F.softmax(logits, dim=-1).gather(-1, Y.unsqueeze(-1)).squeeze(-1)\n"
                "real = (Y != pad_id).float()\nreturn -(p * real).sum() / real.sum()",
              "softmax instead of log_softmax: -p, not -log p"),
        wrong("sum-not-mean", ASSERT_LOGITS + PICKED
              + "real = (Y != pad_id).float()\nreturn -(picked * real).sum()",
              "the sum over the real tokens, not divided by their number"),
        wrong("log-softmax-over-time", ASSERT_LOGITS
              + "picked = F.log_softmax(logits, dim=1).gather(-1, Y.unsqueeze(-1)).squeeze(-1)\n"
                "real = (Y != pad_id).float()\nreturn -(picked * real).sum() / real.sum()",
              "log_softmax over the time axis instead of the vocabulary"),
        wrong("through-numpy", ASSERT_LOGITS + textwrap.dedent("""
            log_p = F.log_softmax(logits, dim=-1).detach().numpy()  # (B, T, V)
            y = Y.numpy()
            picked = np.take_along_axis(log_p, y[..., None], axis=-1)[..., 0]
            real = y != pad_id
            return torch.tensor(-picked[real].sum() / real.sum())
            """).lstrip("\n"), "computed in NumPy and wrapped in torch.tensor: no gradient reaches the logits"),
        wrong("no-assert", PICKED + "real = (Y != pad_id).float()\nreturn -(picked * real).sum() / real.sum()",
              "no assert: logits (2, 4, 3) with Y (2, 3) pass silently through gather"),
        wrong("padding-overwritten-in-place", ASSERT_LOGITS + textwrap.dedent("""
            real = (Y != pad_id).float()  # (B, T)
            Y[Y == pad_id] = 0  # a valid index for gather, written into the caller's Y
            picked = F.log_softmax(logits, dim=-1).gather(-1, Y.unsqueeze(-1)).squeeze(-1)
            return -(picked * real).sum() / real.sum()
            """).lstrip("\n"), "the padded ids replaced by 0 in the caller's Y"),
        wrong("log-of-softmax", ASSERT_LOGITS
              + "p = F.softmax(logits, dim=-1).gather(-1, Y.unsqueeze(-1)).squeeze(-1)\n"
                "real = (Y != pad_id).float()\nreturn -(torch.log(p) * real).sum() / real.sum()",
              "torch.log of a softmax: a probability that underflows to 0 gives an infinite loss"),
        wrong("mask-from-lengths", ASSERT_LOGITS + PICKED + textwrap.dedent("""
            lengths = (Y != pad_id).sum(dim=1)  # (B,)
            real = (torch.arange(Y.shape[1])[None, :] < lengths[:, None]).float()  # (B, T)
            return -(picked * real).sum() / real.sum()
            """).lstrip("\n"), "the first n positions of a row counted as real, n its number of real ids: "
                                 "wrong when the padding id also occurs inside a row"),
        wrong("assert-without-message",
              "assert logits.dim() == 3 and tuple(logits.shape[:2]) == tuple(Y.shape)\n" + PICKED
              + "real = (Y != pad_id).float()\nreturn -(picked * real).sum() / real.sum()",
              "a bare assert: it does not say what shape was expected"),
        wrong("under-no-grad", ASSERT_LOGITS + textwrap.dedent("""
            with torch.no_grad():
                picked = F.log_softmax(logits, dim=-1).gather(-1, Y.unsqueeze(-1)).squeeze(-1)
                real = (Y != pad_id).float()
                return -(picked * real).sum() / real.sum()
            """).lstrip("\n"), "computed under torch.no_grad(): no gradient reaches the logits"),
        correct("cross-entropy-none-and-mask", """
            assert logits.ndim == 3 and logits.shape[0] == Y.shape[0] and logits.shape[1] == Y.shape[1], (
                f"expected logits of shape ({Y.shape[0]}, {Y.shape[1]}, V), got {tuple(logits.shape)}")
            V = logits.shape[-1]
            real = Y != pad_id  # (B, T)
            safe = torch.where(real, Y, torch.zeros_like(Y))  # a valid id at padded positions
            per_token = F.cross_entropy(logits.reshape(-1, V), safe.reshape(-1), reduction="none")
            per_token = per_token.reshape(Y.shape)  # (B, T)
            return (per_token * real).sum() / real.sum()
            """, 'F.cross_entropy(reduction="none"), torch.where for the padded ids, a mask'),
        correct("logsumexp-on-selected", """
            check_shape(logits, (Y.shape[0], Y.shape[1], None), "logits")
            keep = Y.ne(pad_id)  # (B, T)
            chosen = logits[keep]  # (N, V): the real positions only
            targets = Y[keep]  # (N,)
            nll = torch.logsumexp(chosen, dim=1) - chosen.gather(1, targets[:, None]).squeeze(1)
            return nll.mean()
            """, "check_shape, boolean indexing of the real positions, logsumexp"),
        correct("one-hot", """
            if logits.dim() != 3 or logits.shape[:2] != Y.shape:
                raise AssertionError(f"logits must be (B, T, V) with (B, T) = {tuple(Y.shape)}; "
                                     f"got {tuple(logits.shape)}")
            log_p = torch.log_softmax(logits, -1)  # (B, T, V)
            one_hot = F.one_hot(torch.where(Y == pad_id, 0, Y), logits.shape[-1]).to(log_p.dtype)
            mask = (Y != pad_id).unsqueeze(-1).to(log_p.dtype)  # (B, T, 1)
            return -(log_p * one_hot * mask).sum() / mask.sum()
            """, "one-hot targets, torch.log_softmax, a float mask"),
        correct("ignore-index", """
            assert logits.dim() == 3 and logits.shape[:2] == Y.shape, (
                f"logits should be (B, T, V) with (B, T) = {tuple(Y.shape)}, got {tuple(logits.shape)}")
            return F.cross_entropy(logits.flatten(0, 1), Y.flatten(), ignore_index=pad_id)
            """, "F.cross_entropy with ignore_index=pad_id: the same number, and the prompt allows it"),
        correct("float64-mask", """
            check_shape(logits, (Y.shape[0], Y.shape[1], None), "logits")
            log_p = F.log_softmax(logits, dim=-1)  # (B, T, V)
            real = (Y != pad_id).double()  # (B, T): a float64 mask makes a float64 loss
            nll = -log_p.gather(2, torch.where(Y == pad_id, 0, Y)[..., None])[..., 0]
            return (nll * real).sum() / real.sum()
            """, "a float64 mask, so the loss comes back in float64 (the prompt names no dtype)"),
        forbidden("ctorch-call", "return ctorch.masked_cross_entropy(logits, Y, pad_id)",
                  "the course's reference through ctorch"),
        forbidden("ckeras-twin", """
            assert logits.dim() == 3 and tuple(logits.shape[:2]) == tuple(Y.shape), "logits should be (B, T, V)"
            return ckeras.masked_cross_entropy(logits, Y, pad_id)
            """, "the Keras twin of the reference"),
    ],
    # ------------------------------------------------------------------ Exercise 3
    "ex3-greedy": [
        wrong("ended-rows-keep-writing", """
            tokens = np.full(batch_size, start_id, dtype=np.int64)
            outputs = [[] for _ in range(batch_size)]
            ended = np.zeros(batch_size, dtype=bool)
            for _ in range(max_len):
                log_probs, state = step(tokens, state)
                tokens = to_numpy(log_probs).argmax(axis=-1).astype(np.int64)
                for b in range(batch_size):
                    if tokens[b] != end_id:
                        outputs[b].append(int(tokens[b]))
                ended |= tokens == end_id
                if ended.all():
                    break
            return outputs
            """, "a row that has written <end> keeps getting the tokens it writes afterwards"),
        wrong("stops-only-when-all-end-together", """
            tokens = np.full(batch_size, start_id, dtype=np.int64)
            outputs = [[] for _ in range(batch_size)]
            for _ in range(max_len):
                log_probs, state = step(tokens, state)
                tokens = to_numpy(log_probs).argmax(axis=-1).astype(np.int64)
                if (tokens == end_id).all():
                    break
                for b in range(batch_size):
                    if tokens[b] != end_id:
                        outputs[b].append(int(tokens[b]))
            return outputs
            """, "no per-row end: rows that ended earlier go on, and the loop stops only when all end together"),
        wrong("end-included", """
            tokens = np.full(batch_size, start_id, dtype=np.int64)
            outputs = [[] for _ in range(batch_size)]
            done = [False] * batch_size
            for _ in range(max_len):
                log_probs, state = step(tokens, state)
                tokens = to_numpy(log_probs).argmax(axis=-1).astype(np.int64)
                for b in range(batch_size):
                    if not done[b]:
                        outputs[b].append(int(tokens[b]))
                        done[b] = tokens[b] == end_id
                if all(done):
                    break
            return outputs
            """, "the <end> token is kept in the output"),
        wrong("start-fed-every-step",
              _greedy(call="log_probs, state = step(np.full(batch_size, start_id, dtype=np.int64), state)"),
              "<start> fed at every step instead of the previous arg-max"),
        wrong("state-not-passed-on", _greedy(call="log_probs, _ = step(tokens, state)"),
              "the returned state is dropped: every step starts from the initial state"),
        wrong("never-stops-early", _greedy(stop="pass"), "always max_len calls, even when every sequence ended"),
        wrong("stops-when-any-ends", _greedy(stop="if any(done):\n    break"),
              "the loop stops as soon as one sequence ends"),
        wrong("argmax-over-the-batch", _greedy(pick="tokens = to_numpy(log_probs).argmax(axis=0)"),
              "arg-max over the batch axis instead of the vocabulary"),
        wrong("one-step-short", _greedy(steps="max_len - 1"), "range(max_len - 1): one token too few"),
        wrong("tokens-as-a-list", """
            tokens = [start_id] * batch_size
            outputs = [[] for _ in range(batch_size)]
            done = [False] * batch_size
            for _ in range(max_len):
                log_probs, state = step(tokens, state)
                tokens = [int(t) for t in to_numpy(log_probs).argmax(axis=-1)]
                for b in range(batch_size):
                    if not done[b] and tokens[b] == end_id:
                        done[b] = True
                    elif not done[b]:
                        outputs[b].append(tokens[b])
                if all(done):
                    break
            return outputs
            """, "step gets a Python list, not the int array the docstring names"),
        correct("while-and-active-mask", """
            feed = np.array([start_id] * batch_size, dtype=np.int64)  # (B,)
            written = [[] for _ in range(batch_size)]
            active = np.ones(batch_size, dtype=bool)
            calls = 0
            while calls < max_len and active.any():
                log_probs, state = step(feed, state)
                calls += 1
                feed = np.asarray(to_numpy(log_probs)).argmax(-1).astype(np.int64)
                for b in np.flatnonzero(active & (feed != end_id)):
                    written[b].append(int(feed[b]))
                active &= feed != end_id
            return written
            """, "a while loop and a boolean array of the open sequences"),
        correct("history-then-cut", """
            history = []  # the arg-max of every step, (B,) each
            last = np.full((batch_size,), start_id)
            ended = np.zeros(batch_size, dtype=bool)
            for _ in range(max_len):
                out, state = step(last, state)
                last = to_numpy(out).argmax(axis=1)
                history.append(last)
                ended = ended | (last == end_id)
                if ended.all():
                    break
            result = []
            for b in range(batch_size):
                seq = []
                for tokens in history:
                    if tokens[b] == end_id:
                        break
                    seq.append(int(tokens[b]))
                result.append(seq)
            return result
            """, "every step's arg-max kept, each row cut at its first <end> afterwards"),
        correct("torch-argmax", """
            current = torch.full((batch_size,), start_id, dtype=torch.long)
            seqs = {b: [] for b in range(batch_size)}
            open_rows = set(range(batch_size))
            for _ in range(max_len):
                if not open_rows:
                    break
                log_probs, state = step(current.numpy(), state)
                current = torch.as_tensor(to_numpy(log_probs)).argmax(dim=-1)
                for b in sorted(open_rows):
                    if int(current[b]) == end_id:
                        open_rows.discard(b)
                    else:
                        seqs[b].append(int(current[b]))
            return [seqs[b] for b in range(batch_size)]
            """, "torch.argmax, a dict of outputs and a set of open rows"),
        forbidden("from-import-alias", """
            from course_utils.seq2seq import greedy_decode as decode_batch
            return decode_batch(step, state, batch_size, start_id, end_id, max_len)
            """, "the reference imported under another name"),
        forbidden("cs2s-call", "return cs2s.greedy_decode(step, state, batch_size, start_id, end_id, max_len)",
                  "the course's reference through cs2s"),
    ],
    # ------------------------------------------------------------------ Exercise 4
    "ex4-beam-search": [
        wrong("state-not-reordered", _beam(reorder="pass"),
              "the step's state passed on as it came: its rows no longer follow the hypotheses"),
        wrong("state-first-rows", _beam(reorder="state = tuple(s[:len(rows)] for s in state)"),
              "the state cut to the first len(rows) rows, not the rows of the surviving hypotheses"),
        wrong("previous-score-not-added", _beam(total="to_numpy(log_probs).astype(np.float64)"),
              "only the last step's log-probability ranks and scores a hypothesis"),
        wrong("best-word-per-hypothesis", _beam(pick="words = total.argmax(axis=1)\nrows = np.arange(len(words))"),
              "each hypothesis extended by its best word only: the beam never grows past one"),
        wrong("top-k-per-row-unsorted", _beam(pick=(
              "cands = [(r, w) for r in range(len(total)) for w in np.argsort(total[r])[::-1][:beam_width]]\n"
              "cands = cands[:beam_width]  # the first rows' extensions, not the best ones\n"
              "rows, words = [r for r, _ in cands], [w for _, w in cands]")),
              "the best extensions of each row, cut to beam_width without sorting them all"),
        wrong("worst-extensions-kept", _beam(pick=("flat = np.argsort(total, axis=None)[:beam_width]\n"
                                                   "rows, words = np.unravel_index(flat, total.shape)")),
              "argsort without [::-1]: the lowest scores survive"),
        wrong("end-not-scored",
              _beam(finish="finished += [(scores[r], seqs[r]) for r, w in zip(rows, words) if w == end_id]"),
              "a finished hypothesis keeps its score before <end>: <end>'s log-probability is left out"),
        wrong("end-in-tokens",
              _beam(finish="finished += [(total[r, w], seqs[r] + [int(w)]) for r, w in zip(rows, words) "
                           "if w == end_id]"),
              "the returned tokens end with end_id"),
        wrong("open-ignored-at-max-len", _beam(leftover="pass"),
              "the hypotheses still open after max_len steps are dropped"),
        wrong("stops-at-first-finished", _beam(reorder="state = tuple(s[rows] for s in state)\n"
                                                       "if finished:\n    break"),
              "stops as soon as one hypothesis ends, though an open one may still score higher"),
        wrong("length-normalised", _beam(end="score, best = max(finished, key=lambda f: f[0] / (len(f[1]) + 1))\n"
                                             "return best, float(score)"),
              "the best hypothesis chosen by its score per token, not its total log-probability"),
        wrong("last-step-score-returned", _beam(end="score, best = max(finished, key=lambda f: f[0])\n"
                                                    "return best, float(total.max())"),
              "returns the best extension's score of the last step, not the chosen hypothesis' score"),
        wrong("never-pruned", _beam(pick=("flat = np.argsort(total, axis=None)[::-1]\n"
                                          "rows, words = np.unravel_index(flat, total.shape)")),
              "every extension kept: the beam is never cut to beam_width (exhaustive search)"),
        wrong("per-row-top-k-never-cut", _beam(pick=(
              "cands = [(r, w) for r in range(len(total)) for w in np.argsort(total[r])[::-1][:beam_width]]\n"
              "rows, words = [r for r, _ in cands], [w for _, w in cands]")),
              "each hypothesis keeps its beam_width best extensions: the beam grows to k * beam_width"),
        wrong("score-a-tensor", """
            hyps = [[]]
            scores = torch.zeros(1, dtype=torch.float64)
            last = torch.tensor([start_id])
            ended = []
            for _ in range(max_len):
                lp, state = step(last.numpy(), state)
                total = scores[:, None] + torch.as_tensor(to_numpy(lp), dtype=torch.float64)  # (k, V)
                top = torch.topk(total.flatten(), min(beam_width, total.numel()))
                rows, words = top.indices // total.shape[1], top.indices % total.shape[1]
                is_end = words == end_id
                ended += [(v, hyps[int(r)]) for v, r in zip(top.values[is_end], rows[is_end])]
                if bool(is_end.all()):
                    break
                rows, words, scores = rows[~is_end], words[~is_end], top.values[~is_end]
                hyps = [hyps[int(r)] + [int(w)] for r, w in zip(rows, words)]
                last = words
                state = tuple(s[rows.numpy()] for s in state)
            else:
                ended += list(zip(scores, hyps))
            log_prob, tokens = max(ended, key=lambda e: float(e[0]))
            return tokens, log_prob
            """, "the log-probability returned as a 0-d tensor, not a float"),
        wrong("state-of-the-best-row", _beam(reorder="state = tuple(s[np.zeros(len(rows), dtype=int)] for s in state)"),
              "every new hypothesis gets the state row of the best one: right only while it is their parent"),
        wrong("float32-scores", _beam(total="scores[:, None] + to_numpy(log_probs).astype(np.float32)"),
              "the scores added in float32: the returned log-probability is off by about 1e-7"),
        wrong("tokens-as-a-list", _beam(reorder="state = tuple(s[rows] for s in state)\ntokens = tokens.tolist()"),
              "step gets a Python list of the last tokens, not the int array the prompt names"),
        correct("sorted-candidates", """
            beam = [(0.0, [])]  # open hypotheses: (total log-probability, tokens)
            done = []
            for _ in range(max_len):
                last = np.array([seq[-1] if seq else start_id for _, seq in beam], dtype=np.int64)
                log_probs, state = step(last, state)
                log_probs = to_numpy(log_probs)
                candidates = []
                for row, (score, seq) in enumerate(beam):
                    for word in range(log_probs.shape[1]):
                        candidates.append((score + float(log_probs[row, word]), seq + [word], row))
                candidates = sorted(candidates, key=lambda c: c[0], reverse=True)[:beam_width]
                done += [(s, seq[:-1]) for s, seq, _ in candidates if seq[-1] == end_id]
                survivors = [c for c in candidates if c[1][-1] != end_id]
                if not survivors:
                    break
                state = tuple(s[np.array([row for _, _, row in survivors])] for s in state)
                beam = [(s, seq) for s, seq, _ in survivors]
            else:
                done += beam
            best_score, best_tokens = max(done, key=lambda d: d[0])
            return best_tokens, best_score
            """, "an explicit list of (score, tokens, row) candidates, sorted()"),
        correct("per-row-top-k-and-heapq", """
            import heapq

            hyps, hyp_scores = [[]], np.zeros(1)
            feed = np.array([start_id], dtype=np.int64)
            best_done = (-np.inf, [])
            for _ in range(max_len):
                lp, state = step(feed, state)
                lp = np.asarray(to_numpy(lp), dtype=np.float64)  # (k, V)
                per_row = []
                for r in range(len(hyps)):  # only a row's beam_width best can be among the best overall
                    per_row += [(hyp_scores[r] + lp[r, w], r, int(w)) for w in np.argsort(-lp[r])[:beam_width]]
                chosen = heapq.nlargest(beam_width, per_row, key=lambda c: c[0])
                for s, r, w in chosen:
                    if w == end_id and s > best_done[0]:
                        best_done = (float(s), hyps[r])
                going = [c for c in chosen if c[2] != end_id]
                if not going:
                    break
                rows = np.array([r for _, r, _ in going])
                hyps = [hyps[r] + [w] for _, r, w in going]
                hyp_scores = np.array([s for s, _, _ in going])
                feed = np.array([w for _, _, w in going], dtype=np.int64)
                state = tuple(s[rows] for s in state)
                if best_done[0] >= hyp_scores.max():
                    break  # scores only fall: no open hypothesis can win any more
            else:
                i = int(np.argmax(hyp_scores))
                if hyp_scores[i] > best_done[0]:
                    best_done = (float(hyp_scores[i]), hyps[i])
            return best_done[1], best_done[0]
            """, "each row's best beam_width words, heapq.nlargest over them, the early stop"),
        correct("torch-topk", """
            hyps = [[]]
            scores = torch.zeros(1, dtype=torch.float64)
            last = torch.tensor([start_id])
            ended = []
            for _ in range(max_len):
                lp, state = step(last.numpy(), state)
                total = scores[:, None] + torch.as_tensor(to_numpy(lp), dtype=torch.float64)  # (k, V)
                V = total.shape[1]
                top = torch.topk(total.flatten(), min(beam_width, total.numel()))
                rows, words = top.indices // V, top.indices % V
                is_end = words == end_id
                ended += [(float(v), hyps[int(r)]) for v, r in zip(top.values[is_end], rows[is_end])]
                if bool(is_end.all()):
                    break
                alive = ~is_end
                rows, words, scores = rows[alive], words[alive], top.values[alive]
                hyps = [hyps[int(r)] + [int(w)] for r, w in zip(rows, words)]
                last = words
                state = tuple(s[rows.numpy()] for s in state)
            else:
                ended += [(float(v), h) for v, h in zip(scores, hyps)]
            log_prob, tokens = max(ended, key=lambda e: e[0])
            return tokens, log_prob
            """, "torch.topk over the flattened (k, V) scores, integer division for the rows"),
        forbidden("cu-attribute-chain", "return cu.seq2seq.beam_search(step, state, start_id, end_id, beam_width, "
                                        "max_len)", "the reference reached through cu"),
        forbidden("cs2s-call", "return cs2s.beam_search(step, state, start_id, end_id, beam_width, max_len)",
                  "the course's reference through cs2s"),
    ],
    # ------------------------------------------------------------------ Exercise 5
    "ex5-keras-attention": [
        wrong("mask-after-softmax-renormalised", _attention(
            mask="pass",
            weights=("weights = ops.softmax(scores, axis=-1)\n"
                     "if key_mask is not None:\n"
                     '    weights = weights * ops.cast(key_mask, "float32")[:, None, :]\n'
                     "    weights = weights / ops.sum(weights, axis=-1, keepdims=True)")),
              "softmax over every key, then the padding zeroed and the rest renormalised: when a padded "
              "score dominates, the real weights underflow to 0 and the division gives NaN"),
        wrong("no-mask", _attention(mask="pass"), "key_mask ignored: padded keys get weight"),
        wrong("mask-after-softmax", _attention(
            mask="pass",
            weights=("weights = ops.softmax(scores, axis=-1)\n"
                     "if key_mask is not None:\n"
                     '    weights = weights * ops.cast(key_mask, "float32")[:, None, :]')),
            "the weights multiplied by the mask after the softmax: rows no longer sum to 1"),
        wrong("padded-scores-zeroed", _attention(mask='scores = scores * ops.cast(key_mask, "float32")[:, None, :]'),
              "padded scores set to 0, not -inf: padded keys still get weight"),
        wrong("mask-inverted", _attention(mask='scores = ops.where(ops.cast(key_mask, "bool")[:, None, :], -1e9, '
                                               'scores)'),
              "ops.where with its branches swapped: only padded keys count"),
        wrong("softmax-over-queries", _attention(weights="weights = ops.softmax(scores, axis=1)"),
              "softmax over the query axis instead of the keys"),
        wrong("scaled", _attention(scores="ops.matmul(queries, ops.transpose(keys, (0, 2, 1))) / np.sqrt(h)"),
              "scaled by sqrt(h): layers.Attention() is unscaled by default"),
        wrong("weights-and-context-swapped", _attention(ret="return weights, ops.matmul(weights, values)"),
              "returns (weights, context)"),
        wrong("keys-as-values", _attention(ret="return ops.matmul(weights, keys), weights"),
              "the context sums the keys, not the values"),
        wrong("transpose-all-axes", _attention(scores="ops.matmul(queries, ops.transpose(keys))"),
              "ops.transpose(keys) without axes reverses all three, (h, T_x, B)"),
        wrong("numpy-not-keras-ops", """
            scores = np.matmul(queries, np.swapaxes(keys, 1, 2))  # (B, T_y, T_x)
            if key_mask is not None:
                scores = np.where(np.asarray(key_mask, dtype=bool)[:, None, :], scores, -1e9)
            e = np.exp(scores - scores.max(axis=-1, keepdims=True))
            weights = e / e.sum(axis=-1, keepdims=True)
            return np.matmul(weights, values), weights
            """, "written in NumPy, not keras.ops: NumPy arrays come back, and it runs on no backend"),
        correct("einsum-and-subtraction", """
            scores = ops.einsum("bqh,bkh->bqk", queries, keys)  # (B, T_y, T_x)
            if key_mask is not None:
                m = ops.cast(key_mask, "float32")[:, None, :]  # (B, 1, T_x)
                scores = scores - 1e9 * (1.0 - m)
            weights = ops.softmax(scores, axis=-1)
            context = ops.einsum("bqk,bkd->bqd", weights, values)
            return context, weights
            """, "ops.einsum, the mask subtracted as a large negative number"),
        correct("explicit-softmax", """
            scores = ops.matmul(queries, ops.swapaxes(keys, 1, 2))  # (B, T_y, T_x)
            if key_mask is not None:
                keep = ops.expand_dims(ops.cast(key_mask, "bool"), 1)  # (B, 1, T_x)
                scores = ops.where(keep, scores, float("-inf"))
            scores = scores - ops.max(scores, axis=-1, keepdims=True)
            e = ops.exp(scores)  # exp(-inf) = 0 at padded keys
            weights = e / ops.sum(e, axis=-1, keepdims=True)
            return ops.matmul(weights, values), weights
            """, "ops.swapaxes, -inf through ops.where, the softmax written out"),
        correct("log-mask", """
            scores = ops.matmul(queries, ops.transpose(keys, axes=[0, 2, 1]))
            if key_mask is not None:
                scores = scores + ops.log(ops.cast(key_mask, "float32"))[:, None, :]  # log 0 = -inf
            weights = ops.softmax(scores, axis=2)
            return ops.matmul(weights, values), weights
            """, "log(mask) added to the scores: 0 at real keys, -inf at padded ones"),
        forbidden("ckeras-call", "return ckeras.dot_product_attention(queries, keys, values, key_mask)",
                  "the course's reference through ckeras"),
        forbidden("module-import-alias", """
            import course_utils.keras.attention as attn
            return attn.dot_product_attention(queries, keys, values, key_mask)
            """, "the reference's module imported under another alias"),
    ],
}
