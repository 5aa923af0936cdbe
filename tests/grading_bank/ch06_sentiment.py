"""Answer bank for Chapter 6, sentiment (solutions/06-sentiment/sentiment.ipynb).

Each entry replaces the solution region of the exercise's answer cell; see
:mod:`grading_bank` for the conventions and what is demanded of each kind.
"""

from grading_bank import correct, forbidden, wrong


# The common loop of Exercise 1's wrong answers.
def _baseline(vectorizer: str = "TfidfVectorizer(ngram_range=(1, 2))",
              fit: str = "pipeline.fit(train_texts, train_labels)",
              score: str = "float(np.mean(pipeline.predict(valid_texts) == np.asarray(valid_labels)))",
              better: str = "scores[C] > best_score") -> str:
    return ("scores, best, best_score = {}, None, -1.0\n"
            "for C in C_values:\n"
            f"    pipeline = make_pipeline({vectorizer}, LogisticRegression(C=C, max_iter=1000))\n"
            f"    {fit}\n"
            f"    scores[C] = {score}\n"
            f"    if {better}:\n"
            "        best, best_score = pipeline, scores[C]\n"
            "return best, scores\n")


CHECK_LENGTHS = ('assert bool(((lengths >= 1) & (lengths <= T)).all()), '
                 '"every length should be between 1 and T"\n')

# Exercise 5: the instructor's two functions, to pair a wrong one with a right one.
F1_RIGHT = '''tp = np.sum((y_pred == 1) & (y_true == 1))
fp = np.sum((y_pred == 1) & (y_true == 0))
fn = np.sum((y_pred == 0) & (y_true == 1))
return float(2 * tp / (2 * tp + fp + fn)) if tp + fp + fn > 0 else 0.0
'''


def _bootstrap(draw: str = "idx = rng.integers(0, n, size=(n_boot, n))",
               diffs: str = "diffs = right_a[idx].mean(axis=1) - right_b[idx].mean(axis=1)",
               bounds: str = "lo, hi = np.percentile(diffs, [100 * (1 - level) / 2, 100 * (1 + level) / 2])",
               ret: str = "return float(right_a.mean() - right_b.mean()), float(lo), float(hi)") -> str:
    return ("n = len(y_true)\nright_a, right_b = pred_a == y_true, pred_b == y_true\n"
            f"{draw}\n{diffs}\n{bounds}\n{ret}\n")


BOOTSTRAP_RIGHT = _bootstrap()

