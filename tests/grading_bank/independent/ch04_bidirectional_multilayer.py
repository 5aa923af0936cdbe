"""Independent answers for Chapter 4, bidirectional and multilayer RNNs.

Wrong and correct answers to every exercise of
``solutions/04-bidirectional-multilayer/bidirectional_multilayer.ipynb``, written from the
exercise prompts by someone who did not write the chapter's tests. Each ``wrong`` answer is a
mistake a student makes (a domain bug, an argument changed in place, a result of the wrong
type, a gradient cut off, an edge case); each ``correct`` one is written another way and must
score full marks. See :mod:`grading_bank` for the conventions.
"""

import textwrap

from grading_bank import correct, wrong


def _join(*parts: str) -> str:
    """Code pieces written at any indentation, one after the other."""
    return "\n".join(textwrap.dedent(p).strip("\n") for p in parts)

# The assert that Exercise 1's prompt asks for, shared by the answers that get it right.
EX1_ASSERT = """
num_directions = 2 if bidirectional else 1
assert h_n.dim() == 3 and h_n.shape[0] == num_layers * num_directions, (
    f"expected h_n of shape ({num_layers * num_directions}, B, h), got {tuple(h_n.shape)}")
"""

# Exercise 3's assert and halves.
EX3_ASSERT = """
assert output.dim() == 3 and output.shape[-1] % 2 == 0, (
    f"expected output of shape (B, T, 2h) with an even last axis, got {tuple(output.shape)}")
h = output.shape[-1] // 2
B = output.shape[0]
"""

# ---- Exercise 2: reverse_padded and bidirectional_rnn (two solution regions, one answer each).
# A reverse_padded that builds each row's order of steps as a Python list, and a
# bidirectional_rnn written from the prompt; the wrong answers change one thing in them.
IND_REVERSE = """
T = X.shape[1]
order = [list(range(int(k) - 1, -1, -1)) + list(range(int(k), T)) for k in lengths]  # B lists of T steps
index = torch.tensor(order, device=X.device)  # (B, T): where each step of the result comes from
batch = torch.arange(X.shape[0], device=X.device).unsqueeze(1)  # (B, 1)
return X[batch, index]  # (B, T, ...)
"""

IND_STACK = """
B, T = X.shape[0], X.shape[1]
n = [int(k) for k in lengths]
last = torch.tensor([k - 1 for k in n], device=X.device)  # (B,): each sentence's last real step
batch = torch.arange(B, device=X.device)  # (B,)
mask = torch.tensor([[t < k for t in range(T)] for k in n], device=X.device).unsqueeze(-1)  # (B, T, 1)
finals = []
inputs = X
for run_forward, run_backward in layers:
    H_f = run_forward(inputs)  # (B, T, h)
    H_b = reverse_padded(run_backward(reverse_padded(inputs, n)), n)  # (B, T, h), in the sentence's order
    finals += [H_f[batch, last], H_b[:, 0]]  # (B, h) each
    inputs = torch.cat([H_f, H_b], dim=-1) * mask  # (B, T, 2h), zero at the padding
return inputs, torch.stack(finals)  # (B, T, 2h), (2L, B, h)
"""


def _swap(code: str, old: str, new: str) -> str:
    """``code`` with the one line piece ``old`` replaced by ``new`` (which must be there)."""
    assert code.count(old) == 1, f"{old!r} is not once in the code"
    return code.replace(old, new)


