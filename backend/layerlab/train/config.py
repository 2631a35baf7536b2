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
PrecisionUsed = Literal["off", "bf16", "fp16"]
"""What a run's forward computes in: float32 (off), or bf16/fp16 autocast."""
Precision = Literal["auto", PrecisionUsed]
ExecutionUsed = Literal["eager", "fast"]
"""How a run's steps execute: as written, or compiled (train/fast.py)."""
Execution = Literal["auto", ExecutionUsed]


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
        default="val/loss",
        description="Metric to watch, as emitted: val/loss, val/acc, ...",
        json_schema_extra={"description_zh": "要监视的指标，按上报时的名字：val/loss、val/acc 等"},
    )
    patience: int = Field(
        default=5,
        ge=1,
        le=10_000,
        description="Epochs without improvement before stopping",
        json_schema_extra={"description_zh": "指标连续多少轮没有改善就停止"},
    )
    mode: Literal["auto", "min", "max"] = Field(
        default="auto",
        description="min for losses, max for accuracies; auto guesses from the name",
        json_schema_extra={"description_zh": "损失用 min，准确率用 max；auto 根据名字推断"},
    )
    min_delta: float = Field(
        default=0.0,
        ge=0.0,
        description="Smallest change that counts as an improvement",
        json_schema_extra={"description_zh": "算作“改善”的最小变化量"},
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
        default=True,
        description="Off: only status, checkpoints, divergence and epoch metrics",
        json_schema_extra={"description_zh": "关闭时只上报状态、检查点、发散和每轮的指标"},
    )
    scalars_every: int = Field(
        default=1,
        ge=1,
        le=100_000,
        description="Steps between train/loss, lr and throughput events (the loss of the "
        "steps between is averaged in), within max_scalars_per_s",
        json_schema_extra={
            "description_zh": "每隔多少步上报一次 train/loss、学习率和吞吐量（中间各步的损失取平均），受 max_scalars_per_s 限制"
        },
    )
    max_scalars_per_s: float | None = Field(
        default=None,
        gt=0.0,
        le=10_000.0,
        description="Cap on scalar events per second (default: max_events_per_s): a faster "
        "loop averages more steps into each",
        json_schema_extra={
            "description_zh": "每秒标量事件数的上限（默认同 max_events_per_s）：训练循环越快，每个点平均的步数越多"
        },
    )
    grad_norms_every: int = Field(
        default=10,
        ge=1,
        le=100_000,
        description="Steps between per-layer gradient norms (one fused call)",
        json_schema_extra={"description_zh": "每隔多少步计算一次各层的梯度范数（一次融合调用）"},
    )
    weights_every: int = Field(
        default=25,
        ge=1,
        le=100_000,
        description="Steps between weight norms and update/weight ratios",
        json_schema_extra={"description_zh": "每隔多少步计算一次权重范数和更新量/权重之比"},
    )
    activations_every: int = Field(
        default=50,
        ge=1,
        le=100_000,
        description="Steps between activation statistics (hooks on that step only); a short "
        "run samples more often, down to every activations_min_every steps, to get "
        "activations_samples of them",
        json_schema_extra={
            "description_zh": "每隔多少步统计一次激活值（只在该步挂钩子）；训练很短时会更频繁采样，最密到每 activations_min_every 步一次，以凑够 activations_samples 个样本"
        },
    )
    activations_samples: int = Field(
        default=40,
        ge=1,
        le=100_000,
        description="Activation samples a short run aims for (a timeline worth scrubbing)",
        json_schema_extra={
            "description_zh": "短训练希望得到的激活采样次数（足够在时间轴上拖动查看）"
        },
    )
    activations_min_every: int = Field(
        default=5,
        ge=1,
        le=100_000,
        description="Fewest steps between activation samples, however short the run",
        json_schema_extra={"description_zh": "两次激活采样之间至少相隔的步数，无论训练多短"},
    )
    samples_every_epochs: int = Field(
        default=1,
        ge=1,
        le=10_000,
        description="Epochs between task samples (predictions, grids, text)",
        json_schema_extra={"description_zh": "每隔多少轮展示一次任务样例（预测、图像网格、文本）"},
    )
    max_events_per_s: float = Field(
        default=40.0,
        gt=0.0,
        le=10_000.0,
        description="Cap on sampled events per second; status and health always pass",
        json_schema_extra={"description_zh": "每秒采样事件数的上限；状态和健康诊断事件不受限"},
    )
    health: bool = Field(
        default=True,
        description="Diagnose vanishing/exploding gradients, dead units, saturation, overfitting",
        json_schema_extra={"description_zh": "诊断梯度消失/梯度爆炸、神经元死亡、激活饱和和过拟合"},
    )