BANK = {
    # ------------------------------------------------------------------ Exercise 1
    "ex1-tfidf-baseline": [
        wrong("unigrams-only", _baseline(vectorizer="TfidfVectorizer()"),
              "no word bigrams: ngram_range left at (1, 1)"),
        wrong("count-vectorizer", _baseline(vectorizer="CountVectorizer(ngram_range=(1, 2))"),
              "raw counts instead of TF-IDF"),
        wrong("fit-on-train-and-valid",
              _baseline(fit="pipeline.fit(list(train_texts) + list(valid_texts), "
                            "np.concatenate([train_labels, valid_labels]))"),
              "fitted on the training and validation texts: validation-only words in the vocabulary"),
        wrong("scored-on-train",
              _baseline(score="float(np.mean(pipeline.predict(train_texts) == np.asarray(train_labels)))"),
              "C chosen by training accuracy"),
        wrong("last-best-on-ties", _baseline(better="scores[C] >= best_score"),
              "a tie goes to the later C"),
        wrong("last-pipeline", _baseline(better="True"), "returns the last C's pipeline, whatever its score"),
        wrong("accuracy-in-percent",
              _baseline(score="100.0 * np.mean(pipeline.predict(valid_texts) == np.asarray(valid_labels))"),
              "scores in percent instead of a share"),
        wrong("swapped-result", _baseline().replace("return best, scores", "return scores, best"),
              "returns (scores, best): the prompt's order is (best, scores)"),
        correct("score-and-argmax", """
            fitted = []
            for C in C_values:
                model = make_pipeline(TfidfVectorizer(ngram_range=(1, 2)),
                                      LogisticRegression(C=C, max_iter=1000))
                fitted.append(model.fit(train_texts, train_labels))
            scores = {C: model.score(valid_texts, valid_labels) for C, model in zip(C_values, fitted)}
            accuracies = list(scores.values())
            return fitted[accuracies.index(max(accuracies))], scores
            """, "fit everything, then Pipeline.score and list.index of the maximum"),
        correct("explicit-steps", """
            from sklearn.pipeline import Pipeline

            scores, best = {}, None
            for C in C_values:
                pipe = Pipeline([("tfidf", TfidfVectorizer(ngram_range=(1, 2))),
                                 ("lr", LogisticRegression(C=C, max_iter=1000))])
                pipe.fit(list(train_texts), np.asarray(train_labels))
                predictions = pipe.predict(list(valid_texts))
                scores[C] = float((predictions == np.asarray(valid_labels)).sum() / len(valid_labels))
                if best is None or scores[C] > max(v for c, v in scores.items() if c != C):
                    best = pipe
            return best, scores
            """, "a named Pipeline, counts divided by the length"),
        forbidden("sentiment-reference",
                  "return sentiment.tfidf_baseline(train_texts, train_labels, valid_texts, valid_labels, "
                  "C_values)", "the course's reference"),
        forbidden("from-import-alias", """
            from course_utils.sentiment import tfidf_baseline as fit_and_choose
            return fit_and_choose(train_texts, train_labels, valid_texts, valid_labels, C_values)
            """, "the reference under another name"),
    ],
    # ------------------------------------------------------------------ Exercise 2
    "ex2-last-real-step": [
        wrong("last-position", "return outputs[:, -1]", "the lecture's out[:, -1]: the padding is read"),
        wrong("off-by-one", CHECK_LENGTHS + "return outputs[torch.arange(B), (lengths % T)]",
              "lengths instead of lengths - 1"),
        wrong("column-per-length", CHECK_LENGTHS + "return outputs[:, lengths - 1]",
              "every sentence's rows at every length: (B, B, h)"),
        wrong("longest-length", CHECK_LENGTHS + "return outputs[:, int(lengths.max()) - 1]",
              "the step of the longest sentence for every row"),
        wrong("no-length-check", "return outputs[torch.arange(B), (lengths - 1).clamp(0, T - 1)]",
              "no assertion: lengths out of range are clamped silently"),
        wrong("first-step", CHECK_LENGTHS + "return outputs[:, 0]", "the first step"),
        wrong("lengths-decremented-in-place",
              CHECK_LENGTHS + "lengths -= 1  # the caller's lengths\nreturn outputs[torch.arange(B), lengths]\n",
              "lengths -= 1 changes the caller's tensor: the right rows, but the caller's lengths are gone"),
        wrong("through-numpy",
              CHECK_LENGTHS + "picked = outputs.detach().cpu().numpy()[np.arange(B), lengths.cpu().numpy() - 1]\n"
                              "return torch.as_tensor(picked, device=outputs.device)\n",
              "the right values through NumPy: no gradient reaches outputs, so the RNN under it cannot train"),
        correct("loop-over-batch", """
            assert all(1 <= int(n) <= T for n in lengths), f"lengths should be in [1, {T}]"
            return torch.stack([outputs[b, int(lengths[b]) - 1] for b in range(B)])  # (B, h)
            """, "a Python loop over the batch and torch.stack"),
        correct("gather", """
            if lengths.min() < 1 or lengths.max() > T:
                raise AssertionError(f"lengths must be in [1, {T}]")
            index = (lengths.to(outputs.device) - 1).view(B, 1, 1).expand(B, 1, h)  # (B, 1, h)
            return torch.gather(outputs, 1, index).squeeze(1)
            """, "torch.gather along the time axis"),
        correct("one-hot-sum", """
            assert torch.all(lengths >= 1) and torch.all(lengths <= T), "lengths out of range"
            pick = torch.nn.functional.one_hot(lengths.to(outputs.device) - 1, T).to(outputs.dtype)  # (B, T)
            return torch.einsum("bt,bth->bh", pick, outputs)
            """, "a one-hot selection and einsum"),
        forbidden("ctorch-reference", "return ctorch.last_real_step(outputs, lengths)", "the course's reference"),
    ],
    # ------------------------------------------------------------------ Exercise 3
    "ex3-masked-pooling": [
        wrong("mean-over-T", """
            if mode not in ("mean", "max"):
                raise ValueError(mode)
            if mode == "mean":
                return outputs.mean(dim=1)
            real = torch.arange(T)[None, :] < lengths[:, None]
            return outputs.masked_fill(~real[:, :, None], float("-inf")).max(dim=1).values
            """, "the mean over every position, padding included"),
        wrong("sum-over-T", """
            if mode not in ("mean", "max"):
                raise ValueError(mode)
            real = torch.arange(T)[None, :] < lengths[:, None]
            if mode == "mean":
                return (outputs * real[:, :, None]).sum(dim=1) / T
            return outputs.masked_fill(~real[:, :, None], float("-inf")).max(dim=1).values
            """, "the masked sum divided by T instead of the length"),
        wrong("max-with-zeros", """
            if mode not in ("mean", "max"):
                raise ValueError(mode)
            real = (torch.arange(T)[None, :] < lengths[:, None])[:, :, None]
            if mode == "mean":
                return (outputs * real).sum(dim=1) / lengths[:, None]
            return (outputs * real).max(dim=1).values
            """, "padding zeroed instead of -inf: a 0 wins over negative values"),
        wrong("max-unmasked", """
            if mode not in ("mean", "max"):
                raise ValueError(mode)
            real = torch.arange(T)[None, :] < lengths[:, None]
            if mode == "mean":
                return (outputs * real[:, :, None]).sum(dim=1) / lengths[:, None]
            return outputs.max(dim=1).values
            """, "max over every position"),
        wrong("no-value-error", """
            real = torch.arange(T)[None, :] < lengths[:, None]
            if mode == "mean":
                return (outputs * real[:, :, None]).sum(dim=1) / lengths[:, None]
            return outputs.masked_fill(~real[:, :, None], float("-inf")).max(dim=1).values
            """, "any mode but 'mean' gives the max: no ValueError"),
        wrong("masked-fill-in-place", """
            if mode not in ("mean", "max"):
                raise ValueError(f"mode should be 'mean' or 'max', got {mode!r}")
            real = torch.arange(T)[None, :] < lengths[:, None]  # (B, T)
            if mode == "mean":
                outputs.masked_fill_(~real[:, :, None], 0.0)  # the caller's outputs
                return outputs.sum(dim=1) / lengths[:, None]
            return outputs.masked_fill_(~real[:, :, None], float("-inf")).max(dim=1).values
            """, "masked_fill_ writes the padding of the caller's outputs: right values, outputs changed"),
        wrong("calls-last-real-step", """
            if mode not in ("mean", "max"):
                raise ValueError(f"mode should be 'mean' or 'max', got {mode!r}")
            real = torch.arange(T)[None, :] < lengths[:, None]  # (B, T)
            if mode == "mean":
                return last_real_step(outputs.cumsum(dim=1), lengths) / lengths[:, None]
            return outputs.masked_fill(~real[:, :, None], float("-inf")).max(dim=1).values
            """, "the mean through Exercise 2's function, which the prompt forbids",
              prelude="""
            def last_real_step(outputs, lengths):
                return outputs[torch.arange(outputs.shape[0]), lengths - 1]
            """),
        correct("loop-over-batch", """
            if mode not in ("mean", "max"):
                raise ValueError(f"mode should be 'mean' or 'max', got {mode!r}")
            pool = torch.mean if mode == "mean" else torch.amax
            return torch.stack([pool(outputs[b, : int(lengths[b])], dim=0) for b in range(B)])
            """, "a Python loop over the batch on each sentence's real steps"),
        correct("where-and-amax", """
            if mode != "mean" and mode != "max":
                raise ValueError("mode must be 'mean' or 'max'")
            steps = torch.arange(T, device=outputs.device).expand(B, T)
            keep = (steps < lengths.to(outputs.device).unsqueeze(1)).unsqueeze(2)  # (B, T, 1)
            if mode == "max":
                return torch.where(keep, outputs, torch.full_like(outputs, float("-inf"))).amax(dim=1)
            total = torch.where(keep, outputs, torch.zeros_like(outputs)).sum(dim=1)
            return total / keep.sum(dim=1).to(outputs.dtype)
            """, "torch.where, amax and the mask's count"),
        correct("cumsum-trick", """
            if mode not in {"mean", "max"}:
                raise ValueError(f"unknown mode {mode}: use 'mean' or 'max'")
            lengths = lengths.to(outputs.device)
            real = torch.arange(T, device=outputs.device)[None] < lengths[:, None]  # (B, T)
            if mode == "mean":
                rows = torch.arange(B, device=outputs.device)
                return outputs.cumsum(dim=1)[rows, lengths - 1] / lengths[:, None].float()
            lowest = torch.finfo(outputs.dtype).min
            return outputs.masked_fill(~real.unsqueeze(-1), lowest).max(dim=1)[0]
            """, "a running sum read at the last real step; the dtype's lowest value for padding"),
        forbidden("ctorch-reference", "return ctorch.masked_pooling(outputs, lengths, mode)",
                  "the course's reference"),
    ],
    # ------------------------------------------------------------------ Exercise 4
    "ex4-masked-max-pooling": [
        wrong("ignores-mask", "return ops.max(inputs, axis=1)", "GlobalMaxPooling1D's behaviour: the mask unused"),
        wrong("zeros-for-padding", """
            if mask is None:
                return ops.max(inputs, axis=1)
            return ops.max(inputs * ops.expand_dims(ops.cast(mask, inputs.dtype), -1), axis=1)
            """, "padding multiplied by 0: a 0 wins over negative values"),
        wrong("mean-instead", """
            if mask is None:
                return ops.mean(inputs, axis=1)
            weights = ops.expand_dims(ops.cast(mask, inputs.dtype), -1)
            return ops.sum(inputs * weights, axis=1) / ops.sum(weights, axis=1)
            """, "a masked mean"),
        wrong("crashes-without-mask", """
            real = ops.expand_dims(ops.cast(mask, "bool"), axis=-1)
            return ops.max(ops.where(real, inputs, float("-inf")), axis=1)
            """, "fails when mask is None"),
        wrong("wrong-axis", """
            if mask is None:
                return ops.max(inputs, axis=-1)
            real = ops.expand_dims(ops.cast(mask, "bool"), axis=-1)
            return ops.max(ops.where(real, inputs, float("-inf")), axis=-1)
            """, "max over the units instead of the steps: (B, T)"),
        wrong("keeps-time-axis", """
            if mask is None:
                return ops.max(inputs, axis=1, keepdims=True)
            real = ops.expand_dims(ops.cast(mask, "bool"), axis=-1)
            return ops.max(ops.where(real, inputs, float("-inf")), axis=1, keepdims=True)
            """, "keepdims=True: (B, 1, h) instead of (B, h)"),
        correct("large-negative", """
            if mask is not None:
                keep = ops.cast(ops.expand_dims(mask, 2), inputs.dtype)  # (B, T, 1)
                inputs = inputs * keep + (1.0 - keep) * (-1e9)
            return ops.max(inputs, axis=1)
            """, "arithmetic masking with -1e9"),
        correct("tensorflow-ops", """
            if mask is None:
                return tf.reduce_max(inputs, axis=1)
            neg = tf.fill(tf.shape(inputs), tf.constant(float("-inf"), dtype=inputs.dtype))
            return tf.reduce_max(tf.where(tf.cast(mask, tf.bool)[:, :, None], inputs, neg), axis=1)
            """, "TensorFlow's own ops"),
        forbidden("ckeras-reference", "return ckeras.MaskedMaxPooling()(inputs, mask=mask)",
                  "the course's reference"),
    ],
    # ------------------------------------------------------------------ Exercise 5
    "ex5-evaluation": [
        wrong("f1-is-accuracy", ("return float(np.mean(y_true == y_pred))", BOOTSTRAP_RIGHT),
              "accuracy instead of F1"),
        wrong("f1-negative-class", ('''
            tp = np.sum((y_pred == 0) & (y_true == 0))
            fp = np.sum((y_pred == 0) & (y_true == 1))
            fn = np.sum((y_pred == 1) & (y_true == 0))
            return float(2 * tp / (2 * tp + fp + fn)) if tp + fp + fn > 0 else 0.0
            ''', BOOTSTRAP_RIGHT), "F1 of the negative class"),
        wrong("f1-divides-by-zero", ('''
            tp = np.sum((y_pred == 1) & (y_true == 1))
            precision = tp / np.sum(y_pred == 1)
            recall = tp / np.sum(y_true == 1)
            return float(2 * precision * recall / (precision + recall))
            ''', BOOTSTRAP_RIGHT), "precision and recall without the zero case: nan"),
        wrong("unpaired", (F1_RIGHT, _bootstrap(
            draw="idx = rng.integers(0, n, size=(n_boot, n))\nidx_b = rng.integers(0, n, size=(n_boot, n))",
            diffs="diffs = right_a[idx].mean(axis=1) - right_b[idx_b].mean(axis=1)")),
              "a and b resampled separately: not paired"),
        wrong("fixed-95", (F1_RIGHT, _bootstrap(bounds="lo, hi = np.percentile(diffs, [2.5, 97.5])")),
              "level ignored"),
        wrong("b-minus-a", (F1_RIGHT, _bootstrap(
            diffs="diffs = right_b[idx].mean(axis=1) - right_a[idx].mean(axis=1)",
            ret="return float(right_b.mean() - right_a.mean()), float(lo), float(hi)")),
              "the difference the other way round"),
        wrong("permutation", (F1_RIGHT, _bootstrap(
            draw="idx = np.stack([rng.permutation(n) for _ in range(n_boot)])")),
              "resamples without replacement: every 'resample' is the whole test set"),
        wrong("nan-without-predicted-positives", ('''
            tp = np.sum((y_pred == 1) & (y_true == 1))
            fp = np.sum((y_pred == 1) & (y_true == 0))
            fn = np.sum((y_pred == 0) & (y_true == 1))
            if tp + fp + fn == 0:
                return 0.0
            precision, recall = tp / (tp + fp), tp / (tp + fn)
            return float(2 * precision * recall / (precision + recall))
            ''', BOOTSTRAP_RIGHT), "precision and recall: nan when nothing is predicted positive or TP = 0"),
        wrong("int-zero", ('''
            tp = np.sum((y_pred == 1) & (y_true == 1))
            fp = np.sum((y_pred == 1) & (y_true == 0))
            fn = np.sum((y_pred == 0) & (y_true == 1))
            return float(2 * tp / (2 * tp + fp + fn)) if tp + fp + fn > 0 else 0
            ''', BOOTSTRAP_RIGHT), "the int 0, not the float 0.0, when there is no positive at all"),
        wrong("sklearn-f1", ('''
            from sklearn.metrics import f1_score

            return float(f1_score(y_true, y_pred, zero_division=0.0))
            ''', BOOTSTRAP_RIGHT), "sklearn.metrics.f1_score, which the prompt rules out"),
        wrong("float32-results", (F1_RIGHT, _bootstrap(
            diffs="diffs = (right_a[idx].astype(np.float32).mean(axis=1) - "
                  "right_b[idx].astype(np.float32).mean(axis=1))",
            ret="return (right_a.astype(np.float32).mean() - right_b.astype(np.float32).mean()), lo, hi")),
              "NumPy float32 scalars instead of Python floats"),
        correct("float64-scalars", ('''
            predicted, actual = y_pred == 1, y_true == 1
            denominator = predicted.sum() + actual.sum()
            return np.float64(0.0) if denominator == 0 else 2 * (predicted & actual).sum() / denominator
            ''', '''
            n = len(y_true)
            right_a, right_b = (pred_a == y_true).astype(np.float64), (pred_b == y_true).astype(np.float64)
            idx = rng.integers(0, n, size=(n_boot, n))
            diffs = right_a[idx].mean(axis=1) - right_b[idx].mean(axis=1)
            lo, hi = np.percentile(diffs, [50 * (1 - level), 50 * (1 + level)])
            return right_a.mean() - right_b.mean(), lo, hi
            '''), "NumPy float64 scalars (a subclass of float) without float()"),
        correct("counts-and-quantile", ('''
            positives = (y_pred == 1).sum() + (y_true == 1).sum()
            if positives == 0:
                return 0.0
            return float(2 * np.logical_and(y_pred == 1, y_true == 1).sum() / positives)
            ''', '''
            n = y_true.shape[0]
            a = (pred_a == y_true).astype(float)
            b = (pred_b == y_true).astype(float)
            draws = rng.integers(0, n, size=(n_boot, n))
            deltas = np.take(a, draws).mean(axis=1) - np.take(b, draws).mean(axis=1)
            alpha = 1.0 - level
            low, high = np.percentile(deltas, [100 * alpha / 2, 100 * (1 - alpha / 2)])
            return float(a.mean() - b.mean()), float(low), float(high)
            '''), "2TP / (predicted + true positives); np.take, alpha"),
        correct("precision-recall", ('''
            tp = int(((y_pred == 1) & (y_true == 1)).sum())
            if tp == 0:
                return 0.0
            precision = tp / int((y_pred == 1).sum())
            recall = tp / int((y_true == 1).sum())
            return 2 * precision * recall / (precision + recall)
            ''', '''
            n = len(y_true)
            idx = rng.integers(0, n, size=(n_boot, n))
            diff_of_right = (pred_a == y_true).astype(np.int64) - (pred_b == y_true).astype(np.int64)
            diffs = diff_of_right[idx].mean(axis=1)
            tail = (1 - level) / 2 * 100
            return float(diff_of_right.mean()), float(np.percentile(diffs, tail)), \\
                float(np.percentile(diffs, 100 - tail))
            '''), "precision and recall; the mean of per-example differences"),
        forbidden("sentiment-reference", (
            "return sentiment.binary_f1(y_true, y_pred)",
            "return sentiment.paired_bootstrap(y_true, pred_a, pred_b, rng, n_boot, level)"),
                  "the course's references"),
        forbidden("cu-attribute-chain", (
            "return cu.sentiment.binary_f1(y_true, y_pred)",
            "return cu.sentiment.paired_bootstrap(y_true, pred_a, pred_b, rng, n_boot, level)"),
                  "the references reached through the package"),
    ],
}
