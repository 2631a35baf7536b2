"""Masked language modelling (BERT, Devlin et al. 2018): hide some tokens of each window
and predict them from both sides.

Each window's tokens are chosen with probability 15%; of the chosen, 80% become the
[MASK] id, 10% a random token and 10% stay as they are (so the model cannot learn that
only [MASK] positions matter), and the loss is the cross-entropy at the chosen
positions only. The [MASK] id is the first id past the dataset's vocabulary, so the
network's Embedding needs one more entry than the vocabulary; its logits need not
cover [MASK], which is never a target. The baseline to beat is a unigram guess: always
the most frequent token of the training text.
"""

from __future__ import annotations

from collections.abc import Iterator

import torch
import torch.nn.functional as F
from torch import nn

from layerlab.train.attention import attention_views
from layerlab.train.data.base import Split
from layerlab.train.data.lazy import input_probe
from layerlab.train.events import SampleView, SequencePrediction, SequencesView
from layerlab.train.tasks.base import (
    Evaluation,
    Phase,
    Task,
    TaskError,
    as_floats,
    safe_exp,
    scalar,
)
from layerlab.train.views import label

MASK_SHARE = 0.15
"""Share of the tokens chosen for prediction."""
MASK_TOKEN, RANDOM_TOKEN = 0.8, 0.1
"""Of the chosen tokens: the share replaced by [MASK], and by a random token (the rest
stay as they are)."""
SHOWN_WINDOWS = 4
SHOWN_LENGTH = 64
"""Windows, and characters of each, in the fills view."""
MASK_SHOWN = "_"
"""How a [MASK] appears in the fills view."""


class MaskedLM(Task):
    """x (B, T) token ids (a language-model set's windows; its shifted targets are not
    used). The graph should be bidirectional (no causal mask): each position sees both
    sides of what it fills in."""

    name = "masked_lm"
    targets = frozenset({"sequence"})
    summary = (
        "BERT's masked language model: 15% of tokens hidden (80/10/10), masked accuracy "
        "vs a unigram guess, the model's fills."
    )

    def check(self) -> None:
        net = self.single_net()
        if self.info.input_dtype != "int64" or self.info.target != "sequence":
            raise TaskError(
                f"masked_lm needs token windows; dataset {self.info.name!r} has "
                f"{self.info.input_dtype} inputs and {self.info.target} targets"
            )
        self.length = self.info.input_shape[0]
        self.check_inputs(net, [self.info.input_shape], "int64")
        self.vocabulary = self.token_logits(net, self.length)
        self.tokens = self.info.num_classes or self.vocabulary
        self.mask_id = self.tokens  # the first id past the vocabulary
        for module in net.module.modules():
            if isinstance(module, nn.Embedding) and module.num_embeddings <= self.mask_id:
                raise TaskError(
                    f"masked_lm feeds the [MASK] id {self.mask_id}, the first past the "
                    f"vocabulary of {self.tokens}: give the Embedding num_embeddings "
                    f"{self.mask_id + 1} (it has {module.num_embeddings})"
                )
        counts = torch.bincount(input_probe(self.data).flatten().cpu(), minlength=self.tokens)
        self.most_frequent = int(counts.argmax())
        self.net = net

    def corrupt(
        self, x: torch.Tensor, generator: torch.Generator | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """(inputs, chosen): x with the chosen positions masked, randomised or kept by
        the 80/10/10 rule, and the (B, T) boolean of positions to predict."""
        chosen = torch.rand(x.shape, generator=generator, device=x.device) < MASK_SHARE
        roll = torch.rand(x.shape, generator=generator, device=x.device)
        noise = torch.randint(0, self.tokens, x.shape, generator=generator, device=x.device)
        inputs = torch.where(chosen & (roll < MASK_TOKEN), self.mask_id, x)
        randomised = chosen & (roll >= MASK_TOKEN) & (roll < MASK_TOKEN + RANDOM_TOKEN)
        return torch.where(randomised, noise, inputs), chosen

    def logits(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x).reshape(x.shape[0], x.shape[1], self.vocabulary)  # (B, T, V)

    def training_step(self, x: torch.Tensor, y: torch.Tensor) -> Iterator[Phase]:
        inputs, chosen = self.corrupt(x)
        logits = self.logits(inputs)[chosen]  # (N, V): the chosen positions only
        yield Phase("model", F.cross_entropy(logits, x[chosen]))

    def validation_generator(self, device: torch.device) -> torch.Generator:
        """The same masks for the same batch at every evaluation, so epochs compare."""
        return torch.Generator(device=device).manual_seed(self.config.seed + 1)

    def validation_sums(self, x: torch.Tensor, y: torch.Tensor) -> dict[str, torch.Tensor]:
        inputs, chosen = self.corrupt(x, self.validation_generator(x.device))
        logits = self.logits(inputs)[chosen]  # (N, V)
        target = x[chosen]
        return {
            "loss": F.cross_entropy(logits, target, reduction="sum"),
            "hits": (logits.argmax(dim=-1) == target).sum(),
            "unigram_hits": (target == self.most_frequent).sum(),
            "masked": chosen.sum(),
        }

    def summarize(self, sums: dict[str, torch.Tensor], count: int) -> Evaluation:
        values = as_floats(sums)
        masked = max(scalar(values, "masked"), 1.0)
        loss = scalar(values, "loss") / masked
        return Evaluation(
            {
                "loss": loss,
                "perplexity": safe_exp(loss),
                "masked_acc": scalar(values, "hits") / masked,
                "unigram_acc": scalar(values, "unigram_hits") / masked,
            }
        )

    def fills(self, x: torch.Tensor) -> list[SequencePrediction]:
        """The start of each window as masked, as written, and with the model's fills in
        the chosen positions; correct when every fill of the whole window is."""
        inputs, chosen = self.corrupt(x, self.validation_generator(x.device))
        predicted = torch.where(chosen, self.logits(inputs).argmax(dim=-1), x)
        right = ((predicted == x) | ~chosen).all(dim=1).tolist()
        vocab = self.info.classes

        def text(ids: list[int]) -> str:
            return "".join(MASK_SHOWN if t == self.mask_id else label(t, vocab) for t in ids)

        return [
            SequencePrediction(
                source=text(shown[:SHOWN_LENGTH]),
                target=text(original[:SHOWN_LENGTH]),
                predicted=text(filled[:SHOWN_LENGTH]),
                correct=correct,
            )
            for shown, original, filled, correct in zip(
                inputs.tolist(), x.tolist(), predicted.tolist(), right, strict=True
            )
        ]

    def samples(self, val: Split) -> list[SampleView]:
        views: list[SampleView] = [SequencesView(items=self.fills(val.x[:SHOWN_WINDOWS]))]
        window = val.x[:1]
        views.extend(
            attention_views(
                self.trainee.layers,
                lambda: self.logits(window),
                [label(int(t), self.info.classes) for t in window[0].tolist()],
            )
        )
        return views
