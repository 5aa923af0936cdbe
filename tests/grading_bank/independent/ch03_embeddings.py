"""Independent answers for Chapter 3, embeddings (solutions/03-embeddings/embeddings.ipynb).

Written from the exercise prompts and the answer cells' docstrings alone, by someone who did
not write the chapter's tests, to check that the visible tests catch the mistakes students
make: counting and tie-breaking in a vocabulary, cosine similarity versus dot products,
which words are left out, in-place edits of the arguments (token lists, embedding tables,
word lists), an argument returned as the result, wrong result types or dtypes, gradients
cut off from autograd, the random draws of an initial table, and Keras layer options.
Every name starts with ``ind_``.
"""

from dataclasses import replace

from grading_bank import correct, wrong

# Exercise 5 has two solution regions (pretrained_matrix, keras_embedding); a correct version
# of each, so that a variant can be wrong in one function only.
MATRIX_OK = """
V, d = len(itos), E.shape[1]
M = rng.normal(0.0, E.std(), size=(V, d))
M[0] = 0.0
index = {w: j for j, w in enumerate(words)}
found = np.array([i >= 2 and tok in index for i, tok in enumerate(itos)], dtype=bool)
for i in np.flatnonzero(found):
    M[i] = E[index[itos[i]]]
return M.astype(np.float32), found
"""
EMBEDDING_OK = """
layer = keras.layers.Embedding(input_dim=matrix.shape[0], output_dim=matrix.shape[1], mask_zero=True)
layer.build((None,))
layer.set_weights([np.array(matrix, dtype="float32")])
layer.trainable = bool(trainable)
return layer
"""

