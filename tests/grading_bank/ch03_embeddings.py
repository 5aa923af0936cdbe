"""Answer bank for Chapter 3, word embeddings (solutions/03-embeddings/embeddings.ipynb).

Each entry replaces the solution region of the exercise's answer cell; see
:mod:`grading_bank` for the conventions and what is demanded of each kind.
"""

from dataclasses import replace

from grading_bank import correct, forbidden, wrong

# The student's own Exercise 3, for the answer to Exercise 4 that (wrongly) calls it.
OWN_NEAREST_WORDS = '''
def nearest_words(query, words, E, k=5):
    if query not in words:
        raise KeyError(query)
    q = words.index(query)
    E_unit = E / np.linalg.norm(E, axis=1, keepdims=True)
    similarity = E_unit @ E_unit[q]
    similarity[q] = -np.inf
    return [(words[i], float(similarity[i])) for i in np.argsort(-similarity, kind="stable")[:k]]
'''


# The common vocabulary of Exercise 1's wrong answers: everything but the line that differs.
def _vocab(check: str = ('if min_freq < 1:\n'
                         '    raise ValueError(f"min_freq must be at least 1, got {min_freq}")'),
           count: str = "tally = Counter()\nfor tokens in token_lists:\n    tally.update(tokens)",
           keep: str = "kept = [word for word, count in tally.items() if count >= min_freq]",
           order: str = "kept.sort(key=lambda word: (-tally[word], word))",
           ret: str = "return [PAD, UNK] + kept") -> str:
    return f"{check}\n{count}\n{keep}\n{order}\n{ret}\n"


# The common one-hot product of Exercise 2's wrong answers.
def _one_hot(rows: str = "one_hot_rows = F.one_hot(X.to(W.device), num_classes=W.shape[0]).to(W.dtype)",
             ret: str = "return one_hot_rows @ W") -> str:
    return f"{rows}\n{ret}\n"


# The common search of Exercise 3's wrong answers.
def _nearest(check: str = ('if query not in words:\n'
                           '    raise KeyError(f"{query!r} is not one of the words")'),
             unit: str = "E_unit = E / np.linalg.norm(E, axis=1, keepdims=True)",
             sims: str = "similarity = E_unit @ E_unit[q]",
             leave_out: str = "similarity[q] = -np.inf",
             best: str = 'best = np.argsort(-similarity, kind="stable")[:k]',
             ret: str = "return [(words[i], float(similarity[i])) for i in best]") -> str:
    return f"{check}\nq = list(words).index(query)\n{unit}\n{sims}\n{leave_out}\n{best}\n{ret}\n"


# The common 3CosAdd of Exercise 4's wrong answers.
def _analogy(unit: str = "E_unit = E / np.linalg.norm(E, axis=1, keepdims=True)",
             target: str = "target = E_unit[row[b]] - E_unit[row[a]] + E_unit[row[c]]",
             scores: str = "scores = E_unit @ target",
             leave_out: str = "for word in (a, b, c):\n    scores[row[word]] = -np.inf",
             pick: str = "return words[int(np.argmax(scores))]") -> str:
    return (f"row = {{word: i for i, word in enumerate(words)}}\n{unit}\n{target}\n{scores}\n"
            f"{leave_out}\n{pick}\n")


# Exercise 5 has two functions, each with its own solution region: (pretrained_matrix,
# keras_embedding). A wrong answer to one of them is paired with a correct answer to the other.
def _matrix(draw: str = "M = rng.normal(0.0, E.std(), size=(len(itos), E.shape[1])).astype(np.float32)",
            pad: str = "M[0] = 0.0",
            first: str = "2",
            ret: str = "return M, found") -> str:
    return (f"{draw}\n{pad}\n"
            "row_of = {word: j for j, word in enumerate(words)}\n"
            "found = np.zeros(len(itos), dtype=bool)\n"
            f"for i in range({first}, len(itos)):\n"
            "    if itos[i] in row_of:\n"
            "        M[i] = E[row_of[itos[i]]]\n"
            "        found[i] = True\n"
            f"{ret}\n")


def _keras(make: str = "layer = layers.Embedding(V, d, mask_zero=True, trainable=trainable)",
           load: str = "layer.build((None, None))\nlayer.set_weights([np.asarray(matrix, dtype=np.float32)])",
           ret: str = "return layer") -> str:
    return f"V, d = matrix.shape\n{make}\n{load}\n{ret}\n"


MATRIX_OK = _matrix()
KERAS_OK = _keras()


# Exercise 5's middle region, torch_embedding: everything but the line that differs.
def _torch(weight: str = "weight = torch.tensor(np.asarray(matrix), dtype=torch.float32)",
           ret: str = "return nn.Embedding.from_pretrained(weight, freeze=not trainable, padding_idx=0)") -> str:
    return f"{weight}\n{ret}\n"


TORCH_OK = _torch()