class TrainingConfig(_Strict):
    """Everything a run needs besides the graph and the data files."""

    # What to learn
    task: TaskName = Field(
        default="classification",
        description="The recipe: loss, metrics and samples",
        json_schema_extra={"description_zh": "训练方案：决定损失函数、评估指标和展示的样例"},
    )
    dataset: str | None = Field(
        default=None,
        description="Dataset name from the registry; none when the caller passes data",
        json_schema_extra={
            "description_zh": "数据集名称（来自数据集登记表）；由调用方直接传入数据时留空"
        },
    )
    dataset_options: dict[str, Any] = Field(
        default_factory=dict,
        description="The dataset's own options (size, noise, path, normalize, ...)",
        json_schema_extra={"description_zh": "数据集自身的选项（规模、噪声、路径、是否标准化等）"},
    )
    val_split: float | None = Field(
        default=None,
        ge=0.0,
        lt=1.0,
        description="Share held out for validation; overrides the dataset's val_fraction",
        json_schema_extra={"description_zh": "留作验证集的比例；会覆盖数据集默认的 val_fraction"},
    )
    augment: Literal["none", "flip", "crop", "crop_flip"] = Field(
        default="none",
        description="Random image augmentation per batch, on the device",
        json_schema_extra={"description_zh": "对每个批次做随机图像增强（在设备上进行）"},
    )
    loss: LossName = Field(
        default="auto",
        description="auto: the task's usual loss (cross-entropy, MSE, ...)",
        json_schema_extra={
            "description_zh": "auto：使用该任务常用的损失函数（交叉熵、均方误差等）"
        },
    )
    label_smoothing: float = Field(
        default=0.0,
        ge=0.0,
        lt=1.0,
        description="Cross-entropy label smoothing, a mild regulariser",
        json_schema_extra={"description_zh": "交叉熵的标签平滑，一种温和的正则化"},
    )
    top_k: int = Field(
        default=5,
        ge=2,
        le=100,
        description="k of the top-k accuracy reported for classification",
        json_schema_extra={"description_zh": "分类任务报告的 top-k 准确率中的 k"},
    )

    # How to optimise
    optimizer: OptimizerName = Field(
        default="adam",
        description="Adam is forgiving; SGD with momentum generalises well with a schedule",
        json_schema_extra={
            "description_zh": "Adam 对超参数比较宽容；带动量的 SGD 配合学习率调度，泛化往往更好"
        },
    )
    lr: float = Field(
        default=1e-3,
        gt=0.0,
        le=1e4,
        description="Peak learning rate",
        json_schema_extra={"description_zh": "学习率的峰值"},
    )
    momentum: float = Field(
        default=0.9,
        ge=0.0,
        lt=1.0,
        description="SGD and RMSprop momentum",
        json_schema_extra={"description_zh": "SGD 和 RMSprop 的动量"},
    )
    nesterov: bool = Field(
        default=False,
        description="Nesterov momentum for SGD",
        json_schema_extra={"description_zh": "SGD 使用 Nesterov 动量"},
    )
    betas: tuple[float, float] = Field(
        default=(0.9, 0.999),
        description="Adam/AdamW moment decay rates; GANs like (0.5, 0.999)",
        json_schema_extra={
            "description_zh": "Adam/AdamW 一阶、二阶矩的衰减率；GAN 常用 (0.5, 0.999)"
        },
    )
    weight_decay: float = Field(
        default=0.0,
        ge=0.0,
        le=10.0,
        description="L2 penalty (decoupled for AdamW)",
        json_schema_extra={"description_zh": "L2 惩罚，即权重衰减（AdamW 中与梯度更新解耦）"},
    )
    schedule: ScheduleName = Field(
        default="constant",
        description="Learning-rate shape over the run",
        json_schema_extra={"description_zh": "学习率在整个训练过程中的变化曲线"},
    )
    warmup_steps: int = Field(
        default=0,
        ge=0,
        description="Linear warm-up from 0 to lr over these steps, before the schedule",
        json_schema_extra={
            "description_zh": "在调度开始前，用这么多步把学习率从 0 线性升到 lr（预热）"
        },
    )
    step_epochs: int = Field(
        default=10,
        ge=1,
        description="step schedule: multiply lr by step_gamma every this many epochs",
        json_schema_extra={"description_zh": "阶梯调度：每隔这么多轮，把学习率乘以 step_gamma"},
    )
    step_gamma: float = Field(
        default=0.1,
        gt=0.0,
        le=1.0,
        description="step schedule: the factor",
        json_schema_extra={"description_zh": "阶梯调度：每次衰减的倍数"},
    )
    min_lr_ratio: float = Field(
        default=0.0,
        ge=0.0,
        le=1.0,
        description="cosine and one-cycle: the final lr as a share of lr",
        json_schema_extra={"description_zh": "余弦与 one-cycle 调度：最终学习率占 lr 的比例"},
    )
    clip_grad_norm: float | None = Field(
        default=None,
        gt=0.0,
        description="Rescale gradients whose total norm exceeds this",
        json_schema_extra={
            "description_zh": "梯度总范数超过该值时按比例缩小（梯度裁剪，防止梯度爆炸）"
        },
    )
    clip_grad_value: float | None = Field(
        default=None,
        gt=0.0,
        description="Clamp every gradient element to [-v, v]",
        json_schema_extra={"description_zh": "把每个梯度元素截断到 [-v, v]"},
    )

    # How long
    batch_size: int = Field(
        default=32,
        ge=1,
        le=65_536,
        description="Samples per step",
        json_schema_extra={"description_zh": "每一步使用的样本数（批大小）"},
    )
    epochs: int = Field(
        default=10,
        ge=1,
        le=100_000,
        description="Passes over the training set",
        json_schema_extra={"description_zh": "遍历训练集的次数（轮次）"},
    )
    max_steps: int | None = Field(
        default=None,
        ge=1,
        description="Stop after this many steps, whatever the epochs",
        json_schema_extra={"description_zh": "到这么多步就停止，不管轮次是否完成"},
    )
    early_stopping: EarlyStopping | None = Field(
        default=None,
        description="Stop when a validation metric stops improving",
        json_schema_extra={"description_zh": "验证指标不再改善时提前停止（早停）"},
    )

    # Task-specific knobs
    kl_weight: float = Field(
        default=1.0,
        ge=0.0,
        le=1e3,
        description="VAE: weight of the KL term (beta)",
        json_schema_extra={"description_zh": "VAE：KL 散度项的权重（beta）"},
    )
    noise_std: float = Field(
        default=0.3,
        ge=0.0,
        le=10.0,
        description="Denoising autoencoder: input noise when the graph has no Noise node",
        json_schema_extra={
            "description_zh": "去噪自编码器：图中没有噪声节点时，加在输入上的噪声强度"
        },
    )
    gan_loss: Literal["non_saturating", "minimax"] = Field(
        default="non_saturating",
        description="GAN generator loss; non-saturating learns from the start",
        json_schema_extra={"description_zh": "GAN 生成器的损失；非饱和损失从一开始就能学到东西"},
    )
    discriminator_steps: int = Field(
        default=1,
        ge=1,
        le=100,
        description="GAN: discriminator updates per generator update",
        json_schema_extra={"description_zh": "GAN：每更新一次生成器，判别器更新的次数"},
    )
    sample_length: int = Field(
        default=200,
        ge=1,
        le=2_000,
        description="Language model: characters generated per text sample",
        json_schema_extra={"description_zh": "语言模型：每个文本样例生成的字符数"},
    )
    temperature: float = Field(
        default=0.8,
        gt=0.0,
        le=10.0,
        description="Language model: sampling temperature",
        json_schema_extra={"description_zh": "语言模型：采样温度"},
    )
    diffusion_steps: int = Field(
        default=100,
        ge=2,
        le=4_000,
        description="Diffusion: noise levels T; sampling walks back through every one",
        json_schema_extra={"description_zh": "扩散模型：噪声等级数 T；采样时逐级倒推回去"},
    )
    noise_schedule: Literal["linear", "cosine"] = Field(
        default="cosine",
        description="Diffusion: how noise grows with t (linear betas, Ho et al.; or cosine, "
        "Nichol and Dhariwal, gentler at both ends)",
        json_schema_extra={
            "description_zh": "扩散模型：噪声随 t 增长的方式（线性 beta，Ho 等人；或余弦，Nichol 与 Dhariwal，两端更平缓）"
        },
    )

    # Where and how fast
    device: str = Field(
        default="auto",
        pattern=r"^(auto|cpu|mps|cuda(:\d+)?)$",
        description="auto picks CUDA, then Apple MPS, then the CPU",
        json_schema_extra={"description_zh": "auto：依次选择 CUDA、Apple MPS、CPU"},
    )
    precision: Precision = Field(
        default="auto",
        description="Mixed precision on CUDA: bf16 or fp16 autocast (fp16 with a gradient "
        "scaler); auto picks bf16 where the GPU supports it, else fp16, and float32 on the "
        "CPU and Apple MPS; off always trains in float32",
        json_schema_extra={
            "description_zh": "混合精度（仅 CUDA）：bf16 或 fp16 自动混合精度（fp16 配合梯度缩放）；auto 在支持 bf16 的 GPU 上选 bf16，否则选 fp16，在 CPU 和 Apple MPS 上用 float32；off 始终用 float32 训练"
        },
    )
    execution: Execution = Field(
        default="auto",
        description="eager runs each step as written; fast compiles the forward and loss "
        "with torch.compile (and replays small networks as CUDA graphs on a GPU) after a "
        "compile of seconds to minutes; auto is eager on the CPU and Apple MPS, where "
        "compiling was measured slower",
        json_schema_extra={
            "description_zh": "执行方式：eager 按原样逐步执行；fast 用 torch.compile 编译前向和损失计算（在 GPU 上，小网络还会用 CUDA Graphs 重放），需要先花几秒到几分钟编译；auto 在 CPU 和 Apple MPS 上为 eager，因为在那里编译实测更慢"
        },
    )
    processes: int = Field(
        default=1,
        ge=1,
        le=1024,
        description="Data-parallel ranks that train the run together (one process each, "
        "one GPU each where there are enough); batch_size stays the global batch",
        json_schema_extra={
            "description_zh": "共同训练这次运行的数据并行进程数（每个进程一个，GPU 足够时每个进程一块 GPU）；batch_size 仍是全局批大小"
        },
    )
    sync_batchnorm: bool = Field(
        default=False,
        description="With processes > 1: BatchNorm statistics over the global batch "
        "(off: each rank normalises over its own share)",
        json_schema_extra={
            "description_zh": "当 processes > 1 时：BatchNorm 在全局批次上统计（关闭时各进程只用自己那一份数据归一化）"
        },
    )
    seed: int = Field(
        default=0,
        ge=0,
        le=2**63 - 1,
        description="Seeds initialisation, data order, dropout and noise",
        json_schema_extra={"description_zh": "随机种子：决定初始化、数据顺序、Dropout 和噪声"},
    )

    # What to keep and report
    checkpoint_every_steps: int | None = Field(
        default=None,
        ge=1,
        description="Also checkpoint every this many steps",
        json_schema_extra={"description_zh": "每隔这么多步也保存一次检查点"},
    )
    checkpoint_at_epoch_end: bool = Field(
        default=True,
        description="Checkpoint after each epoch's validation",
        json_schema_extra={"description_zh": "每轮验证之后保存检查点"},
    )
    keep_checkpoints: int = Field(
        default=3,
        ge=1,
        le=1000,
        description="Older checkpoints are deleted",
        json_schema_extra={"description_zh": "保留的检查点个数，更早的会被删除"},
    )
    telemetry: TelemetryConfig = Field(
        default_factory=TelemetryConfig,
        description="Telemetry rates",
        json_schema_extra={"description_zh": "遥测（训练过程监测）的频率"},
    )

    @model_validator(mode="before")
    @classmethod
    def _compile_means_fast(cls, raw: Any) -> Any:
        """Stored configs from before `execution` say `compile: true` for what is now
        `execution: fast`; they still load, and mean the same."""
        if not isinstance(raw, dict) or "compile" not in raw:
            return raw
        raw = dict(raw)
        compiled = raw.pop("compile")
        if not isinstance(compiled, bool):
            raise ValueError("compile (now execution) must be true or false")
        if compiled and raw.get("execution", "auto") == "auto":
            raw["execution"] = "fast"
        return raw

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
