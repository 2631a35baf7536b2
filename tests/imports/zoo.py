"""The model zoo: hand-written reference modules, one or more per gallery family, in
the idioms people write them (Sequential stacks, residual blocks with projection
shortcuts, `x.view(x.size(0), -1)`, `F.relu`, learned and sinusoidal positions, causal
masks, `h_n[-1]`). Each is imported, built and compared in test_zoo.py, and listed in
docs/import.md (`python -m tests.imports.docs`).

Sizes are small so the whole zoo runs in seconds on a CPU; the structure is the real one.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn


@dataclass(frozen=True)
class ZooModel:
    name: str
    family: str
    make: Callable[[], nn.Module]
    inputs: Callable[[int], tuple[torch.Tensor, ...]]
    """Example inputs for a batch of the given size."""


def images(c: int, h: int, w: int) -> Callable[[int], tuple[torch.Tensor, ...]]:
    return lambda b: (torch.randn(b, c, h, w),)


def tokens(vocab: int, *lengths: int) -> Callable[[int], tuple[torch.Tensor, ...]]:
    return lambda b: tuple(torch.randint(0, vocab, (b, t)) for t in lengths)


# -- MLP, LeNet, AlexNet ---------------------------------------------------------------------


class MLP(nn.Module):
    def __init__(self, features: int = 20, hidden: int = 32, classes: int = 4):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(features, hidden),
            nn.ReLU(),
            nn.Dropout(0.2),
            nn.Linear(hidden, hidden),
            nn.Tanh(),
            nn.Linear(hidden, classes),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


class LeNet5(nn.Module):
    """LeCun et al. 1998, with max pooling and ReLU as usually written today."""

    def __init__(self, classes: int = 10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.pool = nn.MaxPool2d(2)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


class AlexNetSmall(nn.Module):
    """torchvision's AlexNet layout (features, avgpool, classifier), sized for CIFAR."""

    def __init__(self, classes: int = 10):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 16, kernel_size=3, stride=1, padding=1),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=2),
            nn.Conv2d(16, 32, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=2),
            nn.Conv2d(32, 48, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(48, 32, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=2),
        )
        self.avgpool = nn.AdaptiveAvgPool2d((2, 2))
        self.classifier = nn.Sequential(
            nn.Dropout(p=0.5),
            nn.Linear(32 * 2 * 2, 64),
            nn.ReLU(inplace=True),
            nn.Dropout(p=0.5),
            nn.Linear(64, 64),
            nn.ReLU(inplace=True),
            nn.Linear(64, classes),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.features(x)
        x = self.avgpool(x)
        x = torch.flatten(x, 1)
        return self.classifier(x)


# -- ResNets ---------------------------------------------------------------------------------


class BasicBlock(nn.Module):
    """Two 3x3 convolutions and a shortcut: the identity, or a 1x1 projection where the
    shape changes (torchvision's `downsample`)."""

    expansion = 1

    def __init__(self, inplanes: int, planes: int, stride: int = 1):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample: nn.Module | None = None
        if stride != 1 or inplanes != planes:
            self.downsample = nn.Sequential(
                nn.Conv2d(inplanes, planes, 1, stride, bias=False), nn.BatchNorm2d(planes)
            )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        out += identity
        return self.relu(out)


class ResNet(nn.Module):
    """ResNet for 32x32 images: `blocks` basic blocks per stage, projection shortcuts."""

    def __init__(self, blocks: list[int], widths: list[int], classes: int = 10):
        super().__init__()
        self.conv1 = nn.Conv2d(3, widths[0], 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(widths[0])
        self.relu = nn.ReLU(inplace=True)
        stages, inplanes = [], widths[0]
        for i, (count, planes) in enumerate(zip(blocks, widths, strict=True)):
            stride = 1 if i == 0 else 2
            layers = [BasicBlock(inplanes, planes, stride)]
            layers += [BasicBlock(planes, planes) for _ in range(count - 1)]
            stages.append(nn.Sequential(*layers))
            inplanes = planes
        self.layers = len(stages)
        for i, stage in enumerate(stages):
            self.add_module(f"layer{i + 1}", stage)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(inplanes, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.relu(self.bn1(self.conv1(x)))
        for i in range(self.layers):
            x = getattr(self, f"layer{i + 1}")(x)
        x = self.avgpool(x)
        x = x.view(x.size(0), -1)
        return self.fc(x)


def resnet18() -> ResNet:
    return ResNet([2, 2, 2, 2], [16, 32, 64, 128])


def resnet20() -> ResNet:
    return ResNet([3, 3, 3], [16, 32, 64])


# -- ViT ---------------------------------------------------------------------------------------


class PatchEmbed(nn.Module):
    def __init__(self, channels: int, dim: int, patch: int):
        super().__init__()
        self.proj = nn.Conv2d(channels, dim, kernel_size=patch, stride=patch)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.proj(x).flatten(2).transpose(1, 2)  # (B, N, E)


class ViTBlock(nn.Module):
    """Pre-norm: x + attention(norm(x)), then x + mlp(norm(x))."""

    def __init__(self, dim: int, heads: int, hidden: int):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = nn.MultiheadAttention(dim, heads, batch_first=True)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = nn.Sequential(nn.Linear(dim, hidden), nn.GELU(), nn.Linear(hidden, dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.norm1(x)
        x = x + self.attn(h, h, h, need_weights=False)[0]
        return x + self.mlp(self.norm2(x))


class ViT(nn.Module):
    def __init__(
        self, image: int = 16, patch: int = 4, dim: int = 32, depth: int = 3, classes: int = 10
    ):
        super().__init__()
        self.patch_embed = PatchEmbed(3, dim, patch)
        self.cls_token = nn.Parameter(torch.randn(1, 1, dim) * 0.02)
        self.pos_embed = nn.Parameter(torch.randn(1, (image // patch) ** 2 + 1, dim) * 0.02)
        self.pos_drop = nn.Dropout(0.1)
        self.blocks = nn.ModuleList([ViTBlock(dim, 4, 2 * dim) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.head = nn.Linear(dim, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.patch_embed(x)
        cls = self.cls_token.expand(x.shape[0], -1, -1)
        x = torch.cat((cls, x), dim=1)
        x = self.pos_drop(x + self.pos_embed)
        for block in self.blocks:
            x = block(x)
        x = self.norm(x)
        return self.head(x[:, 0])


# -- recurrent --------------------------------------------------------------------------------


class LSTMClassifier(nn.Module):
    def __init__(self, vocab: int = 50, embed: int = 16, hidden: int = 24, classes: int = 3):
        super().__init__()
        self.embedding = nn.Embedding(vocab, embed)
        self.lstm = nn.LSTM(embed, hidden, num_layers=2, batch_first=True, dropout=0.1)
        self.fc = nn.Linear(hidden, classes)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        _, (h_n, _) = self.lstm(self.embedding(tokens))
        return self.fc(h_n[-1])


class GRURegressor(nn.Module):
    """Sequence to sequence: a prediction at every step."""

    def __init__(self, features: int = 3, hidden: int = 16):
        super().__init__()
        self.gru = nn.GRU(features, hidden, num_layers=2, batch_first=True)
        self.head = nn.Linear(hidden, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.gru(x)
        return self.head(out)


class SizeDependentLSTM(nn.Module):
    """Control flow on an input size: torch.fx cannot follow it, torch.export can."""

    def __init__(self, features: int = 6, hidden: int = 12):
        super().__init__()
        self.wide = nn.Linear(features, 8)
        self.lstm = nn.LSTM(8, hidden, batch_first=True)
        self.head = nn.Linear(hidden, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.shape[1] > 2:  # long sequences get a projection first
            x = F.relu(self.wide(x))
        _, (h_n, _) = self.lstm(x)
        return self.head(h_n[-1])


# -- Transformers ---------------------------------------------------------------------------------


class SinusoidalPositions(nn.Module):
    """The PyTorch tutorial's PositionalEncoding, batch first."""

    def __init__(self, d_model: int, dropout: float = 0.1, max_len: int = 64):
        super().__init__()
        self.dropout = nn.Dropout(p=dropout)
        position = torch.arange(max_len).unsqueeze(1)
        div_term = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
        pe = torch.zeros(1, max_len, d_model)
        pe[0, :, 0::2] = torch.sin(position * div_term)
        pe[0, :, 1::2] = torch.cos(position * div_term)
        self.register_buffer("pe", pe)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.pe[:, : x.size(1)]
        return self.dropout(x)


class Seq2SeqTransformer(nn.Module):
    def __init__(self, vocab: int = 40, d_model: int = 32, heads: int = 4, layers: int = 2):
        super().__init__()
        self.src_embed = nn.Embedding(vocab, d_model)
        self.tgt_embed = nn.Embedding(vocab, d_model)
        self.src_pos = SinusoidalPositions(d_model)
        self.tgt_pos = SinusoidalPositions(d_model)
        enc = nn.TransformerEncoderLayer(d_model, heads, 64, dropout=0.1, batch_first=True)
        dec = nn.TransformerDecoderLayer(d_model, heads, 64, dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(enc, layers, enable_nested_tensor=False)
        self.decoder = nn.TransformerDecoder(dec, layers)
        self.generator = nn.Linear(d_model, vocab)

    def forward(self, src: torch.Tensor, tgt: torch.Tensor) -> torch.Tensor:
        memory = self.encoder(self.src_pos(self.src_embed(src)))
        mask = nn.Transformer.generate_square_subsequent_mask(tgt.size(1))
        out = self.decoder(
            self.tgt_pos(self.tgt_embed(tgt)), memory, tgt_mask=mask, tgt_is_causal=True
        )
        return self.generator(out)


class GPTBlock(nn.Module):
    def __init__(self, dim: int, heads: int, block_size: int):
        super().__init__()
        self.ln_1 = nn.LayerNorm(dim)
        self.attn = nn.MultiheadAttention(dim, heads, dropout=0.1, batch_first=True)
        self.ln_2 = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(
            nn.Linear(dim, 4 * dim),
            nn.GELU(approximate="tanh"),
            nn.Linear(4 * dim, dim),
            nn.Dropout(0.1),
        )
        mask = torch.triu(torch.ones(block_size, block_size, dtype=torch.bool), diagonal=1)
        self.register_buffer("mask", mask, persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        t = x.size(1)
        h = self.ln_1(x)
        x = x + self.attn(h, h, h, attn_mask=self.mask[:t, :t], need_weights=False)[0]
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    """A decoder-only stack as nanoGPT writes it (untied head)."""

    def __init__(self, vocab: int = 48, block_size: int = 16, dim: int = 32, depth: int = 3):
        super().__init__()
        self.wte = nn.Embedding(vocab, dim)
        self.wpe = nn.Embedding(block_size, dim)
        self.drop = nn.Dropout(0.1)
        self.h = nn.ModuleList([GPTBlock(dim, 4, block_size) for _ in range(depth)])
        self.ln_f = nn.LayerNorm(dim)
        self.lm_head = nn.Linear(dim, vocab, bias=False)

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        pos = torch.arange(0, idx.size(1), dtype=torch.long, device=idx.device)
        x = self.drop(self.wte(idx) + self.wpe(pos))
        for block in self.h:
            x = block(x)
        return self.lm_head(self.ln_f(x))


# -- generative ---------------------------------------------------------------------------------


class Autoencoder(nn.Module):
    def __init__(self, latent: int = 8):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Flatten(), nn.Linear(196, 64), nn.ReLU(), nn.Linear(64, latent)
        )
        self.decoder = nn.Sequential(
            nn.Linear(latent, 64), nn.ReLU(), nn.Linear(64, 196), nn.Sigmoid()
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.encoder(x)).view(-1, 1, 14, 14)


class VAEEncoder(nn.Module):
    """Convolutions to the mean and log-variance of q(z|x)."""

    def __init__(self, latent: int = 8):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 4, 2, 1)
        self.conv2 = nn.Conv2d(8, 16, 4, 2, 1)
        self.fc_mu = nn.Linear(16 * 4 * 4, latent)
        self.fc_logvar = nn.Linear(16 * 4 * 4, latent)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = F.leaky_relu(self.conv1(x), 0.2)
        h = F.leaky_relu(self.conv2(h), 0.2)
        h = h.view(h.size(0), -1)
        return self.fc_mu(h), self.fc_logvar(h)


class VAEDecoder(nn.Module):
    def __init__(self, latent: int = 8):
        super().__init__()
        self.fc = nn.Linear(latent, 16 * 4 * 4)
        self.deconv1 = nn.ConvTranspose2d(16, 8, 4, 2, 1)
        self.deconv2 = nn.ConvTranspose2d(8, 1, 4, 2, 1)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        h = F.relu(self.fc(z)).view(z.size(0), 16, 4, 4)
        h = F.relu(self.deconv1(h))
        return torch.sigmoid(self.deconv2(h))


class DCGANGenerator(nn.Module):
    """The DCGAN paper's generator (as in the PyTorch example), for 32x32 images."""

    def __init__(self, nz: int = 16, ngf: int = 8, channels: int = 3):
        super().__init__()
        self.main = nn.Sequential(
            nn.ConvTranspose2d(nz, ngf * 4, 4, 1, 0, bias=False),
            nn.BatchNorm2d(ngf * 4),
            nn.ReLU(True),
            nn.ConvTranspose2d(ngf * 4, ngf * 2, 4, 2, 1, bias=False),
            nn.BatchNorm2d(ngf * 2),
            nn.ReLU(True),
            nn.ConvTranspose2d(ngf * 2, ngf, 4, 2, 1, bias=False),
            nn.BatchNorm2d(ngf),
            nn.ReLU(True),
            nn.ConvTranspose2d(ngf, channels, 4, 2, 1, bias=False),
            nn.Tanh(),
        )

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.main(z)


class DCGANDiscriminator(nn.Module):
    def __init__(self, ndf: int = 8, channels: int = 3):
        super().__init__()
        self.main = nn.Sequential(
            nn.Conv2d(channels, ndf, 4, 2, 1, bias=False),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(ndf, ndf * 2, 4, 2, 1, bias=False),
            nn.BatchNorm2d(ndf * 2),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(ndf * 2, ndf * 4, 4, 2, 1, bias=False),
            nn.BatchNorm2d(ndf * 4),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(ndf * 4, 1, 4, 1, 0, bias=False),
            nn.Sigmoid(),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.main(x).view(-1, 1)


ZOO: list[ZooModel] = [
    ZooModel("MLP", "MLP", MLP, lambda b: (torch.randn(b, 20),)),
    ZooModel("LeNet-5", "LeNet", LeNet5, images(1, 28, 28)),
    ZooModel("AlexNet (CIFAR size)", "AlexNet", AlexNetSmall, images(3, 32, 32)),
    ZooModel("ResNet-18 (CIFAR, projection shortcuts)", "ResNet", resnet18, images(3, 32, 32)),
    ZooModel("ResNet-20 (CIFAR, projection shortcuts)", "ResNet", resnet20, images(3, 32, 32)),
    ZooModel("ViT (class token, learned positions)", "ViT", ViT, images(3, 16, 16)),
    ZooModel("LSTM classifier", "LSTM", LSTMClassifier, tokens(50, 7)),
    ZooModel("GRU sequence regressor", "GRU", GRURegressor, lambda b: (torch.randn(b, 9, 3),)),
    ZooModel(
        "LSTM with size-dependent control flow",
        "LSTM",
        SizeDependentLSTM,
        lambda b: (torch.randn(b, 5, 6),),
    ),
    ZooModel("Transformer encoder-decoder", "Transformer", Seq2SeqTransformer, tokens(40, 7, 6)),
    ZooModel("GPT block stack", "GPT", GPT, tokens(48, 12)),
    ZooModel("Autoencoder", "Autoencoder", Autoencoder, images(1, 14, 14)),
    ZooModel("VAE encoder", "VAE", VAEEncoder, images(1, 16, 16)),
    ZooModel("VAE decoder", "VAE", VAEDecoder, lambda b: (torch.randn(b, 8),)),
    ZooModel("DCGAN generator", "DCGAN", DCGANGenerator, lambda b: (torch.randn(b, 16, 1, 1),)),
    ZooModel("DCGAN discriminator", "DCGAN", DCGANDiscriminator, images(3, 32, 32)),
]