BANK = {
    # ------------------------------------------------------------------ Exercise 1
    "ex1-build-vocab": [
        wrong("no-specials", _vocab(ret="return kept"), "<pad> and <unk> are forgotten"),
        wrong("specials-swapped", _vocab(ret="return [UNK, PAD] + kept"), "<unk> at id 0 and <pad> at id 1"),
        wrong("specials-at-the-end", _vocab(ret="return kept + [PAD, UNK]"),
              "the reserved tokens appended after the words"),
        wrong("counts-lists", _vocab(count="tally = Counter()\nfor tokens in token_lists:\n"
                                           "    tally.update(set(tokens))"),
              "set(tokens): counts the lists a token is in (document frequency), not the tokens"),
        wrong("most-common-order", _vocab(keep="kept = [word for word, count in tally.most_common() "
                                               "if count >= min_freq]", order=""),
              "Counter.most_common: ties in order of first appearance, not alphabetical"),
        wrong("count-only-sort-key", _vocab(order="kept.sort(key=tally.get, reverse=True)"),
              "sorted by count alone: the stable sort keeps ties in order of first appearance"),
        wrong("ties-reverse-alphabetical", _vocab(order="kept.sort(key=lambda word: (tally[word], word), "
                                                        "reverse=True)"),
              "one reverse=True sort on (count, word): ties come out in reverse alphabetical order"),
        wrong("alphabetical-only", _vocab(order="kept.sort()"), "alphabetical order, counts ignored"),
        wrong("strictly-more-than-min_freq", _vocab(keep="kept = [word for word, count in tally.items() "
                                                         "if count > min_freq]"),
              "count > min_freq: a token seen exactly min_freq times is dropped"),
        wrong("no-ValueError", _vocab(check=""), "min_freq=0 keeps every token instead of raising"),
        wrong("ValueError-only-for-zero", _vocab(check=('if min_freq == 0:\n'
                                                        '    raise ValueError("min_freq must be at least 1")')),
              "min_freq == 0 raises, a negative min_freq keeps every token"),
        wrong("sorts-each-token-list", _vocab(count="tally = Counter()\nfor tokens in token_lists:\n"
                                                   "    tokens.sort()\n    tally.update(tokens)"),
              "tokens.sort() on the caller's lists: right vocabulary, the reviews come back alphabetised"),
        wrong("empties-the-token-lists", _vocab(count="tally = Counter()\nfor tokens in token_lists:\n"
                                                     "    while tokens:\n        tally[tokens.pop()] += 1"),
              "counts by popping the caller's lists: right vocabulary, the corpus comes back empty"),
        wrong("returns-a-tuple", _vocab(ret="return (PAD, UNK, *kept)"), "a tuple instead of a list"),
        correct("counter-items-sorted", """
            from itertools import chain

            if min_freq < 1:
                raise ValueError("min_freq must be a positive integer")
            counts = Counter(chain.from_iterable(token_lists))
            ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
            return [PAD, UNK] + [word for word, n in ranked if n >= min_freq]
            """, "Counter over itertools.chain; sorted over the (word, count) items"),
        correct("dict-and-two-stable-sorts", """
            if not min_freq >= 1:
                raise ValueError(f"min_freq={min_freq} is below 1")
            counts = {}
            for tokens in token_lists:
                for token in tokens:
                    counts[token] = counts.get(token, 0) + 1
            words = sorted(word for word in counts if counts[word] >= min_freq)  # alphabetical
            words.sort(key=counts.get, reverse=True)  # stable: equal counts stay alphabetical
            itos = ["<pad>", "<unk>"]
            itos.extend(words)
            return itos
            """, "a plain dict; an alphabetical sort, then a stable sort by count; the literals"),
        correct("most-common-then-resorted", """
            if min_freq <= 0:
                raise ValueError("min_freq must be at least 1")
            tally = Counter(token for tokens in token_lists for token in tokens)
            frequent = [(count, word) for word, count in tally.most_common() if count >= min_freq]
            frequent.sort(key=lambda pair: (-pair[0], pair[1]))
            return [PAD, UNK, *(word for _, word in frequent)]
            """, "Counter.most_common, re-sorted so that ties are alphabetical"),
        correct("sorted-copies-of-the-lists", """
            if min_freq < 1:
                raise ValueError("min_freq must be at least 1")
            tally = Counter()
            for tokens in token_lists:
                for token in sorted(tokens):  # a sorted copy: the caller's list is left as it is
                    tally[token] += 1
            by_word = sorted(tally)  # alphabetical, then a stable sort by count
            return [PAD, UNK] + sorted((w for w in by_word if tally[w] >= min_freq), key=lambda w: -tally[w])
            """, "sorts copies of the token lists (sorted(), not .sort()); two sorts"),
        forbidden("cvocab-call", "return cvocab.build_vocab(token_lists, min_freq)",
                  "calls the reference through the set-up cell's alias cvocab"),
        forbidden("from-import-alias", """
            from course_utils import vocab as v
            return v.build_vocab(token_lists, min_freq)
            """, "imports the reference's module under another alias"),
        forbidden("vocab-class", "return list(Vocab.build(token_lists, min_freq).itos)",
                  "the course's Vocab class, whose itos is the same list"),
        forbidden("cu-attribute-chain", "return cu.vocab.build_vocab(token_lists, min_freq=min_freq)",
                  "the reference reached through cu"),
    ],
    # ------------------------------------------------------------------ Exercise 2
    "ex2-one-hot-embed": [
        wrong("one-hot-not-cast", "return F.one_hot(X, num_classes=W.shape[0]) @ W",
              "F.one_hot returns int64: the product with a float table fails"),
        wrong("num_classes-from-X", _one_hot(rows="one_hot_rows = F.one_hot(X).to(W.dtype)"),
              "F.one_hot(X) without num_classes: X.max() + 1 columns instead of V"),
        wrong("float-instead-of-W-dtype", _one_hot(rows="one_hot_rows = F.one_hot(X, W.shape[0]).float()"),
              ".float(): float32 embeddings whatever W's dtype"),
        wrong("transposed-table", _one_hot(ret="return one_hot_rows @ W.T"),
              "onehot(X) @ W.T: a shape error when V != d"),
        wrong("returns-the-one-hot-rows", _one_hot(ret="return one_hot_rows"), "the product is forgotten"),
        wrong("one-hot-of-X-transposed", _one_hot(rows="one_hot_rows = F.one_hot(X.T, W.shape[0]).to(W.dtype)"),
              "X.T: time-major (T, B, d) embeddings"),
        wrong("F-embedding", "return F.embedding(X, W)", "the lookup the exercise replaces"),
        wrong("detached-table", _one_hot(ret="return one_hot_rows @ W.detach()"),
              "W.detach(): right values, no gradient for the table"),
        wrong("numpy-round-trip", """
            rows = np.eye(W.shape[0], dtype=np.float32)[X.cpu().numpy()]  # (B, T, V)
            return torch.tensor(rows @ W.detach().cpu().numpy(), dtype=W.dtype, device=W.device)
            """, "the product in NumPy: right values, the graph to W is cut"),
        wrong("row-lookup", "return W[X.to(W.device)]",
              "W[X]: the right rows by indexing, no one-hot product (the point of the exercise)"),
        wrong("squeezed", _one_hot(ret="return (one_hot_rows @ W).squeeze()"),
              ".squeeze(): a batch of one id loses its dimensions"),
        correct("eye-rows", """
            identity = torch.eye(W.shape[0], dtype=W.dtype, device=W.device)  # (V, V)
            return torch.matmul(identity[X.to(W.device)], W)
            """, "rows of the identity matrix as the one-hot vectors; torch.matmul"),
        correct("scatter-and-einsum", """
            V = W.shape[0]
            one_hot_rows = torch.zeros(*X.shape, V, dtype=W.dtype, device=W.device)  # (B, T, V)
            one_hot_rows.scatter_(-1, X.to(W.device).unsqueeze(-1), 1.0)
            return torch.einsum("btv,vd->btd", one_hot_rows, W)
            """, "a 1 scattered into a zero tensor; einsum"),
        correct("comparison-with-arange", """
            ids = torch.arange(W.shape[0], device=W.device)  # (V,)
            one_hot_rows = (X.to(W.device).unsqueeze(-1) == ids).type(W.dtype)  # (B, T, V)
            return (one_hot_rows.reshape(-1, W.shape[0]) @ W).reshape(*X.shape, W.shape[1])
            """, "X[..., None] == arange(V); a 2-D product reshaped back"),
    ],
    # ------------------------------------------------------------------ Exercise 3
    "ex3-nearest-words": [
        wrong("dot-product", _nearest(unit="", sims="similarity = E @ E[q]"),
              "dot products: long vectors come first"),
        wrong("query-not-normalised", _nearest(sims="similarity = E_unit @ E[q]"),
              "unit rows times the raw query: the order is right, the similarities are scaled by |query|"),
        wrong("query-kept", _nearest(leave_out=""), "the query is its own nearest neighbour"),
        wrong("skips-the-first", _nearest(leave_out="", best='best = np.argsort(-similarity, kind="stable")'
                                                           '[1:k + 1]'),
              "drops the first result, which is not the query when another word has the same direction"),
        wrong("drops-every-similarity-1", _nearest(leave_out="similarity[np.isclose(similarity, 1.0)] = -np.inf"),
              "leaves out every word of the query's direction, not only the query"),
        wrong("np-delete-shifts-ids", _nearest(leave_out="similarity = np.delete(similarity, q)"),
              "np.delete removes the query's entry: the positions after it no longer match words"),
        wrong("ascending", _nearest(best="best = np.argsort(similarity)[:k]"), "the least similar first"),
        wrong("words-only", _nearest(ret="return [words[i] for i in best]"), "no similarities"),
        wrong("k-fixed-at-5", _nearest(best='best = np.argsort(-similarity, kind="stable")[:5]'), "k is ignored"),
        wrong("ValueError-for-unknown", _nearest(check=""),
              "no check: list.index raises ValueError, not KeyError"),
        wrong("empty-list-for-unknown", _nearest(check="if query not in words:\n    return []"),
              "an unknown word gives no neighbours instead of a KeyError"),
        wrong("KeyError-without-the-word", _nearest(check='if query not in words:\n'
                                                          '    raise KeyError("the query is not in the list")'),
              "the KeyError does not name the missing word"),
        wrong("normalises-E-in-place", _nearest(unit="E /= np.linalg.norm(E, axis=1, keepdims=True)\nE_unit = E"),
              "E /= norm: right neighbours, the caller's matrix comes back normalised"),
        wrong("removes-the-query-from-words", """
            if query not in words:
                raise KeyError(f"{query!r} is not one of the words")
            q = words.index(query)
            words.remove(query)  # the caller's list loses the query
            E_rest = np.delete(E, q, axis=0)  # (N - 1, d)
            E_unit = E_rest / np.linalg.norm(E_rest, axis=1, keepdims=True)
            similarity = E_unit @ (E[q] / np.linalg.norm(E[q]))
            best = np.argsort(-similarity, kind="stable")[:k]
            return [(words[i], float(similarity[i])) for i in best]
            """, "words.remove(query): right neighbours, the caller's word list loses the query"),
        correct("dict-lookup-and-einsum-norms", """
            index = {word: i for i, word in enumerate(words)}
            q = index[query]  # a KeyError that names the word
            norms = np.sqrt(np.einsum("nd,nd->n", E, E))  # (N,)
            cosines = (E @ E[q]) / (norms * norms[q])  # (N,)
            order = [i for i in np.argsort(-cosines, kind="stable") if i != q][:k]
            return [(words[i], float(cosines[i])) for i in order]
            """, "KeyError from a dict; norms by einsum; the query filtered out of the order"),
        correct("argpartition-then-sort", """
            if query not in words:
                raise KeyError(query)
            q = words.index(query)
            U = E / np.linalg.norm(E, axis=-1)[:, None]  # (N, d)
            sims = U @ U[q]  # (N,)
            sims[q] = -np.inf
            top = np.argpartition(-sims, k - 1)[:k]  # the k best, unordered
            top = top[np.argsort(-sims[top], kind="stable")]
            return [(words[i], sims[i].item()) for i in top]
            """, "np.argpartition for the k best, then a sort of those k"),
        correct("mask-and-lexsort", """
            if query not in set(words):
                raise KeyError(f"unknown word: {query}")
            q = words.index(query)
            unit = E / np.linalg.norm(E, ord=2, axis=1, keepdims=True)
            cos = np.dot(unit, unit[q])  # (N,)
            others = np.flatnonzero(np.arange(len(words)) != q)  # every row but the query's
            ranked = others[np.lexsort((others, -cos[others]))]
            return list(zip([words[i] for i in ranked[:k]], cos[ranked[:k]].tolist()))
            """, "the query removed by a mask; np.lexsort; zip of words and similarities"),
        correct("list-pairs-and-float32", """
            if query not in words:
                raise KeyError(query)
            q = words.index(query)
            E_unit = E / np.linalg.norm(E, axis=1, keepdims=True)  # (N, d), a new array
            cosines = E_unit @ E_unit[q]  # (N,), float32 like E
            order = [i for i in np.argsort(-cosines, kind="stable") if i != q][:k]
            return [[words[i], cosines[i]] for i in order]
            """, "[word, similarity] lists with NumPy float32 similarities"),
        forbidden("vectors-call", "return vectors.nearest_neighbors(query, words, E, k)",
                  "calls the reference through the set-up cell's alias vectors"),
        forbidden("module-import-alias", """
            import course_utils.vectors as word_vectors
            return word_vectors.nearest_neighbors(query, words, E, k=k)
            """, "imports the reference's module under another alias"),
        forbidden("cu-normalize-rows", """
            if query not in words:
                raise KeyError(f"{query!r} is not one of the words")
            q = words.index(query)
            E_unit = cu.vectors.normalize_rows(E)
            similarity = E_unit @ E_unit[q]
            similarity[q] = -np.inf
            return [(words[i], float(similarity[i])) for i in np.argsort(-similarity, kind="stable")[:k]]
            """, "its own search, but the rows are normalised by the course's helper, through cu"),
    ],
    # ------------------------------------------------------------------ Exercise 4
    "ex4-solve-analogy": [
        wrong("dot-products", _analogy(unit="E_unit = E"), "no normalisation at all: raw vectors, dot products"),
        wrong("raw-target", _analogy(target="target = E[row[b]] - E[row[a]] + E[row[c]]"),
              "the target from the raw vectors, b - a + c without unit()"),
        wrong("unit-target-raw-rows", _analogy(scores="scores = E @ (target / np.linalg.norm(target))"),
              "a unit target against the raw rows: long vectors win"),
        wrong("sign-error", _analogy(target="target = E_unit[row[a]] - E_unit[row[b]] + E_unit[row[c]]"),
              "a - b + c instead of b - a + c"),
        wrong("no-exclusion", _analogy(leave_out=""), "a, b and c stay candidates"),
        wrong("excludes-only-c", _analogy(leave_out="scores[row[c]] = -np.inf"), "only c is left out"),
        wrong("excludes-a-and-b", _analogy(leave_out="scores[row[a]] = scores[row[b]] = -np.inf"),
              "c is left in"),
        wrong("excludes-b-and-c", _analogy(leave_out="scores[row[b]] = scores[row[c]] = -np.inf"),
              "a is left in: it wins when b and c lie either side of it"),
        wrong("normalises-E-in-place", _analogy(unit="E /= np.linalg.norm(E, axis=1, keepdims=True)\nE_unit = E"),
              "E /= norm: the right word, the caller's matrix comes back normalised"),
        wrong("argmin", _analogy(pick="return words[int(np.argmin(scores))]"), "the least similar word"),
        wrong("returns-the-index", _analogy(pick="return int(np.argmax(scores))"), "the row, not the word"),
        wrong("calls-nearest_words", """
            row = {word: i for i, word in enumerate(words)}
            E_unit = E / np.linalg.norm(E, axis=1, keepdims=True)
            target = E_unit[row[b]] - E_unit[row[a]] + E_unit[row[c]]
            neighbours = nearest_words("<target>", list(words) + ["<target>"], np.vstack([E, target]), k=4)
            return next(word for word, _ in neighbours if word not in (a, b, c))
            """, "appends the target as a word and calls Exercise 3's function", prelude=OWN_NEAREST_WORDS),
        correct("loop-over-words", """
            def unit(v):
                return v / np.linalg.norm(v)

            row = {word: i for i, word in enumerate(words)}
            target = unit(unit(E[row[b]]) - unit(E[row[a]]) + unit(E[row[c]]))
            best_word, best_score = None, -np.inf
            for i, word in enumerate(words):
                if word in (a, b, c):
                    continue
                score = float(unit(E[i]) @ target)
                if score > best_score:
                    best_word, best_score = word, score
            return best_word
            """, "a Python loop over the candidates with a helper unit()"),
        correct("argsort-and-skip", """
            U = E / np.linalg.norm(E, axis=1)[:, None]  # (N, d)
            ia, ib, ic = (words.index(w) for w in (a, b, c))
            t = U[ib] - U[ia] + U[ic]  # (d,)
            cos = U @ t / np.linalg.norm(t)  # (N,)
            for i in np.argsort(-cos):
                if words[i] not in (a, b, c):
                    return words[i]
            """, "real cosines; np.argsort, the first word that is not a, b or c"),
        correct("mask-and-where", """
            norms = np.linalg.norm(E, axis=1, keepdims=True)  # (N, 1)
            unit = E / norms
            pos = {w: i for i, w in enumerate(words)}
            target = np.einsum("kd,k->d", unit[[pos[a], pos[b], pos[c]]], np.array([-1.0, 1.0, 1.0]))
            allowed = np.ones(len(words), dtype=bool)
            allowed[[pos[a], pos[b], pos[c]]] = False
            scores = np.where(allowed, unit @ target, -np.inf)
            return str(words[scores.argmax()])
            """, "the target as a signed sum by einsum; a boolean mask and np.where"),
        correct("numpy-array-of-words", """
            vocabulary = np.asarray(words)  # (N,) of str
            U = E / np.linalg.norm(E, axis=1, keepdims=True)  # (N, d)
            pick = {w: np.flatnonzero(vocabulary == w)[0] for w in (a, b, c)}
            scores = U @ (U[pick[b]] - U[pick[a]] + U[pick[c]])  # (N,)
            scores[np.isin(vocabulary, [a, b, c])] = -np.inf
            return vocabulary[np.argmax(scores)]  # a NumPy str, a subclass of str
            """, "the words as a NumPy array; np.isin; the answer a NumPy str"),
        forbidden("vectors-analogy", "return vectors.analogy(a, b, c, words, E)[0][0]",
                  "calls the reference through the set-up cell's alias vectors"),
        forbidden("from-import-alias", """
            from course_utils.vectors import analogy as three_cos_add
            return three_cos_add(a, b, c, words, E, k=1)[0][0]
            """, "imports the reference under another name"),
        forbidden("cu-nearest-neighbors-of-a-vector", """
            row = {word: i for i, word in enumerate(words)}
            E_unit = E / np.linalg.norm(E, axis=1, keepdims=True)
            target = E_unit[row[b]] - E_unit[row[a]] + E_unit[row[c]]
            return cu.vectors.nearest_neighbors(target, words, E, k=1, exclude=(a, b, c))[0][0]
            """, "its own target, but the search is the course's nearest_neighbors, through cu"),
    ],
    # ------------------------------------------------------------------ Exercise 5
    "ex5-pretrained-embeddings": [
        wrong("one-draw-per-missing-row", ("""
            V, d = len(itos), E.shape[1]
            row_of = {word: j for j, word in enumerate(words)}
            M = np.zeros((V, d), dtype=np.float32)
            found = np.zeros(V, dtype=bool)
            for i in range(1, V):
                if i >= 2 and itos[i] in row_of:
                    M[i] = E[row_of[itos[i]]]
                    found[i] = True
                else:
                    M[i] = rng.normal(0.0, E.std(), size=d)
            return M, found
            """, KERAS_OK), "one rng.normal call per missing row: other draws than the single call"),
        wrong("draws-only-the-missing-rows", ("""
            row_of = {word: j for j, word in enumerate(words)}
            found = np.array([i >= 2 and t in row_of for i, t in enumerate(itos)])
            M = np.zeros((len(itos), E.shape[1]), dtype=np.float32)
            M[found] = E[[row_of[t] for t, f in zip(itos, found) if f]]
            missing = ~found
            missing[0] = False
            M[missing] = rng.normal(0.0, E.std(), size=(int(missing.sum()), E.shape[1]))
            return M, found
            """, KERAS_OK), "one call, but only for the missing rows: other draws than size=(V, d)"),
        wrong("sigma-one", (_matrix(draw="M = rng.normal(0.0, 1.0, size=(len(itos), E.shape[1]))"
                                         ".astype(np.float32)"), KERAS_OK),
              "the standard normal, not E's spread"),
        wrong("per-column-std", (_matrix(draw="M = rng.normal(0.0, E.std(axis=0), size=(len(itos), E.shape[1]))"
                                              ".astype(np.float32)"), KERAS_OK),
              "E.std(axis=0): one sigma per column instead of the spread of all of E's values"),
        wrong("sample-std", (_matrix(draw="M = rng.normal(0.0, E.std(ddof=1), size=(len(itos), E.shape[1]))"
                                          ".astype(np.float32)"), KERAS_OK),
              "E.std(ddof=1), the sample standard deviation"),
        wrong("pad-row-random", (_matrix(pad=""), KERAS_OK), "row 0 is left random"),
        wrong("unk-row-zeroed", (_matrix(pad="M[:2] = 0.0"), KERAS_OK), "<unk> gets zeros like <pad>"),
        wrong("float64", (_matrix(draw="M = rng.normal(0.0, E.std(), size=(len(itos), E.shape[1]))"), KERAS_OK),
              "rng.normal's float64 kept"),
        wrong("found-as-words", (_matrix(ret="return M, [t for t, f in zip(itos, found) if f]"), KERAS_OK),
              "found as the list of the words found, not a boolean array"),
        wrong("found-as-ints", (_matrix().replace("found = np.zeros(len(itos), dtype=bool)",
                                                  "found = np.zeros(len(itos), dtype=int)"), KERAS_OK),
              "found as 0s and 1s (int64), not a boolean array"),
        wrong("found-as-a-list-of-bools", (_matrix(ret="return M, found.tolist()"), KERAS_OK),
              "found as a Python list of bools, not a boolean array"),
        wrong("looks-up-pad-and-unk", (_matrix(first="0"), KERAS_OK),
              "the loop starts at id 0: a pretrained '<pad>' or '<unk>' would replace their rows"),
        wrong("no-mask_zero", (MATRIX_OK, _keras(make="layer = layers.Embedding(V, d, trainable=trainable)")),
              "mask_zero is forgotten: padding is not masked"),
        wrong("trainable-ignored", (MATRIX_OK, _keras(make="layer = layers.Embedding(V, d, mask_zero=True)")),
              "the layer is always trainable"),
        wrong("always-frozen", (MATRIX_OK, _keras(make="layer = layers.Embedding(V, d, mask_zero=True, "
                                                       "trainable=False)")),
              "pretrained means frozen: trainable=True is ignored"),
        wrong("random-table", (MATRIX_OK, _keras(load="")), "the matrix is never loaded: a random table"),
        wrong("input_dim-V-plus-1", (MATRIX_OK, _keras(make="layer = layers.Embedding(V + 1, d, mask_zero=True, "
                                                            "trainable=trainable)")),
              "V + 1 rows, as for a vocabulary without a padding id: set_weights refuses the (V, d) matrix"),
        wrong("returns-the-matrix", (MATRIX_OK, "return np.asarray(matrix, dtype=np.float32)"),
              "the table instead of a layer"),
        correct("vectorised-mask-and-constant-initializer", ("""
            index = {w: j for j, w in enumerate(words)}
            sigma = float(np.std(E))
            M = rng.normal(loc=0.0, scale=sigma, size=(len(itos), E.shape[1])).astype("float32")
            M[0] = 0
            found = np.array([i >= 2 and token in index for i, token in enumerate(itos)], dtype=bool)
            M[found] = E[[index[t] for t in np.asarray(itos, dtype=object)[found]]]
            return M, found
            """, """
            layer = keras.layers.Embedding(
                input_dim=matrix.shape[0], output_dim=matrix.shape[1],
                embeddings_initializer=keras.initializers.Constant(matrix),
                mask_zero=True, trainable=trainable)
            return layer
            """), "a boolean mask and one fancy-indexed copy; Constant initializer, built on the first call"),
        correct("standard-normal-and-weights-argument", ("""
            V, d = len(itos), E.shape[1]
            M = (rng.standard_normal((V, d)) * E.std()).astype(np.float32)  # the same draws as rng.normal
            M[0, :] = 0.0
            known = set(words)
            found = np.zeros(V, dtype=bool)
            for i, token in enumerate(itos):
                if i < 2 or token not in known:
                    continue
                M[i] = E[words.index(token)]
                found[i] = True
            return M, found
            """, """
            layer = layers.Embedding(len(matrix), matrix.shape[1], mask_zero=True,
                                     weights=[np.array(matrix, dtype="float32")])
            layer.trainable = trainable
            return layer
            """), "standard_normal times sigma; Embedding(weights=[...]) and trainable set afterwards"),
        correct("isin-and-assign", ("""
            tokens = np.array(itos, dtype=object)
            found = np.isin(tokens, np.array(words, dtype=object))
            found[:2] = False
            M = np.asarray(rng.normal(0.0, E.std(), size=(len(itos), E.shape[1])), dtype=np.float32)
            M[0] = np.zeros(E.shape[1])
            row_of = dict(zip(words, range(len(words))))
            for i in np.flatnonzero(found):
                M[i] = E[row_of[tokens[i]]]
            return M, found.astype(bool)
            """, """
            V, d = matrix.shape
            layer = layers.Embedding(V, d, mask_zero=True, trainable=bool(trainable))
            layer.build()
            layer.embeddings.assign(np.asarray(matrix, dtype=np.float32))
            return layer
            """), "np.isin for found; build() and embeddings.assign"),
        forbidden("vectors-embedding-matrix", ("return vectors.embedding_matrix(itos, words, E, rng)", KERAS_OK),
                  "its own layer, the matrix by the reference through the set-up cell's alias vectors"),
        forbidden("ckeras-embedding-layer", (MATRIX_OK, "return ckeras.embedding_layer(matrix, trainable)"),
                  "its own matrix, the layer by the reference through ckeras"),
        forbidden("from-import-alias", (MATRIX_OK, """
            from course_utils.keras.embed import embedding_layer as make_layer
            return make_layer(matrix, trainable=trainable)
            """), "its own matrix, the reference layer imported under another name"),
        forbidden("rebound-names", """
            pretrained_matrix = vectors.embedding_matrix
            torch_embedding = ctorch.embedding_layer
            keras_embedding = ckeras.embedding_layer
            """, "the whole cell rebinds the three references", whole_cell=True),
        # torch_embedding, the middle region
        wrong("torch-freeze-inverted", (MATRIX_OK, _torch(ret="return nn.Embedding.from_pretrained("
                                                            "weight, freeze=trainable, padding_idx=0)"), KERAS_OK),
              "freeze=trainable: from_pretrained's freeze is the opposite of trainable"),
        wrong("torch-default-freeze", (MATRIX_OK, _torch(ret="return nn.Embedding.from_pretrained("
                                                           "weight, padding_idx=0)"), KERAS_OK),
              "from_pretrained's default freeze=True: never trainable"),
        wrong("torch-no-padding_idx", (MATRIX_OK, _torch(ret="return nn.Embedding.from_pretrained("
                                                           "weight, freeze=not trainable)"), KERAS_OK),
              "no padding_idx: row 0 is trained like any other"),
        wrong("torch-float64-table", (MATRIX_OK, _torch(weight="weight = torch.tensor(matrix)"), KERAS_OK),
              "the table keeps matrix's float64"),
        wrong("torch-random-table", (MATRIX_OK, """
            layer = nn.Embedding(matrix.shape[0], matrix.shape[1], padding_idx=0)
            layer.weight.requires_grad_(trainable)
            return layer
            """, KERAS_OK), "an nn.Embedding of the right size, the matrix never loaded"),
        wrong("torch-requires_grad-on-module", (MATRIX_OK, """
            layer = nn.Embedding.from_pretrained(torch.tensor(np.asarray(matrix), dtype=torch.float32),
                                                 padding_idx=0)
            layer.requires_grad = trainable  # an attribute of the module: the weight is untouched
            return layer
            """, KERAS_OK), "sets a requires_grad attribute on the module, which changes no weight"),
        correct("torch-from_numpy-float", (MATRIX_OK, """
            return nn.Embedding.from_pretrained(torch.from_numpy(matrix).float(), freeze=not trainable,
                                                padding_idx=0)
            """, KERAS_OK), "torch.from_numpy(...).float(): shares a float32 matrix's memory, which no rule forbids"),
        correct("torch-copy-and-weight-data", (MATRIX_OK, """
            V, d = matrix.shape
            layer = nn.Embedding(V, d, padding_idx=0)
            with torch.no_grad():
                layer.weight.copy_(torch.from_numpy(np.array(matrix, dtype=np.float32)))
            layer.weight.requires_grad_(bool(trainable))
            return layer
            """, KERAS_OK), "nn.Embedding, then weight.copy_ and requires_grad_"),
        correct("torch-parameter", (MATRIX_OK, """
            layer = nn.Embedding(*matrix.shape, padding_idx=0, _weight=torch.tensor(matrix).float())
            layer.weight.requires_grad = trainable
            return layer
            """, KERAS_OK), "the _weight argument of nn.Embedding"),
        forbidden("ctorch-embedding-layer", (MATRIX_OK, "return ctorch.embedding_layer(matrix, trainable)", KERAS_OK),
                  "its own matrix and Keras layer, the PyTorch layer by the reference through ctorch"),
    ],
}

