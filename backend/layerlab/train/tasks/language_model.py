"""Character-level language modelling: predict each next token of (B, T) windows."""

from __future__ import annotations

from collections.abc import Iterator

import torch
import torch.nn.functional as F

from layerlab.train.attention import attention_views
from layerlab.train.data.base import Split
from layerlab.train.events import SampleView, TextView
from layerlab.train.tasks.base import (
    Evaluation,
    Phase,
    Task,
    TaskError,
    as_floats,
    safe_exp,
    scalar,
)
from layerlab.train.views import label, tokens_text

PROMPT_LENGTH = 16
"""Tokens of a validation window that start each generated text sample."""


class LanguageModel(Task):
    """x (B, T) token ids, y the same windows shifted by one: y[:, t] = x[:, t + 1]. The
    graph's attention layers must be causal (or recurrent), so position t sees only
    tokens up to t."""

    name = "language_model"
    targets = frozenset({"sequence"})
    usual_for = "sequence"
    summary = "Predict the next character: cross-entropy, perplexity, generated text."

    def check(self) -> None:
        net = self.single_net()
        if self.info.input_dtype != "int64" or self.info.target != "sequence":
            raise TaskError(
                f"language_model needs token windows; dataset {self.info.name!r} has "
                f"{self.info.input_dtype} inputs and {self.info.target} targets"
            )
        self.length = self.info.input_shape[0]
        self.check_inputs(net, [self.info.input_shape], "int64")
        self.vocabulary = self.token_logits(net, self.length)
        self.net = net

    def logits(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x).reshape(x.shape[0], x.shape[1], self.vocabulary)  # (B, T, V)

    def training_step(self, x: torch.Tensor, y: torch.Tensor) -> Iterator[Phase]:
        logits = self.logits(x)
        loss = F.cross_entropy(logits.reshape(-1, self.vocabulary), y.reshape(-1))
        yield Phase("model", loss)

    def validation_sums(self, x: torch.Tensor, y: torch.Tensor) -> dict[str, torch.Tensor]:
        logits = self.logits(x)
        return {
            "loss": F.cross_entropy(
                logits.reshape(-1, self.vocabulary), y.reshape(-1), reduction="sum"
            ),
            "hits": (logits.argmax(dim=-1) == y).sum(),
        }

    def summarize(self, sums: dict[str, torch.Tensor], count: int) -> Evaluation:
        values = as_floats(sums)
        tokens = count * self.length
        loss = scalar(values, "loss") / tokens
        return Evaluation(
            {"loss": loss, "perplexity": safe_exp(loss), "acc": scalar(values, "hits") / tokens}
        )

    def generate(self, prompt: torch.Tensor, count: int) -> list[int]:
        """Sample `count` tokens after `prompt` (T0,); seeded, so the same weights give the
        same text. The model always sees a full window of T tokens: the last T of the
        context, or the context padded on the right, whose padding the causal mask hides
        from the position read."""
        generator = torch.Generator(device=prompt.device).manual_seed(self.config.seed)
        context = prompt.clone()
        out: list[int] = []
        for _ in range(count):
            seen = min(context.shape[0], self.length)
            window = torch.zeros(self.length, dtype=torch.long, device=prompt.device)
            window[:seen] = context[-seen:]
            last = self.logits(window.unsqueeze(0))[0, seen - 1]  # (V,)
            probabilities = F.softmax(last.float() / self.config.temperature, dim=-1)
            token = torch.multinomial(probabilities, 1, generator=generator)
            context = torch.cat([context, token])
            out.append(int(token))
        return out

    def samples(self, val: Split) -> list[SampleView]:
        prompt = val.x[0, :PROMPT_LENGTH]
        vocab = self.info.classes
        text = tokens_text(self.generate(prompt, self.config.sample_length), vocab)
        views: list[SampleView] = [TextView(prompt=tokens_text(prompt.tolist(), vocab), text=text)]
        window = val.x[:1]
        views.extend(
            attention_views(
                self.trainee.layers,
                lambda: self.logits(window),
                [label(int(t), vocab) for t in window[0].tolist()],
            )
        )
        return views
