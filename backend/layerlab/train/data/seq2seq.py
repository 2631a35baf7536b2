"""Synthetic sequence-to-sequence tasks for Transformers: copy, reverse, sort, addition.

Every sample is a source x (T_src,) and a target y (T_tgt,) of int64 token ids from one
vocabulary whose first ids are special tokens: <pad> = 0 and <bos> = 1 (in `extras`, so
a decoder can be fed `<bos> y[:-1]` and a loss can ignore padding). info.classes is the
vocabulary in id order and info.num_classes its size. Every sample has the same length,
so no padding appears in these sets; <pad> is there for the tasks that need it.
"""

from __future__ import annotations

from typing import ClassVar

import torch
from pydantic import Field

from layerlab.train.data.base import (
    DatasetInfo,
    DatasetOptions,
    DatasetSource,
    LoadContext,
    LoadedDataset,
    split,
)

PAD, BOS = "<pad>", "<bos>"
SPECIAL_TOKENS = [PAD, BOS]


class SymbolOptions(DatasetOptions):
    size: int = Field(default=5000, ge=10, le=1_000_000, description="Number of sequences")
    length: int = Field(default=10, ge=1, le=512, description="Tokens per sequence")
    symbols: int = Field(
        default=10, ge=2, le=1000, description="Distinct symbols, besides the special tokens"
    )


class AdditionOptions(DatasetOptions):
    size: int = Field(default=5000, ge=10, le=1_000_000, description="Number of sums")
    digits: int = Field(default=3, ge=1, le=30, description="Digits per operand (zero-padded)")


class Seq2SeqSource(DatasetSource[DatasetOptions]):
    """Shared plumbing: subclasses make (x, y) token tensors and name the vocabulary."""

    kind = "sequence"
    task_note: ClassVar[str]

    def vocabulary(self, options: DatasetOptions) -> list[str]:
        raise NotImplementedError

    def make(
        self, options: DatasetOptions, gen: torch.Generator
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Source tokens x (N, T_src) and target tokens y (N, T_tgt), int64 ids."""
        raise NotImplementedError

    def load(self, options: DatasetOptions, ctx: LoadContext) -> LoadedDataset:
        vocab = self.vocabulary(options)
        x, y = self.make(options, torch.Generator().manual_seed(options.seed))
        train, val = split(x, y, options.val_fraction, options.seed)
        info = DatasetInfo(
            name=self.name,
            kind="sequence",
            input_shape=[x.shape[1]],
            input_dtype="int64",
            target="sequence",
            target_shape=[y.shape[1]],
            num_classes=len(vocab),
            classes=vocab,
            train_size=len(train),
            val_size=len(val),
            notes=[self.task_note, f"{x.shape[0]:,} generated sequences, seed {options.seed}"],
        )
        extras = {"pad": vocab.index(PAD), "bos": vocab.index(BOS)}
        return LoadedDataset(info=info, train=train, val=val, extras=extras)


class SymbolTask(Seq2SeqSource):
    """Random symbol strings; the target is a function of the source of the same length."""

    Options: ClassVar[type[DatasetOptions]] = SymbolOptions

    def vocabulary(self, options: DatasetOptions) -> list[str]:
        assert isinstance(options, SymbolOptions)
        return [*SPECIAL_TOKENS, *(str(symbol) for symbol in range(options.symbols))]

    def make(
        self, options: DatasetOptions, gen: torch.Generator
    ) -> tuple[torch.Tensor, torch.Tensor]:
        assert isinstance(options, SymbolOptions)
        first_symbol = len(SPECIAL_TOKENS)
        x = torch.randint(
            first_symbol,
            first_symbol + options.symbols,
            (options.size, options.length),
            generator=gen,
        )
        return x, self.target(x)

    def target(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError


class Copy(SymbolTask):
    name = "copy"
    summary = "Copy a random symbol string (seq2seq)"
    task_note = "target = the source, token for token"

    def target(self, x: torch.Tensor) -> torch.Tensor:
        return x.clone()


class Reverse(SymbolTask):
    name = "reverse"
    summary = "Reverse a random symbol string (seq2seq)"
    task_note = "target = the source reversed"

    def target(self, x: torch.Tensor) -> torch.Tensor:
        return x.flip(dims=[1])


class Sort(SymbolTask):
    name = "sort"
    summary = "Sort a random symbol string (seq2seq)"
    task_note = "target = the source's symbols in ascending order"

    def target(self, x: torch.Tensor) -> torch.Tensor:
        return x.sort(dim=1).values


class Addition(Seq2SeqSource):
    name = "addition"
    summary = "Add two decimal numbers written as digit tokens (seq2seq)"
    Options: ClassVar[type[DatasetOptions]] = AdditionOptions
    task_note = "source = a + b as zero-padded digits, most significant first; target = the sum, one digit longer"

    def vocabulary(self, options: DatasetOptions) -> list[str]:
        return [*SPECIAL_TOKENS, *(str(digit) for digit in range(10)), "+"]

    def make(
        self, options: DatasetOptions, gen: torch.Generator
    ) -> tuple[torch.Tensor, torch.Tensor]:
        assert isinstance(options, AdditionOptions)
        n, d = options.size, options.digits
        a = torch.randint(0, 10, (n, d), generator=gen)  # digit values, most significant first
        b = torch.randint(0, 10, (n, d), generator=gen)
        total = torch.zeros(n, d + 1, dtype=torch.int64)
        carry = torch.zeros(n, dtype=torch.int64)
        for position in range(d - 1, -1, -1):  # column addition: a loop over digits, not samples
            column = a[:, position] + b[:, position] + carry
            total[:, position + 1] = column % 10
            carry = column // 10
        total[:, 0] = carry
        digit_id = len(SPECIAL_TOKENS)  # the id of token "0"
        plus = torch.full((n, 1), digit_id + 10, dtype=torch.int64)
        x = torch.cat([a + digit_id, plus, b + digit_id], dim=1)  # (N, 2d + 1)
        return x, total + digit_id  # (N, d + 1)
