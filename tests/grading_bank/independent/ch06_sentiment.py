"""Independent answers for Chapter 6, sentiment analysis (solutions/06-sentiment/sentiment.ipynb).

Wrong and correct answers to every exercise, written from the exercise prompts by someone who
did not write the chapter's tests. Each ``wrong`` answer is a mistake a student makes (data
leaking from validation into training, a tie broken the wrong way, padding that wins a max, an
argument changed in place, a result of the wrong type, a gradient cut off, a division by
zero); each ``correct`` one is written another way and must score full marks. See
:mod:`grading_bank` for the conventions.
"""

import textwrap

from grading_bank import correct, wrong


def _join(*parts: str) -> str:
    """Code pieces written at any indentation, one after the other."""
    return "\n".join(textwrap.dedent(p).strip("\n") for p in parts)


# Exercise 1: a student's loop, one thing changed at a time.
TFIDF = """
scores, pipelines = {}, {}
for C in C_values:
    model = make_pipeline(TfidfVectorizer(ngram_range=(1, 2)), LogisticRegression(C=C, max_iter=1000))
    model.fit(train_texts, train_labels)
    predicted = model.predict(valid_texts)
    scores[C] = float((predicted == np.asarray(valid_labels)).mean())
    pipelines[C] = model
best_C = None
for C in C_values:
    if best_C is None or scores[C] > scores[best_C]:
        best_C = C
return pipelines[best_C], scores
"""


def _tfidf(old: str, new: str) -> str:
    assert old in TFIDF, old
    return TFIDF.replace(old, new)


# Exercise 2's assert.
EX2_ASSERT = """
assert bool(((lengths >= 1) & (lengths <= T)).all()), f"every length must be between 1 and T = {T}"
"""

# Exercise 3: the mask, for the answers that are wrong elsewhere.
EX3_MASK = """
if mode not in ("mean", "max"):
    raise ValueError(f"mode must be 'mean' or 'max', got {mode!r}")
lengths = lengths.to(outputs.device)
real = torch.arange(T, device=outputs.device)[None, :] < lengths[:, None]  # (B, T)
"""
EX3_MEAN = """
if mode == "mean":
    return (outputs * real[:, :, None]).sum(1) / lengths[:, None].to(outputs.dtype)
"""
EX3_MAX = """
return outputs.masked_fill(~real[:, :, None], float("-inf")).max(dim=1).values
"""

# Exercise 5 has two solution regions: (binary_f1, paired_bootstrap).
F1 = """
tp = int(np.sum((y_true == 1) & (y_pred == 1)))
fp = int(np.sum((y_true == 0) & (y_pred == 1)))
fn = int(np.sum((y_true == 1) & (y_pred == 0)))
return 0.0 if tp + fp + fn == 0 else 2 * tp / (2 * tp + fp + fn)
"""
BOOT = """
n = len(y_true)
hit_a = (pred_a == y_true).astype(float)
hit_b = (pred_b == y_true).astype(float)
idx = rng.integers(0, n, size=(n_boot, n))
diffs = hit_a[idx].mean(axis=1) - hit_b[idx].mean(axis=1)
lo, hi = np.percentile(diffs, [100 * (1 - level) / 2, 100 * (1 + level) / 2])
return float(hit_a.mean() - hit_b.mean()), float(lo), float(hi)
"""


def _boot(old: str, new: str) -> str:
    assert old in BOOT, old
    return BOOT.replace(old, new)