BANK = {
    # ------------------------------------------------------------------ Exercise 1
    "ex1-build-vocab": [
        wrong("ind_first_list_extended", """
            if min_freq < 1:
                raise ValueError("min_freq must be at least 1")
            all_tokens = token_lists[0] if token_lists else []
            for tokens in token_lists[1:]:
                all_tokens += tokens  # extends the first list itself
            tally = Counter(all_tokens)
            kept = sorted((w for w in tally if tally[w] >= min_freq), key=lambda w: (-tally[w], w))
            return [PAD, UNK] + kept
            """, "flattens by += on the first list: the caller's first token list grows"),
        wrong("ind_pops_token_lists", """
            if min_freq < 1:
                raise ValueError("min_freq must be at least 1")
            tally = Counter()
            while token_lists:
                tally.update(token_lists.pop())
            kept = sorted((w for w in tally if tally[w] >= min_freq), key=lambda w: (-tally[w], w))
            return [PAD, UNK] + kept
            """, "consumes the caller's list with pop(): it is empty afterwards"),
        wrong("ind_document_frequency", """
            if min_freq < 1:
                raise ValueError("min_freq must be at least 1")
            tally = Counter()
            for tokens in token_lists:
                tally.update(set(tokens))
            kept = sorted((w for w in tally if tally[w] >= min_freq), key=lambda w: (-tally[w], w))
            return [PAD, UNK] + kept
            """, "counts the lists a token is in, not its occurrences"),
        wrong("ind_most_common_order", """
            if min_freq < 1:
                raise ValueError("min_freq must be at least 1")
            tally = Counter(t for tokens in token_lists for t in tokens)
            return [PAD, UNK] + [w for w, n in tally.most_common() if n >= min_freq]
            """, "Counter.most_common: ties in order of first appearance, not alphabetical"),
        wrong("ind_sorted_reverse", """
            if min_freq < 1:
                raise ValueError("min_freq must be at least 1")
            tally = Counter(t for tokens in token_lists for t in tokens)
            kept = sorted((w for w in tally if tally[w] >= min_freq), key=lambda w: (tally[w], w), reverse=True)
            return [PAD, UNK] + kept
            """, "reverse=True on (count, word): ties in reverse alphabetical order"),
        wrong("ind_more_than_min_freq", """
            if min_freq < 1:
                raise ValueError("min_freq must be at least 1")
            tally = Counter(t for tokens in token_lists for t in tokens)
            kept = sorted((w for w in tally if tally[w] > min_freq), key=lambda w: (-tally[w], w))
            return [PAD, UNK] + kept
            """, "drops the tokens that occur exactly min_freq times"),
        wrong("ind_min_freq_not_checked", """
            tally = Counter(t for tokens in token_lists for t in tokens)
            kept = sorted((w for w in tally if tally[w] >= min_freq), key=lambda w: (-tally[w], w))
            return [PAD, UNK] + kept
            """, "min_freq=0 (or negative) is accepted silently"),
        wrong("ind_default_min_freq_2", '''
            def build_vocab(token_lists, min_freq=2):
                """Build the id-to-token list of a word vocabulary."""
                if min_freq < 1:
                    raise ValueError("min_freq must be at least 1")
                tally = Counter(t for tokens in token_lists for t in tokens)
                kept = sorted((w for w in tally if tally[w] >= min_freq), key=lambda w: (-tally[w], w))
                return [PAD, UNK] + kept
            ''', "the default min_freq is 2 instead of 1", whole_cell=True),
        wrong("ind_returns_stoi_dict", """
            if min_freq < 1:
                raise ValueError("min_freq must be at least 1")
            tally = Counter(t for tokens in token_lists for t in tokens)
            kept = sorted((w for w in tally if tally[w] >= min_freq), key=lambda w: (-tally[w], w))
            return {w: i for i, w in enumerate([PAD, UNK] + kept)}
            """, "returns the token-to-id dict instead of the list itos"),
        wrong("ind_unk_pad_order", """
            if min_freq < 1:
                raise ValueError("min_freq must be at least 1")
            tally = Counter(t for tokens in token_lists for t in tokens)
            kept = sorted((w for w in tally if tally[w] >= min_freq), key=lambda w: (-tally[w], w))
            return [UNK, PAD] + kept
            """, "<unk> at id 0 and <pad> at id 1"),
        wrong("ind_sorts_each_list_in_place", """
            if min_freq < 1:
                raise ValueError("min_freq must be at least 1")
            tally = Counter()
            for tokens in token_lists:
                tokens.sort()  # alphabetical first, so that equal counts come out alphabetically
                tally.update(tokens)
            kept = [w for w, n in tally.most_common() if n >= min_freq]
            return [PAD, UNK] + kept
            """, "sorts the caller's token lists in place (and relies on first appearance after that)"),
        wrong("ind_reduce_without_start", """
            import functools

            if min_freq < 1:
                raise ValueError("min_freq must be at least 1")
            tally = Counter(functools.reduce(lambda x, y: x + y, token_lists))
            kept = sorted((w for w in tally if tally[w] >= min_freq), key=lambda w: (-tally[w], w))
            return [PAD, UNK] + kept
            """, "reduce without a start value: an empty corpus raises TypeError instead of giving [<pad>, <unk>]"),
        correct("ind_two_stable_sorts", """
            if not min_freq >= 1:
                raise ValueError(f"min_freq must be >= 1, got {min_freq}")
            counts = {}
            for tokens in token_lists:
                for token in tokens:
                    counts[token] = counts.get(token, 0) + 1
            kept = sorted(t for t, n in counts.items() if n >= min_freq)  # alphabetical
            kept.sort(key=counts.__getitem__, reverse=True)  # stable: ties stay alphabetical
            return [PAD, UNK, *kept]
            """, "a plain dict; an alphabetical sort, then a stable sort by count (reverse keeps ties)"),
    ],
    # ------------------------------------------------------------------ Exercise 2
    "ex2-one-hot-embed": [
        wrong("ind_integer_one_hot", """
            return F.one_hot(X, num_classes=W.shape[0]) @ W
            """, "multiplies the int64 one-hot matrix by a float table (a dtype error)"),
        wrong("ind_num_classes_inferred", """
            return F.one_hot(X).to(W.dtype) @ W
            """, "F.one_hot without num_classes: V is max(X) + 1, not the table's size"),
        wrong("ind_float64_result", """
            return F.one_hot(X, num_classes=W.shape[0]).double() @ W.double()
            """, "computes in float64: the result does not have W's dtype"),
        wrong("ind_table_detached", """
            return F.one_hot(X, num_classes=W.shape[0]).to(W.dtype) @ W.detach()
            """, "uses W.detach(): no gradient reaches the table"),
        wrong("ind_pad_row_zeroed_in_place", """
            W[0] = 0.0  # id 0 is <pad>: its embedding should be zero
            return F.one_hot(X, num_classes=W.shape[0]).to(W.dtype) @ W
            """, "zeroes the caller's row 0 in place (and changes the values of id 0)"),
        wrong("ind_numpy_eye", """
            one_hot = np.eye(W.shape[0], dtype=np.float32)[X.cpu().numpy()]
            return torch.from_numpy(one_hot @ W.detach().cpu().numpy())
            """, "one-hot and product in NumPy: no gradient, and not on W's device"),
        wrong("ind_X_time_major", """
            return F.one_hot(X.T, num_classes=W.shape[0]).to(W.dtype) @ W
            """, "transposes the ids: shape (T, B, d)"),
        wrong("ind_embedding_call", """
            return F.embedding(X, W)
            """, "calls F.embedding, which the prompt forbids"),
        wrong("ind_averaged_over_time", """
            return (F.one_hot(X, num_classes=W.shape[0]).to(W.dtype) @ W).mean(dim=1, keepdim=True)
            """, "averages over the time axis: shape (B, 1, d)"),
        wrong("ind_one_hot_minus_one", """
            return F.one_hot(X - 1, num_classes=W.shape[0]).to(W.dtype) @ W
            """, "ids shifted by one (1-based thinking): row X - 1 is picked; id 0 fails"),
        wrong("ind_squeezed_result", """
            return (F.one_hot(X, num_classes=W.shape[0]).to(W.dtype) @ W).squeeze()
            """, "squeeze() drops the batch or time axis of a single example or a single step"),
        correct("ind_scatter_ones", """
            onehot = torch.zeros(*X.shape, W.shape[0], dtype=W.dtype, device=W.device)
            onehot.scatter_(-1, X.to(W.device).unsqueeze(-1), 1.0)
            return torch.matmul(onehot, W)
            """, "a one-hot tensor filled by scatter_, then torch.matmul"),
        correct("ind_equality_with_arange_einsum", """
            ids = X.to(W.device)
            onehot = (ids[..., None] == torch.arange(W.shape[0], device=W.device)).type_as(W)
            return torch.einsum("btv,vd->btd", onehot, W)
            """, "one-hot from a comparison with arange, einsum for the product"),
    ],
    # ------------------------------------------------------------------ Exercise 3
    "ex3-nearest-words": [
        wrong("ind_dot_product_ranking", """
            if query not in words:
                raise KeyError(f"{query!r} is not a known word")
            q = list(words).index(query)
            scores = E @ E[q]
            order = [i for i in np.argsort(-scores, kind="stable") if i != q][:k]
            return [(words[i], float(scores[i])) for i in order]
            """, "ranks and reports dot products instead of cosine similarities"),
        wrong("ind_normalises_E_in_place", """
            if query not in words:
                raise KeyError(f"{query!r} is not a known word")
            q = list(words).index(query)
            E /= np.linalg.norm(E, axis=1, keepdims=True)
            sims = E @ E[q]
            order = [i for i in np.argsort(-sims, kind="stable") if i != q][:k]
            return [(words[i], float(sims[i])) for i in order]
            """, "normalises the caller's E in place"),
        wrong("ind_skip_first_result", """
            if query not in words:
                raise KeyError(f"{query!r} is not a known word")
            U = E / np.linalg.norm(E, axis=1, keepdims=True)
            sims = U @ U[list(words).index(query)]
            order = np.argsort(-sims, kind="stable")[1:k + 1]  # the first is the query itself
            return [(words[i], float(sims[i])) for i in order]
            """, "drops the first result, assuming it is the query: wrong when another word ties at 1"),
        wrong("ind_drops_parallel_words", """
            if query not in words:
                raise KeyError(f"{query!r} is not a known word")
            U = E / np.linalg.norm(E, axis=1, keepdims=True)
            sims = U @ U[list(words).index(query)]
            order = [i for i in np.argsort(-sims, kind="stable") if sims[i] < 1 - 1e-9][:k]
            return [(words[i], float(sims[i])) for i in order]
            """, "leaves out every word with similarity 1, not only the query"),
        wrong("ind_valueerror_from_index", """
            q = list(words).index(query)  # raises for an unknown word
            U = E / np.linalg.norm(E, axis=1, keepdims=True)
            sims = U @ U[q]
            order = [i for i in np.argsort(-sims, kind="stable") if i != q][:k]
            return [(words[i], float(sims[i])) for i in order]
            """, "an unknown query raises list.index's ValueError, not KeyError"),
        wrong("ind_removes_query_from_words", """
            if query not in words:
                raise KeyError(f"{query!r} is not a known word")
            q = words.index(query)
            U = E / np.linalg.norm(E, axis=1, keepdims=True)
            sims = np.delete(U @ U[q], q)
            words.remove(query)
            order = np.argsort(-sims, kind="stable")[:k]
            return [(words[i], float(sims[i])) for i in order]
            """, "removes the query from the caller's word list"),
        wrong("ind_columns_normalised", """
            if query not in words:
                raise KeyError(f"{query!r} is not a known word")
            q = list(words).index(query)
            U = E / np.linalg.norm(E, axis=0, keepdims=True)
            sims = U @ U[q]
            order = [i for i in np.argsort(-sims, kind="stable") if i != q][:k]
            return [(words[i], float(sims[i])) for i in order]
            """, "normalises the columns (axis=0) instead of the rows"),
        wrong("ind_least_similar_first", """
            if query not in words:
                raise KeyError(f"{query!r} is not a known word")
            q = list(words).index(query)
            U = E / np.linalg.norm(E, axis=1, keepdims=True)
            sims = U @ U[q]
            order = [i for i in np.argsort(sims, kind="stable") if i != q][:k]
            return [(words[i], float(sims[i])) for i in order]
            """, "ascending order: the k least similar words"),
        wrong("ind_returns_dict", """
            if query not in words:
                raise KeyError(f"{query!r} is not a known word")
            q = list(words).index(query)
            U = E / np.linalg.norm(E, axis=1, keepdims=True)
            sims = U @ U[q]
            order = [i for i in np.argsort(-sims, kind="stable") if i != q][:k]
            return {words[i]: float(sims[i]) for i in order}
            """, "returns a dict word -> similarity instead of a list of pairs"),
        wrong("ind_default_k_10", '''
            def nearest_words(query, words, E, k=10):
                """The k nearest neighbours of a word by cosine similarity."""
                if query not in words:
                    raise KeyError(f"{query!r} is not a known word")
                q = list(words).index(query)
                U = E / np.linalg.norm(E, axis=1, keepdims=True)
                sims = U @ U[q]
                order = [i for i in np.argsort(-sims, kind="stable") if i != q][:k]
                return [(words[i], float(sims[i])) for i in order]
            ''', "the default k is 10 instead of 5", whole_cell=True),
        correct("ind_cosine_by_division", """
            if query not in words:
                raise KeyError(f"unknown word: {query}")
            q = words.index(query)
            norms = np.sqrt((E * E).sum(axis=1))
            sims = (E @ E[q]) / (norms * norms[q])
            candidates = sorted((i for i in range(len(words)) if i != q), key=lambda i: -sims[i])
            return [(words[i], float(sims[i])) for i in candidates[:k]]
            """, "cosine as dot / (norm * norm), Python's stable sorted over the other ids"),
    ],
    # ------------------------------------------------------------------ Exercise 4
    "ex4-solve-analogy": [
        wrong("ind_raw_difference", """
            idx = {w: i for i, w in enumerate(words)}
            target = E[idx[b]] - E[idx[a]] + E[idx[c]]
            U = E / np.linalg.norm(E, axis=1, keepdims=True)
            scores = U @ target
            for w in (a, b, c):
                scores[idx[w]] = -np.inf
            return words[int(np.argmax(scores))]
            """, "the target from raw (not unit) vectors"),
        wrong("ind_a_minus_b", """
            idx = {w: i for i, w in enumerate(words)}
            U = E / np.linalg.norm(E, axis=1, keepdims=True)
            scores = U @ (U[idx[a]] - U[idx[b]] + U[idx[c]])
            for w in (a, b, c):
                scores[idx[w]] = -np.inf
            return words[int(np.argmax(scores))]
            """, "a - b + c: the sign error"),
        wrong("ind_excludes_c_only", """
            idx = {w: i for i, w in enumerate(words)}
            U = E / np.linalg.norm(E, axis=1, keepdims=True)
            scores = U @ (U[idx[b]] - U[idx[a]] + U[idx[c]])
            scores[idx[c]] = -np.inf
            return words[int(np.argmax(scores))]
            """, "leaves out c only: the answer can be b (or a)"),
        wrong("ind_normalises_E_in_place", """
            idx = {w: i for i, w in enumerate(words)}
            E /= np.linalg.norm(E, axis=1, keepdims=True)
            scores = E @ (E[idx[b]] - E[idx[a]] + E[idx[c]])
            for w in (a, b, c):
                scores[idx[w]] = -np.inf
            return words[int(np.argmax(scores))]
            """, "normalises the caller's E in place"),
        wrong("ind_zeroes_rows_in_E", """
            idx = {w: i for i, w in enumerate(words)}
            U = E / np.linalg.norm(E, axis=1, keepdims=True)
            target = U[idx[b]] - U[idx[a]] + U[idx[c]]
            for w in (a, b, c):
                E[idx[w]] = 0.0  # leave them out
            return words[int(np.argmax(E @ target))]
            """, "zeroes the rows of a, b, c in the caller's E, and ranks by raw dot products"),
        wrong("ind_unit_target_raw_rows", """
            idx = {w: i for i, w in enumerate(words)}
            U = E / np.linalg.norm(E, axis=1, keepdims=True)
            target = U[idx[b]] - U[idx[a]] + U[idx[c]]
            scores = E @ target  # the candidates' lengths still count
            for w in (a, b, c):
                scores[idx[w]] = -np.inf
            return words[int(np.argmax(scores))]
            """, "scores with the raw rows: dot products favour long vectors"),
        wrong("ind_returns_top_list", """
            idx = {w: i for i, w in enumerate(words)}
            U = E / np.linalg.norm(E, axis=1, keepdims=True)
            scores = U @ (U[idx[b]] - U[idx[a]] + U[idx[c]])
            for w in (a, b, c):
                scores[idx[w]] = -np.inf
            return [words[int(np.argmax(scores))]]
            """, "returns a one-element list instead of the word"),
        wrong("ind_returns_pair", """
            idx = {w: i for i, w in enumerate(words)}
            U = E / np.linalg.norm(E, axis=1, keepdims=True)
            scores = U @ (U[idx[b]] - U[idx[a]] + U[idx[c]])
            for w in (a, b, c):
                scores[idx[w]] = -np.inf
            best = int(np.argmax(scores))
            return words[best], float(scores[best])
            """, "returns (word, score) instead of the word"),
        wrong("ind_excluded_words_removed_from_list", """
            idx = {w: i for i, w in enumerate(words)}
            U = E / np.linalg.norm(E, axis=1, keepdims=True)
            scores = U @ (U[idx[b]] - U[idx[a]] + U[idx[c]])
            keep = [i for i in range(len(words)) if words[i] not in (a, b, c)]
            for w in {a, b, c}:
                words.remove(w)  # the candidates left
            return words[int(np.argmax(scores[keep]))]
            """, "removes a, b and c from the caller's word list"),
        correct("ind_python_max", """
            row = dict(zip(words, range(len(words))))
            unit = lambda v: v / np.sqrt(v @ v)
            target = unit(E[row[b]]) - unit(E[row[a]]) + unit(E[row[c]])
            target = target / np.linalg.norm(target)
            candidates = [w for w in words if w not in {a, b, c}]
            return max(candidates, key=lambda w: float(unit(E[row[w]]) @ target))
            """, "Python's max over the candidates, with a unit-length target (the same order)"),
    ],
    # ------------------------------------------------------------------ Exercise 5
    "ex5-pretrained-embeddings": [
        wrong("ind_sigma_of_rows_norm", ("""
            V, d = len(itos), E.shape[1]
            M = rng.normal(0.0, np.linalg.norm(E, axis=1).std(), size=(V, d))
            M[0] = 0.0
            index = {w: j for j, w in enumerate(words)}
            found = np.zeros(V, dtype=bool)
            for i in range(2, V):
                if itos[i] in index:
                    M[i], found[i] = E[index[itos[i]]], True
            return M.astype(np.float32), found
            """, EMBEDDING_OK), "sigma from the spread of the row norms, not of all of E's values"),
        wrong("ind_draws_missing_rows_only", ("""
            V, d = len(itos), E.shape[1]
            index = {w: j for j, w in enumerate(words)}
            M = np.zeros((V, d), dtype=np.float32)
            found = np.zeros(V, dtype=bool)
            for i in range(1, V):
                if i >= 2 and itos[i] in index:
                    M[i], found[i] = E[index[itos[i]]], True
                else:
                    M[i] = rng.normal(0.0, E.std(), size=d)
            return M, found
            """, EMBEDDING_OK), "draws only the rows it needs, one call each: other random numbers"),
        wrong("ind_pad_row_random", ("""
            V, d = len(itos), E.shape[1]
            M = rng.normal(0.0, E.std(), size=(V, d)).astype(np.float32)
            index = {w: j for j, w in enumerate(words)}
            found = np.zeros(V, dtype=bool)
            for i in range(2, V):
                if itos[i] in index:
                    M[i], found[i] = E[index[itos[i]]], True
            return M, found
            """, EMBEDDING_OK), "forgets to zero the <pad> row"),
        wrong("ind_lookup_from_one", ("""
            V, d = len(itos), E.shape[1]
            M = rng.normal(0.0, E.std(), size=(V, d)).astype(np.float32)
            M[0] = 0.0
            index = {w: j for j, w in enumerate(words)}
            found = np.zeros(V, dtype=bool)
            for i in range(1, V):
                if itos[i] in index:
                    M[i], found[i] = E[index[itos[i]]], True
            return M, found
            """, EMBEDDING_OK), "looks up <unk> too (id 1), which must keep its random row"),
        wrong("ind_float64_matrix", ("""
            V, d = len(itos), E.shape[1]
            M = rng.normal(0.0, E.std(), size=(V, d))
            M[0] = 0.0
            index = {w: j for j, w in enumerate(words)}
            found = np.zeros(V, dtype=bool)
            for i in range(2, V):
                if itos[i] in index:
                    M[i], found[i] = E[index[itos[i]]], True
            return M, found
            """, EMBEDDING_OK), "M is returned as float64"),
        wrong("ind_found_uint8", ("""
            V, d = len(itos), E.shape[1]
            M = rng.normal(0.0, E.std(), size=(V, d)).astype(np.float32)
            M[0] = 0.0
            index = {w: j for j, w in enumerate(words)}
            found = np.zeros(V, dtype=np.uint8)
            for i in range(2, V):
                if itos[i] in index:
                    M[i], found[i] = E[index[itos[i]]], 1
            return M, found
            """, EMBEDDING_OK), "found is a uint8 array, not bool"),
        wrong("ind_pair_swapped", ("""
            V, d = len(itos), E.shape[1]
            M = rng.normal(0.0, E.std(), size=(V, d)).astype(np.float32)
            M[0] = 0.0
            index = {w: j for j, w in enumerate(words)}
            found = np.zeros(V, dtype=bool)
            for i in range(2, V):
                if itos[i] in index:
                    M[i], found[i] = E[index[itos[i]]], True
            return found, M
            """, EMBEDDING_OK), "returns (found, M)"),
        wrong("ind_E_centred_in_place", ("""
            V, d = len(itos), E.shape[1]
            E -= E.mean()  # so that the spread is around 0, like the random rows
            M = rng.normal(0.0, E.std(), size=(V, d)).astype(np.float32)
            M[0] = 0.0
            index = {w: j for j, w in enumerate(words)}
            found = np.zeros(V, dtype=bool)
            for i in range(2, V):
                if itos[i] in index:
                    M[i], found[i] = E[index[itos[i]]], True
            return M, found
            """, EMBEDDING_OK), "centres the caller's E in place (and copies shifted rows)"),
        wrong("ind_keras_no_mask", (MATRIX_OK, """
            layer = keras.layers.Embedding(matrix.shape[0], matrix.shape[1], trainable=trainable)
            layer.build((None, None))
            layer.set_weights([np.asarray(matrix, dtype=np.float32)])
            return layer
            """), "mask_zero left at False"),
        wrong("ind_keras_always_trainable", (MATRIX_OK, """
            layer = keras.layers.Embedding(matrix.shape[0], matrix.shape[1], mask_zero=True)
            layer.build((None, None))
            layer.set_weights([np.asarray(matrix, dtype=np.float32)])
            return layer
            """), "ignores trainable: the table is always trained"),
        wrong("ind_keras_trainable_inverted", (MATRIX_OK, """
            layer = keras.layers.Embedding(matrix.shape[0], matrix.shape[1], mask_zero=True,
                                           trainable=not trainable)  # 'frozen' read as trainable
            layer.build((None, None))
            layer.set_weights([np.asarray(matrix, dtype=np.float32)])
            return layer
            """), "the trainable flag inverted"),
        wrong("ind_keras_table_not_set", (MATRIX_OK, """
            layer = keras.layers.Embedding(matrix.shape[0], matrix.shape[1], mask_zero=True, trainable=trainable)
            layer.build((None, None))
            return layer
            """), "builds the layer but never loads the matrix"),
        wrong("ind_keras_zero_pad_row_in_place", (MATRIX_OK, """
            matrix[0] = 0.0  # <pad> must embed to zeros
            layer = keras.layers.Embedding(matrix.shape[0], matrix.shape[1], mask_zero=True, trainable=trainable)
            layer.build((None, None))
            layer.set_weights([np.asarray(matrix, dtype=np.float32)])
            return layer
            """), "zeroes row 0 of the caller's matrix in place"),
        wrong("ind_keras_sequential", (MATRIX_OK, """
            layer = keras.layers.Embedding(matrix.shape[0], matrix.shape[1], mask_zero=True, trainable=trainable)
            model = keras.Sequential([keras.Input(shape=(None,), dtype="int32"), layer])
            layer.set_weights([np.asarray(matrix, dtype=np.float32)])
            return model
            """), "returns a Sequential model around the layer instead of the Embedding layer"),
        correct("ind_constant_initializer", (MATRIX_OK, """
            table = np.asarray(matrix, dtype=np.float32)
            return keras.layers.Embedding(*table.shape, mask_zero=True, trainable=trainable,
                                          embeddings_initializer=keras.initializers.Constant(table))
            """), "the table through a Constant initializer, built when the layer is first used"),
        correct("ind_isin_vectorised", ("""
            sigma = float(np.std(E))
            M = rng.normal(0.0, sigma, size=(len(itos), E.shape[1])).astype(np.float32)
            M[0] = 0
            found = np.isin(np.asarray(itos, dtype=object), np.asarray(words, dtype=object))
            found[:2] = False
            rows = {w: j for j, w in enumerate(words)}
            M[found] = E[[rows[itos[i]] for i in np.flatnonzero(found)]]
            return M, found.astype(bool)
            """, EMBEDDING_OK), "np.isin for the mask, one fancy-indexed assignment"),
    ],
}

# Exercise 5 gained a third region, torch_embedding, between the two above: these variants
# get a correct one there.
TORCH_OK = """
return nn.Embedding.from_pretrained(torch.tensor(np.asarray(matrix, dtype=np.float32)),
                                    freeze=not trainable, padding_idx=0)
"""
BANK["ex5-pretrained-embeddings"] = [
    replace(v, code=(v.code[0], TORCH_OK, v.code[1])) if isinstance(v.code, tuple) and len(v.code) == 2 else v
    for v in BANK["ex5-pretrained-embeddings"]
]
