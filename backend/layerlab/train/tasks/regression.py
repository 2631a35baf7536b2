"""Regression: predict values (B, *target_shape) with MSE, L1 or Huber loss; R^2."""

from __future__ import annotations

import math
from collections.abc import Iterator

import torch

from layerlab.train.data.base import Split
from layerlab.train.events import CurveView, Prediction, PredictionsView, SampleView
from layerlab.train.tasks.base import (
    Evaluation,
    Phase,
    Task,
    TaskError,
    as_floats,
    regression_loss,
    scalar,
)
from layerlab.train.views import MAX_ITEMS, rounded

CURVE_POINTS = 100


class Regression(Task):
    name = "regression"
    targets = frozenset({"value"})
    usual_for = "value"
    summary = "Predict numbers: mean squared (or L1, Huber) error, MAE and R^2."

    def check(self) -> None:
        net = self.single_net()
        if self.info.target != "value":
            raise TaskError(
                f"regression needs value targets; dataset {self.info.name!r} has "
                f"{self.info.target} targets (try the classification task)"
            )
        if self.config.loss == "cross_entropy":
            raise TaskError("regression uses mse, l1, smooth_l1 or bce, not cross_entropy")
        self.check_inputs(net, [self.info.input_shape], self.info.input_dtype)
        self.per_sample = math.prod(self.info.target_shape)
        self.check_prediction(net, self.per_sample, f"a target of shape {self.info.target_shape}")
        self.net = net

    def predict(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x).reshape(x.shape[0], *self.info.target_shape)

    def training_step(self, x: torch.Tensor, y: torch.Tensor) -> Iterator[Phase]:
        loss = regression_loss(self.config.loss, self.predict(x), y)
        yield Phase("model", loss)

    def validation_sums(self, x: torch.Tensor, y: torch.Tensor) -> dict[str, torch.Tensor]:
        predicted = self.predict(x)
        flat_y = y.reshape(y.shape[0], -1)  # (B, D)
        return {
            "loss": regression_loss(self.config.loss, predicted, y, reduction="sum"),
            "abs_error": (predicted - y).abs().sum(),
            "sq_error": ((predicted - y) ** 2).reshape(y.shape[0], -1).sum(dim=0),  # (D,)
            "y": flat_y.sum(dim=0),
            "y_sq": (flat_y**2).sum(dim=0),
        }

    def summarize(self, sums: dict[str, torch.Tensor], count: int) -> Evaluation:
        values = as_floats(sums)
        elements = count * self.per_sample
        metrics = {
            "loss": scalar(values, "loss") / elements,
            "mae": scalar(values, "abs_error") / elements,
        }
        # R^2 = 1 - SSE / SST per output, averaged over outputs (as scikit-learn does).
        r2 = []
        for sse, total, total_sq in zip(
            _listed(values["sq_error"]), _listed(values["y"]), _listed(values["y_sq"]), strict=True
        ):
            sst = total_sq - total * total / count
            if sst > 1e-12:
                r2.append(1.0 - sse / sst)
        if r2:
            metrics["r2"] = sum(r2) / len(r2)
        return Evaluation(metrics)

    def samples(self, val: Split) -> list[SampleView]:
        if self.info.input_shape == [1] and self.per_sample == 1:
            low, high = float(val.x.min()), float(val.x.max())
            xs = torch.linspace(low, high, CURVE_POINTS, device=val.x.device).unsqueeze(1)
            shown = min(100, len(val))
            return [
                CurveView(
                    x=[round(v, 4) for v in xs.squeeze(1).tolist()],
                    predicted=rounded(self.predict(xs), limit=CURVE_POINTS),
                    points=[
                        (round(a, 4), round(b, 4))
                        for a, b in zip(
                            val.x[:shown, 0].tolist(), val.y[:shown].flatten().tolist(), strict=True
                        )
                    ],
                )
            ]
        x, y = val.x[:MAX_ITEMS], val.y[:MAX_ITEMS]
        predicted = self.predict(x)
        items = [
            Prediction(
                input=rounded(x[i], limit=16),
                target=_numbers(y[i]),
                predicted=_numbers(predicted[i]),
            )
            for i in range(x.shape[0])
        ]
        return [PredictionsView(items=items)]


def _listed(value: list[float] | float) -> list[float]:
    return value if isinstance(value, list) else [value]


def _numbers(values: torch.Tensor) -> str:
    shown = [f"{v:.4g}" if v is not None else "nan" for v in rounded(values, limit=4)]
    more = ", ..." if values.numel() > 4 else ""
    return ", ".join(shown) + more
