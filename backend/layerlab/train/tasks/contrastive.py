"""Contrastive image-text learning (CLIP, Radford et al. 2021), on a labelled image set:
each image's text is its class name ("seven" for the digit 7).

The document holds two networks: `image_encoder` (the images) and `text_encoder` (the
names as character ids, padded with id 0 to its Input's length), each ending in an
embedding of the same size. The logits of a batch are every image's embedding dotted
with every text's (draw Normalize on both and a LogitScale on one for CLIP's cosine
similarity times a learned inverse temperature). The loss is symmetric InfoNCE: the
cross-entropy of picking each image's own text among the batch's texts and each text's
own image among the batch's images; images of the same class share a name, so every
pair of the same class counts as a match (the target spreads over them). Zero-shot
classification: a held-out image gets the class whose name embeds closest to it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import torch
import torch.nn.functional as F
from torch import nn

from layerlab.train.data.base import Split
from layerlab.train.events import (
    ConfusionView,
    Prediction,
    PredictionsView,
    SampleView,
    SimilarityView,
)
from layerlab.train.model import Net
from layerlab.train.tasks.base import Evaluation, Phase, Task, TaskError, as_floats, scalar
from layerlab.train.views import MAX_ITEMS, image_data, is_image, label

NETWORKS = ("image_encoder", "text_encoder")
PAD = 0
"""The id that pads a name to the text Input's length."""
NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
"""The text of a class named by a digit."""
SIMILARITY_ROWS = 10
"""Images in the similarity matrix view: the first held-out image of each class."""


def class_texts(classes: Sequence[str]) -> list[str]:
    """Each class's text: a digit's name in words, any other class name as it is."""
    return [NUMBER_WORDS[int(c)] if c.isdigit() and len(c) == 1 else c for c in classes]


def character_ids(texts: Sequence[str], length: int) -> tuple[torch.Tensor, list[str]]:
    """(K, length) ids of each text's characters, padded with PAD; and the vocabulary
    (index = id: PAD's placeholder, then the texts' characters, sorted)."""
    vocabulary = ["", *sorted(set("".join(texts)))]
    ids = torch.full((len(texts), length), PAD, dtype=torch.int64)
    for row, text in enumerate(texts):
        ids[row, : len(text)] = torch.tensor([vocabulary.index(c) for c in text])
    return ids, vocabulary


def matching(y: torch.Tensor) -> torch.Tensor:
    """(B, B) targets: row i spread evenly over the batch's samples of i's class."""
    same = (y.unsqueeze(0) == y.unsqueeze(1)).float()
    return same / same.sum(dim=1, keepdim=True)


