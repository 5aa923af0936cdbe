"""Independent answers for Chapter 3, embeddings (solutions/03-embeddings/embeddings.ipynb).

Written from the exercise prompts and the answer cells' docstrings alone, by someone who did
not write the chapter's tests, to check that the visible tests catch the mistakes students
make: counting and tie-breaking in a vocabulary, cosine similarity versus dot products,
which words are left out, in-place edits of the arguments (token lists, embedding tables,
word lists), an argument returned as the result, wrong result types or dtypes, gradients
cut off from autograd, the random draws of an initial table, PyTorch and Keras layer options
(freeze against trainable, padding_idx, the table's dtype), and masked means that read the
padding, divide by T or by 0, or pass the mask on. Every name starts with ``ind_``.
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
# Exercise 5's third region, torch_embedding (between the two above), written correctly.
TORCH_OK = """
return nn.Embedding.from_pretrained(torch.tensor(np.asarray(matrix, dtype=np.float32)),
                                    freeze=not trainable, padding_idx=0)
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
        wrong("ind_casefolded_ties", """
            if min_freq < 1:
                raise ValueError("min_freq must be at least 1")
            tally = Counter(token for tokens in token_lists for token in tokens)
            kept = sorted((w for w in tally if tally[w] >= min_freq), key=lambda w: (-tally[w], w.casefold()))
            return [PAD, UNK] + kept
            """, "ties broken case-insensitively, not in sorted() order"),
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
        correct("ind_torch_shares_matrix", (MATRIX_OK, """
            weight = torch.from_numpy(matrix)
            if weight.dtype != torch.float32:
                weight = weight.float()
            return nn.Embedding.from_pretrained(weight, freeze=not trainable, padding_idx=0)
            """, EMBEDDING_OK), "shares a float32 matrix's memory: no rule forbids it (the chapter passes a copy)"),
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


# The variants above were written when Exercise 5 had two regions (pretrained_matrix,
# keras_embedding): they get the correct torch_embedding in between. New ones give all three.
BANK["ex5-pretrained-embeddings"] = [
    replace(v, code=(v.code[0], TORCH_OK, v.code[1])) if isinstance(v.code, tuple) and len(v.code) == 2 else v
    for v in BANK["ex5-pretrained-embeddings"]
]

# ---------------------------------------------------------------------- Exercise 1, punctuation
# Every token counts, punctuation and clitics included, and ties go by Python's string order.
BANK["ex1-build-vocab"] += [
    wrong("ind_alphabetic_tokens_only", """
        if min_freq < 1:
            raise ValueError("min_freq must be at least 1")
        tally = Counter(t for tokens in token_lists for t in tokens if t.isalpha())
        kept = sorted((w for w in tally if tally[w] >= min_freq), key=lambda w: (-tally[w], w))
        return [PAD, UNK] + kept
        """, "keeps only alphabetic tokens: punctuation and clitics ('s, n't) are dropped"),
    wrong("ind_word_regex_keeps_clitics", """
        import re

        if min_freq < 1:
            raise ValueError("min_freq must be at least 1")
        tally = Counter(t for tokens in token_lists for t in tokens if re.fullmatch(r"[\\w']+", t))
        kept = sorted((w for w in tally if tally[w] >= min_freq), key=lambda w: (-tally[w], w))
        return [PAD, UNK] + kept
        """, "a word regex that keeps the clitics but drops , . ! and the like"),
    wrong("ind_strips_punctuation", """
        import string

        if min_freq < 1:
            raise ValueError("min_freq must be at least 1")
        tally = Counter()
        for tokens in token_lists:
            for t in tokens:
                t = t.strip(string.punctuation)
                if t:
                    tally[t] += 1
        kept = sorted((w for w in tally if tally[w] >= min_freq), key=lambda w: (-tally[w], w))
        return [PAD, UNK] + kept
        """, "strips punctuation from each token: ',' disappears and 's becomes s"),
    wrong("ind_punctuation_last_on_ties", """
        if min_freq < 1:
            raise ValueError("min_freq must be at least 1")
        tally = Counter(t for tokens in token_lists for t in tokens)
        kept = sorted((w for w in tally if tally[w] >= min_freq),
                      key=lambda w: (-tally[w], not w[0].isalnum(), w))
        return [PAD, UNK] + kept
        """, "among equal counts, words before punctuation (Python puts ',' before 'a')"),
    wrong("ind_assert_min_freq", """
        assert min_freq >= 1, "min_freq must be at least 1"
        tally = Counter(t for tokens in token_lists for t in tokens)
        kept = sorted((w for w in tally if tally[w] >= min_freq), key=lambda w: (-tally[w], w))
        return [PAD, UNK] + kept
        """, "assert instead of ValueError: AssertionError (and nothing at all under python -O)"),
    wrong("ind_returns_tuple", """
        if min_freq < 1:
            raise ValueError("min_freq must be at least 1")
        tally = Counter(t for tokens in token_lists for t in tokens)
        kept = sorted((w for w in tally if tally[w] >= min_freq), key=lambda w: (-tally[w], w))
        return (PAD, UNK, *kept)
        """, "returns a tuple, not the list itos"),
    wrong("ind_sorted_by_get_reverse", """
        if min_freq < 1:
            raise ValueError("min_freq must be at least 1")
        tally = Counter(t for tokens in token_lists for t in tokens)
        kept = [w for w in sorted(tally, key=tally.get, reverse=True) if tally[w] >= min_freq]
        return [PAD, UNK] + kept
        """, "sorted by count alone: ties stay in order of first appearance"),
    correct("ind_chain_items_sort", """
        import itertools

        if min_freq < 1:
            raise ValueError(f"min_freq={min_freq!r}: it must be at least 1")
        tally = Counter(itertools.chain.from_iterable(token_lists))
        ranked = sorted(tally.items(), key=lambda item: (-item[1], item[0]))
        return [PAD, UNK] + [token for token, n in ranked if n >= min_freq]
        """, "itertools.chain into a Counter, the (token, count) pairs sorted by (-count, token)"),
]

