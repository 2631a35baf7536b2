"""Synthetic seq2seq and recurrent sets: targets follow the rule, tokens are in the vocabulary."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from layerlab.train.data import LoadContext, load_dataset


@pytest.fixture
def ctx(tmp_path: Path) -> LoadContext:
    return LoadContext(data_dir=tmp_path)


def decode(tokens: torch.Tensor, vocabulary: list[str]) -> str:
    return "".join(vocabulary[int(t)] for t in tokens)


@pytest.mark.parametrize("name", ["copy", "reverse", "sort"])
def test_symbol_tasks_shapes_vocabulary_and_specials(name: str, ctx: LoadContext) -> None:
    data = load_dataset(name, {"size": 100, "length": 7, "symbols": 5}, ctx)
    info = data.info
    assert data.train.x.shape == (80, 7) and data.train.y.shape == (80, 7)
    assert data.train.x.dtype == torch.int64 and data.train.y.dtype == torch.int64
    assert (info.kind, info.input_dtype, info.target) == ("sequence", "int64", "sequence")
    assert info.classes == ["<pad>", "<bos>", "0", "1", "2", "3", "4"] and info.num_classes == 7
    assert data.extras == {"pad": 0, "bos": 1}
    # Sources use symbols only: never a special token.
    assert data.train.x.min() >= 2 and data.train.x.max() <= 6


def test_copy_reverse_sort_rules(ctx: LoadContext) -> None:
    options = {"size": 60, "length": 9, "symbols": 8, "seed": 5}
    copy = load_dataset("copy", options, ctx)
    reverse = load_dataset("reverse", options, ctx)
    sort = load_dataset("sort", options, ctx)
    assert torch.equal(copy.train.y, copy.train.x)
    assert torch.equal(reverse.train.y, reverse.train.x.flip(1))
    for source, target in zip(sort.train.x, sort.train.y, strict=True):
        assert target.tolist() == sorted(source.tolist())


def test_seq2seq_determinism(ctx: LoadContext) -> None:
    first = load_dataset("reverse", {"size": 50, "seed": 1}, ctx)
    again = load_dataset("reverse", {"size": 50, "seed": 1}, ctx)
    other = load_dataset("reverse", {"size": 50, "seed": 2}, ctx)
    assert torch.equal(first.train.x, again.train.x)
    assert not torch.equal(first.train.x, other.train.x)


def test_symbols_are_roughly_uniform(ctx: LoadContext) -> None:
    data = load_dataset("copy", {"size": 2000, "length": 10, "symbols": 4}, ctx)
    counts = torch.bincount(data.train.x.flatten() - 2)
    assert counts.min() > 0.9 * counts.float().mean()


def test_addition_targets_are_the_sums(ctx: LoadContext) -> None:
    data = load_dataset("addition", {"size": 200, "digits": 4}, ctx)
    vocabulary = data.info.classes
    assert vocabulary is not None and "+" in vocabulary
    assert data.train.x.shape == (160, 9) and data.train.y.shape == (160, 5)
    assert data.info.target_shape == [5] and data.extras["bos"] == vocabulary.index("<bos>")
    for source, target in zip(data.train.x, data.train.y, strict=True):
        a, b = decode(source, vocabulary).split("+")
        assert len(a) == len(b) == 4
        assert int(decode(target, vocabulary)) == int(a) + int(b)
    # Carries happen: some sums need the fifth digit.
    first_digits = data.train.y[:, 0] - vocabulary.index("0")
    assert (first_digits == 1).any() and (first_digits == 0).any()


def test_parity(ctx: LoadContext) -> None:
    data = load_dataset("parity", {"size": 400, "length": 6}, ctx)
    assert data.train.x.shape == (320, 6, 1) and data.train.x.dtype == torch.float32
    assert set(data.train.x.unique().tolist()) == {0.0, 1.0}
    expected = data.train.x.squeeze(-1).sum(dim=1).long() % 2
    assert torch.equal(data.train.y, expected)
    assert data.info.classes == ["even", "odd"] and data.info.input_shape == [6, 1]
    share_odd = torch.cat([data.train.y, data.val.y]).float().mean().item()
    assert 0.4 < share_odd < 0.6


def test_sine_forecast_targets_continue_the_wave(ctx: LoadContext) -> None:
    data = load_dataset("sine_forecast", {"size": 50, "length": 12, "noise": 0.0}, ctx)
    assert data.train.x.shape == (40, 12, 1) and data.train.y.shape == (40, 1)
    assert (data.info.target, data.info.target_shape) == ("value", [1])
    # A clean sine obeys s[t+1] = 2 cos(w) s[t] - s[t-1]; w is read off three known values.
    series = torch.cat([data.train.x.squeeze(-1), data.train.y], dim=1).double()
    two_cos_w = (series[:, 2] + series[:, 0]) / series[:, 1]
    predicted = two_cos_w * series[:, -2] - series[:, -3]
    usable = series[:, 1].abs() > 0.2  # avoid dividing by a value near zero
    assert torch.allclose(predicted[usable], series[usable, -1], atol=1e-3)
    steps = torch.arccos(two_cos_w[usable] / 2)
    assert steps.min() >= 0.2 - 1e-3 and steps.max() <= 0.6 + 1e-3