BANK = {
    # ------------------------------------------------------------------ Exercise 1
    "ex1-last-layer-states": [
        wrong("ind_h_n_minus_one", _join(EX1_ASSERT, "return h_n[-1]"),
              "h_n[-1] is the last layer's backward state only: (B, h) instead of (B, 2h) when bidirectional"),
        wrong("ind_layers_and_directions_swapped", _join(EX1_ASSERT, """
            by_dir = h_n.view(num_directions, num_layers, h_n.shape[1], h_n.shape[2])  # wrong order
            return torch.cat([by_dir[k, -1] for k in range(num_directions)], dim=-1)
            """), "views h_n as (directions, layers, B, h): picks the wrong rows of a two-layer bidirectional stack"),
        wrong("ind_backward_then_forward", _join(EX1_ASSERT, """
            by_layer = h_n.view(num_layers, num_directions, h_n.shape[1], h_n.shape[2])
            return torch.cat([by_layer[-1, k] for k in reversed(range(num_directions))], dim=-1)
            """), "the backward state first, then the forward one"),
        wrong("ind_interleaved_units", _join(EX1_ASSERT, """
            last = h_n[-num_directions:]  # (D, B, h)
            return torch.stack(list(last), dim=-1).reshape(h_n.shape[1], -1)  # f0 b0 f1 b1 ...
            """), "stacks the directions on a last axis and flattens: units of the two directions interleaved"),
        wrong("ind_first_layer", _join(EX1_ASSERT, """
            by_layer = h_n.view(num_layers, num_directions, h_n.shape[1], h_n.shape[2])
            return torch.cat([by_layer[0, k] for k in range(num_directions)], dim=-1)
            """), "the FIRST layer's states (index 0) instead of the last layer's"),
        wrong("ind_assert_ignores_directions", """
            num_directions = 2 if bidirectional else 1
            assert h_n.shape[0] == num_layers, f"expected {num_layers} layers, got {h_n.shape[0]}"
            return torch.cat(list(h_n[-num_directions:]), dim=-1)
            """, "the assert checks num_layers instead of num_layers * num_directions: "
                 "every bidirectional h_n is rejected"),
        wrong("ind_no_assert", """
            num_directions = 2 if bidirectional else 1
            return torch.cat(list(h_n[-num_directions:]), dim=-1)
            """, "no assert: an h_n with the wrong number of layers is read without complaint"),
        wrong("ind_squeeze_inplace_returns_h_n", _join(EX1_ASSERT, """
            if num_directions == 1 and num_layers == 1:
                h_n.squeeze_(0)  # (B, h), in place
                return h_n
            return torch.cat(list(h_n[-num_directions:]), dim=-1)
            """), "one layer, one direction: squeezes the caller's h_n in place and returns the argument itself"),
        wrong("ind_resize_inplace", _join(EX1_ASSERT, """
            B, h = h_n.shape[1], h_n.shape[2]
            h_n.resize_(num_layers, num_directions, B, h)  # thought of as reshape: changes the caller's tensor
            return torch.cat([h_n[-1, k] for k in range(num_directions)], dim=-1)
            """), "resize_ changes the shape of the caller's h_n in place"),
        wrong("ind_detached", _join(EX1_ASSERT, """
            return torch.cat(list(h_n[-num_directions:]), dim=-1).detach()
            """), "detach(): no gradient reaches h_n"),
        wrong("ind_through_numpy", _join(EX1_ASSERT, """
            last = h_n[-num_directions:].detach().cpu().numpy()  # (D, B, h)
            return torch.from_numpy(np.concatenate(list(last), axis=-1))
            """), "computed in NumPy: the result is cut off from autograd (and on the CPU)"),
        correct("ind_permute_reshape", _join(EX1_ASSERT, """
            B, h = h_n.shape[1], h_n.shape[2]
            last = h_n.reshape(num_layers, num_directions, B, h)[-1]  # (D, B, h)
            return last.permute(1, 0, 2).reshape(B, num_directions * h)
            """), "reshape, then the directions moved next to the units with permute"),
        correct("ind_unbind_tail", _join(EX1_ASSERT, """
            return torch.cat(h_n.unbind(0)[-num_directions:], dim=1)
            """), "the last layer's rows are the last num_directions rows of h_n: unbind and cat"),
    ],
    # ------------------------------------------------------------------ Exercise 2
    "ex2-padded-stack": [
        # --- reverse_padded wrong, the stack right
        wrong("ind_rev_roll_of_flipped_row", ("""
            T = X.shape[1]
            rows = [X[b].flip(0).roll(int(k) - T, dims=0) for b, k in enumerate(lengths)]  # flip, then shift left
            return torch.stack(rows)  # (B, T, ...)
            """, IND_STACK),
              "flips the whole row and rolls it left by the padding: the real steps are right, but the padded "
              "steps come back in reverse order"),
        wrong("ind_rev_lengths_minus_one_in_place", ("""
            last = np.asarray(lengths)
            last -= 1  # the index of each row's last real step
            rows = [torch.cat([X[b, :int(k) + 1].flip(0), X[b, int(k) + 1:]]) for b, k in enumerate(last)]
            return torch.stack(rows)  # (B, T, ...)
            """, IND_STACK),
              "np.asarray shares the memory of a NumPy array (and of a CPU tensor): last -= 1 changes the "
              "caller's lengths"),
        wrong("ind_rev_lengths_item", ("""
            rows = []
            for b in range(X.shape[0]):
                k = lengths[b].item()  # works for a tensor or an array, not for a list
                rows.append(torch.cat([X[b, :k].flip(0), X[b, k:]]))
            return torch.stack(rows)  # (B, T, ...)
            """, IND_STACK),
              "lengths[b].item(): fails when lengths is a Python list"),
        wrong("ind_rev_width_of_longest", ("""
            T = int(max(lengths))  # the longest sentence taken for the width of the batch
            batch = torch.arange(X.shape[0], device=X.device).unsqueeze(1)  # (B, 1)
            k = torch.as_tensor(lengths, device=X.device).long().unsqueeze(1)  # (B, 1)
            t = torch.arange(T, device=X.device).unsqueeze(0)  # (1, T)
            return X[batch, torch.where(t < k, k - 1 - t, t)]  # (B, max(lengths), ...)
            """, IND_STACK),
              "builds T from max(lengths): the padded columns after the longest sentence are dropped"),
        wrong("ind_rev_through_numpy", ("""
            Y = to_numpy(X).copy()
            for b, k in enumerate(lengths):
                Y[b, :int(k)] = Y[b, :int(k)][::-1]
            return torch.from_numpy(Y).to(X.device)
            """, IND_STACK),
              "reversed in NumPy: the result is cut off from autograd"),
        wrong("ind_rev_in_place_then_clone", ("""
            for b, k in enumerate(lengths):
                X[b, :int(k)] = X[b, :int(k)].flip(0).clone()  # written into the caller's X
            return X.clone()
            """, IND_STACK),
              "reverses the rows of the caller's X in place and returns a copy"),
        wrong("ind_rev_permutation_matrix_float_ids", ("""
            T = X.shape[1]
            k = torch.as_tensor(lengths, device=X.device).long().view(-1, 1, 1)  # (B, 1, 1)
            i = torch.arange(T, device=X.device).view(1, T, 1)
            j = torch.arange(T, device=X.device).view(1, 1, T)
            P = torch.where(i < k, j == k - 1 - i, j == i).float()  # (B, T, T): one 1 per row
            return torch.einsum("bij,bj...->bi...", P, X.float())  # .float() so that ids multiply too
            """, IND_STACK),
              "a permutation matrix per row; word ids are turned into float32 to be multiplied"),
        wrong("ind_rev_gather_two_or_three_axes", ("""
            k = torch.as_tensor(lengths, device=X.device).long().unsqueeze(1)  # (B, 1)
            t = torch.arange(X.shape[1], device=X.device).unsqueeze(0)  # (1, T)
            index = torch.where(t < k, k - 1 - t, t)  # (B, T)
            if X.dim() == 3:
                index = index.unsqueeze(-1).expand(-1, -1, X.shape[2])  # (B, T, d)
            return X.gather(1, index)
            """, IND_STACK),
              "torch.gather with an index made for (B, T) or (B, T, d) only: more axes after time fail"),
        # NOT CAUGHT, a known limit: the padded steps of the result carry no gradient, and the
        # gradient check can only ask that some gradient reaches X (the grader sees the call from
        # outside the kernel). Harmless inside bidirectional_rnn, whose padded outputs are zero.
        # wrong("ind_rev_padding_from_detached_copy", ("""
        #     Y = X.detach().clone()  # the padding stays as it is
        #     for b, k in enumerate(lengths):
        #         Y[b, :int(k)] = X[b, :int(k)].flip(0)
        #     return Y
        #     """, IND_STACK),
        #       "starts from X.detach().clone(): the padded steps of the result carry no gradient"),
        # --- the stack wrong, reverse_padded right
        wrong("ind_forward_final_one_step_late", (IND_REVERSE, _swap(
            IND_STACK, "finals += [H_f[batch, last], H_b[:, 0]]",
            "finals += [H_f[batch, (last + 1).clamp(max=T - 1)], H_b[:, 0]]")),
              "the forward final state at step lengths (clamped), one step after the last real word"),
        wrong("ind_backward_final_at_end_of_reversed_run", (IND_REVERSE, _swap(_swap(
            IND_STACK,
            "H_b = reverse_padded(run_backward(reverse_padded(inputs, n)), n)  # (B, T, h), in the sentence's order",
            "R_b = run_backward(reverse_padded(inputs, n))  # (B, T, h), in reversed order\n"
            "    H_b = reverse_padded(R_b, n)  # (B, T, h)"),
            "finals += [H_f[batch, last], H_b[:, 0]]", "finals += [H_f[batch, last], R_b[:, -1]]")),
              "the backward final state read in the last column of the reversed run: it has read the padding"),
        wrong("ind_mask_one_step_long", (IND_REVERSE, _swap(
            IND_STACK, "[[t < k for t in range(T)] for k in n]", "[[t <= k for t in range(T)] for k in n]")),
              "the mask keeps step lengths too: the first padded step is not zeroed"),
        wrong("ind_h_n_top_layer_first", (IND_REVERSE, _swap(
            IND_STACK, "finals += [H_f[batch, last], H_b[:, 0]]", "finals = [H_f[batch, last], H_b[:, 0]] + finals")),
              "each layer's pair put in front: h_n lists the layers from the top down"),
        wrong("ind_backward_reads_flipped_row", (IND_REVERSE, _swap(
            IND_STACK, "reverse_padded(run_backward(reverse_padded(inputs, n)), n)",
            "reverse_padded(run_backward(inputs.flip(1)), n)")),
              "the backward direction reads the whole row flipped (padding first), put back with reverse_padded"),
        wrong("ind_lengths_minus_one_in_place", (IND_REVERSE, """
            B, T = X.shape[0], X.shape[1]
            last = torch.as_tensor(lengths, device=X.device)
            last -= 1  # as_tensor returns the caller's tensor itself
            n = last + 1
            batch = torch.arange(B, device=X.device)  # (B,)
            mask = (torch.arange(T, device=X.device)[None] < n[:, None]).unsqueeze(-1)  # (B, T, 1)
            finals = []
            inputs = X
            for run_forward, run_backward in layers:
                H_f = run_forward(inputs)  # (B, T, h)
                H_b = reverse_padded(run_backward(reverse_padded(inputs, n)), n)  # (B, T, h)
                finals += [H_f[batch, last], H_b[:, 0]]  # (B, h) each
                inputs = torch.cat([H_f, H_b], dim=-1) * mask  # (B, T, 2h)
            return inputs, torch.stack(finals)  # (B, T, 2h), (2L, B, h)
            """),
              "torch.as_tensor returns a tensor argument itself: last -= 1 changes the caller's lengths"),
        wrong("ind_zeroes_the_padding_of_X_in_place", (IND_REVERSE, _swap(
            IND_STACK, "inputs = X\n", "X.masked_fill_(~mask, 0.0)  # the padding zeroed first\ninputs = X\n")),
              "zeroes the padded steps of the caller's X in place"),
        wrong("ind_mask_in_float64", (IND_REVERSE, _swap(
            IND_STACK, "mask = torch.tensor([[t < k for t in range(T)] for k in n], device=X.device).unsqueeze(-1)",
            "mask = torch.from_numpy(np.array([[t < k for t in range(T)] for k in n], dtype=float)).to(X.device)"
            "[..., None]")),
              "the mask made in NumPy as float64: the output comes back as float64"),
        wrong("ind_forward_reads_reversed_too", (IND_REVERSE, _swap(
            IND_STACK, "H_f = run_forward(inputs)  # (B, T, h)",
            "H_f = reverse_padded(run_forward(reverse_padded(inputs, n)), n)  # (B, T, h)")),
              "the forward direction also reads each sentence reversed: both halves run right to left"),
        wrong("ind_cut_to_longest_sentence", (IND_REVERSE, _swap(
            IND_STACK, "B, T = X.shape[0], X.shape[1]\n",
            "T = int(max(lengths))\nX = X[:, :T]  # (B, max(lengths), d): the columns nobody reads dropped\n"
            "B = X.shape[0]\n")),
              "the batch cut to the longest sentence: output (B, max(lengths), 2h) instead of (B, T, 2h)"),
        wrong("ind_upper_layers_read_first_output", (IND_REVERSE, _swap(_swap(
            IND_STACK, "inputs = X\n", "outputs = []\n"),
            "for run_forward, run_backward in layers:\n",
            "for run_forward, run_backward in layers:\n    inputs = outputs[0] if outputs else X  # meant [-1]\n")
            .replace("    inputs = torch.cat([H_f, H_b], dim=-1) * mask  # (B, T, 2h), zero at the padding\n"
                     "return inputs,",
                     "    outputs.append(torch.cat([H_f, H_b], dim=-1) * mask)  # (B, T, 2h)\n"
                     "return outputs[-1],")),
              "every layer above the first reads the first layer's output (outputs[0] instead of outputs[-1])"),
        wrong("ind_detached_for_numpy", (IND_REVERSE, _swap(
            IND_STACK, "return inputs, torch.stack(finals)",
            "return inputs.detach(), torch.stack(finals).detach()  # so that .numpy() works on them")),
              "detached results: training through the stack gets no gradient"),
        wrong("ind_lengths_list_or_tensor_only", (IND_REVERSE, """
            n = torch.tensor(lengths) if isinstance(lengths, list) else lengths  # a tensor from here on
            B, T = X.shape[0], X.shape[1]
            batch = torch.arange(B, device=X.device)  # (B,)
            mask = (torch.arange(T, device=X.device)[None] < n[:, None]).unsqueeze(-1)  # (B, T, 1)
            finals, inputs = [], X
            for run_forward, run_backward in layers:
                H_f = run_forward(inputs)  # (B, T, h)
                H_b = reverse_padded(run_backward(reverse_padded(inputs, n)), n)  # (B, T, h)
                finals += [H_f[batch, n - 1], H_b[:, 0]]  # (B, h) each
                inputs = torch.cat([H_f, H_b], dim=-1) * mask  # (B, T, 2h)
            return inputs, torch.stack(finals)  # (B, T, 2h), (2L, B, h)
            """),
              "lengths turned into a tensor only when it is a list: a NumPy array reaches torch's < and fails"),
        wrong("ind_module_taken_from_the_runners", (IND_REVERSE, """
            run = layers[0][0]
            cells = dict(zip(run.__code__.co_freevars, (c.cell_contents for c in run.__closure__)))
            module = cells["stack"]  # the nn.LSTM or nn.GRU behind the functions
            k = torch.as_tensor(lengths).cpu()
            packed = nn.utils.rnn.pack_padded_sequence(X, k, batch_first=True, enforce_sorted=False)
            out, h_n = module(packed)
            out, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=X.shape[1])
            return out, (h_n[0] if isinstance(h_n, tuple) else h_n)
            """),
              "runs the module found in the runners' closures on a packed batch instead of the directions"),
        # --- right answers written otherwise
        correct("ind_index_lists", (IND_REVERSE, IND_STACK),
                "reverse_padded from per-row Python lists of positions; the stack with a list-built mask and "
                "`finals +=`"),
        correct("ind_gather_any_rank_and_reversed_run_final", ("""
            B, T = X.shape[0], X.shape[1]
            k = torch.as_tensor(lengths).to(device=X.device, dtype=torch.long).view(B, 1)  # (B, 1)
            t = torch.arange(T, device=X.device).view(1, T)  # (1, T)
            index = torch.where(t < k, k - 1 - t, t)  # (B, T)
            index = index.view(B, T, *([1] * (X.dim() - 2))).expand_as(X)  # (B, T, ...)
            return torch.gather(X, 1, index)
            """, """
            B, T = X.shape[0], X.shape[1]
            k = torch.as_tensor(lengths).to(device=X.device, dtype=torch.long)  # (B,)
            batch = torch.arange(B, device=X.device)
            real = torch.arange(T, device=X.device).unsqueeze(0) < k.unsqueeze(1)  # (B, T)
            states = []
            for forward, backward in layers:
                H_f = forward(X)  # (B, T, h)
                R_b = backward(reverse_padded(X, k))  # (B, T, h): step t has read n-1 down to n-1-t
                states.append(H_f[batch, k - 1])
                states.append(R_b[batch, k - 1])  # the end of the reversed run is the backward final state
                both = torch.cat((H_f, reverse_padded(R_b, k)), dim=2)  # (B, T, 2h)
                X = torch.where(real.unsqueeze(2), both, torch.zeros_like(both))
            return X, torch.stack(states, 0)
            """),
                "torch.gather with an index viewed to any rank; the backward final state read at lengths - 1 of "
                "the reversed run, before it is put back; torch.where for the mask"),
        correct("ind_rows_copied_into_zeros", ("""
            rows = []
            for b in range(X.shape[0]):
                k = int(lengths[b])
                rows.append(torch.cat((torch.flip(X[b, :k], dims=[0]), X[b, k:]), dim=0))
            return torch.stack(rows, dim=0)  # (B, T, ...)
            """, """
            sizes = [int(k) for k in lengths]
            h_n = []
            for forward, backward in layers:
                H = torch.cat([forward(X), reverse_padded(backward(reverse_padded(X, sizes)), sizes)], -1)  # (B, T, 2h)
                h = H.shape[-1] // 2
                X = torch.zeros_like(H)
                for b, k in enumerate(sizes):
                    X[b, :k] = H[b, :k]  # the real steps copied; the padding stays zero
                h_n.append(torch.stack([X[b, k - 1, :h] for b, k in enumerate(sizes)]))
                h_n.append(X[:, 0, h:])
            return X, torch.stack(h_n)  # (B, T, 2h), (2L, B, h)
            """),
                "rows reversed with torch.flip one by one; the stack copies the real steps into zeros and "
                "reads both final states from the output"),
    ],
    # ------------------------------------------------------------------ Exercise 3
    "ex3-sentence-vector": [
        wrong("ind_output_last_column", _join(EX3_ASSERT, "return output[:, -1]"),
              "output[:, -1]: zeros for every padded sentence, and the backward half at the last word"),
        wrong("ind_both_halves_at_last_word", _join(EX3_ASSERT, """
            last = torch.as_tensor(lengths).long().to(output.device) - 1
            return output[torch.arange(B, device=output.device), last]
            """), "both halves at the last real word: the backward half should come from position 0"),
        wrong("ind_halves_at_swapped_positions", _join(EX3_ASSERT, """
            last = torch.as_tensor(lengths).long().to(output.device) - 1
            rows = torch.arange(B, device=output.device)
            return torch.cat([output[:, 0, :h], output[rows, last, h:]], dim=1)
            """), "forward half at the first word, backward half at the last: the two ends swapped"),
        wrong("ind_halves_swapped_in_cat", _join(EX3_ASSERT, """
            last = torch.as_tensor(lengths).long().to(output.device) - 1
            rows = torch.arange(B, device=output.device)
            return torch.cat([output[:, 0, h:], output[rows, last, :h]], dim=1)
            """), "backward half first: [backward | forward] instead of [forward | backward]"),
        wrong("ind_length_not_minus_one", _join(EX3_ASSERT, """
            T = output.shape[1]
            last = torch.as_tensor(lengths).long().to(output.device).clamp(max=T - 1)
            rows = torch.arange(B, device=output.device)
            return torch.cat([output[rows, last, :h], output[:, 0, h:]], dim=1)
            """), "indexes at lengths instead of lengths - 1 (clamped to stay in range): the padding after the "
                 "last word, or the last word of a full-length sentence only by luck"),
        wrong("ind_as_tensor_then_sub_inplace", _join(EX3_ASSERT, """
            last = torch.as_tensor(lengths, device=output.device)
            last -= 1  # as_tensor shares the caller's tensor (or NumPy array): changed in place
            rows = torch.arange(B, device=output.device)
            return torch.cat([output[rows, last.long(), :h], output[:, 0, h:]], dim=1)
            """), "torch.as_tensor returns the caller's tensor (and shares a NumPy array's memory), so "
                 "last -= 1 changes lengths in place"),
        wrong("ind_no_assert", """
            h = output.shape[-1] // 2
            last = torch.as_tensor(lengths).long().to(output.device) - 1
            rows = torch.arange(output.shape[0], device=output.device)
            return torch.cat([output[rows, last, :h], output[:, 0, h:]], dim=1)
            """, "no assert: an odd last axis or a 2-D output is read without the message the prompt asks for"),
        wrong("ind_under_no_grad", _join(EX3_ASSERT, """
            with torch.no_grad():
                last = torch.as_tensor(lengths).long().to(output.device) - 1
                rows = torch.arange(B, device=output.device)
                return torch.cat([output[rows, last, :h], output[:, 0, h:]], dim=1)
            """), "computed under torch.no_grad(): no gradient reaches output"),
        wrong("ind_numpy_result", _join(EX3_ASSERT, """
            out = output.detach().cpu().numpy()
            last = np.asarray(to_numpy(lengths) if hasattr(lengths, "shape") else lengths).astype(int) - 1
            return np.concatenate([out[np.arange(B), last, :h], out[:, 0, h:]], axis=1)
            """), "returns a NumPy array instead of a tensor (and no gradient)"),
        wrong("ind_list_of_rows", _join(EX3_ASSERT, """
            return [torch.cat([output[b, int(lengths[b]) - 1, :h], output[b, 0, h:]]) for b in range(B)]
            """), "a list of B row tensors instead of one (B, 2h) tensor"),
        wrong("ind_float64_result", _join(EX3_ASSERT, """
            last = torch.as_tensor(lengths).long().to(output.device) - 1
            rows = torch.arange(B, device=output.device)
            return torch.cat([output[rows, last, :h], output[:, 0, h:]], dim=1).double()
            """), "converted to float64: the dtype of output is float32"),
        correct("ind_gather", _join(EX3_ASSERT, """
            last = torch.as_tensor(lengths).to(device=output.device, dtype=torch.long) - 1  # (B,)
            index = last.view(B, 1, 1).expand(B, 1, h)  # (B, 1, h)
            forward = output[:, :, :h].gather(1, index).squeeze(1)  # (B, h)
            return torch.cat([forward, output[:, 0, h:]], dim=-1)
            """), "torch.gather of the forward half with an expanded index"),
        correct("ind_loop_over_batch", _join(EX3_ASSERT, """
            rows = [torch.cat([output[b, int(lengths[b]) - 1, :h], output[b, 0, h:]]) for b in range(B)]
            return torch.stack(rows)
            """), "a loop over the batch, allowed by the prompt, and torch.stack"),
    ],
    # ------------------------------------------------------------------ Exercise 4
    "ex4-stacked-num-params": [
        wrong("ind_upper_layers_read_h", """
            blocks = {"rnn": 1, "lstm": 4, "gru": 3}
            if cell not in blocks or framework not in ("torch", "keras") or num_layers < 1:
                raise ValueError("unknown cell or framework, or num_layers < 1")
            g, h = blocks[cell], num_hiddens
            b = 2 if framework == "torch" or cell == "gru" else 1
            D = 2 if bidirectional else 1
            total = D * g * h * (num_inputs + h + b)
            total += (num_layers - 1) * D * g * h * (h + h + b)  # upper layers read h features
            return total
            """, "layers above the first read h features even when the layer below is bidirectional (2h)"),
        wrong("ind_one_bias_torch", """
            blocks = {"rnn": 1, "lstm": 4, "gru": 3}
            if cell not in blocks or framework not in ("torch", "keras") or num_layers < 1:
                raise ValueError("unknown cell or framework, or num_layers < 1")
            g, h = blocks[cell], num_hiddens
            b = 2 if cell == "gru" else 1  # as in Keras, for both frameworks
            D = 2 if bidirectional else 1
            total, d = 0, num_inputs
            for _ in range(num_layers):
                total += D * g * h * (d + h + b)
                d = D * h
            return total
            """, "one bias vector per block in PyTorch too: PyTorch has bias_ih and bias_hh"),
        wrong("ind_keras_gru_one_bias", """
            blocks = {"rnn": 1, "lstm": 4, "gru": 3}
            if cell not in blocks or framework not in ("torch", "keras") or num_layers < 1:
                raise ValueError("unknown cell or framework, or num_layers < 1")
            g, h = blocks[cell], num_hiddens
            b = 2 if framework == "torch" else 1  # forgets Keras GRU's reset_after bias
            D = 2 if bidirectional else 1
            total, d = 0, num_inputs
            for _ in range(num_layers):
                total += D * g * h * (d + h + b)
                d = D * h
            return total
            """, "Keras' GRU counted with one bias: reset_after=True (the default) keeps two"),
        wrong("ind_gate_counts_swapped", """
            blocks = {"rnn": 1, "lstm": 3, "gru": 4}
            if cell not in blocks or framework not in ("torch", "keras") or num_layers < 1:
                raise ValueError("unknown cell or framework, or num_layers < 1")
            g, h = blocks[cell], num_hiddens
            b = 2 if framework == "torch" or cell == "gru" else 1
            D = 2 if bidirectional else 1
            total, d = 0, num_inputs
            for _ in range(num_layers):
                total += D * g * h * (d + h + b)
                d = D * h
            return total
            """, "3 blocks for the LSTM and 4 for the GRU: the other way round"),
        wrong("ind_count_as_float", """
            blocks = {"rnn": 1, "lstm": 4, "gru": 3}
            if cell not in blocks or framework not in ("torch", "keras") or num_layers < 1:
                raise ValueError("unknown cell or framework, or num_layers < 1")
            g, h = blocks[cell], num_hiddens
            b = 2 if framework == "torch" or cell == "gru" else 1
            D = 2 if bidirectional else 1
            per_direction = g * h * (num_inputs + h + b) + (num_layers - 1) * g * h * (D * h + h + b)
            return per_direction * D / 1.0
            """, "the right count, as a float (e.g. 1234.0) instead of an int"),
        wrong("ind_num_layers_zero_accepted", """
            blocks = {"rnn": 1, "lstm": 4, "gru": 3}
            if cell not in blocks or framework not in ("torch", "keras"):
                raise ValueError("unknown cell or framework")
            g, h = blocks[cell], num_hiddens
            b = 2 if framework == "torch" or cell == "gru" else 1
            D = 2 if bidirectional else 1
            total, d = 0, num_inputs
            for _ in range(num_layers):
                total += D * g * h * (d + h + b)
                d = D * h
            return total
            """, "num_layers < 1 is not checked: 0 layers count 0 parameters instead of a ValueError"),
        wrong("ind_unknown_framework_is_torch", """
            blocks = {"rnn": 1, "lstm": 4, "gru": 3}
            if cell not in blocks or num_layers < 1:
                raise ValueError("unknown cell, or num_layers < 1")
            g, h = blocks[cell], num_hiddens
            b = 1 if framework == "keras" and cell != "gru" else 2  # anything else counted as torch
            D = 2 if bidirectional else 1
            total, d = 0, num_inputs
            for _ in range(num_layers):
                total += D * g * h * (d + h + b)
                d = D * h
            return total
            """, "an unknown framework name is silently counted as PyTorch instead of raising ValueError"),
        wrong("ind_keyerror_for_unknown_cell", """
            blocks = {"rnn": 1, "lstm": 4, "gru": 3}
            if framework not in ("torch", "keras") or num_layers < 1:
                raise ValueError("unknown framework, or num_layers < 1")
            g, h = blocks[cell], num_hiddens  # KeyError, not ValueError, for an unknown cell
            b = 2 if framework == "torch" or cell == "gru" else 1
            D = 2 if bidirectional else 1
            total, d = 0, num_inputs
            for _ in range(num_layers):
                total += D * g * h * (d + h + b)
                d = D * h
            return total
            """, "an unknown cell raises KeyError from the dict lookup instead of ValueError"),
        wrong("ind_one_layer_times_layers", """
            blocks = {"rnn": 1, "lstm": 4, "gru": 3}
            if cell not in blocks or framework not in ("torch", "keras") or num_layers < 1:
                raise ValueError("unknown cell or framework, or num_layers < 1")
            g, h = blocks[cell], num_hiddens
            b = 2 if framework == "torch" or cell == "gru" else 1
            D = 2 if bidirectional else 1
            return num_layers * D * g * h * (num_inputs + h + b)  # every layer reads the input
            """, "num_layers copies of the first layer: every layer is counted as reading the d input features"),
        wrong("ind_bidirectional_ignored_for_input", """
            blocks = {"rnn": 1, "lstm": 4, "gru": 3}
            if cell not in blocks or framework not in ("torch", "keras") or num_layers < 1:
                raise ValueError("unknown cell or framework, or num_layers < 1")
            g, h = blocks[cell], num_hiddens
            b = 2 if framework == "torch" or cell == "gru" else 1
            total, d = 0, num_inputs
            for _ in range(num_layers):
                total += g * h * (d + h + b)
                d = h
            return 2 * total if bidirectional else total  # the one-direction stack, doubled
            """, "a bidirectional stack counted as twice the one-direction stack: upper layers read 2h, not h"),
        correct("ind_closed_form", """
            blocks = {"rnn": 1, "lstm": 4, "gru": 3}
            if cell not in blocks:
                raise ValueError(f"unknown cell {cell!r}: use 'rnn', 'lstm' or 'gru'")
            if framework not in {"torch", "keras"}:
                raise ValueError(f"unknown framework {framework!r}: use 'torch' or 'keras'")
            if num_layers < 1:
                raise ValueError(f"num_layers must be at least 1, got {num_layers}")
            g, h = blocks[cell], num_hiddens
            b = 1 if (framework == "keras" and cell != "gru") else 2
            D = 1 + int(bool(bidirectional))
            first = g * h * (num_inputs + h + b)
            upper = g * h * (D * h + h + b)
            return D * (first + (num_layers - 1) * upper)
            """, "the closed form: first layer plus num_layers - 1 identical upper layers"),
        correct("ind_weights_and_biases_separately", """
            gates = dict(rnn=1, lstm=4, gru=3)
            if cell not in gates or framework not in ("torch", "keras") or num_layers < 1:
                raise ValueError(f"bad arguments: cell={cell!r}, framework={framework!r}, num_layers={num_layers}")
            directions = 2 if bidirectional else 1
            bias_vectors = {"torch": 2, "keras": 2 if cell == "gru" else 1}[framework]
            inputs = [num_inputs] + [directions * num_hiddens] * (num_layers - 1)
            weights = sum(gates[cell] * num_hiddens * (d + num_hiddens) for d in inputs)
            biases = num_layers * gates[cell] * num_hiddens * bias_vectors
            return directions * (weights + biases)
            """, "the weight matrices and the bias vectors summed apart, layer inputs as a list"),
    ],
    # ------------------------------------------------------------------ Exercise 5
    "ex5-masked-accuracy": [
        wrong("ind_counts_padding", """
            predicted = Y_hat.argmax(dim=-1) if Y_hat.dim() == 3 else Y_hat
            if not bool((Y != pad_id).any()):
                raise ValueError("Y holds only padding")
            return (predicted == Y).float().mean().item()
            """, "the mean over every position: padded positions are counted"),
        wrong("ind_mean_of_sentence_means", """
            predicted = Y_hat.argmax(dim=-1) if Y_hat.dim() == 3 else Y_hat
            real = Y != pad_id
            if not bool(real.any()):
                raise ValueError("Y holds only padding")
            per_sentence = ((predicted == Y) & real).sum(1).float() / real.sum(1).clamp(min=1).float()
            return per_sentence[real.any(1)].mean().item()
            """, "the mean of the per-sentence accuracies: short sentences weigh as much as long ones"),
        wrong("ind_returns_tensor", """
            predicted = Y_hat.argmax(dim=-1) if Y_hat.dim() == 3 else Y_hat
            real = Y != pad_id
            if not bool(real.any()):
                raise ValueError("Y holds only padding")
            return ((predicted == Y) & real).sum().float() / real.sum().float()
            """, "returns a 0-d tensor instead of a Python float"),
        wrong("ind_nan_on_all_padding", """
            predicted = Y_hat.argmax(dim=-1) if Y_hat.dim() == 3 else Y_hat
            real = Y != pad_id
            return (((predicted == Y) & real).sum().float() / real.sum().float()).item()
            """, "no ValueError: a batch of padding only gives nan (0 / 0)"),
        wrong("ind_pad_id_zero_hardcoded", """
            predicted = Y_hat.argmax(dim=-1) if Y_hat.dim() == 3 else Y_hat
            real = Y != 0
            if not bool(real.any()):
                raise ValueError("Y holds only padding")
            return ((predicted == Y) & real).sum().item() / real.sum().item()
            """, "padding taken to be id 0 whatever pad_id says"),
        wrong("ind_mask_from_prediction", """
            predicted = Y_hat.argmax(dim=-1) if Y_hat.dim() == 3 else Y_hat
            if not bool((Y != pad_id).any()):
                raise ValueError("Y holds only padding")
            real = predicted != pad_id  # the mask taken from the wrong tensor
            return ((predicted == Y) & real).sum().item() / real.sum().item()
            """, "the mask is read off the predictions instead of the gold tags"),
        wrong("ind_always_argmax", """
            predicted = Y_hat.argmax(dim=-1)  # also on (B, T) ids
            real = Y != pad_id
            if not bool(real.any()):
                raise ValueError("Y holds only padding")
            return ((predicted.unsqueeze(-1) == Y) & real).sum().item() / real.sum().item()
            """, "takes the arg-max of predicted ids too: the ids case is scored wrongly"),
        wrong("ind_inplace_mark_padding_in_Y", """
            predicted = Y_hat.argmax(dim=-1) if Y_hat.dim() == 3 else Y_hat
            Y[Y == pad_id] = -1  # mark the padding, in the caller's tensor
            real = Y != -1
            if not bool(real.any()):
                raise ValueError("Y holds only padding")
            return ((predicted == Y) & real).sum().item() / real.sum().item()
            """, "rewrites the padding of the caller's Y to -1 in place"),
        wrong("ind_inplace_predictions_at_padding", """
            predicted = Y_hat.argmax(dim=-1) if Y_hat.dim() == 3 else Y_hat
            real = Y != pad_id
            if not bool(real.any()):
                raise ValueError("Y holds only padding")
            predicted[~real] = -1  # when Y_hat holds ids, this is the caller's Y_hat
            return (predicted == Y).sum().item() / real.sum().item()
            """, "overwrites the padded predictions in place: with ids, the caller's Y_hat changes"),
        wrong("ind_floor_division", """
            predicted = Y_hat.argmax(dim=-1) if Y_hat.dim() == 3 else Y_hat
            real = Y != pad_id
            if not bool(real.any()):
                raise ValueError("Y holds only padding")
            return ((predicted == Y) & real).sum().item() // real.sum().item()
            """, "integer division: 0 (an int) unless every word is right"),
        correct("ind_masked_select", """
            predicted = Y_hat.argmax(-1) if Y_hat.ndim == Y.ndim + 1 else Y_hat
            real = Y.ne(pad_id)
            if real.sum() == 0:
                raise ValueError("every position of Y is padding")
            return predicted.masked_select(real).eq(Y.masked_select(real)).double().mean().item()
            """, "masked_select of the real positions, then a plain mean"),
        correct("ind_boolean_index_float", """
            if Y_hat.dim() == 3:
                Y_hat = torch.max(Y_hat, dim=2).indices
            real = Y != pad_id
            n = int(real.sum())
            if n == 0:
                raise ValueError("no real position to score")
            return float((Y_hat[real] == Y[real]).sum()) / n
            """, "torch.max(...).indices and boolean indexing"),
    ],
    # ------------------------------------------------------------------ Exercise 6
    "ex6-keras-tagger": [
        wrong("ind_no_return_sequences", """
            ids = keras.Input(shape=(None,), dtype="int32")
            H = layers.Embedding(vocab_size, embed_dim, mask_zero=True)(ids)
            for _ in range(num_layers):
                lstm = layers.LSTM(num_hiddens)
                H = (layers.Bidirectional(lstm) if bidirectional else lstm)(H)
            return keras.Model(ids, layers.Dense(num_tags)(H))
            """, "no return_sequences: one vector per sentence (and a stack of two does not even build)"),
        wrong("ind_last_layer_without_sequences", """
            ids = keras.Input(shape=(None,), dtype="int32")
            H = layers.Embedding(vocab_size, embed_dim, mask_zero=True)(ids)
            for i in range(num_layers):
                lstm = layers.LSTM(num_hiddens, return_sequences=i < num_layers - 1)  # as in a classifier
                H = (layers.Bidirectional(lstm) if bidirectional else lstm)(H)
            return keras.Model(ids, layers.Dense(num_tags)(H))
            """, "return_sequences only below the last layer, as for a classifier: (B, num_tags) out"),
        wrong("ind_no_mask_zero", """
            ids = keras.Input(shape=(None,), dtype="int32")
            H = layers.Embedding(vocab_size, embed_dim)(ids)
            for _ in range(num_layers):
                lstm = layers.LSTM(num_hiddens, return_sequences=True)
                H = (layers.Bidirectional(lstm) if bidirectional else lstm)(H)
            return keras.Model(ids, layers.Dense(num_tags)(H))
            """, "the Embedding has no mask_zero: the backward LSTM starts in the padding"),
        wrong("ind_softmax_output", """
            ids = keras.Input(shape=(None,), dtype="int32")
            H = layers.Embedding(vocab_size, embed_dim, mask_zero=True)(ids)
            for _ in range(num_layers):
                lstm = layers.LSTM(num_hiddens, return_sequences=True)
                H = (layers.Bidirectional(lstm) if bidirectional else lstm)(H)
            return keras.Model(ids, layers.Dense(num_tags, activation="softmax")(H))
            """, "softmax on the Dense layer: probabilities instead of logits"),
        wrong("ind_recurrent_dropout", """
            ids = keras.Input(shape=(None,), dtype="int32")
            H = layers.Embedding(vocab_size, embed_dim, mask_zero=True)(ids)
            for _ in range(num_layers):
                lstm = layers.LSTM(num_hiddens, return_sequences=True, recurrent_dropout=0.1)
                H = (layers.Bidirectional(lstm) if bidirectional else lstm)(H)
            return keras.Model(ids, layers.Dense(num_tags)(H))
            """, "recurrent_dropout: a non-default argument that makes the LSTM ineligible for cuDNN"),
        wrong("ind_merge_sum", """
            ids = keras.Input(shape=(None,), dtype="int32")
            H = layers.Embedding(vocab_size, embed_dim, mask_zero=True)(ids)
            for _ in range(num_layers):
                lstm = layers.LSTM(num_hiddens, return_sequences=True)
                H = (layers.Bidirectional(lstm, merge_mode="sum") if bidirectional else lstm)(H)
            return keras.Model(ids, layers.Dense(num_tags)(H))
            """, "merge_mode='sum' instead of the default concatenation: other parameter counts"),
        wrong("ind_only_first_layer_bidirectional", """
            ids = keras.Input(shape=(None,), dtype="int32")
            H = layers.Embedding(vocab_size, embed_dim, mask_zero=True)(ids)
            for i in range(num_layers):
                lstm = layers.LSTM(num_hiddens, return_sequences=True)
                H = (layers.Bidirectional(lstm) if bidirectional and i == 0 else lstm)(H)
            return keras.Model(ids, layers.Dense(num_tags)(H))
            """, "only the first LSTM is wrapped in Bidirectional"),
        wrong("ind_one_layer_too_few", """
            ids = keras.Input(shape=(None,), dtype="int32")
            H = layers.Embedding(vocab_size, embed_dim, mask_zero=True)(ids)
            for _ in range(1, num_layers):  # the first layer counted twice in the student's head
                lstm = layers.LSTM(num_hiddens, return_sequences=True)
                H = (layers.Bidirectional(lstm) if bidirectional else lstm)(H)
            return keras.Model(ids, layers.Dense(num_tags)(H))
            """, "an off-by-one loop: num_layers - 1 LSTM layers (none at all for one layer)"),
        wrong("ind_go_backwards_instead_of_bidirectional", """
            ids = keras.Input(shape=(None,), dtype="int32")
            H = layers.Embedding(vocab_size, embed_dim, mask_zero=True)(ids)
            for _ in range(num_layers):
                H = layers.LSTM(num_hiddens, return_sequences=True, go_backwards=bidirectional)(H)
            return keras.Model(ids, layers.Dense(num_tags)(H))
            """, "bidirectional read as go_backwards=True: one backward LSTM, no forward one, outputs reversed"),
        wrong("ind_embedding_vocab_plus_one", """
            ids = keras.Input(shape=(None,), dtype="int32")
            H = layers.Embedding(vocab_size + 1, embed_dim, mask_zero=True)(ids)  # "one more for padding"
            for _ in range(num_layers):
                lstm = layers.LSTM(num_hiddens, return_sequences=True)
                H = (layers.Bidirectional(lstm) if bidirectional else lstm)(H)
            return keras.Model(ids, layers.Dense(num_tags)(H))
            """, "Embedding(vocab_size + 1): padding is already id 0 of the vocab_size ids; wrong parameter count"),
        wrong("ind_compiled", """
            ids = keras.Input(shape=(None,), dtype="int32")
            H = layers.Embedding(vocab_size, embed_dim, mask_zero=True)(ids)
            for _ in range(num_layers):
                lstm = layers.LSTM(num_hiddens, return_sequences=True)
                H = (layers.Bidirectional(lstm) if bidirectional else lstm)(H)
            model = keras.Model(ids, layers.Dense(num_tags)(H))
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
            return model
            """, "compiled, although the prompt says not to (and with a loss that expects probabilities)"),
        correct("ind_sequential", """
            stack = [keras.Input(shape=(None,), dtype="int32"),
                     layers.Embedding(vocab_size, embed_dim, mask_zero=True)]
            for _ in range(num_layers):
                lstm = layers.LSTM(num_hiddens, return_sequences=True)
                stack.append(layers.Bidirectional(lstm, merge_mode="concat") if bidirectional else lstm)
            stack.append(layers.Dense(num_tags))
            return keras.Sequential(stack)
            """, "keras.Sequential with the Input first, merge_mode spelled out"),
        correct("ind_functional_int64_names", """
            inputs = keras.Input(shape=(None,), dtype="int64", name="word_ids")
            x = layers.Embedding(input_dim=vocab_size, output_dim=embed_dim, mask_zero=True)(inputs)
            for i in range(num_layers):
                rnn = layers.LSTM(units=num_hiddens, return_sequences=True, name=f"lstm_{i}")
                if bidirectional:
                    rnn = layers.Bidirectional(rnn, name=f"bi_lstm_{i}")
                x = rnn(x)
            logits = layers.Dense(units=num_tags, name="logits")(x)
            return keras.Model(inputs=inputs, outputs=logits, name="tagger")
            """, "functional API with int64 ids, keyword arguments and named layers"),
    ],
}