# ---------------------------------------------------------------------- Exercise 5, torch_embedding
BANK["ex5-pretrained-embeddings"] += [
    wrong("ind_torch_freeze_is_trainable", (MATRIX_OK, """
        return nn.Embedding.from_pretrained(torch.tensor(matrix, dtype=torch.float32),
                                            freeze=trainable, padding_idx=0)
        """, EMBEDDING_OK), "passes trainable as freeze: the table trains exactly when it should not"),
    wrong("ind_torch_freeze_default", (MATRIX_OK, """
        return nn.Embedding.from_pretrained(torch.tensor(matrix, dtype=torch.float32), padding_idx=0)
        """, EMBEDDING_OK), "leaves freeze at its default (True): the table never trains"),
    wrong("ind_torch_no_padding_idx", (MATRIX_OK, """
        return nn.Embedding.from_pretrained(torch.tensor(matrix, dtype=torch.float32),
                                            freeze=not trainable)
        """, EMBEDDING_OK), "no padding_idx: row 0 gets a gradient"),
    wrong("ind_torch_float64_table", (MATRIX_OK, """
        return nn.Embedding.from_pretrained(torch.from_numpy(np.array(matrix)),
                                            freeze=not trainable, padding_idx=0)
        """, EMBEDDING_OK), "keeps the matrix's dtype: a float64 matrix gives a float64 table"),
    wrong("ind_torch_always_trainable", (MATRIX_OK, """
        layer = nn.Embedding(matrix.shape[0], matrix.shape[1], padding_idx=0)
        with torch.no_grad():
            layer.weight.copy_(torch.as_tensor(matrix, dtype=torch.float32))
        return layer
        """, EMBEDDING_OK), "copies the table in but ignores trainable: it always trains"),
    wrong("ind_torch_pad_row_zeroed_in_place", (MATRIX_OK, """
        matrix[0] = 0.0  # padding_idx needs a zero row 0
        return nn.Embedding.from_pretrained(torch.tensor(matrix, dtype=torch.float32),
                                            freeze=not trainable, padding_idx=0)
        """, EMBEDDING_OK), "zeroes row 0 of the caller's matrix"),
    wrong("ind_torch_eval_as_freeze", (MATRIX_OK, """
        layer = nn.Embedding.from_pretrained(torch.tensor(matrix, dtype=torch.float32),
                                             freeze=False, padding_idx=0)
        if not trainable:
            layer.eval()  # 'frozen'
        return layer
        """, EMBEDDING_OK), "eval() as freezing: the weight still requires a gradient"),
    wrong("ind_torch_returns_weight", (MATRIX_OK, """
        layer = nn.Embedding.from_pretrained(torch.tensor(matrix, dtype=torch.float32),
                                             freeze=not trainable, padding_idx=0)
        return layer.weight
        """, EMBEDDING_OK), "returns the layer's weight Parameter, not the layer"),
    wrong("ind_torch_max_norm", (MATRIX_OK, """
        return nn.Embedding.from_pretrained(torch.tensor(matrix, dtype=torch.float32),
                                            freeze=not trainable, padding_idx=0, max_norm=1.0)
        """, EMBEDDING_OK), "max_norm=1: looking rows up renormalises them (the output and the table change)"),
    wrong("ind_torch_pad_row_zeroed_in_table", (MATRIX_OK, """
        weight = torch.tensor(matrix, dtype=torch.float32)
        weight[0] = 0.0  # the <pad> row must be zero
        return nn.Embedding.from_pretrained(weight, freeze=not trainable, padding_idx=0)
        """, EMBEDDING_OK), "zeroes row 0 of the layer's table: it no longer equals matrix"),
    correct("ind_torch_padding_idx_attribute", (MATRIX_OK, """
        layer = nn.Embedding.from_pretrained(torch.tensor(matrix, dtype=torch.float32),
                                             freeze=not trainable)
        layer.padding_idx = 0  # read by forward, which passes it to F.embedding
        return layer
        """, EMBEDDING_OK), "padding_idx set as an attribute after from_pretrained"),
    correct("ind_torch_copy_and_requires_grad", (MATRIX_OK, """
        V, d = matrix.shape
        layer = nn.Embedding(V, d, padding_idx=0)
        with torch.no_grad():
            layer.weight.copy_(torch.as_tensor(np.asarray(matrix), dtype=torch.float32))
        layer.weight.requires_grad_(bool(trainable))
        return layer
        """, EMBEDDING_OK), "a fresh nn.Embedding, the table copied in under no_grad, requires_grad_ set"),
    correct("ind_torch_private_weight", (MATRIX_OK, """
        table = torch.from_numpy(np.array(matrix, dtype=np.float32, copy=True))
        layer = nn.Embedding(table.shape[0], table.shape[1], padding_idx=0, _weight=table)
        layer.weight.requires_grad = bool(trainable)
        return layer
        """, EMBEDDING_OK), "nn.Embedding's _weight argument with a copied float32 table"),
]

