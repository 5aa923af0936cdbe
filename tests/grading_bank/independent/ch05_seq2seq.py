"""Independent answers for Chapter 5, sequence to sequence (solutions/05-seq2seq/seq2seq.ipynb).

Wrong and correct answers to every exercise, written from the exercise prompts by someone who
did not write the chapter's tests. Each ``wrong`` answer is a mistake a student makes (a
domain bug such as a wrong shift or a state that does not follow its hypothesis, an argument
changed in place, a result of the wrong type, a gradient cut off, a numerical overflow, an
edge case); each ``correct`` one is written another way and must score full marks. See
:mod:`grading_bank` for the conventions.
"""

import textwrap

from grading_bank import correct, wrong


def _join(*parts: str) -> str:
    """Code pieces written at any indentation, one after the other."""
    return "\n".join(textwrap.dedent(p).strip("\n") for p in parts)


# Exercise 2's shape check, for the answers that are wrong elsewhere.
EX2_ASSERT = """
assert logits.dim() == 3 and tuple(logits.shape[:2]) == tuple(Y.shape), (
    f"expected logits of shape (B, T, V) with (B, T) = {tuple(Y.shape)}, got {tuple(logits.shape)}")
"""

# Exercise 5's answers start after the given shape checks.
EX5_MASK = """
scores = ops.matmul(queries, ops.transpose(keys, (0, 2, 1)))  # (B, T_y, T_x)
if key_mask is not None:
    scores = ops.where(ops.cast(key_mask, "bool")[:, None, :], scores, -1e9)
"""

# Exercise 3: the student's loop with one thing changed at a time.
GREEDY = """
tokens = np.full(batch_size, start_id, dtype=np.int64)
outputs = [[] for _ in range(batch_size)]
done = np.zeros(batch_size, dtype=bool)
for _ in range(max_len):
    log_probs, state = step(tokens, state)
    tokens = to_numpy(log_probs).argmax(axis=-1).astype(np.int64)
    for b in range(batch_size):
        if not done[b]:
            if tokens[b] == end_id:
                done[b] = True
            else:
                outputs[b].append(int(tokens[b]))
    if done.all():
        break
return outputs
"""


def _greedy(old: str, new: str) -> str:
    assert old in GREEDY, old
    return GREEDY.replace(old, new)


# Exercise 4: a student's beam search, one thing changed at a time.
BEAM = """
seqs, scores = [[]], np.zeros(1)
tokens = np.array([start_id], dtype=np.int64)
finished = []
for _ in range(max_len):
    log_probs, state = step(tokens, state)
    total = scores[:, None] + to_numpy(log_probs).astype(np.float64)  # (k, V)
    order = np.argsort(-total, axis=None, kind="stable")[:beam_width]
    rows, words = np.unravel_index(order, total.shape)
    keep_rows, keep_words = [], []
    for r, w in zip(rows, words):
        if w == end_id:
            finished.append((float(total[r, w]), seqs[r]))
        else:
            keep_rows.append(r)
            keep_words.append(w)
    if not keep_rows:
        break
    seqs = [seqs[r] + [int(w)] for r, w in zip(keep_rows, keep_words)]
    scores = np.array([total[r, w] for r, w in zip(keep_rows, keep_words)])
    tokens = np.array(keep_words, dtype=np.int64)
    state = tuple(s[np.array(keep_rows)] for s in state)
else:
    finished += [(float(s), q) for s, q in zip(scores, seqs)]
best_score, best = max(finished, key=lambda f: f[0])
return best, best_score
"""


def _beam(old: str, new: str) -> str:
    assert old in BEAM, old
    return BEAM.replace(old, new)