# Exercise 5's variants written before torch_embedding existed name two regions
# (pretrained_matrix, keras_embedding): the middle one is the correct torch_embedding.
BANK["ex5-pretrained-embeddings"] = [
    replace(v, code=(v.code[0], TORCH_OK, v.code[1])) if isinstance(v.code, tuple) and len(v.code) == 2 else v
    for v in BANK["ex5-pretrained-embeddings"]
]


# Exercise 6 has three solution regions: (masked_mean, MaskedMean.call, MaskedMean.compute_mask).
# A wrong answer to one of them is paired with correct answers to the others.
def _mean(real: str = "real = mask.to(E.device).unsqueeze(-1)",
          total: str = "total = torch.where(real, E, 0.0).sum(dim=1)",
          count: str = "count = real.sum(dim=1).clamp(min=1).to(E.dtype)",
          ret: str = "return total / count") -> str:
    return f"{real}\n{total}\n{count}\n{ret}\n"


def _call(none: str = "return ops.mean(inputs, axis=1)",
          real: str = 'real = ops.expand_dims(ops.cast(mask, "bool"), axis=-1)',
          total: str = "total = ops.sum(ops.where(real, inputs, ops.zeros_like(inputs)), axis=1)",
          count: str = "count = ops.sum(ops.cast(real, inputs.dtype), axis=1)",
          ret: str = "return total / ops.maximum(count, 1.0)") -> str:
    return f"if mask is None:\n    {none}\n{real}\n{total}\n{count}\n{ret}\n"