# ---------------------------------------------------------------------- Exercise 6
# Three regions: masked_mean, MaskedMean.call, MaskedMean.compute_mask. A correct version of
# each, so that a variant can be wrong in one of them only.
MEAN_OK = """
keep = mask.to(device=E.device, dtype=torch.bool)[:, :, None]  # (B, T, 1)
total = E.masked_fill(~keep, 0.0).sum(dim=1)  # (B, d)
count = keep.sum(dim=1).clamp_min(1)  # (B, 1), an integer count of at least 1
return total / count.to(E.dtype)
"""
CALL_OK = """
if mask is None:
    return ops.sum(inputs, axis=1) / ops.cast(ops.shape(inputs)[1], inputs.dtype)
keep = ops.cast(mask, "bool")[:, :, None]  # (B, T, 1)
total = ops.sum(ops.where(keep, inputs, 0.0), axis=1)  # (B, d)
count = ops.sum(ops.where(keep, 1.0, 0.0), axis=1)  # (B, 1)
return total / ops.maximum(count, 1.0)
"""
COMPUTE_MASK_OK = """
del inputs, mask  # the output (B, d) has no time steps to mask
return None
"""

BANK["ex6-masked-mean"] = [
    # PyTorch: masked_mean
    wrong("ind_mean_over_T", ("""
        return E.mean(dim=1)
        """, CALL_OK, COMPUTE_MASK_OK), "ignores the mask: divides by T and reads the padding"),
    wrong("ind_multiply_by_mask", ("""
        m = mask.to(E.dtype).unsqueeze(-1)  # (B, T, 1)
        return (E * m).sum(dim=1) / m.sum(dim=1).clamp(min=1.0)
        """, CALL_OK, COMPUTE_MASK_OK), "multiplies by the mask as 0s and 1s: NaN or inf in the padding "
                                         "gives NaN (0 x NaN, 0 x inf)"),
    wrong("ind_no_clamp", ("""
        m = mask.unsqueeze(-1)
        return torch.where(m, E, 0.0).sum(dim=1) / m.sum(dim=1).to(E.dtype)
        """, CALL_OK, COMPUTE_MASK_OK), "divides by the count unclamped: 0 / 0 = NaN for a row with no real token"),
    wrong("ind_where_count_after_product", ("""
        m = mask.to(E.dtype).unsqueeze(-1)
        total = (E * m).sum(dim=1)
        count = m.sum(dim=1)
        return torch.where(count > 0, total / count, torch.zeros_like(total))
        """, CALL_OK, COMPUTE_MASK_OK), "the trap the prompt names: zeros forward, but NaN reaches E's "
                                         "gradient through total / count = 0 / 0"),
    wrong("ind_sum_over_all_positions", ("""
        count = mask.sum(dim=1, keepdim=True).clamp(min=1).to(E.dtype)
        return E.sum(dim=1) / count
        """, CALL_OK, COMPUTE_MASK_OK), "divides by the real count but sums every position, padding included"),
    wrong("ind_count_not_unsqueezed", ("""
        total = torch.where(mask.unsqueeze(-1), E, 0.0).sum(dim=1)  # (B, d)
        return total / mask.sum(dim=1).clamp(min=1).to(E.dtype)  # (B,) broadcast against d
        """, CALL_OK, COMPUTE_MASK_OK), "the count has shape (B,), not (B, 1): broadcast along d"),
    wrong("ind_prefix_lengths", ("""
        lengths = mask.sum(dim=1).tolist()
        rows = [E[b, :n].sum(dim=0) / max(n, 1) for b, n in enumerate(lengths)]
        return torch.stack(rows)
        """, CALL_OK, COMPUTE_MASK_OK), "assumes the real tokens come first: the first n positions, "
                                         "wrong for a row padded on the left"),
    wrong("ind_count_nonzero_vectors", ("""
        total = torch.where(mask.unsqueeze(-1), E, 0.0).sum(dim=1)
        nonzero = (torch.where(mask.unsqueeze(-1), E, 0.0) != 0).any(dim=-1)  # (B, T)
        return total / nonzero.sum(dim=1, keepdim=True).clamp(min=1).to(E.dtype)
        """, CALL_OK, COMPUTE_MASK_OK), "counts the real positions whose vector is not zero: "
                                         "a real token with a zero vector is not counted"),
    wrong("ind_float32_result", ("""
        keep = mask.unsqueeze(-1)
        total = torch.where(keep, E, 0.0).sum(dim=1)
        return (total / keep.sum(dim=1).clamp(min=1)).float()
        """, CALL_OK, COMPUTE_MASK_OK), "casts the result to float32: a float64 E gives float32"),
    wrong("ind_zeroes_padding_in_place", ("""
        E[~mask] = 0.0  # clear the padding first
        return E.sum(dim=1) / mask.sum(dim=1, keepdim=True).clamp(min=1).to(E.dtype)
        """, CALL_OK, COMPUTE_MASK_OK), "zeroes the caller's padded positions in place"),
    wrong("ind_detached_mean", ("""
        keep = mask.unsqueeze(-1)
        values = E.detach()
        return torch.where(keep, values, 0.0).sum(dim=1) / keep.sum(dim=1).clamp(min=1).to(E.dtype)
        """, CALL_OK, COMPUTE_MASK_OK), "computes from E.detach(): no gradient reaches E"),
    wrong("ind_mask_unsqueezed_in_place", ("""
        mask.unsqueeze_(-1)  # (B, T, 1), to broadcast against d
        total = torch.where(mask, E, 0.0).sum(dim=1)
        return total / mask.sum(dim=1).clamp(min=1).to(E.dtype)
        """, CALL_OK, COMPUTE_MASK_OK), "unsqueeze_ reshapes the caller's mask to (B, T, 1)"),
    wrong("ind_mask_inverted", ("""
        pad = mask.unsqueeze(-1)  # read as True at the padding
        total = torch.where(pad, 0.0, E).sum(dim=1)
        return total / (~pad).sum(dim=1).clamp(min=1).to(E.dtype)
        """, CALL_OK, COMPUTE_MASK_OK), "reads the mask as True at the padding"),
    wrong("ind_nanmean", ("""
        return torch.where(mask.unsqueeze(-1), E, torch.nan).nanmean(dim=1)
        """, CALL_OK, COMPUTE_MASK_OK), "padding as NaN and nanmean: a row with no real token gives NaN "
                                         "(and a real NaN would be skipped)"),
    wrong("ind_loop_boolean_index_mean", ("""
        return torch.stack([E[b][mask[b]].mean(dim=0) for b in range(E.shape[0])])
        """, CALL_OK, COMPUTE_MASK_OK), "the mean of the selected rows: NaN for a row with none"),
    wrong("ind_squeezed_result", ("""
        keep = mask.unsqueeze(-1)
        total = torch.where(keep, E, 0.0).sum(dim=1, keepdim=True)  # (B, 1, d)
        return (total / keep.sum(dim=1, keepdim=True).clamp(min=1).to(E.dtype)).squeeze()
        """, CALL_OK, COMPUTE_MASK_OK), "squeeze() drops every axis of size 1: B = 1 or d = 1 loses an axis"),
    wrong("ind_einsum_with_mask", ("""
        m = mask.to(E.dtype)
        return torch.einsum("btd,bt->bd", E, m) / m.sum(dim=1, keepdim=True).clamp(min=1.0)
        """, CALL_OK, COMPUTE_MASK_OK), "the masked sum as an einsum with a 0/1 mask: NaN in the padding leaks"),
    correct("ind_where_count_positive_after_select", ("""
        keep = mask.unsqueeze(-1)
        total = torch.where(keep, E, torch.zeros((), dtype=E.dtype)).sum(dim=1)  # (B, d)
        count = keep.sum(dim=1).to(E.dtype)  # (B, 1)
        return torch.where(count > 0, total / count, torch.zeros_like(total))
        """, CALL_OK, COMPUTE_MASK_OK), "where(count > 0, ...) after selecting (not multiplying) the real "
                                         "positions: the 0 / 0 gradient meets a where that gives 0 to E"),
    correct("ind_loop_sum_over_count", ("""
        rows = []
        for b in range(E.shape[0]):
            picked = E[b][mask[b]]  # (n_b, d)
            rows.append(picked.sum(dim=0) / max(int(picked.shape[0]), 1))
        return torch.stack(rows)
        """, CALL_OK, COMPUTE_MASK_OK), "a loop over the rows: the selected vectors' sum over max(count, 1)"),
    correct("ind_matmul_of_selected", ("""
        keep = mask.unsqueeze(-1)
        total = torch.where(keep, E, 0.0).sum(dim=1)
        count = torch.count_nonzero(mask, dim=1).unsqueeze(-1)  # (B, 1), int64
        return torch.div(total, torch.maximum(count, torch.ones_like(count)))
        """, CALL_OK, COMPUTE_MASK_OK), "count_nonzero for the count, torch.maximum for the clamp, "
                                         "an integer divisor (true division keeps E's dtype)"),
    # Keras: MaskedMean.call
    wrong("ind_keras_ignores_mask", (MEAN_OK, """
        return ops.mean(inputs, axis=1)
        """, COMPUTE_MASK_OK), "ignores the mask: the mean over all T steps"),
    wrong("ind_keras_multiply_by_mask", (MEAN_OK, """
        if mask is None:
            return ops.mean(inputs, axis=1)
        m = ops.expand_dims(ops.cast(mask, inputs.dtype), -1)
        return ops.sum(inputs * m, axis=1) / ops.maximum(ops.sum(m, axis=1), 1.0)
        """, COMPUTE_MASK_OK), "multiplies by the mask as 0s and 1s: NaN or inf at a masked step leaks"),
    wrong("ind_keras_no_maximum", (MEAN_OK, """
        if mask is None:
            return ops.mean(inputs, axis=1)
        keep = ops.expand_dims(ops.cast(mask, "bool"), -1)
        total = ops.sum(ops.where(keep, inputs, ops.zeros_like(inputs)), axis=1)
        return total / ops.sum(ops.cast(keep, inputs.dtype), axis=1)
        """, COMPUTE_MASK_OK), "no maximum(count, 1): NaN for a row with no True"),
    wrong("ind_keras_divides_by_T", (MEAN_OK, """
        if mask is None:
            return ops.mean(inputs, axis=1)
        keep = ops.expand_dims(ops.cast(mask, "bool"), -1)
        return ops.mean(ops.where(keep, inputs, ops.zeros_like(inputs)), axis=1)
        """, COMPUTE_MASK_OK), "zeroes the masked steps but divides by T: more padding, smaller mean"),
    wrong("ind_keras_mask_from_zero_vectors", (MEAN_OK, """
        keep = ops.any(ops.not_equal(inputs, 0.0), axis=-1, keepdims=True)  # (B, T, 1)
        total = ops.sum(ops.where(keep, inputs, 0.0), axis=1)
        return total / ops.maximum(ops.sum(ops.cast(keep, inputs.dtype), axis=1), 1.0)
        """, COMPUTE_MASK_OK), "guesses the padding from zero vectors instead of the mask: a Keras "
                               "table's row 0 is an ordinary row"),
    wrong("ind_keras_sum_without_mask", (MEAN_OK, """
        if mask is None:
            return ops.sum(inputs, axis=1)
        keep = ops.expand_dims(ops.cast(mask, "bool"), -1)
        total = ops.sum(ops.where(keep, inputs, ops.zeros_like(inputs)), axis=1)
        return total / ops.maximum(ops.sum(ops.cast(keep, inputs.dtype), axis=1), 1.0)
        """, COMPUTE_MASK_OK), "without a mask returns the sum over the steps, not the mean"),
    wrong("ind_keras_global_average_pooling", (MEAN_OK, """
        pooled = layers.GlobalAveragePooling1D()(inputs, mask=mask)
        return ops.where(ops.isnan(pooled), ops.zeros_like(pooled), pooled)
        """, COMPUTE_MASK_OK), "calls GlobalAveragePooling1D (forbidden) and replaces its NaN by 0"),
    wrong("ind_keras_integer_count_slash", (MEAN_OK, """
        if mask is None:
            return ops.mean(inputs, axis=1)
        keep = ops.expand_dims(ops.cast(mask, "bool"), -1)
        total = ops.sum(ops.where(keep, inputs, ops.zeros_like(inputs)), axis=1)
        count = ops.maximum(ops.count_nonzero(keep, axis=1), 1)  # int32
        return total / count
        """, COMPUTE_MASK_OK), "float32 / int32 with the / operator: TensorFlow refuses to mix the dtypes"),
    correct("ind_keras_divide_no_nan", (MEAN_OK, """
        if mask is None:
            return ops.mean(inputs, axis=1)
        keep = ops.expand_dims(ops.cast(mask, "bool"), -1)
        total = ops.sum(ops.where(keep, inputs, ops.zeros_like(inputs)), axis=1)
        return ops.divide_no_nan(total, ops.sum(ops.cast(keep, inputs.dtype), axis=1))
        """, COMPUTE_MASK_OK), "ops.divide_no_nan gives 0 for a row with no True"),
    correct("ind_keras_count_nonzero_divide", (MEAN_OK, """
        if mask is None:
            return ops.mean(inputs, axis=1)
        keep = ops.expand_dims(ops.cast(mask, "bool"), -1)
        total = ops.sum(ops.where(keep, inputs, ops.zeros_like(inputs)), axis=1)
        count = ops.maximum(ops.count_nonzero(keep, axis=1), 1)  # an integer count
        return ops.cast(ops.divide(total, count), "float32")  # ops.divide promotes the dtypes
        """, COMPUTE_MASK_OK), "an integer count through ops.divide, which promotes it"),
    # Keras: MaskedMean.compute_mask
    wrong("ind_keras_passes_mask_on", (MEAN_OK, CALL_OK, """
        return mask
        """), "passes the (B, T) mask on to the (B, d) output"),
    wrong("ind_keras_any_mask", (MEAN_OK, CALL_OK, """
        return None if mask is None else ops.any(mask, axis=1)
        """), "returns a (B,) mask, 'has a real token', instead of None"),
    wrong("ind_keras_super_compute_mask", (MEAN_OK, CALL_OK, """
        return super().compute_mask(inputs, mask)
        """), "Keras' default: the incoming mask travels on"),
    correct("ind_keras_mask_index_and_float_count", (MEAN_OK, """
        if mask is None:
            mask = ops.ones(ops.shape(inputs)[:2], dtype="bool")
        keep = ops.expand_dims(mask, axis=2)  # (B, T, 1)
        total = ops.sum(ops.where(keep, inputs, ops.zeros_like(inputs)), axis=1)
        count = ops.sum(ops.cast(keep, "float32"), axis=1)
        return ops.cast(total / ops.maximum(count, ops.ones_like(count)), "float32")
        """, COMPUTE_MASK_OK), "an all-True mask when none is given, so one formula serves both cases"),
]