BANK = {
    # ------------------------------------------------------------------ Exercise 1
    "ex1-teacher-forcing": [
        wrong("ind_append_end_inplace", """
            T = max(len(ids) for ids in target_ids) + 1
            Y_in = np.full((len(target_ids), T), pad_id, dtype=np.int64)
            Y_out = np.full((len(target_ids), T), pad_id, dtype=np.int64)
            for b, ids in enumerate(target_ids):
                Y_in[b, :len(ids) + 1] = [start_id] + ids
                ids.append(end_id)  # changes the caller's sentence
                Y_out[b, :len(ids)] = ids
            return Y_in, Y_out
            """, "appends end_id to the caller's lists"),
        wrong("ind_insert_start_inplace", """
            T = max(len(ids) for ids in target_ids) + 1
            Y_in = np.full((len(target_ids), T), pad_id, dtype=np.int64)
            Y_out = np.full((len(target_ids), T), pad_id, dtype=np.int64)
            for b, ids in enumerate(target_ids):
                Y_out[b, :len(ids) + 1] = ids + [end_id]
                ids.insert(0, start_id)  # changes the caller's sentence
                Y_in[b, :len(ids)] = ids
            return Y_in, Y_out
            """, "inserts start_id at the front of the caller's lists"),
        wrong("ind_in_out_swapped", """
            T = max(len(ids) for ids in target_ids) + 1
            Y_in = np.full((len(target_ids), T), pad_id, dtype=np.int64)
            Y_out = np.full((len(target_ids), T), pad_id, dtype=np.int64)
            for b, ids in enumerate(target_ids):
                Y_in[b, :len(ids) + 1] = [start_id] + list(ids)
                Y_out[b, :len(ids) + 1] = list(ids) + [end_id]
            return Y_out, Y_in
            """, "returns (Y_out, Y_in): the tuple in the wrong order"),
        wrong("ind_T_is_longest_length", """
            T = max(len(ids) for ids in target_ids)  # forgets the extra <start>/<end> step
            Y_in = np.full((len(target_ids), T), pad_id, dtype=np.int64)
            Y_out = np.full((len(target_ids), T), pad_id, dtype=np.int64)
            for b, ids in enumerate(target_ids):
                row_in, row_out = ([start_id] + list(ids))[:T], (list(ids) + [end_id])[:T]
                Y_in[b, :len(row_in)] = row_in
                Y_out[b, :len(row_out)] = row_out
            return Y_in, Y_out
            """, "T is the longest length, not one more: the longest sentence loses its last word and <end>"),
        wrong("ind_int32", """
            T = max(len(ids) for ids in target_ids) + 1
            Y_in = np.full((len(target_ids), T), pad_id, dtype=np.int32)
            Y_out = np.full((len(target_ids), T), pad_id, dtype=np.int32)
            for b, ids in enumerate(target_ids):
                Y_in[b, :len(ids) + 1] = [start_id] + list(ids)
                Y_out[b, :len(ids) + 1] = list(ids) + [end_id]
            return Y_in, Y_out
            """, "int32 arrays instead of int64"),
        wrong("ind_float_arrays", """
            T = max(len(ids) for ids in target_ids) + 1
            Y_in = np.zeros((len(target_ids), T)) + pad_id  # float64
            Y_out = np.zeros((len(target_ids), T)) + pad_id
            for b, ids in enumerate(target_ids):
                Y_in[b, :len(ids) + 1] = [start_id] + list(ids)
                Y_out[b, :len(ids) + 1] = list(ids) + [end_id]
            return Y_in, Y_out
            """, "float64 arrays (np.zeros + pad_id): ids must be integers"),
        wrong("ind_nested_lists", """
            T = max(len(ids) for ids in target_ids) + 1
            Y_in = [[start_id] + list(ids) + [pad_id] * (T - len(ids) - 1) for ids in target_ids]
            Y_out = [list(ids) + [end_id] + [pad_id] * (T - len(ids) - 1) for ids in target_ids]
            return Y_in, Y_out
            """, "lists of lists instead of NumPy arrays"),
        wrong("ind_pad_zero_hardcoded", """
            T = max(len(ids) for ids in target_ids) + 1
            Y_in = np.zeros((len(target_ids), T), dtype=np.int64)
            Y_out = np.zeros((len(target_ids), T), dtype=np.int64)
            for b, ids in enumerate(target_ids):
                Y_in[b, :len(ids) + 1] = [start_id] + list(ids)
                Y_out[b, :len(ids) + 1] = list(ids) + [end_id]
            return Y_in, Y_out
            """, "padding with 0 whatever pad_id says"),
        wrong("ind_one_array_for_both", """
            T = max(len(ids) for ids in target_ids) + 1
            Y_in = Y_out = np.full((len(target_ids), T), pad_id, dtype=np.int64)  # one array, two names
            for b, ids in enumerate(target_ids):
                Y_in[b, :len(ids) + 1] = [start_id] + list(ids)
                Y_out[b, :len(ids) + 1] = list(ids) + [end_id]
            return Y_in, Y_out
            """, "Y_in = Y_out = np.full(...): both names are one array, so Y_in is overwritten by Y_out"),
        wrong("ind_out_is_rolled_in", """
            T = max(len(ids) for ids in target_ids) + 1
            Y_in = np.full((len(target_ids), T), pad_id, dtype=np.int64)
            for b, ids in enumerate(target_ids):
                Y_in[b, :len(ids) + 1] = [start_id] + list(ids)
            Y_out = np.roll(Y_in, -1, axis=1)  # shift left: <end> is never written
            return Y_in, Y_out
            """, "Y_out = Y_in shifted left with np.roll: no <end>, and <start> wraps round to the last column"),
        wrong("ind_left_padding", """
            T = max(len(ids) for ids in target_ids) + 1
            Y_in = np.full((len(target_ids), T), pad_id, dtype=np.int64)
            Y_out = np.full((len(target_ids), T), pad_id, dtype=np.int64)
            for b, ids in enumerate(target_ids):
                n = len(ids) + 1
                Y_in[b, T - n:] = [start_id] + list(ids)
                Y_out[b, T - n:] = list(ids) + [end_id]
            return Y_in, Y_out
            """, "pads on the left instead of the right"),
        correct("ind_list_rows_then_array", """
            T = 1 + max(map(len, target_ids))
            rows_in = [[start_id, *ids] + [pad_id] * (T - 1 - len(ids)) for ids in target_ids]
            rows_out = [[*ids, end_id] + [pad_id] * (T - 1 - len(ids)) for ids in target_ids]
            return np.array(rows_in, dtype=np.int64), np.array(rows_out, dtype=np.int64)
            """, "padded Python rows turned into arrays at the end"),
        correct("ind_lengths_mask", """
            B = len(target_ids)
            lengths = np.array([len(ids) for ids in target_ids])
            T = int(lengths.max()) + 1
            body = np.full((B, T), pad_id, dtype=np.int64)
            for b, ids in enumerate(target_ids):
                body[b, :len(ids)] = ids
            cols = np.arange(T)[None, :]
            Y_in = np.where(cols == 0, start_id, np.where(cols <= lengths[:, None], np.roll(body, 1, axis=1), pad_id))
            Y_out = np.where(cols == lengths[:, None], end_id, body)
            return Y_in.astype(np.int64), Y_out.astype(np.int64)
            """, "a padded body, then both arrays from it with np.where on column positions"),
    ],
    # ------------------------------------------------------------------ Exercise 2
    "ex2-masked-loss": [
        wrong("ind_mean_over_all_positions", _join(EX2_ASSERT, """
            log_probs = F.log_softmax(logits, dim=-1)
            picked = log_probs.gather(-1, Y.clamp(min=0).unsqueeze(-1)).squeeze(-1)
            return -picked.mean()
            """), "the mean over every position: padding counts"),
        wrong("ind_mean_of_sentence_means", _join(EX2_ASSERT, """
            log_probs = F.log_softmax(logits, dim=-1)
            picked = log_probs.gather(-1, Y.clamp(min=0).unsqueeze(-1)).squeeze(-1)
            real = (Y != pad_id).float()
            return (-(picked * real).sum(1) / real.sum(1).clamp(min=1)).mean()
            """), "the mean of per-sentence means instead of the sum over real tokens / their number"),
        wrong("ind_masked_sum", _join(EX2_ASSERT, """
            log_probs = F.log_softmax(logits, dim=-1)
            picked = log_probs.gather(-1, Y.clamp(min=0).unsqueeze(-1)).squeeze(-1)
            return -(picked * (Y != pad_id)).sum()
            """), "the sum over real tokens, not divided by their number"),
        wrong("ind_raw_logits_no_log_softmax", _join(EX2_ASSERT, """
            picked = logits.gather(-1, Y.clamp(min=0).unsqueeze(-1)).squeeze(-1)
            real = (Y != pad_id).float()
            return -(picked * real).sum() / real.sum()
            """), "picks the raw logits: no log_softmax"),
        wrong("ind_log_of_softmax", _join(EX2_ASSERT, """
            probs = torch.softmax(logits, dim=-1)
            picked = torch.log(probs.gather(-1, Y.clamp(min=0).unsqueeze(-1)).squeeze(-1))
            real = (Y != pad_id).float()
            return -(picked * real).sum() / real.sum()
            """), "log(softmax): a probability that underflows to 0 gives inf (large logits)"),
        wrong("ind_logsumexp_without_max", _join(EX2_ASSERT, """
            log_probs = logits - torch.log(torch.exp(logits).sum(-1, keepdim=True))  # overflows
            picked = log_probs.gather(-1, Y.clamp(min=0).unsqueeze(-1)).squeeze(-1)
            real = (Y != pad_id).float()
            return -(picked * real).sum() / real.sum()
            """), "log-sum-exp without subtracting the maximum: exp overflows to inf for logits near 100"),
        wrong("ind_item_float", _join(EX2_ASSERT, """
            log_probs = F.log_softmax(logits, dim=-1)
            picked = log_probs.gather(-1, Y.clamp(min=0).unsqueeze(-1)).squeeze(-1)
            real = (Y != pad_id).float()
            return (-(picked * real).sum() / real.sum()).item()
            """), ".item(): a Python float, so .backward() is impossible"),
        wrong("ind_detached", _join(EX2_ASSERT, """
            log_probs = F.log_softmax(logits.detach(), dim=-1)
            picked = log_probs.gather(-1, Y.clamp(min=0).unsqueeze(-1)).squeeze(-1)
            real = (Y != pad_id).float()
            return -(picked * real).sum() / real.sum()
            """), "computed from logits.detach(): no gradient reaches logits"),
        wrong("ind_zero_padded_logits_inplace", _join(EX2_ASSERT, """
            real = Y != pad_id
            logits.data[~real] = 0.0  # "remove" the padded positions, in the caller's tensor
            log_probs = F.log_softmax(logits, dim=-1)
            picked = log_probs.gather(-1, Y.clamp(min=0).unsqueeze(-1)).squeeze(-1)
            return -(picked * real.float()).sum() / real.float().sum()
            """), "zeroes the caller's logits at padded positions in place (through .data)"),
        wrong("ind_safe_ids_inplace", _join(EX2_ASSERT, """
            real = Y != pad_id
            Y[~real] = 0  # a safe index for gather, written into the caller's Y
            log_probs = F.log_softmax(logits, dim=-1)
            picked = log_probs.gather(-1, Y.unsqueeze(-1)).squeeze(-1)
            return -(picked * real.float()).sum() / real.float().sum()
            """), "overwrites the padding of the caller's Y with 0 in place"),
        wrong("ind_no_assert", """
            log_probs = F.log_softmax(logits, dim=-1)
            picked = log_probs.gather(-1, Y.clamp(min=0).unsqueeze(-1)).squeeze(-1)
            real = (Y != pad_id).float()
            return -(picked * real).sum() / real.sum()
            """, "no shape assert: mismatched logits fail later with an unrelated error, or not at all"),
        wrong("ind_pad_zero_hardcoded", _join(EX2_ASSERT, """
            log_probs = F.log_softmax(logits, dim=-1)
            picked = log_probs.gather(-1, Y.clamp(min=0).unsqueeze(-1)).squeeze(-1)
            real = (Y != 0).float()
            return -(picked * real).sum() / real.sum()
            """), "the mask is Y != 0, whatever pad_id says"),
        wrong("ind_reshape_instead_of_transpose", _join(EX2_ASSERT, """
            B, T, V = logits.shape
            per_token = F.cross_entropy(logits.reshape(B, V, T), Y.clamp(min=0), reduction="none")  # not a transpose
            real = (Y != pad_id).float()
            return (per_token * real).sum() / real.sum()
            """), "reshape(B, V, T) instead of transpose(1, 2) to put the classes on axis 1: the scores are scrambled"),
        correct("ind_ignore_index", _join(EX2_ASSERT, """
            B, T, V = logits.shape
            return F.cross_entropy(logits.reshape(B * T, V), Y.reshape(B * T), ignore_index=pad_id)
            """), "F.cross_entropy with ignore_index, which the prompt allows (the same number)"),
        correct("ind_cross_entropy_none", _join(EX2_ASSERT, """
            real = Y.ne(pad_id)
            safe = torch.where(real, Y, torch.zeros_like(Y))
            per_token = F.cross_entropy(logits.transpose(1, 2), safe, reduction="none")  # (B, T)
            return per_token.masked_select(real).mean()
            """), "F.cross_entropy with reduction='none' on (B, V, T) logits, masked_select and mean"),
        correct("ind_logsumexp", _join(EX2_ASSERT, """
            real = (Y != pad_id)
            target = logits.gather(2, torch.where(real, Y, 0).unsqueeze(2)).squeeze(2)  # (B, T)
            nll = torch.logsumexp(logits, dim=2) - target  # (B, T)
            return torch.where(real, nll, torch.zeros_like(nll)).sum() / real.sum()
            """), "-log softmax written as logsumexp minus the target's logit, torch.where as the mask"),
    ],
    # ------------------------------------------------------------------ Exercise 3
    "ex3-greedy": [
        wrong("ind_keeps_end_token", _greedy("""            if tokens[b] == end_id:
                done[b] = True
            else:
                outputs[b].append(int(tokens[b]))""", """            outputs[b].append(int(tokens[b]))
            if tokens[b] == end_id:
                done[b] = True"""), "end_id is appended to the output"),
        wrong("ind_starts_with_start_token", _greedy(
            "outputs = [[] for _ in range(batch_size)]", "outputs = [[start_id] for _ in range(batch_size)]"),
            "every output begins with start_id"),
        wrong("ind_always_feeds_start", _greedy("""    log_probs, state = step(tokens, state)
    tokens = to_numpy(log_probs).argmax(axis=-1).astype(np.int64)""", """    log_probs, state = step(np.full(batch_size, start_id, dtype=np.int64), state)
    tokens = to_numpy(log_probs).argmax(axis=-1).astype(np.int64)"""),
            "feeds start_id at every step instead of the word just chosen"),
        wrong("ind_never_stops_early", _greedy("""    if done.all():
        break
""", ""), "no early stop: step is called max_len times even when every sequence has ended"),
        wrong("ind_stops_at_first_end", _greedy("if done.all():", "if done.any():"),
              "stops as soon as ONE sequence has ended: the others are cut short"),
        wrong("ind_writes_after_end", _greedy("""        if not done[b]:
            if tokens[b] == end_id:
                done[b] = True
            else:
                outputs[b].append(int(tokens[b]))""", """        if tokens[b] == end_id:
            done[b] = True
        else:
            outputs[b].append(int(tokens[b]))"""),
            "a finished sequence keeps collecting the tokens chosen after its end_id"),
        wrong("ind_numpy_int_tokens", _greedy("outputs[b].append(int(tokens[b]))", "outputs[b].append(tokens[b])"),
              "the outputs hold np.int64 scalars, not Python ints"),
        wrong("ind_argmax_over_batch", _greedy("argmax(axis=-1)", "argmax(axis=0)"),
              "arg-max over the batch axis instead of the vocabulary"),
        wrong("ind_state_not_carried", _greedy("log_probs, state = step(tokens, state)",
                                               "log_probs, _ = step(tokens, state)"),
              "the new state is dropped: every step starts again from the first state"),
        wrong("ind_one_step_short", _greedy("for _ in range(max_len):", "for _ in range(max_len - 1):"),
              "max_len - 1 steps"),
        wrong("ind_shared_output_list", _greedy("outputs = [[] for _ in range(batch_size)]",
                                                "outputs = [[]] * batch_size"),
              "[[]] * batch_size: one list shared by every sequence"),
        wrong("ind_float_tokens", _greedy("tokens = np.full(batch_size, start_id, dtype=np.int64)",
                                          "tokens = np.zeros(batch_size) + start_id"),
              "the first tokens are a float array; the prompt's step expects ints"),
        correct("ind_record_then_cut", """
            tokens = np.repeat(np.int64(start_id), batch_size)
            history = []
            ended = np.zeros(batch_size, dtype=bool)
            while len(history) < max_len and not ended.all():
                log_probs, state = step(tokens, state)
                tokens = np.asarray(to_numpy(log_probs)).argmax(1).astype(np.int64)
                history.append(tokens)
                ended |= tokens == end_id
            result = []
            for b in range(batch_size):
                row = []
                for t in history:
                    if t[b] == end_id:
                        break
                    row.append(int(t[b]))
                result.append(row)
            return result
            """, "records every step's arg-max, then cuts each sequence at its first end_id"),
        correct("ind_vectorised_done", """
            tokens = np.full((batch_size,), start_id, dtype=np.int64)
            alive = np.ones(batch_size, dtype=bool)
            out = [[] for _ in range(batch_size)]
            steps = 0
            while alive.any() and steps < max_len:
                log_probs, state = step(tokens, state)
                steps += 1
                tokens = np.argmax(to_numpy(log_probs), axis=1).astype(np.int64)
                writing = alive & (tokens != end_id)
                for b in np.flatnonzero(writing):
                    out[b].append(int(tokens[b]))
                alive = writing
            return out
            """, "a vector of live sequences updated with boolean arrays, a while loop"),
    ],
    # ------------------------------------------------------------------ Exercise 4
    "ex4-beam-search": [
        wrong("ind_width_ignored", _beam("[:beam_width]", "[:1]"),
              "keeps one hypothesis whatever beam_width is: greedy decoding"),
        wrong("ind_scores_not_accumulated", _beam(
            "total = scores[:, None] + to_numpy(log_probs).astype(np.float64)",
            "total = to_numpy(log_probs).astype(np.float64)"),
            "ranks the extensions by the last word's log-probability only, not the total"),
        wrong("ind_state_rows_not_followed", _beam(
            "state = tuple(s[np.array(keep_rows)] for s in state)",
            "state = tuple(s[np.zeros(len(keep_rows), dtype=np.int64)] for s in state)"),
            "every new hypothesis gets row 0 of the state: the state does not follow its hypothesis"),
        wrong("ind_state_not_reindexed", _beam(
            "    state = tuple(s[np.array(keep_rows)] for s in state)\n", ""),
            "the state step returned is passed on as it is: its rows are the old hypotheses, not the kept ones"),
        wrong("ind_state_rows_in_old_order", _beam(
            "state = tuple(s[np.array(keep_rows)] for s in state)",
            "state = tuple(s[np.sort(np.array(keep_rows))] for s in state)"),
            "the kept rows in their old order, not in the order of the new hypotheses"),
        wrong("ind_end_log_prob_not_counted", _beam(
            "finished.append((float(total[r, w]), seqs[r]))",
            "finished.append((float(scores[r]), seqs[r]))"),
            "a finished hypothesis keeps its score before end_id: end_id's log-probability is left out"),
        wrong("ind_end_token_returned", _beam(
            "finished.append((float(total[r, w]), seqs[r]))",
            "finished.append((float(total[r, w]), seqs[r] + [end_id]))"),
            "the returned tokens end with end_id"),
        wrong("ind_length_normalised", _beam(
            "best_score, best = max(finished, key=lambda f: f[0])",
            "best_score, best = max(finished, key=lambda f: f[0] / (len(f[1]) + 1))"),
            "picks the best score per token: a length penalty the prompt does not ask for"),
        wrong("ind_leftover_open_dropped", _beam(
            "else:\n    finished += [(float(s), q) for s, q in zip(scores, seqs)]\n",
            "if not finished:\n    return [], float('-inf')\n"),
            "the open hypotheses left after max_len steps are dropped instead of competing"),
        wrong("ind_worst_extensions", _beam('np.argsort(-total, axis=None, kind="stable")',
                                            'np.argsort(total, axis=None, kind="stable")'),
              "argsort ascending: keeps the beam_width WORST extensions"),
        wrong("ind_tuple_swapped", _beam("return best, best_score", "return best_score, best"),
              "returns (log_prob, tokens)"),
        wrong("ind_log_prob_float32", _beam(
            "total = scores[:, None] + to_numpy(log_probs).astype(np.float64)",
            "total = scores[:, None].astype(np.float32) + to_numpy(log_probs).astype(np.float32)").replace(
            "finished.append((float(total[r, w]), seqs[r]))", "finished.append((total[r, w], seqs[r]))").replace(
            "finished += [(float(s), q) for s, q in zip(scores, seqs)]", "finished += list(zip(scores, seqs))"),
            "the log-probability comes back as a np.float32, not a Python float"),
        wrong("ind_numpy_int_tokens", _beam("seqs = [seqs[r] + [int(w)] for", "seqs = [seqs[r] + [w] for"),
              "the returned tokens are np.int64 scalars, not Python ints"),
        wrong("ind_refill_beam_after_end", _beam("""    order = np.argsort(-total, axis=None, kind="stable")[:beam_width]
    rows, words = np.unravel_index(order, total.shape)
    keep_rows, keep_words = [], []
    for r, w in zip(rows, words):
        if w == end_id:
            finished.append((float(total[r, w]), seqs[r]))
        else:
            keep_rows.append(r)
            keep_words.append(w)""", """    order = np.argsort(-total, axis=None, kind="stable")
    rows, words = np.unravel_index(order, total.shape)
    keep_rows, keep_words = [], []
    for rank, (r, w) in enumerate(zip(rows, words)):
        if len(keep_rows) == beam_width:
            break
        if w == end_id:
            if rank < beam_width:
                finished.append((float(total[r, w]), seqs[r]))
        else:
            keep_rows.append(r)  # the beam is refilled up to beam_width open hypotheses
            keep_words.append(w)"""),
              "a finished hypothesis does not take a place in the beam: it is refilled with the next best "
              "open extensions, against the prompt's rule (the beam_width best of all k * V extensions)"),
        correct("ind_candidates_sorted", """
            beam = [(0.0, [], 0)]  # (score, tokens, row of the state)
            done = []
            for _ in range(max_len):
                if not beam:
                    break
                log_probs, state = step(np.array([start_id if not t else t[-1] for _, t, _ in beam],
                                                  dtype=np.int64), state)
                lp = to_numpy(log_probs).astype(np.float64)
                candidates = [(score + lp[i, w], i, w) for i, (score, _, _) in enumerate(beam)
                              for w in range(lp.shape[1])]
                candidates.sort(key=lambda c: -c[0])
                beam_next, rows = [], []
                for total, i, w in candidates[:beam_width]:
                    if w == end_id:
                        done.append((total, beam[i][1]))
                    else:
                        beam_next.append((total, beam[i][1] + [int(w)], len(rows)))
                        rows.append(i)
                if rows:
                    state = tuple(s[np.array(rows)] for s in state)
                beam = beam_next
            done += [(score, tokens) for score, tokens, _ in beam]
            score, tokens = max(done, key=lambda d: d[0])
            return tokens, float(score)
            """, "Python lists of candidates, sorted with a key; the open beam as (score, tokens, row)"),
        correct("ind_early_stop", _beam("    if not keep_rows:\n        break\n",
                                        "    if not keep_rows:\n        break\n"
                                        "    if finished and max(f[0] for f in finished) >= "
                                        "max(total[r, w] for r, w in zip(keep_rows, keep_words)):\n"
                                        "        break  # no open hypothesis can catch up\n"),
                "stops as soon as the best finished score is at least the best open one (allowed)"),
    ],
    # ------------------------------------------------------------------ Exercise 5
    "ex5-keras-attention": [
        wrong("ind_scaled_by_sqrt_h", _join(EX5_MASK, """
            weights = ops.softmax(scores / np.sqrt(h), axis=-1)
            return ops.matmul(weights, values), weights
            """), "scaled by sqrt(h): the Transformer's scaled dot product, not the plain dot product asked for"),
        wrong("ind_softmax_over_queries", _join(EX5_MASK, """
            weights = ops.softmax(scores, axis=1)
            return ops.matmul(weights, values), weights
            """), "softmax over the query axis: the rows over the keys do not sum to 1"),
        wrong("ind_mask_with_zero_score", """
            scores = ops.matmul(queries, ops.transpose(keys, (0, 2, 1)))
            if key_mask is not None:
                scores = ops.where(ops.cast(key_mask, "bool")[:, None, :], scores, 0.0)
            weights = ops.softmax(scores, axis=-1)
            return ops.matmul(weights, values), weights
            """, "padded keys get score 0, not a very negative one: they keep a weight"),
        wrong("ind_mask_after_softmax", """
            weights = ops.softmax(ops.matmul(queries, ops.transpose(keys, (0, 2, 1))), axis=-1)
            if key_mask is not None:
                weights = weights * ops.cast(key_mask, weights.dtype)[:, None, :]  # not renormalised
            return ops.matmul(weights, values), weights
            """, "zeroes the padded weights after the softmax without renormalising: rows sum to less than 1"),
        wrong("ind_mask_on_query_axis", """
            scores = ops.matmul(queries, ops.transpose(keys, (0, 2, 1)))
            if key_mask is not None:
                real = ops.cast(key_mask, "bool")[:, :, None]  # (B, T_x, 1): the wrong axis
                scores = ops.where(real, scores, -1e9)
            weights = ops.softmax(scores, axis=-1)
            return ops.matmul(weights, values), weights
            """, "the mask expanded on the wrong axis, (B, T_x, 1): it masks queries, or does not broadcast"),
        wrong("ind_additive_inf_mask_nan", """
            scores = ops.matmul(queries, ops.transpose(keys, (0, 2, 1)))
            if key_mask is not None:
                pad = 1.0 - ops.cast(key_mask, scores.dtype)
                scores = scores + pad[:, None, :] * float("-inf")  # 0 * -inf = nan at real keys
            weights = ops.softmax(scores, axis=-1)
            return ops.matmul(weights, values), weights
            """, "adds (1 - mask) * -inf: 0 * -inf is nan at every real key"),
        wrong("ind_transposed_scores", """
            scores = ops.matmul(keys, ops.transpose(queries, (0, 2, 1)))  # (B, T_x, T_y)
            if key_mask is not None:
                scores = ops.where(ops.cast(key_mask, "bool")[:, :, None], scores, -1e9)
            weights = ops.transpose(ops.softmax(scores, axis=-1), (0, 2, 1))  # normalised over the queries
            return ops.matmul(weights, values), weights
            """, "scores built as keys @ queries^T (B, T_x, T_y) and the softmax over their last axis: over the queries"),
        wrong("ind_context_from_keys", _join(EX5_MASK, """
            weights = ops.softmax(scores, axis=-1)
            return ops.matmul(weights, keys), weights
            """), "the context averages the keys instead of the values"),
        wrong("ind_returns_swapped", _join(EX5_MASK, """
            weights = ops.softmax(scores, axis=-1)
            return weights, ops.matmul(weights, values)
            """), "returns (weights, context)"),
        wrong("ind_mask_inverted", """
            scores = ops.matmul(queries, ops.transpose(keys, (0, 2, 1)))
            if key_mask is not None:
                padded = ops.cast(key_mask, "bool")[:, None, :]  # read as "true at padding"
                scores = ops.where(padded, -1e9, scores)
            weights = ops.softmax(scores, axis=-1)
            return ops.matmul(weights, values), weights
            """, "the mask read the other way round: the real keys get weight 0"),
        wrong("ind_none_mask_not_handled", """
            scores = ops.matmul(queries, ops.transpose(keys, (0, 2, 1)))
            scores = ops.where(ops.cast(key_mask, "bool")[:, None, :], scores, -1e9)
            weights = ops.softmax(scores, axis=-1)
            return ops.matmul(weights, values), weights
            """, "key_mask=None is not handled: casting None fails"),
        wrong("ind_numpy_results", """
            q, k, v = (np.asarray(ops.convert_to_numpy(x), dtype=np.float64) for x in (queries, keys, values))
            scores = q @ k.transpose(0, 2, 1)
            if key_mask is not None:
                scores = np.where(np.asarray(ops.convert_to_numpy(key_mask)).astype(bool)[:, None, :], scores, -1e9)
            scores = scores - scores.max(-1, keepdims=True)
            weights = np.exp(scores) / np.exp(scores).sum(-1, keepdims=True)
            return weights @ v, weights
            """, "computed in NumPy in float64: NumPy arrays of dtype float64 come back, not keras tensors"),
        correct("ind_einsum_additive_mask", """
            scores = ops.einsum("bqh,bkh->bqk", queries, keys)  # (B, T_y, T_x)
            if key_mask is not None:
                real = ops.cast(key_mask, scores.dtype)  # (B, T_x), 1 at real keys
                scores = scores + (real[:, None, :] - 1.0) * 1e9  # exactly unchanged at real keys
            weights = ops.softmax(scores, axis=-1)
            context = ops.einsum("bqk,bkd->bqd", weights, values)
            return context, weights
            """, "einsum for both products, the mask as an additive -1e9 at padded keys"),
        correct("ind_manual_softmax", """
            scores = ops.matmul(queries, ops.swapaxes(keys, 1, 2))
            if key_mask is None:
                real = ops.ones_like(scores)
            else:
                real = ops.broadcast_to(ops.expand_dims(ops.cast(key_mask, scores.dtype), 1), ops.shape(scores))
            shifted = scores - ops.max(ops.where(real > 0, scores, -1e30), axis=-1, keepdims=True)
            e = ops.where(real > 0, ops.exp(ops.minimum(shifted, 0.0)), 0.0)
            weights = e / ops.sum(e, axis=-1, keepdims=True)
            return ops.matmul(weights, values), weights
            """, "the softmax written by hand: max subtracted over the real keys, exp zeroed at padded ones"),
    ],
}
