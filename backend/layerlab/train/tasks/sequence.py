"""Sequence tasks: many-to-one (a class or value per sequence) and sequence-to-sequence
with an encoder-decoder Transformer (teacher forcing, greedy decoding for samples)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import torch
import torch.nn.functional as F

from layerlab.ops import torch_modules as tm
from layerlab.train.attention import attention_views
from layerlab.train.config import TrainingConfig
from layerlab.train.data.base import Split
from layerlab.train.data.lazy import Dataset
from layerlab.train.events import SampleView, SequencePrediction, SequencesView
from layerlab.train.model import Trainee
from layerlab.train.tasks.base import Evaluation, Phase, Task, TaskError, as_floats, scalar
from layerlab.train.tasks.classification import Classification
from layerlab.train.tasks.regression import Regression
from layerlab.train.views import MAX_ITEMS, label, tokens_text

GREEDY_EXAMPLES = 256
"""Validation sequences decoded greedily for val/seq_acc each epoch."""


class ManyToOne(Task):
    """A sequence in, one answer out (parity, the next value of a sine): classification
    or regression on a recurrent or attention network's summary, by the data's target."""

    name = "many_to_one"
    targets = frozenset({"class", "value"})
    summary = "Read a whole sequence, answer once: a class or a value per sequence."

    @classmethod
    def create(cls, trainee: Trainee, data: Dataset, config: TrainingConfig) -> Task:
        if data.info.target == "class":
            return Classification(trainee, data, config)
        if data.info.target == "value":
            return Regression(trainee, data, config)
        raise TaskError(
            f"many_to_one needs class or value targets; dataset {data.info.name!r} has "
            f"{data.info.target}"
        )


class Seq2Seq(Task):
    """Inputs: the source (N, S) and, built here, the decoder input BOS + target[:-1];
    the decoder's causal mask lives in the graph's TransformerDecoderLayer."""

    name = "seq2seq"
    targets = frozenset({"sequence"})
    summary = "Translate a sequence into another: teacher forcing, token and sequence accuracy."

    def check(self) -> None:
        net = self.single_net()
        if self.info.target != "sequence" or self.info.input_dtype != "int64":
            raise TaskError(
                f"seq2seq needs token sequences in and out; dataset {self.info.name!r} has "
                f"{self.info.input_dtype} inputs and {self.info.target} targets"
            )
        if "bos" not in self.extras:
            raise TaskError(f"dataset {self.info.name!r} names no BOS token (extras['bos'])")
        self.bos = int(self.extras["bos"])
        self.pad: int | None = int(self.extras["pad"]) if "pad" in self.extras else None
        self.check_inputs(net, [self.info.input_shape, self.info.target_shape], "int64")
        self.length = self.info.target_shape[0]
        self.vocabulary = self.token_logits(net, self.length)
        for module in net.module.modules():
            if isinstance(module, tm.DecoderLayer) and not module.causal:
                raise TaskError(
                    "seq2seq trains with teacher forcing: set causal on every "
                    "TransformerDecoderLayer, or the decoder sees the answer"
                )
        self.net = net

    def decoder_input(self, y: torch.Tensor) -> torch.Tensor:
        """BOS + target[:-1] (B, T): at step t the decoder has seen the answer up to t - 1."""
        bos = torch.full_like(y[:, :1], self.bos)
        return torch.cat([bos, y[:, :-1]], dim=1)

    def logits(self, x: torch.Tensor, decoder_in: torch.Tensor) -> torch.Tensor:
        return self.net(x, decoder_in).reshape(x.shape[0], self.length, self.vocabulary)

    def token_loss(self, logits: torch.Tensor, y: torch.Tensor, reduction: str) -> torch.Tensor:
        ignore = self.pad if self.pad is not None else -100
        return F.cross_entropy(
            logits.reshape(-1, self.vocabulary),
            y.reshape(-1),
            ignore_index=ignore,
            reduction=reduction,
            label_smoothing=self.config.label_smoothing,
        )

    def training_step(self, x: torch.Tensor, y: torch.Tensor) -> Iterator[Phase]:
        logits = self.logits(x, self.decoder_input(y))  # (B, T, V)
        loss = self.token_loss(logits, y, "mean")

        def token_accuracy() -> dict[str, torch.Tensor]:
            counted = (
                y != self.pad if self.pad is not None else torch.ones_like(y, dtype=torch.bool)
            )
            hits = (logits.detach().argmax(dim=-1) == y) & counted
            return {"token_acc": hits.sum() / counted.sum().clamp(min=1)}

        yield Phase("model", loss, token_accuracy)

    def greedy(self, x: torch.Tensor) -> torch.Tensor:
        """Decode (B, T) token ids one step at a time, each fed back as the next input.
        Positions not yet decoded hold padding; the causal mask keeps them unseen."""
        filler = self.pad if self.pad is not None else self.bos
        decoder_in = torch.full(
            (x.shape[0], self.length), filler, dtype=torch.long, device=x.device
        )
        decoder_in[:, 0] = self.bos
        out = torch.empty_like(decoder_in)
        for t in range(self.length):
            out[:, t] = self.logits(x, decoder_in)[:, t].argmax(dim=-1)
            if t + 1 < self.length:
                decoder_in[:, t + 1] = out[:, t]
        return out

    def validation_sums(self, x: torch.Tensor, y: torch.Tensor) -> dict[str, torch.Tensor]:
        logits = self.logits(x, self.decoder_input(y))
        counted = y != self.pad if self.pad is not None else torch.ones_like(y, dtype=torch.bool)
        hits = (logits.argmax(dim=-1) == y) | ~counted
        return {
            "loss": self.token_loss(logits, y, "sum"),
            "tokens": counted.sum(),
            "token_hits": (hits & counted).sum(),
        }

    def summarize(self, sums: dict[str, torch.Tensor], count: int) -> Evaluation:
        values = as_floats(sums)
        tokens = max(scalar(values, "tokens"), 1.0)
        return Evaluation(
            {
                "loss": scalar(values, "loss") / tokens,
                "token_acc": scalar(values, "token_hits") / tokens,
            }
        )

    def extra_metrics(self, shown: Callable[[], Split]) -> dict[str, float]:
        """seq_acc: share of sequences decoded exactly right without teacher forcing."""
        val = shown()
        x, y = val.x[:GREEDY_EXAMPLES], val.y[:GREEDY_EXAMPLES]
        decoded = self.greedy(x)
        counted = y != self.pad if self.pad is not None else torch.ones_like(y, dtype=torch.bool)
        exact = ((decoded == y) | ~counted).all(dim=1)
        return {"seq_acc": float(exact.float().mean())}

    def samples(self, val: Split) -> list[SampleView]:
        x, y = val.x[:MAX_ITEMS], val.y[:MAX_ITEMS]
        decoded = self.greedy(x)
        vocab = self.info.classes
        items = []
        for i in range(x.shape[0]):
            target = tokens_text(y[i].tolist(), vocab, stop=self.pad)
            predicted = tokens_text(decoded[i].tolist(), vocab, stop=self.pad)
            items.append(
                SequencePrediction(
                    source=tokens_text(x[i].tolist(), vocab, stop=self.pad),
                    target=target,
                    predicted=predicted,
                    correct=target == predicted,
                )
            )
        views: list[SampleView] = [SequencesView(items=items)]
        one_source, one_decoder_in = x[:1], self.decoder_input(y[:1])
        views.extend(
            attention_views(
                self.trainee.layers,
                lambda: self.logits(one_source, one_decoder_in),
                [label(int(t), vocab) for t in one_source[0].tolist()],
                [label(int(t), vocab) for t in one_decoder_in[0].tolist()],
            )
        )
        return views
