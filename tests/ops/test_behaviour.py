"""What shapes cannot show: modes (train/eval), sources, and the axes and positions a
node really computes over. Each test runs the module a declaration builds."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import torch

from layerlab.ops import spec
from tests.ops.harness import Case, call, make_inputs


@pytest.fixture(autouse=True)
def _seeded() -> Iterator[None]:
    torch.manual_seed(0)
    yield


def test_noise_source_makes_batch_size_samples_of_its_shape_and_std() -> None:
    case = Case("Noise", {"std": 0.5, "shape": [3, 4]})
    module = case.build()
    y = call(case, module, {}, batch=1000)["y"]
    assert y.shape == (1000, 3, 4)
    # 12,000 draws: the sample std's own spread is about 0.003, so 0.03 is ~10 sigma.
    assert abs(y.std().item() - 0.5) < 0.03
    assert abs(y.mean().item()) < 0.03
    assert call(case, case.build("meta"), {}, batch=3)["y"].device.type == "meta"


@pytest.mark.parametrize("train_only", [True, False])
def test_noise_on_an_input_is_identity_in_eval_mode_only_when_train_only(
    train_only: bool,
) -> None:
    case = Case("Noise", {"std": 1.0, "train_only": train_only}, {"x": spec(50)})
    module = case.build()
    inputs = make_inputs(case)
    noisy = call(case, module.train(), inputs)["y"]
    assert not torch.equal(noisy, inputs["x"])
    evaluated = call(case, module.eval(), inputs)["y"]
    assert torch.equal(evaluated, inputs["x"]) is train_only


def test_reparameterize_returns_the_mean_in_eval_mode_and_samples_in_train_mode() -> None:
    case = Case("Reparameterize", {}, {"mean": spec(6), "logvar": spec(6)})
    module = case.build()
    inputs = make_inputs(case)
    mean, logvar = inputs["mean"], inputs["logvar"]
    # KL(N(mean, e^logvar) || N(0, 1)) summed over the sample, written out per element.
    kl = 0.5 * (logvar.exp() + mean**2 - 1 - logvar).sum(dim=1)
    evaluated = call(case, module.eval(), inputs)
    assert torch.equal(evaluated["z"], mean)
    torch.testing.assert_close(evaluated["kl"], kl)
    trained = call(case, module.train(), inputs)
    assert not torch.equal(trained["z"], mean)
    torch.testing.assert_close(trained["kl"], kl)


def test_softmax_dim0_normalises_the_samples_first_axis() -> None:
    case = Case("Softmax", {"dim": 0}, {"x": spec(3, 4)})
    y = call(case, case.build(), make_inputs(case))["y"]  # (B, 3, 4)
    torch.testing.assert_close(y.sum(dim=1), torch.ones(2, 4))


def test_layernorm_dims2_normalises_over_the_last_two_axes() -> None:
    case = Case("LayerNorm", {"dims": 2, "elementwise_affine": False}, {"x": spec(3, 4, 5)})
    x = make_inputs(case)["x"] * 3 + 1
    y = call(case, case.build(), {"x": x})["y"]  # (B, 3, 4, 5)
    over = y.flatten(2)  # (B, 3, 20): each row is normalised
    torch.testing.assert_close(over.mean(dim=-1), torch.zeros(2, 3), atol=1e-5, rtol=0)
    torch.testing.assert_close(
        over.var(dim=-1, unbiased=False), torch.ones(2, 3), atol=1e-3, rtol=0
    )


def test_concat_joins_the_parts_in_port_order() -> None:
    case = Case(
        "Concat", {"dim": 1}, {"a": spec(2, 1), "b": spec(2, 2), "c": spec(2, 3), "d": spec(2, 4)}
    )
    inputs = make_inputs(case)
    y = call(case, case.build(), inputs)["y"]
    assert torch.equal(y, torch.cat([inputs[p] for p in "abcd"], dim=2))


def test_select_keeps_one_position_of_its_axis() -> None:
    case = Case("Select", {"dim": 1, "index": -1}, {"x": spec(3, 4, 5)})
    x = make_inputs(case)["x"]
    assert torch.equal(call(case, case.build(), {"x": x})["y"], x[:, :, -1])


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            Case("MultiheadAttention", {"num_heads": 2, "causal": True}, {"query": spec(5, 8)}),
            id="MultiheadAttention",
        ),
        pytest.param(
            Case(
                "TransformerEncoderLayer",
                {"nhead": 2, "dropout": 0.0, "causal": True},
                {"x": spec(5, 8)},
            ),
            id="TransformerEncoderLayer",
        ),
        pytest.param(
            Case(
                "TransformerDecoderLayer",
                {"nhead": 2, "dropout": 0.0},
                {"x": spec(5, 8), "memory": spec(3, 8)},
            ),
            id="TransformerDecoderLayer",
        ),
    ],
)
def test_causal_positions_do_not_see_the_future(case: Case) -> None:
    module = case.build().eval()
    inputs = make_inputs(case)
    first = next(iter(case.inputs))
    changed = dict(inputs)
    changed[first] = inputs[first].clone()
    changed[first][:, -1] += 10.0  # change only the last position
    with torch.no_grad():
        before = call(case, module, inputs)["y"]
        after = call(case, module, changed)["y"]
    torch.testing.assert_close(after[:, :-1], before[:, :-1])
    assert not torch.allclose(after[:, -1], before[:, -1])


def test_sinusoidal_positions_with_odd_width_start_at_sin0_cos0() -> None:
    case = Case("PositionalEncoding", {"kind": "sinusoidal"}, {"x": spec(4, 7)})
    x = torch.zeros(1, 4, 7)
    y = call(case, case.build(), {"x": x})["y"]  # the table itself
    assert torch.equal(y[0, 0, 0::2], torch.zeros(4))  # sin(0) on even columns
    assert torch.equal(y[0, 0, 1::2], torch.ones(3))  # cos(0) on odd columns
    torch.testing.assert_close(y[0, 1, 0], torch.sin(torch.tensor(1.0)))


def test_normalize_gives_unit_vectors_along_its_axis() -> None:
    case = Case("Normalize", {"dim": 0}, {"x": spec(3, 4)})
    y = call(case, case.build(), make_inputs(case))["y"]  # (B, 3, 4)
    torch.testing.assert_close(y.norm(dim=1), torch.ones(2, 4))


def test_logit_scale_multiplies_by_its_learned_value_up_to_the_cap() -> None:
    case = Case("LogitScale", {"init": 50.0, "max_scale": 20.0}, {"x": spec(3)})
    module = case.build()
    x = torch.ones(1, 3)
    torch.testing.assert_close(call(case, module, {"x": x})["y"], torch.full((1, 3), 20.0))
    with torch.no_grad():
        next(module.parameters()).fill_(0.0)  # exp(0) = 1, under the cap
    torch.testing.assert_close(call(case, module, {"x": x})["y"], x)