MEAN_OK, CALL_OK, NO_MASK_OUT = _mean(), _call(), "return None"

BANK["ex6-masked-mean"] = [
    # masked_mean, the PyTorch region
    wrong("divides-by-T", (_mean(ret="return total / E.shape[1]"), CALL_OK, NO_MASK_OUT),
          "the sum over the real tokens divided by T, not by their number"),
    wrong("sums-the-padding", (_mean(total="total = E.sum(dim=1)"), CALL_OK, NO_MASK_OUT),
          "the padded positions are added to the sum; the count is right"),
    wrong("plain-mean", ("return E.mean(dim=1)", CALL_OK, NO_MASK_OUT), "the mask is ignored"),
    wrong("float-mask-product", (_mean(real="real = mask.unsqueeze(-1).to(E.dtype)",
                                       total="total = (E * real).sum(dim=1)"), CALL_OK, NO_MASK_OUT),
          "multiplies by the mask as 0s and 1s: a NaN or inf in the padding gives NaN (0 × NaN)"),
    wrong("einsum-with-the-float-mask", ("""
            weights = mask.to(E.dtype)
            count = weights.sum(dim=1, keepdim=True).clamp(min=1)
            return torch.einsum("btd,bt->bd", E, weights) / count
            """, CALL_OK, NO_MASK_OUT), "einsum with the 0/1 mask is a product too: NaN in the padding leaks"),
    wrong("no-clamp", (_mean(count="count = real.sum(dim=1).to(E.dtype)"), CALL_OK, NO_MASK_OUT),
          "divides by the count itself: 0 / 0 = NaN on a row of padding"),
    wrong("where-count-after-a-product", ("""
            m = mask.unsqueeze(-1).to(E.dtype)
            total = (E * m).sum(dim=1)
            count = m.sum(dim=1)
            return torch.where(count > 0, total / count, torch.zeros_like(total))
            """, CALL_OK, NO_MASK_OUT),
          "the classic: zeros forward, but the backward pass of 0 / 0 sends NaN through the product to E"),
    wrong("nan_to_num-after-a-product", ("""
            m = mask.unsqueeze(-1).to(E.dtype)
            return torch.nan_to_num((E * m).sum(dim=1) / m.sum(dim=1).clamp(min=1))
            """, CALL_OK, NO_MASK_OUT),
          "hides the NaN of 0 × NaN: a row with NaN in its padding becomes zeros instead of its mean"),
    wrong("masked_fill_-in-place", ("""
            E.masked_fill_(~mask.unsqueeze(-1), 0.0)
            return E.sum(dim=1) / mask.sum(dim=1, keepdim=True).clamp(min=1)
            """, CALL_OK, NO_MASK_OUT), "zeroes the caller's padding in place"),
    wrong("float64-count", (_mean(count="count = real.sum(dim=1).clamp(min=1).double()"), CALL_OK, NO_MASK_OUT),
          "the count as float64 makes the result float64 for a float32 E"),
    wrong("no-gradient", ("""
            with torch.no_grad():
                real = mask.unsqueeze(-1)
                return torch.where(real, E, 0.0).sum(dim=1) / real.sum(dim=1).clamp(min=1)
            """, CALL_OK, NO_MASK_OUT), "computed under torch.no_grad(): nothing to train through"),
    wrong("inverted-mask", (_mean(total="total = E.masked_fill(real, 0.0).sum(dim=1)"), CALL_OK, NO_MASK_OUT),
          "masked_fill(mask, 0) zeroes the real tokens and keeps the padding"),
    wrong("padding-from-zero-vectors", (_mean(real="real = (E != 0).any(dim=-1, keepdim=True)"), CALL_OK,
                                        NO_MASK_OUT),
          "finds the padding from zero vectors in E instead of reading mask"),
    wrong("lengths-as-a-prefix", (_mean(real="real = (torch.arange(E.shape[1], device=E.device)[None, :]\n"
                                             "        < mask.sum(dim=1, keepdim=True)).unsqueeze(-1)"),
                                  CALL_OK, NO_MASK_OUT),
          "turns the mask into lengths, as if the real tokens always came first"),
    wrong("loop-mean-of-nothing", ("return torch.stack([E[b][mask[b]].mean(dim=0) for b in range(E.shape[0])])",
                                   CALL_OK, NO_MASK_OUT), "a row with no real token is the mean of nothing: NaN"),
    # MaskedMean.call
    wrong("keras-ignores-the-mask", (MEAN_OK, "return ops.mean(inputs, axis=1)", NO_MASK_OUT),
          "the mean over all T steps, mask or not"),
    wrong("keras-divides-by-T", (MEAN_OK, _call(ret="return total / ops.cast(ops.shape(inputs)[1], "
                                                    "inputs.dtype)"), NO_MASK_OUT),
          "the masked sum divided by T"),
    wrong("keras-no-zero-guard", (MEAN_OK, _call(ret="return total / count"), NO_MASK_OUT),
          "0 / 0 = NaN on a row with no True, as GlobalAveragePooling1D gives"),
    wrong("keras-float-mask-product", (MEAN_OK, _call(real="real = ops.expand_dims(ops.cast(mask, inputs.dtype), "
                                                           "axis=-1)",
                                                      total="total = ops.sum(inputs * real, axis=1)"),
                                       NO_MASK_OUT),
          "multiplies by the mask cast to 0s and 1s: NaN or inf at a masked step leaks"),
    wrong("keras-mask-None-not-handled", (MEAN_OK, """
            real = ops.expand_dims(ops.cast(mask, "bool"), axis=-1)
            total = ops.sum(ops.where(real, inputs, ops.zeros_like(inputs)), axis=1)
            return total / ops.maximum(ops.sum(ops.cast(real, inputs.dtype), axis=1), 1.0)
            """, NO_MASK_OUT), "fails without a mask instead of taking the plain mean"),
    wrong("keras-int-count", (MEAN_OK, _call(count='count = ops.sum(ops.cast(real, "int32"), axis=1)',
                                             ret="return total / ops.maximum(count, 1)"), NO_MASK_OUT),
          "counts the mask as int32: a float32 sum divided by an int32 count is refused"),
    wrong("keras-numpy", (MEAN_OK, """
            x = np.asarray(inputs)
            m = np.ones(x.shape[:2], dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
            total = np.where(m[:, :, None], x, 0.0).sum(axis=1)
            return (total / np.maximum(m.sum(axis=1, keepdims=True), 1)).astype("float32")
            """, NO_MASK_OUT), "NumPy instead of keras.ops: a NumPy array, which a model's symbolic tensors refuse"),
    wrong("keras-global-average-pooling", (MEAN_OK, """
            pooled = layers.GlobalAveragePooling1D()(inputs, mask=mask)
            return ops.where(ops.isnan(pooled), ops.zeros_like(pooled), pooled)
            """, NO_MASK_OUT), "Keras' own masked mean with its NaN replaced: the values are right, the rule broken"),
    # MaskedMean.compute_mask
    wrong("keras-keeps-the-mask", (MEAN_OK, CALL_OK, "return mask"),
          "passes the (B, T) mask on to an output without a time axis"),
    # correct answers
    correct("masked_fill-and-clamp_min", ("""
            filled = E.masked_fill(~mask.unsqueeze(-1), 0.0)  # (B, T, d)
            return filled.sum(dim=1) / mask.sum(dim=1, keepdim=True).clamp_min(1).to(E.dtype)
            """, """
            if mask is None:
                return ops.mean(inputs, axis=1)
            real = ops.expand_dims(mask, -1)
            total = ops.sum(ops.where(real, inputs, 0.0), axis=1)
            return ops.divide_no_nan(total, ops.sum(ops.cast(real, "float32"), axis=1))
            """, NO_MASK_OUT), "masked_fill on ~mask; Keras' divide_no_nan, which gives 0 for 0 / 0"),
    correct("index_add-of-the-real-rows", ("""
            rows = mask.nonzero(as_tuple=True)[0]  # the batch row of every real token
            total = torch.zeros(E.shape[0], E.shape[2], dtype=E.dtype, device=E.device)
            total = total.index_add(0, rows, E[mask])  # (B, d): the padded positions are never read
            count = torch.bincount(rows, minlength=E.shape[0]).clamp(min=1).to(E.dtype)  # (B,)
            return total / count[:, None]
            """, """
            if mask is None:
                mask = ops.ones(ops.shape(inputs)[:2], dtype="bool")
            weights = ops.cast(mask, inputs.dtype)  # (B, T)
            weights = weights / ops.maximum(ops.sum(weights, axis=1, keepdims=True), 1.0)
            clean = ops.where(ops.expand_dims(mask, -1), inputs, 0.0)
            return ops.einsum("btd,bt->bd", clean, weights)
            """, NO_MASK_OUT), "index_add of the real rows and bincount; Keras: a mask of ones for None, "
                               "einsum with the weights 1 / count on the cleaned inputs"),
    correct("einsum-on-the-selected-vectors", ("""
            clean = torch.where(mask.unsqueeze(-1), E, torch.zeros_like(E))  # (B, T, d)
            weights = mask.to(E.dtype) / mask.sum(dim=1, keepdim=True).clamp(min=1)  # (B, T)
            return torch.einsum("btd,bt->bd", clean, weights)
            """, """
            if mask is None:
                return ops.mean(inputs, axis=1)
            real = ops.expand_dims(ops.cast(mask, "bool"), -1)
            count = ops.sum(ops.cast(real, "float32"), axis=1)
            total = ops.sum(ops.where(real, inputs, 0.0), axis=1)
            return ops.where(count > 0, total / ops.maximum(count, 1.0), 0.0)
            """, NO_MASK_OUT), "einsum with the weights 1 / count, after the padding is selected away; "
                               "Keras: ops.where on the count, with the divisor clamped too"),
    correct("loop-over-the-rows", ("""
            rows = [E[b][mask[b]].sum(dim=0) / max(int(mask[b].sum()), 1) for b in range(E.shape[0])]
            return torch.stack(rows)  # (B, d): an empty row sums to zeros
            """, """
            if mask is None:
                mask = ops.ones(ops.shape(inputs)[:2], dtype="bool")
            real = ops.expand_dims(ops.cast(mask, "bool"), axis=2)
            total = ops.sum(ops.where(real, inputs, ops.zeros_like(inputs)), axis=1)
            count = ops.clip(ops.sum(ops.cast(real, "float32"), axis=1), 1.0, float("inf"))
            return total / count
            """, """
            return
            """), "a Python loop over the rows, each a boolean selection; Keras: ops.clip; a bare return"),
    correct("where-on-the-count-after-a-selection", ("""
            total = E.masked_fill(~mask.unsqueeze(-1), 0.0).sum(dim=1)  # (B, d)
            count = mask.sum(dim=1, keepdim=True)  # (B, 1)
            return torch.where(count > 0, total / count, torch.zeros_like(total))
            """, CALL_OK, NO_MASK_OUT),
            "torch.where on the count: the NaN of 0 / 0's backward pass stays in the selected-away "
            "positions' gradient, which masked_fill sets to 0, so E's gradient is finite"),
    forbidden("ctorch-masked-mean", ("return ctorch.masked_mean(E, mask)", CALL_OK, NO_MASK_OUT),
              "its own layer, the mean by the reference through ctorch"),
    forbidden("ckeras-layer-inside", (MEAN_OK, "return ckeras.MaskedMean()(inputs, mask=mask)", NO_MASK_OUT),
              "its own mean, the layer's call by the reference's through ckeras"),
    forbidden("embed-module-alias", ("""
            from course_utils.torch.embed import masked_mean as average_real
            return average_real(E, mask)
            """, CALL_OK, NO_MASK_OUT), "the reference imported under another name"),
    forbidden("rebound-names", """
            from course_utils.torch import masked_mean
            from course_utils.keras import MaskedMean
            """, "the whole cell imports the two references", whole_cell=True),
]

NO_FORBIDDEN = {
    "ex2-one-hot-embed": "course_utils has no one-hot embedding to borrow; the narrative cell falls back on "
                         "F.embedding, which the visible test already rejects",
}
