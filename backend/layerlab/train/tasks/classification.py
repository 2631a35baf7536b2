"""Classification: logits (B, C) against class ids (B,), cross-entropy, accuracy, top-k."""

from __future__ import annotations

from collections.abc import Iterator

import torch
import torch.nn.functional as F

from layerlab.train.data.base import Split
from layerlab.train.events import ConfusionView, Prediction, PredictionsView, SampleView
from layerlab.train.inside import conv_layers, feature_maps
from layerlab.train.tasks.base import Evaluation, Phase, Task, TaskError, as_floats, scalar
from layerlab.train.views import MAX_ITEMS, decision_boundary, image_data, is_image, label, rounded


class Classification(Task):
    name = "classification"
    targets = frozenset({"class"})
    usual_for = "class"
    summary = "Predict a class: cross-entropy, accuracy, top-k accuracy, a confusion matrix."

    def check(self) -> None:
        net = self.single_net()
        if self.info.target != "class" or not self.info.num_classes:
            raise TaskError(
                f"classification needs class targets; dataset {self.info.name!r} has "
                f"{self.info.target} targets (try the regression task)"
            )
        if self.config.loss not in ("auto", "cross_entropy"):
            raise TaskError(f"classification uses cross_entropy, not {self.config.loss!r}")
        self.check_inputs(net, [self.info.input_shape], self.info.input_dtype)
        self.check_prediction(net, self.info.num_classes, f"{self.info.num_classes} classes")
        self.classes = self.info.num_classes
        self.net = net

    def logits(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x).reshape(x.shape[0], self.classes)  # (B, C)

    def training_step(self, x: torch.Tensor, y: torch.Tensor) -> Iterator[Phase]:
        logits = self.logits(x)
        loss = F.cross_entropy(logits, y, label_smoothing=self.config.label_smoothing)
        yield Phase("model", loss, lambda: {"acc": (logits.detach().argmax(1) == y).float().mean()})

    def validation_sums(self, x: torch.Tensor, y: torch.Tensor) -> dict[str, torch.Tensor]:
        logits = self.logits(x)
        predicted = logits.argmax(dim=1)
        sums = {
            "loss": F.cross_entropy(logits, y, reduction="sum"),
            "correct": (predicted == y).sum(),
            # confusion[true][predicted], counted with one bincount
            "confusion": torch.bincount(y * self.classes + predicted, minlength=self.classes**2),
        }
        if self.classes > self.config.top_k:
            top = logits.topk(self.config.top_k, dim=1).indices  # (B, k)
            sums["top_k"] = (top == y.unsqueeze(1)).any(dim=1).sum()
        return sums

    def summarize(self, sums: dict[str, torch.Tensor], count: int) -> Evaluation:
        values = as_floats(sums)
        metrics = {
            "loss": scalar(values, "loss") / count,
            "acc": scalar(values, "correct") / count,
        }
        if "top_k" in values:
            metrics[f"top{self.config.top_k}"] = scalar(values, "top_k") / count
        views: list[SampleView] = []
        if self.classes <= 100:
            counts = [int(v) for v in values["confusion"]]  # type: ignore[union-attr]
            rows = [counts[i * self.classes : (i + 1) * self.classes] for i in range(self.classes)]
            names = [label(i, self.info.classes) for i in range(self.classes)]
            views.append(ConfusionView(classes=names, matrix=rows))
        return Evaluation(metrics, views)

    def samples(self, val: Split) -> list[SampleView]:
        x, y = val.x[:MAX_ITEMS], val.y[:MAX_ITEMS]
        probabilities = self.logits(x).softmax(dim=1)
        confidence, predicted = probabilities.max(dim=1)
        drawable = is_image(self.info.input_shape)
        low, high = (float(x.min()), float(x.max())) if drawable else (0.0, 0.0)
        items = []
        for i in range(x.shape[0]):
            truth, guess = int(y[i]), int(predicted[i])
            items.append(
                Prediction(
                    image=image_data(x[i], low, high) if drawable else None,
                    input=None if drawable else rounded(x[i], limit=16),
                    target=label(truth, self.info.classes),
                    predicted=label(guess, self.info.classes),
                    confidence=round(float(confidence[i]), 4),
                    correct=truth == guess,
                )
            )
        views: list[SampleView] = [PredictionsView(items=items), *self.live_views(val)]
        if conv_layers(self.trainee.layers):
            first = label(int(y[0]), self.info.classes) if len(y) else None
            maps = feature_maps(self.net, self.trainee.layers, x[0], first) if len(x) else None
            views.extend([maps] if maps is not None else [])
        return views

    def live_views(self, val: Split) -> list[SampleView]:
        if self.info.input_shape != [2] or self.info.input_dtype != "float32":
            return []
        return [decision_boundary(lambda p: self.logits(p).softmax(dim=1), val.x, val.y)]