class Contrastive(Task):
    name = "contrastive"
    targets = frozenset({"class"})
    summary = (
        "CLIP: image and text embeddings matched by symmetric InfoNCE; zero-shot accuracy "
        "from the class names, a similarity matrix."
    )

    def check(self) -> None:
        if set(self.trainee.nets) != set(NETWORKS):
            raise TaskError(
                "the contrastive task needs two networks named image_encoder and text_encoder "
                f"(set each node's network); the document has {', '.join(sorted(self.trainee.nets))}"
            )
        if self.info.target != "class" or not self.info.classes:
            raise TaskError(
                f"the contrastive task pairs images with their class names; dataset "
                f"{self.info.name!r} has {self.info.target} targets"
            )
        self.images = self.trainee.net("image_encoder")
        self.text = self.trainee.net("text_encoder")
        self.check_inputs(self.images, [self.info.input_shape], self.info.input_dtype)
        if len(self.text.input_specs) != 1 or len(self.text.input_specs[0].shape) != 1:
            raise TaskError("text_encoder needs one Input of character ids, shape (length,)")
        length = self.text.input_specs[0].shape[0]
        self.texts = class_texts(self.info.classes)
        longest = max(self.texts, key=len)
        if len(longest) > length:
            raise TaskError(
                f"the class name {longest!r} has {len(longest)} characters: give the "
                f"text_encoder's Input shape [{len(longest)}] or more (it has {length})"
            )
        self.name_ids, self.vocabulary = character_ids(self.texts, length)
        self.check_inputs(self.text, [[length]], "int64")
        for module in self.text.module.modules():
            if isinstance(module, nn.Embedding) and module.num_embeddings < len(self.vocabulary):
                raise TaskError(
                    f"the class names use {len(self.vocabulary) - 1} characters plus padding: "
                    f"give the text_encoder's Embedding num_embeddings {len(self.vocabulary)} "
                    f"(it has {module.num_embeddings})"
                )
        widths = [self.width(net) for net in (self.images, self.text)]
        if widths[0] != widths[1]:
            raise TaskError(
                f"image_encoder gives {widths[0]}-number embeddings but text_encoder gives "
                f"{widths[1]}: end both in the same width"
            )

    @staticmethod
    def width(net: Net) -> int:
        spec = net.output_specs[net.prediction_id]
        if len(spec.shape) != 1:
            raise TaskError(
                f"{net.name} ends in {spec}; the contrastive task needs an embedding (D): "
                "end it in a Linear layer"
            )
        return spec.shape[0]

    def encode_texts(self, classes: torch.Tensor) -> torch.Tensor:
        """(N, D) embeddings of the names of `classes` (N,)."""
        return self.text(self.name_ids.to(classes.device)[classes])

    def logits(self, x: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(B, B) image-to-text logits of a batch, and each pair's scale |image| |text|."""
        image, text = self.images(x), self.encode_texts(y)  # (B, D) each
        scale = image.norm(dim=1) * text.norm(dim=1)  # (B,)
        return image @ text.T, scale

    @staticmethod
    def loss(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Symmetric InfoNCE over the batch's images and texts."""
        targets = matching(y)  # symmetric: row i of the text side is column i of this one
        return (F.cross_entropy(logits, targets) + F.cross_entropy(logits.T, targets)) / 2

    def training_step(self, x: torch.Tensor, y: torch.Tensor) -> Iterator[Phase]:
        logits, scale = self.logits(x, y)
        loss = self.loss(logits, y)
        yield Phase("model", loss, lambda: {"logit_scale": scale.detach().mean()})

    def zero_shot(self, x: torch.Tensor) -> torch.Tensor:
        """(B, K) logits of each image against every class name."""
        classes = torch.arange(len(self.texts), device=x.device)
        return self.images(x) @ self.encode_texts(classes).T

    def validation_sums(self, x: torch.Tensor, y: torch.Tensor) -> dict[str, torch.Tensor]:
        logits, scale = self.logits(x, y)
        predicted = self.zero_shot(x).argmax(dim=1)
        classes = len(self.texts)
        return {
            "loss": self.loss(logits, y) * x.shape[0],
            "zero_shot_hits": (predicted == y).sum(),
            "logit_scale": scale.sum(),
            # confusion[true][predicted] of zero-shot classification
            "confusion": torch.bincount(y * classes + predicted, minlength=classes**2),
        }

    def summarize(self, sums: dict[str, torch.Tensor], count: int) -> Evaluation:
        values = as_floats(sums)
        classes = len(self.texts)
        counts = [int(v) for v in values["confusion"]]  # type: ignore[union-attr]
        confusion = ConfusionView(
            classes=list(self.texts),
            matrix=[counts[i * classes : (i + 1) * classes] for i in range(classes)],
        )
        metrics = {
            "loss": scalar(values, "loss") / count,
            "zero_shot_acc": scalar(values, "zero_shot_hits") / count,
            "logit_scale": scalar(values, "logit_scale") / count,
        }
        return Evaluation(metrics, [confusion] if classes <= 100 else [])

    def samples(self, val: Split) -> list[SampleView]:
        if not is_image(self.info.input_shape):
            return []
        rows = first_of_each_class(val.y, SIMILARITY_ROWS)
        x, y = val.x[rows], val.y[rows]
        probabilities = self.zero_shot(x).softmax(dim=1)  # (R, K)
        low, high = float(val.x.min()), float(val.x.max())
        similarity = SimilarityView(
            title="held-out images (rows) against every class name (columns)",
            images=[image_data(image, low, high) for image in x],
            labels=[self.texts[int(c)] for c in y],
            texts=list(self.texts),
            values=[[round(float(v), 3) for v in row] for row in probabilities.tolist()],
        )
        return [similarity, self.predictions(val.x[:MAX_ITEMS], val.y[:MAX_ITEMS], low, high)]

    def predictions(
        self, x: torch.Tensor, y: torch.Tensor, low: float, high: float
    ) -> PredictionsView:
        confidence, predicted = self.zero_shot(x).softmax(dim=1).max(dim=1)
        return PredictionsView(
            items=[
                Prediction(
                    image=image_data(x[i], low, high),
                    target=label(int(y[i]), self.texts),
                    predicted=label(int(predicted[i]), self.texts),
                    confidence=round(float(confidence[i]), 4),
                    correct=int(y[i]) == int(predicted[i]),
                )
                for i in range(x.shape[0])
            ]
        )


def first_of_each_class(y: torch.Tensor, most: int) -> list[int]:
    """Indices of the first sample of each class, in class order (at most `most`)."""
    seen: dict[int, int] = {}
    for index, value in enumerate(y.tolist()):
        seen.setdefault(int(value), index)
    return [seen[c] for c in sorted(seen)][:most]
