"""The training configuration: one typed model, stored in a document's `training` section.

Every field has a default and a one-line reason, so a document with an empty `training`
section still trains, and the browser renders the form from the JSON Schema. A run may
override fields (CLI flags, a server request) with `with_overrides`, which validates
like the document does. Errors name the field: `training.lr: Input should be greater
than 0`.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from layerlab.graph.document import GraphDocument

TaskName = Literal[
    "classification",
    "regression",
    "many_to_one",
    "seq2seq",
    "language_model",
    "masked_lm",
    "autoencoder",
    "denoising_autoencoder",
    "vae",
    "gan",
    "contrastive",
    "diffusion",
]
"""The task registry's names (`train/tasks`), written out because the tasks import this
module and the JSON Schema needs the enum; tests/train/test_config.py holds the two equal."""
LossName = Literal["auto", "cross_entropy", "mse", "l1", "smooth_l1", "bce"]
OptimizerName = Literal["sgd", "adam", "adamw", "rmsprop"]
ScheduleName = Literal["constant", "step", "cosine", "one_cycle"]
Precision = Literal["off", "bf16", "fp16"]


class ConfigError(ValueError):
    """A training section or override that does not validate; each line names a field."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EarlyStopping(_Strict):
    """Stop when a validation metric has not improved for `patience` epochs."""

    metric: str = Field(
        default="val/loss", description="Metric to watch, as emitted: val/loss, val/acc, ..."
    )
    patience: int = Field(
        default=5, ge=1, le=10_000, description="Epochs without improvement before stopping"
    )
    mode: Literal["auto", "min", "max"] = Field(
        default="auto", description="min for losses, max for accuracies; auto guesses from the name"
    )
    min_delta: float = Field(
        default=0.0, ge=0.0, description="Smallest change that counts as an improvement"
    )

    def maximize(self) -> bool:
        if self.mode != "auto":
            return self.mode == "max"
        return any(word in self.metric for word in ("acc", "r2", "top"))


class TelemetryConfig(_Strict):
    """How often each kind of telemetry is measured. Every rate is bounded twice: by
    these periods and by a rate cap (`max_scalars_per_s`, `max_events_per_s`), so a fast
    loop cannot flood a viewer. The first step measures everything, so a run shows its
    first loss point and its first picture of every layer at once."""

    enabled: bool = Field(
        default=True, description="Off: only status, checkpoints, divergence and epoch metrics"
    )
    scalars_every: int = Field(
        default=1,
        ge=1,
        le=100_000,
        description="Steps between train/loss, lr and throughput events (the loss of the "
        "steps between is averaged in), within max_scalars_per_s",
    )
    max_scalars_per_s: float | None = Field(
        default=None,
        gt=0.0,
        le=10_000.0,
        description="Cap on scalar events per second (default: max_events_per_s): a faster "
        "loop averages more steps into each",
    )
    grad_norms_every: int = Field(
        default=10,
        ge=1,
        le=100_000,
        description="Steps between per-layer gradient norms (one fused call)",
    )
    weights_every: int = Field(
        default=25,
        ge=1,
        le=100_000,
        description="Steps between weight norms and update/weight ratios",
    )
    activations_every: int = Field(
        default=50,
        ge=1,
        le=100_000,
        description="Steps between activation statistics (hooks on that step only); a short "
        "run samples more often, down to every activations_min_every steps, to get "
        "activations_samples of them",
    )
    activations_samples: int = Field(
        default=40,
        ge=1,
        le=100_000,
        description="Activation samples a short run aims for (a timeline worth scrubbing)",
    )
    activations_min_every: int = Field(
        default=5,
        ge=1,
        le=100_000,
        description="Fewest steps between activation samples, however short the run",
    )
    samples_every_epochs: int = Field(
        default=1,
        ge=1,
        le=10_000,
        description="Epochs between task samples (predictions, grids, text)",
    )
    max_events_per_s: float = Field(
        default=40.0,
        gt=0.0,
        le=10_000.0,
        description="Cap on sampled events per second; status and health always pass",
    )
    health: bool = Field(
        default=True,
        description="Diagnose vanishing/exploding gradients, dead units, saturation, overfitting",
    )


