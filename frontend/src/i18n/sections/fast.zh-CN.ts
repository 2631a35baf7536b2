// fast 部分的简体中文文本（见 ../zh-CN.ts）。
import type { Resources } from '../types';

export const fastZhCN: Resources['fast'] = {
  memory: {
    fits: '在 {{device}} 上批大小最大可到 {{max}}',
    any: '在 {{device}} 上任何批大小都放得下',
    over: '批大小 {{batch}} 在 {{device}} 上放不下',
    nothing: '即使批大小为 1，在 {{device}} 上也放不下',
    use: '改用批大小 {{max}}',
    useTitle: '把批大小设为 {{max}}：这是 {{device}} 上放得下的最大批大小',
    titleGpu:
      '训练所需显存（Adam 优化器、float32）的估计不超过 {{budget}} 时的最大批大小：{{budget}} 是 {{device}}（已连接的工作进程中显存最大的）{{memory}} 显存的 {{share}}%，其余留给框架本身和估计没有算进去的部分。',
    titleRam:
      '训练所需内存（Adam 优化器、float32）的估计不超过 {{budget}} 时的最大批大小：{{budget}} 是 {{device}}（已连接的工作进程中内存最大的）{{memory}} 内存的 {{share}}%，其余留给框架本身和估计没有算进去的部分。',
  },
  execution: {
    title: '训练步骤如何运行：前向计算的精度、即时执行还是编译执行，以及所用的 GPU 设置',
    precision: { off: '单精度 float32', bf16: '混合精度 bf16', fp16: '混合精度 fp16' },
    precisionTitle: {
      off: '全精度：所有数值都用 float32 计算',
      bf16: '混合精度：前向计算用 bfloat16（自动混合精度），权重仍以 float32 保存',
      fp16: '混合精度：前向计算用 float16（自动混合精度），权重仍以 float32 保存，并用梯度缩放防止下溢',
    },
    eager: '即时执行',
    eagerTitle: '每个运算都按 PyTorch 的调用逐个执行',
    compiled: '已编译',
    compiledTitle: '前向计算和损失由 torch.compile 生成并融合的代码执行',
    cudaGraphs: 'CUDA 图',
    cudaGraphsTitle: '每个编译后的训练步骤作为一个 CUDA 图重放：一次启动，而不是每个内核各启动一次',
    channelsLast: '通道在后（channels_last）',
    channelsLastTitle: '卷积中的图像按通道在后（NHWC）的布局存放，这是张量核心读取最快的布局',
    tf32: 'TF32',
    tf32Title: 'float32 矩阵乘法在 TF32 张量核心上计算：更快，约保留三位有效数字',
    compileTime: '编译 {{seconds}} 秒',
    compileTimeTitle: '第一个编译后的训练步骤（含编译）所用的时间',
    compiling: '正在编译…',
    compilingTitle: 'torch.compile 正在追踪并编译第一个训练步骤；编译完成后训练继续',
  },
};
