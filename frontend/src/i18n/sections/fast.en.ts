// English texts of the fast section (see ../en.ts); split out so that areas of the
// interface can grow their texts side by side.
export const fastEn = {
  memory: {
    fits: 'fits up to batch {{max}} on {{device}}',
    any: 'any batch size fits on {{device}}',
    over: 'batch {{batch}} does not fit on {{device}}',
    nothing: 'does not fit on {{device}}, even at batch 1',
    use: 'use batch {{max}}',
    useTitle: 'Set the batch size to {{max}}, the largest that fits on {{device}}',
    titleGpu:
      'The largest batch whose estimated training memory (Adam, float32) stays within {{budget}}: {{share}}% of the {{memory}} of GPU memory on {{device}}, the connected worker with the most. The rest is left to the framework and to what the estimate misses.',
    titleRam:
      'The largest batch whose estimated training memory (Adam, float32) stays within {{budget}}: {{share}}% of the {{memory}} of memory on {{device}}, the connected worker with the most. The rest is left to the framework and to what the estimate misses.',
  },
  // The run header's line on how the steps run (runs/model/execution.ts).
  execution: {
    title: 'How the steps run: the precision of the forward pass, eager or compiled, and the GPU settings in use',
    precision: { off: 'float32', bf16: 'bf16', fp16: 'fp16' },
    precisionTitle: {
      off: 'Full precision: every value in float32',
      bf16: 'Mixed precision: the forward pass in bfloat16 (autocast), the weights kept in float32',
      fp16: 'Mixed precision: the forward pass in float16 (autocast), the weights kept in float32, with a gradient scaler against underflow',
    },
    eager: 'eager',
    eagerTitle: 'Each operation runs as PyTorch calls it, one at a time',
    compiled: 'compiled',
    compiledTitle: 'The forward pass and the loss run as code that torch.compile generated and fused',
    cudaGraphs: 'CUDA graphs',
    cudaGraphsTitle: 'Each compiled step replays as one CUDA graph: one launch instead of one per kernel',
    channelsLast: 'channels_last',
    channelsLastTitle: 'Images inside the convolutions are stored channels-last (NHWC), the layout tensor cores read fastest',
    tf32: 'TF32',
    tf32Title: 'float32 matrix products on TF32 tensor cores: faster, with about three significant digits',
    compileTime: 'compile {{seconds}} s',
    compileTimeTitle: 'The first compiled step took this long, compiling included',
    compiling: 'Compiling…',
    compilingTitle: 'torch.compile is tracing and compiling the first step; training goes on once it is done',
  },
};