class TrainingConfig(_Strict):
    """Everything a run needs besides the graph and the data files."""

    # What to learn
    task: TaskName = Field(
        default="classification", description="The recipe: loss, metrics and samples"
    )
    dataset: str | None = Field(
        default=None, description="Dataset name from the registry; none when the caller passes data"
    )
    dataset_options: dict[str, Any] = Field(
        default_factory=dict,
        description="The dataset's own options (size, noise, path, normalize, ...)",
    )
    val_split: float | None = Field(
        default=None,
        ge=0.0,
        lt=1.0,
        description="Share held out for validation; overrides the dataset's val_fraction",
    )
    augment: Literal["none", "flip", "crop", "crop_flip"] = Field(
        default="none", description="Random image augmentation per batch, on the device"
    )
    loss: LossName = Field(
        default="auto", description="auto: the task's usual loss (cross-entropy, MSE, ...)"
    )
    label_smoothing: float = Field(
        default=0.0, ge=0.0, lt=1.0, description="Cross-entropy label smoothing, a mild regulariser"
    )
    top_k: int = Field(
        default=5, ge=2, le=100, description="k of the top-k accuracy reported for classification"
    )

    # How to optimise
    optimizer: OptimizerName = Field(
        default="adam",
        description="Adam is forgiving; SGD with momentum generalises well with a schedule",
    )
    lr: float = Field(default=1e-3, gt=0.0, le=1e4, description="Peak learning rate")
    momentum: float = Field(default=0.9, ge=0.0, lt=1.0, description="SGD and RMSprop momentum")
    nesterov: bool = Field(default=False, description="Nesterov momentum for SGD")
    betas: tuple[float, float] = Field(
        default=(0.9, 0.999), description="Adam/AdamW moment decay rates; GANs like (0.5, 0.999)"
    )
    weight_decay: float = Field(
        default=0.0, ge=0.0, le=10.0, description="L2 penalty (decoupled for AdamW)"
    )
    schedule: ScheduleName = Field(
        default="constant", description="Learning-rate shape over the run"
    )
    warmup_steps: int = Field(
        default=0,
        ge=0,
        description="Linear warm-up from 0 to lr over these steps, before the schedule",
    )
    step_epochs: int = Field(
        default=10,
        ge=1,
        description="step schedule: multiply lr by step_gamma every this many epochs",
    )
    step_gamma: float = Field(default=0.1, gt=0.0, le=1.0, description="step schedule: the factor")
    min_lr_ratio: float = Field(
        default=0.0,
        ge=0.0,
        le=1.0,
        description="cosine and one-cycle: the final lr as a share of lr",
    )
    clip_grad_norm: float | None = Field(
        default=None, gt=0.0, description="Rescale gradients whose total norm exceeds this"
    )
    clip_grad_value: float | None = Field(
        default=None, gt=0.0, description="Clamp every gradient element to [-v, v]"
    )

    # How long
    batch_size: int = Field(default=32, ge=1, le=65_536, description="Samples per step")
    epochs: int = Field(default=10, ge=1, le=100_000, description="Passes over the training set")
    max_steps: int | None = Field(
        default=None, ge=1, description="Stop after this many steps, whatever the epochs"
    )
    early_stopping: EarlyStopping | None = Field(
        default=None, description="Stop when a validation metric stops improving"
    )

    # Task-specific knobs
    kl_weight: float = Field(
        default=1.0, ge=0.0, le=1e3, description="VAE: weight of the KL term (beta)"
    )
    noise_std: float = Field(
        default=0.3,
        ge=0.0,
        le=10.0,
        description="Denoising autoencoder: input noise when the graph has no Noise node",
    )
    gan_loss: Literal["non_saturating", "minimax"] = Field(
        default="non_saturating",
        description="GAN generator loss; non-saturating learns from the start",
    )
    discriminator_steps: int = Field(
        default=1, ge=1, le=100, description="GAN: discriminator updates per generator update"
    )
    sample_length: int = Field(
        default=200,
        ge=1,
        le=2_000,
        description="Language model: characters generated per text sample",
    )
    temperature: float = Field(
        default=0.8, gt=0.0, le=10.0, description="Language model: sampling temperature"
    )
    diffusion_steps: int = Field(
        default=100,
        ge=2,
        le=4_000,
        description="Diffusion: noise levels T; sampling walks back through every one",
    )
    noise_schedule: Literal["linear", "cosine"] = Field(
        default="cosine",
        description="Diffusion: how noise grows with t (linear betas, Ho et al.; or cosine, "
        "Nichol and Dhariwal, gentler at both ends)",
    )

    # Where and how fast
    device: str = Field(
        default="auto",
        pattern=r"^(auto|cpu|mps|cuda(:\d+)?)$",
        description="auto picks CUDA, then Apple MPS, then the CPU",
    )
    precision: Precision = Field(
        default="off", description="bf16/fp16 autocast on CUDA; ignored elsewhere"
    )
    compile: bool = Field(
        default=False, description="torch.compile the forward; slower on small CPU models"
    )
    processes: int = Field(
        default=1,
        ge=1,
        le=1024,
        description="Data-parallel ranks that train the run together (one process each, "
        "one GPU each where there are enough); batch_size stays the global batch",
    )
    sync_batchnorm: bool = Field(
        default=False,
        description="With processes > 1: BatchNorm statistics over the global batch "
        "(off: each rank normalises over its own share)",
    )
    seed: int = Field(
        default=0,
        ge=0,
        le=2**63 - 1,
        description="Seeds initialisation, data order, dropout and noise",
    )

    # What to keep and report
    checkpoint_every_steps: int | None = Field(
        default=None, ge=1, description="Also checkpoint every this many steps"
    )
    checkpoint_at_epoch_end: bool = Field(
        default=True, description="Checkpoint after each epoch's validation"
    )
    keep_checkpoints: int = Field(
        default=3, ge=1, le=1000, description="Older checkpoints are deleted"
    )
    telemetry: TelemetryConfig = Field(
        default_factory=TelemetryConfig, description="Telemetry rates"
    )

    @model_validator(mode="after")
    def _betas_in_range(self) -> TrainingConfig:
        if not all(0.0 <= b < 1.0 for b in self.betas):
            raise ValueError("betas must each lie in [0, 1)")
        return self

    @model_validator(mode="after")
    def _batch_divides_among_processes(self) -> TrainingConfig:
        if self.batch_size % self.processes:
            raise ValueError(
                f"batch_size {self.batch_size} does not divide among {self.processes} "
                f"processes: each rank takes an equal share of the global batch, so use a "
                f"multiple of {self.processes}"
            )
        return self

    def with_overrides(self, **changes: Any) -> TrainingConfig:
        """A copy with `changes` applied and validated (None values are ignored, so CLI
        flags that were not given change nothing)."""
        given = {k: v for k, v in changes.items() if v is not None}
        return parse_config({**self.model_dump(), **given})


def parse_config(raw: dict[str, Any], where: str = "training") -> TrainingConfig:
    """Validate a raw training section; ConfigError lists each problem with its field."""
    try:
        return TrainingConfig.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_url=False):
            field = ".".join(str(part) for part in error["loc"])
            problems.append(
                f"{where}.{field}: {error['msg']}" if field else f"{where}: {error['msg']}"
            )
        raise ConfigError(problems) from None


def config_of(doc: GraphDocument) -> TrainingConfig:
    """The document's training section, validated."""
    return parse_config(dict(doc.training))