BANK = {
    # ------------------------------------------------------------------ Exercise 1
    "ex1-tfidf-baseline": [
        wrong("ind_fit_on_train_and_valid", _tfidf(
            "model.fit(train_texts, train_labels)",
            "model.fit(list(train_texts) + list(valid_texts), np.concatenate([train_labels, valid_labels]))"),
            "fits on the training AND validation texts: the validation score is no longer honest"),
        wrong("ind_unigrams_only", _tfidf("TfidfVectorizer(ngram_range=(1, 2))", "TfidfVectorizer()"),
              "single words only: no bigrams"),
        wrong("ind_last_best_on_tie", _tfidf("scores[C] > scores[best_C]", "scores[C] >= scores[best_C]"),
              "a tie goes to the LAST C with the best score"),
        wrong("ind_scored_on_training_texts", _tfidf(
            "predicted = model.predict(valid_texts)\n    scores[C] = float((predicted == np.asarray(valid_labels)).mean())",
            "predicted = model.predict(train_texts)\n    scores[C] = float((predicted == np.asarray(train_labels)).mean())"),
            "the accuracy on the training texts instead of the validation texts"),
        wrong("ind_score_as_count", _tfidf(
            "scores[C] = float((predicted == np.asarray(valid_labels)).mean())",
            "scores[C] = int((predicted == np.asarray(valid_labels)).sum())"),
            "the number of correct validation predictions (an int), not their share"),
        wrong("ind_best_refit_unfitted", _tfidf(
            "return pipelines[best_C], scores",
            "return make_pipeline(TfidfVectorizer(ngram_range=(1, 2)), LogisticRegression(C=best_C, max_iter=1000)), scores"),
            "returns a NEW pipeline for the best C, never fitted"),
        wrong("ind_returns_last_fitted", _tfidf("return pipelines[best_C], scores", "return model, scores"),
              "returns the pipeline of the last C tried, not the best one"),
        wrong("ind_pops_C_values", TFIDF.replace("for C in C_values:\n    model", "while C_values:\n    C = C_values.pop(0)\n    model", 1).replace(
            "best_C = None\nfor C in C_values:", "best_C = None\nfor C in scores:"),
            "takes the values with C_values.pop(0): the caller's list is emptied"),
        wrong("ind_extends_train_texts_inplace", _join("""
            train_texts += valid_texts  # use every labelled text: extends the caller's list
            train_labels = np.concatenate([train_labels, valid_labels])
            """, TFIDF), "train_texts += valid_texts extends the caller's list in place (and trains on validation)"),
        wrong("ind_scores_list", _tfidf("return pipelines[best_C], scores",
                                        "return pipelines[best_C], [scores[C] for C in C_values]"),
              "the scores as a list, not a dict keyed by C"),
        wrong("ind_C_inverted", _tfidf("LogisticRegression(C=C, max_iter=1000)",
                                       "LogisticRegression(C=1 / C, max_iter=1000)"),
              "passes 1 / C, taking C for the penalty strength"),
        wrong("ind_default_max_iter", _tfidf("LogisticRegression(C=C, max_iter=1000)", "LogisticRegression(C=C)"),
              "max_iter left at 100 instead of the 1000 the prompt asks for"),
        wrong("ind_tuple_swapped", _tfidf("return pipelines[best_C], scores", "return scores, pipelines[best_C]"),
              "returns (scores, best)"),
        correct("ind_pipeline_score_and_max", """
            fitted, scores = {}, {}
            for C in C_values:
                fitted[C] = make_pipeline(TfidfVectorizer(ngram_range=(1, 2)),
                                          LogisticRegression(C=C, max_iter=1000)).fit(train_texts, train_labels)
                scores[C] = float(fitted[C].score(valid_texts, valid_labels))
            return fitted[max(scores, key=scores.get)], scores  # max keeps the first of equal scores
            """, "Pipeline.score (accuracy) and max over the dict, which keeps the first of equal scores"),
        correct("ind_enumerate_argmax", """
            results = []
            for C in C_values:
                pipe = make_pipeline(TfidfVectorizer(ngram_range=(1, 2)), LogisticRegression(C=C, max_iter=1000))
                pipe.fit(train_texts, train_labels)
                accuracy = np.count_nonzero(pipe.predict(valid_texts) == np.asarray(valid_labels)) / len(valid_labels)
                results.append((C, float(accuracy), pipe))
            best_index = int(np.argmax([acc for _, acc, _ in results]))  # the first maximum
            return results[best_index][2], {C: acc for C, acc, _ in results}
            """, "a list of (C, accuracy, pipeline) and np.argmax, which returns the first maximum"),
    ],
    # ------------------------------------------------------------------ Exercise 2
    "ex2-last-real-step": [
        wrong("ind_last_column", _join(EX2_ASSERT, "return outputs[:, -1]"),
              "outputs[:, -1]: the padding of every short sentence"),
        wrong("ind_at_length_not_minus_one", _join(EX2_ASSERT, """
            rows = torch.arange(B, device=outputs.device)
            return outputs[rows, lengths.to(outputs.device).clamp(max=T - 1)]
            """), "indexes at lengths (clamped to T - 1) instead of lengths - 1: the step after the last real one"),
        wrong("ind_sub_inplace", _join(EX2_ASSERT, """
            lengths -= 1  # in place: the caller's lengths change
            rows = torch.arange(B, device=outputs.device)
            return outputs[rows, lengths.to(outputs.device)]
            """), "lengths -= 1 changes the caller's tensor in place"),
        wrong("ind_assert_off_by_one", """
            assert bool(((lengths >= 0) & (lengths < T)).all()), f"every length must be between 0 and T - 1 = {T - 1}"
            rows = torch.arange(B, device=outputs.device)
            return outputs[rows, lengths.to(outputs.device) - 1]
            """, "the assert takes lengths for indices: it rejects a full-length sentence and accepts length 0"),
        wrong("ind_no_assert", """
            rows = torch.arange(B, device=outputs.device)
            return outputs[rows, lengths.to(outputs.device) - 1]
            """, "no assert: length 0 silently reads the last step (index -1)"),
        wrong("ind_gather_unexpanded", _join(EX2_ASSERT, """
            index = (lengths.to(outputs.device) - 1).view(B, 1, 1)
            return outputs.gather(1, index).squeeze(1)  # index not expanded over h: unit 0 only
            """), "torch.gather with an index of shape (B, 1, 1): only the first unit comes back, (B, 1)"),
        wrong("ind_index_axes_swapped", _join(EX2_ASSERT, """
            rows = torch.arange(B, device=outputs.device)
            return outputs[lengths.to(outputs.device) - 1, rows]
            """), "the batch and time indices swapped"),
        wrong("ind_first_step", _join(EX2_ASSERT, "return outputs[:, 0]"),
              "the first step of every sentence, as if the RNN ran backwards"),
        wrong("ind_through_numpy", _join(EX2_ASSERT, """
            picked = to_numpy(outputs)[np.arange(B), to_numpy(lengths) - 1]
            return torch.from_numpy(picked).to(outputs.device)
            """), "picked in NumPy: no gradient reaches outputs"),
        wrong("ind_under_no_grad", _join(EX2_ASSERT, """
            with torch.no_grad():
                rows = torch.arange(B, device=outputs.device)
                picked = outputs[rows, lengths.to(outputs.device) - 1]
            return picked
            """), "under torch.no_grad(): no gradient reaches outputs"),
        correct("ind_python_loop", _join(EX2_ASSERT, """
            return torch.stack([outputs[b, int(lengths[b]) - 1] for b in range(B)])
            """), "a Python loop over the batch and torch.stack: not needed, but the prompt allows it"),
        correct("ind_take_along_dim", _join(EX2_ASSERT, """
            index = (lengths.to(device=outputs.device, dtype=torch.long) - 1).view(B, 1, 1)
            return torch.take_along_dim(outputs, index, dim=1).squeeze(1)  # (B, h)
            """), "torch.take_along_dim, which broadcasts the index over the units"),
        correct("ind_gather_expanded", """
            if not (int(lengths.min()) >= 1 and int(lengths.max()) <= T):
                raise AssertionError(f"lengths must lie between 1 and T = {T}: got {lengths.tolist()}")
            index = (lengths.long().to(outputs.device) - 1)[:, None, None].expand(-1, 1, h)  # (B, 1, h)
            return outputs.gather(dim=1, index=index)[:, 0, :]
            """, "the length check as an explicit raise, torch.gather with an expanded index"),
    ],
    # ------------------------------------------------------------------ Exercise 3
    "ex3-masked-pooling": [
        wrong("ind_mean_divides_by_T", _join(EX3_MASK, """
            if mode == "mean":
                return (outputs * real[:, :, None]).sum(1) / T
            """, EX3_MAX), "the mean divides the sum of the real steps by T, not by the length"),
        wrong("ind_mean_includes_padding", _join(EX3_MASK, """
            if mode == "mean":
                return outputs.mean(dim=1)
            """, EX3_MAX), "the mean over every step, padding included"),
        wrong("ind_max_padding_zero", _join(EX3_MASK, EX3_MEAN, """
            return outputs.masked_fill(~real[:, :, None], 0.0).max(dim=1).values
            """), "padding filled with 0 before the max: it wins when every real value is negative"),
        wrong("ind_max_multiplied_by_mask", _join(EX3_MASK, EX3_MEAN, """
            return (outputs * real[:, :, None]).max(dim=1).values
            """), "outputs times the mask: padded steps become 0 and win over negative values"),
        wrong("ind_max_times_inf_mask", _join(EX3_MASK, EX3_MEAN, """
            scale = torch.where(real, 1.0, float("-inf"))[:, :, None]  # 1 at real steps, -inf at padding
            return (outputs * scale).max(dim=1).values
            """), "multiplies by -inf instead of filling: a negative padded value times -inf is +inf and wins"),
        wrong("ind_no_value_error", """
            lengths = lengths.to(outputs.device)
            real = torch.arange(T, device=outputs.device)[None, :] < lengths[:, None]
            if mode == "mean":
                return (outputs * real[:, :, None]).sum(1) / lengths[:, None].to(outputs.dtype)
            return outputs.masked_fill(~real[:, :, None], float("-inf")).max(dim=1).values
            """, "any mode other than 'mean' silently gives the max: no ValueError"),
        wrong("ind_mode_case_insensitive", _join("""
            mode = mode.lower().strip()
            """, EX3_MASK, EX3_MEAN, EX3_MAX), "'MEAN' or ' max ' accepted silently: the prompt allows only "
                                               "'mean' and 'max'"),
        wrong("ind_mask_off_by_one", _join("""
            if mode not in ("mean", "max"):
                raise ValueError(f"mode must be 'mean' or 'max', got {mode!r}")
            lengths = lengths.to(outputs.device)
            real = torch.arange(T, device=outputs.device)[None, :] <= lengths[:, None]  # one step too many
            """, EX3_MEAN, EX3_MAX), "t <= lengths[b]: the first padded step counts as real"),
        wrong("ind_masked_fill_inplace", _join(EX3_MASK, """
            outputs.masked_fill_(~real[:, :, None], 0.0)  # the caller's tensor
            if mode == "mean":
                return outputs.sum(1) / lengths[:, None].to(outputs.dtype)
            return outputs.masked_fill(~real[:, :, None], float("-inf")).max(dim=1).values
            """), "masked_fill_ zeroes the caller's padded outputs in place"),
        wrong("ind_lengths_unsqueeze_inplace", """
            if mode not in ("mean", "max"):
                raise ValueError(f"mode must be 'mean' or 'max', got {mode!r}")
            lengths.unsqueeze_(1)  # (B, 1), in the caller's tensor
            real = torch.arange(T, device=outputs.device)[None, :] < lengths.to(outputs.device)  # (B, T)
            if mode == "mean":
                return (outputs * real[:, :, None]).sum(1) / lengths.to(outputs.device, outputs.dtype)
            return outputs.masked_fill(~real[:, :, None], float("-inf")).max(dim=1).values
            """, "unsqueeze_ changes the shape of the caller's lengths in place"),
        wrong("ind_max_returns_namedtuple", _join(EX3_MASK, EX3_MEAN, """
            return outputs.masked_fill(~real[:, :, None], float("-inf")).max(dim=1)
            """), "returns max()'s (values, indices) pair instead of the values"),
        wrong("ind_error_message_without_modes", """
            if mode not in ("mean", "max"):
                raise ValueError("unknown pooling")
            lengths = lengths.to(outputs.device)
            real = torch.arange(T, device=outputs.device)[None, :] < lengths[:, None]
            if mode == "mean":
                return (outputs * real[:, :, None]).sum(1) / lengths[:, None].to(outputs.dtype)
            return outputs.masked_fill(~real[:, :, None], float("-inf")).max(dim=1).values
            """, "the ValueError's message does not name the allowed modes"),
        wrong("ind_detached", _join(EX3_MASK, """
            if mode == "mean":
                return ((outputs * real[:, :, None]).sum(1) / lengths[:, None].to(outputs.dtype)).detach()
            return outputs.masked_fill(~real[:, :, None], float("-inf")).max(dim=1).values.detach()
            """), "detach(): no gradient reaches outputs"),
        correct("ind_log_mask_and_einsum", _join(EX3_MASK, """
            weights = real.to(outputs.dtype)  # (B, T), 1 at real steps
            if mode == "mean":
                return torch.einsum("bt,bth->bh", weights, outputs) / weights.sum(1, keepdim=True)
            return (outputs + torch.log(weights)[:, :, None]).amax(dim=1)  # log 0 = -inf at padding
            """), "einsum for the masked sum; -inf added at padding as log(mask), then amax"),
        correct("ind_where_and_keepdim", """
            if mode == "mean":
                pass
            elif mode != "max":
                raise ValueError(f"unknown mode {mode!r}: use 'mean' or 'max'")
            steps = torch.arange(T, device=outputs.device).expand(B, T)
            real = (steps < lengths.to(outputs.device).unsqueeze(1)).unsqueeze(2)  # (B, T, 1)
            if mode == "mean":
                zero = torch.zeros((), dtype=outputs.dtype, device=outputs.device)
                return torch.where(real, outputs, zero).sum(1) / real.sum(1).to(outputs.dtype)
            low = torch.full((), float("-inf"), dtype=outputs.dtype, device=outputs.device)
            return torch.where(real, outputs, low).max(1)[0]
            """, "torch.where with scalar tensors, the count of real steps from the mask itself"),
    ],
    # ------------------------------------------------------------------ Exercise 4
    "ex4-masked-max-pooling": [
        wrong("ind_padding_zero", """
            if mask is None:
                return ops.max(inputs, axis=1)
            real = ops.expand_dims(ops.cast(mask, "bool"), axis=-1)
            return ops.max(ops.where(real, inputs, 0.0), axis=1)
            """, "padded steps set to 0: they win when every real value is negative"),
        wrong("ind_mask_ignored", "return ops.max(inputs, axis=1)",
              "the mask is ignored: the max runs over the padding too"),
        wrong("ind_none_mask_crashes", """
            real = ops.expand_dims(ops.cast(mask, "bool"), axis=-1)
            return ops.max(ops.where(real, inputs, float("-inf")), axis=1)
            """, "mask=None is not handled: casting None fails"),
        wrong("ind_multiply_by_mask", """
            if mask is None:
                return ops.max(inputs, axis=1)
            return ops.max(inputs * ops.expand_dims(ops.cast(mask, inputs.dtype), -1), axis=1)
            """, "inputs times the mask: padded steps become 0 and win over negative values"),
        wrong("ind_max_over_units", """
            if mask is None:
                return ops.max(inputs, axis=-1)
            real = ops.expand_dims(ops.cast(mask, "bool"), axis=-1)
            return ops.max(ops.where(real, inputs, float("-inf")), axis=-1)
            """, "the max over the units (axis -1) instead of over time: (B, T) out"),
        wrong("ind_mask_inverted", """
            if mask is None:
                return ops.max(inputs, axis=1)
            padded = ops.expand_dims(ops.cast(mask, "bool"), axis=-1)  # read as true at padding
            return ops.max(ops.where(padded, float("-inf"), inputs), axis=1)
            """, "the mask read the other way round: the real steps are removed"),
        wrong("ind_mask_expanded_on_time_axis", """
            if mask is None:
                return ops.max(inputs, axis=1)
            real = ops.expand_dims(ops.cast(mask, "bool"), axis=1)  # (B, 1, T): the wrong axis
            return ops.max(ops.where(real, inputs, float("-inf")), axis=1)
            """, "the mask expanded to (B, 1, T) instead of (B, T, 1)"),
        wrong("ind_numpy_in_call", """
            x = np.asarray(inputs)
            if mask is not None:
                x = np.where(np.asarray(mask, dtype=bool)[:, :, None], x, -np.inf)
            return x.max(axis=1)
            """, "NumPy inside call: fails on symbolic tensors in a model, and returns a NumPy array"),
        wrong("ind_masked_mean", """
            if mask is None:
                return ops.mean(inputs, axis=1)
            m = ops.expand_dims(ops.cast(mask, inputs.dtype), axis=-1)
            return ops.sum(inputs * m, axis=1) / ops.sum(m, axis=1)
            """, "a masked mean instead of the maximum"),
        wrong("ind_min_instead_of_max", """
            if mask is None:
                return ops.min(inputs, axis=1)
            real = ops.expand_dims(ops.cast(mask, "bool"), axis=-1)
            return ops.min(ops.where(real, inputs, float("inf")), axis=1)
            """, "the minimum over the real steps"),
        correct("ind_full_like_amax", """
            if mask is not None:
                keep = ops.cast(ops.expand_dims(mask, -1), "bool")  # (B, T, 1)
                inputs = ops.where(keep, inputs, ops.full_like(inputs, -float("inf")))
            return ops.amax(inputs, axis=1)
            """, "ops.full_like for the -inf and ops.amax"),
        correct("ind_big_negative_shift", """
            if mask is None:
                return ops.max(inputs, axis=1)
            pad = 1.0 - ops.cast(ops.expand_dims(mask, axis=2), inputs.dtype)  # 1 at padded steps
            return ops.max(inputs - pad * 3.0e38, axis=1)  # real values unchanged, padding near -inf
            """, "the padded steps shifted down by 3e38, about float32's largest value"),
    ],
    # ------------------------------------------------------------------ Exercise 5
    "ex5-evaluation": [
        wrong("ind_f1_nan_without_positives", ("""
            tp = np.sum((y_true == 1) & (y_pred == 1))
            fp = np.sum((y_true == 0) & (y_pred == 1))
            fn = np.sum((y_true == 1) & (y_pred == 0))
            with np.errstate(invalid="ignore", divide="ignore"):
                return float(np.float64(2 * tp) / (2 * tp + fp + fn))
            """, BOOT), "no guard: 0 / 0 gives nan when there is no positive anywhere"),
        wrong("ind_f1_is_accuracy", ("return float(np.mean(y_true == y_pred))", BOOT),
              "returns the accuracy instead of F1"),
        wrong("ind_f1_negative_class", ("""
            tp = np.sum((y_true == 0) & (y_pred == 0))
            fp = np.sum((y_true == 1) & (y_pred == 0))
            fn = np.sum((y_true == 0) & (y_pred == 1))
            return float(2 * tp / (2 * tp + fp + fn)) if tp + fp + fn > 0 else 0.0
            """, BOOT), "F1 of class 0 instead of class 1"),
        wrong("ind_f1_floor_division", ("""
            tp = int(np.sum((y_true == 1) & (y_pred == 1)))
            fp = int(np.sum((y_true == 0) & (y_pred == 1)))
            fn = int(np.sum((y_true == 1) & (y_pred == 0)))
            return 2 * tp // (2 * tp + fp + fn) if tp + fp + fn else 0
            """, BOOT), "integer division: an int, 0 unless the predictions are perfect"),
        wrong("ind_f1_bincount_inplace", ("""
            y_true += 2 * y_pred  # 0 TN, 1 FN, 2 FP, 3 TP: in the caller's array
            tn, fn, fp, tp = np.bincount(y_true.astype(int), minlength=4)
            return float(2 * tp / (2 * tp + fp + fn)) if tp + fp + fn > 0 else 0.0
            """, BOOT), "codes the confusion matrix into the caller's y_true in place"),
        wrong("ind_f1_mean_of_precision_recall", ("""
            tp = np.sum((y_true == 1) & (y_pred == 1))
            predicted, actual = np.sum(y_pred == 1), np.sum(y_true == 1)
            if predicted + actual == 0:
                return 0.0
            precision = tp / predicted if predicted else 0.0
            recall = tp / actual if actual else 0.0
            return float((precision + recall) / 2)
            """, BOOT), "the arithmetic mean of precision and recall instead of their harmonic mean"),
        wrong("ind_boot_unpaired", (F1, _boot(
            "diffs = hit_a[idx].mean(axis=1) - hit_b[idx].mean(axis=1)",
            "idx_b = rng.integers(0, n, size=(n_boot, n))\n"
            "diffs = hit_a[idx].mean(axis=1) - hit_b[idx_b].mean(axis=1)")),
            "draws separate indices for pred_b: an unpaired bootstrap, far too wide"),
        wrong("ind_boot_percentiles_wrong", (F1, _boot(
            "[100 * (1 - level) / 2, 100 * (1 + level) / 2]", "[100 * (1 - level), 100 * level]")),
            "percentiles 100(1 - level) and 100 level: a 90% interval for level=0.95"),
        wrong("ind_boot_idx_transposed", (F1, _boot(
            "idx = rng.integers(0, n, size=(n_boot, n))\ndiffs = hit_a[idx].mean(axis=1) - hit_b[idx].mean(axis=1)",
            "idx = rng.integers(0, n, size=(n, n_boot))\ndiffs = hit_a[idx].mean(axis=0) - hit_b[idx].mean(axis=0)")),
            "size=(n, n_boot): other resamples than the prompt's draws"),
        wrong("ind_boot_percentile_fractions", (F1, _boot(
            "[100 * (1 - level) / 2, 100 * (1 + level) / 2]", "[(1 - level) / 2, (1 + level) / 2]")),
            "np.percentile given fractions (0.025, 0.975) as if it were np.quantile: both bounds near the minimum"),
        wrong("ind_boot_diff_is_mean_of_resamples", (F1, _boot(
            "return float(hit_a.mean() - hit_b.mean()), float(lo), float(hi)",
            "return float(diffs.mean()), float(lo), float(hi)")),
            "diff is the mean of the bootstrap differences, not the difference on all n examples"),
        wrong("ind_boot_hits_inplace", (F1, """
            n = len(y_true)
            pred_a[:] = pred_a == y_true  # reuse the arrays for the hits: the caller's predictions change
            pred_b[:] = pred_b == y_true
            idx = rng.integers(0, n, size=(n_boot, n))
            diffs = pred_a[idx].mean(axis=1) - pred_b[idx].mean(axis=1)
            lo, hi = np.percentile(diffs, [100 * (1 - level) / 2, 100 * (1 + level) / 2])
            return float(pred_a.mean() - pred_b.mean()), float(lo), float(hi)
            """), "stores the hits in the caller's pred_a and pred_b in place"),
        wrong("ind_boot_returns_array", (F1, _boot(
            "return float(hit_a.mean() - hit_b.mean()), float(lo), float(hi)",
            "return hit_a.mean() - hit_b.mean(), np.array([lo, hi])")),
            "returns (diff, array([lo, hi])): two items, not three floats"),
        wrong("ind_boot_b_minus_a", (F1, _boot(
            "diffs = hit_a[idx].mean(axis=1) - hit_b[idx].mean(axis=1)",
            "diffs = hit_b[idx].mean(axis=1) - hit_a[idx].mean(axis=1)").replace(
            "float(hit_a.mean() - hit_b.mean())", "float(hit_b.mean() - hit_a.mean())")),
            "pred_b minus pred_a"),
        wrong("ind_boot_default_level", """
            def binary_f1(y_true, y_pred):
                y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
                check_shape(y_pred, y_true.shape, "y_pred (the shape of y_true)")
                tp = int(np.sum((y_true == 1) & (y_pred == 1)))
                fp = int(np.sum((y_true == 0) & (y_pred == 1)))
                fn = int(np.sum((y_true == 1) & (y_pred == 0)))
                return 0.0 if tp + fp + fn == 0 else 2 * tp / (2 * tp + fp + fn)


            def paired_bootstrap(y_true, pred_a, pred_b, rng, n_boot=1000, level=0.9):
                y_true, pred_a, pred_b = np.asarray(y_true), np.asarray(pred_a), np.asarray(pred_b)
                n = len(y_true)
                hit_a, hit_b = (pred_a == y_true).astype(float), (pred_b == y_true).astype(float)
                idx = rng.integers(0, n, size=(n_boot, n))
                diffs = hit_a[idx].mean(axis=1) - hit_b[idx].mean(axis=1)
                lo, hi = np.percentile(diffs, [100 * (1 - level) / 2, 100 * (1 + level) / 2])
                return float(hit_a.mean() - hit_b.mean()), float(lo), float(hi)
            """, "the default level is 0.9 instead of 0.95", whole_cell=True),
        correct("ind_harmonic_mean_and_quantile", ("""
            positives_predicted = int((y_pred == 1).sum())
            positives_true = int((y_true == 1).sum())
            tp = int(((y_pred == 1) & (y_true == 1)).sum())
            if positives_predicted + positives_true == 0:
                return 0.0
            if tp == 0:
                return 0.0
            precision, recall = tp / positives_predicted, tp / positives_true
            return float(2 * precision * recall / (precision + recall))
            """, """
            n = y_true.shape[0]
            gain = (pred_a == y_true).astype(np.int64) - (pred_b == y_true).astype(np.int64)  # -1, 0, 1
            idx = rng.integers(0, n, size=(n_boot, n))
            diffs = np.take(gain, idx).mean(axis=1)
            lo, hi = np.quantile(diffs, [(1 - level) / 2, (1 + level) / 2])
            return float(gain.mean()), float(lo), float(hi)
            """), "F1 as the harmonic mean of precision and recall; the bootstrap of the per-example "
                  "difference, np.take and np.quantile"),
    ],
}
