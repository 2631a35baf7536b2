"""The catalog of server messages: each key with its English and Chinese template, side
by side (see `layerlab.messages` for how a template is filled). Chinese as a teacher of
deep learning writes it, in the course's words: 输入, 输出, 通道, 形状, 卷积核, 池化窗口,
梯度消失, 梯度爆炸, 学习率; op, port and parameter names stay as PyTorch spells them."""

from __future__ import annotations

from layerlab.text import Text


def _m(en: str, zh: str) -> Text:
    return Text(en=en, zh_cn=zh)


MESSAGES: dict[str, Text] = {
    # -- the document as JSON (graph/document.py) --------------------------------------
    "document.too_large": _m(
        "document is {size:,} bytes; the limit is {limit:,}",
        "文档大小为 {size:,} 字节，超出了上限 {limit:,} 字节",
    ),
    "document.too_deep": _m(
        "JSON nests deeper than {limit} levels",
        "JSON 的嵌套层数超过了 {limit} 层",
    ),
    "document.bad_json": _m(
        "not valid JSON: {detail}: line {line} column {column} (char {position})",
        "不是有效的 JSON：第 {line} 行第 {column} 列（第 {position} 个字符）有错（{detail}）",
    ),
    "document.bad_text": _m(
        "not valid JSON: {detail}",
        "不是有效的 JSON：文本无法解码（{detail}）",
    ),
    "document.lone_surrogate": _m(
        "a string holds a lone UTF-16 surrogate (\\ud800-\\udfff); that is not valid Unicode",
        "某个字符串含有落单的 UTF-16 代理项（\\ud800-\\udfff），这不是有效的 Unicode",
    ),
    "document.non_finite": _m(
        "not valid JSON: {name} is not valid JSON; send null for a missing number",
        "不是有效的 JSON：JSON 里不能写 {name}；缺少的数值请写 null",
    ),
    "document.number_range": _m(
        "not valid JSON: number {number} is out of range",
        "不是有效的 JSON：数值 {number} 超出了可表示的范围",
    ),
    "document.not_object": _m(
        "a graph document is a JSON object, not {kind}",
        "网络图文档应当是一个 JSON 对象，而不是 {kind}",
    ),
    "document.too_many_nodes": _m(
        "the document has {count:,} nodes; the limit is {limit:,}",
        "文档有 {count:,} 个节点，超出了上限 {limit:,} 个",
    ),
    "document.too_many_edges": _m(
        "the document has {count:,} edges; the limit is {limit:,}",
        "文档有 {count:,} 条连线，超出了上限 {limit:,} 条",
    ),
    "document.format": _m(
        "format is {got}; expected '{expected}'",
        "文档格式是 {got}，应当是 '{expected}'",
    ),
    "document.version_type": _m(
        "version must be an integer, got {got}",
        "版本号 version 必须是整数，实际是 {got}",
    ),
    "document.version_newer": _m(
        "version {version} is newer than this LayerLab understands ({supported}); upgrade LayerLab",
        "文档版本 {version} 比这个 LayerLab 能读懂的版本（{supported}）更新，请升级 LayerLab",
    ),
    "document.version_unknown": _m(
        "version {version} is not a known format version",
        "{version} 不是已知的文档格式版本",
    ),
    # -- a field refused by its schema (pydantic); {where} is the field's path ------------
    "validation.missing": _m("{where}: Field required", "{where}：缺少这一项，必须填写"),
    "validation.extra_forbidden": _m(
        "{where}: Extra inputs are not permitted",
        "{where}：没有这一项，不能多写（请检查拼写）",
    ),
    "validation.int_type": _m(
        "{where}: Input should be a valid integer", "{where}：应当是一个整数"
    ),
    "validation.json_integer": _m(
        "{where}: Input should be an integer, not a boolean or a string",
        "{where}：应当是一个整数，不能是布尔值或字符串",
    ),
    "validation.int_from_float": _m(
        "{where}: Input should be a valid integer, got a number with a fractional part",
        "{where}：应当是一个整数，不能带小数部分",
    ),
    "validation.float_type": _m(
        "{where}: Input should be a valid number", "{where}：应当是一个数值"
    ),
    "validation.finite_number": _m(
        "{where}: Input should be a finite number", "{where}：应当是一个有限的数值"
    ),
    "validation.string_type": _m(
        "{where}: Input should be a valid string", "{where}：应当是一个字符串"
    ),
    "validation.bool_type": _m(
        "{where}: Input should be a valid boolean", "{where}：应当是布尔值（true 或 false）"
    ),
    "validation.list_type": _m("{where}: Input should be a valid list", "{where}：应当是一个列表"),
    "validation.tuple_type": _m(
        "{where}: Input should be a valid tuple", "{where}：应当是一个元组（列表）"
    ),
    "validation.dict_type": _m(
        "{where}: Input should be a valid dictionary", "{where}：应当是一个对象（键值对）"
    ),
    "validation.model_type": _m(
        "{where}: Input should be a valid dictionary or instance of {model}",
        "{where}：应当是一个对象（{model}）",
    ),
    "validation.literal_error": _m(
        "{where}: Input should be one of {choices}", "{where}：只能取 {choices} 之一"
    ),
    "validation.greater_than_equal": _m(
        "{where}: Input should be greater than or equal to {limit}",
        "{where}：应当大于或等于 {limit}",
    ),
    "validation.greater_than": _m(
        "{where}: Input should be greater than {limit}", "{where}：应当大于 {limit}"
    ),
    "validation.less_than_equal": _m(
        "{where}: Input should be less than or equal to {limit}",
        "{where}：应当小于或等于 {limit}",
    ),
    "validation.less_than": _m(
        "{where}: Input should be less than {limit}", "{where}：应当小于 {limit}"
    ),
    "validation.multiple_of": _m(
        "{where}: Input should be a multiple of {limit}", "{where}：应当是 {limit} 的倍数"
    ),
    "validation.too_short": _m(
        "{where}: should have at least {limit} items, not {count}",
        "{where}：至少需要 {limit} 项，现在只有 {count} 项",
    ),
    "validation.too_long": _m(
        "{where}: should have at most {limit} items, not {count}",
        "{where}：最多只能有 {limit} 项，现在有 {count} 项",
    ),
    "validation.string_too_short": _m(
        "{where}: String should have at least {limit} characters",
        "{where}：至少需要 {limit} 个字符",
    ),
    "validation.string_too_long": _m(
        "{where}: String should have at most {limit} characters",
        "{where}：最多只能有 {limit} 个字符",
    ),
    "validation.string_pattern_mismatch": _m(
        "{where}: String should match pattern '{pattern}'",
        "{where}：格式不对，应当符合模式 '{pattern}'",
    ),
    "validation.other": _m("{where}: {detail}", "{where}：取值无效（{detail}）"),
    # -- blocks, networks and sizes (graph/structure.py) ---------------------------------
    "block.defined_twice": _m(
        "block name '{block}' is defined twice", "模块名 “{block}” 被定义了两次"
    ),
    "block.builtin_name": _m(
        "block name '{block}' is a built-in node type; rename the block",
        "模块名 “{block}” 与内置的节点类型重名，请给模块换个名字",
    ),
    "block.needs_port": _m(
        "block '{block}' needs at least one {needed} node (its ports)",
        "模块 “{block}” 至少需要一个 {needed} 节点（它们就是模块的端口）",
    ),
    "block.uses_itself": _m("block uses itself: {loop}", "模块直接或间接地用到了自己：{loop}"),
    "limit.block_depth": _m(
        "blocks nest {depth} deep under '{block}'; the limit is {limit}",
        "模块 “{block}” 之下嵌套了 {depth} 层，超出了上限 {limit} 层",
    ),
    "limit.expanded_nodes": _m(
        "the document expands to {count:,} nodes (blocks and repeats included); "
        "the limit is {limit:,}",
        "展开所有模块和重复之后，文档共有 {count:,} 个节点，超出了上限 {limit:,} 个",
    ),
    "graph.empty": _m(
        "the graph is empty: add an Input node", "网络图是空的：先添加一个 Input 节点"
    ),
    "network.not_in_document": _m(
        "the {task} task trains a network named '{network}' (the optimizer); "
        "the document has {networks}: set each node's network",
        "{task} 任务要训练名为 “{network}” 的网络（由优化器训练），但文档里只有 {networks}："
        "请设置每个节点所属的网络",
    ),
    "network.not_in_document_of": _m(
        "the {task} task trains a network named '{network}' (the {optimizer} optimizer); "
        "the document has {networks}: set each node's network",
        "{task} 任务要训练名为 “{network}” 的网络（由 {optimizer} 优化器训练），"
        "但文档里只有 {networks}：请设置每个节点所属的网络",
    ),
    "network.no_parameters": _m(
        "the network has no trainable parameters, so the optimizer would have nothing to "
        "train: add a layer with weights (Linear, Conv2d, ...) before Output '{output}'",
        "网络没有可训练的参数，优化器无从训练：请在 Output “{output}” 之前加一个带权重的层"
        "（Linear、Conv2d 等）",
    ),
    "network.no_parameters_named": _m(
        "network '{network}' has no trainable parameters, so the {optimizer} optimizer would "
        "have nothing to train: add a layer with weights (Linear, Conv2d, ...) before "
        "Output '{output}'",
        "网络 “{network}” 没有可训练的参数，{optimizer} 优化器无从训练："
        "请在 Output “{output}” 之前加一个带权重的层（Linear、Conv2d 等）",
    ),
    "network.no_input": _m(
        "the network has no Input node: add one where data enters",
        "网络没有 Input 节点：请在数据进入的地方添加一个",
    ),
    "network.no_input_named": _m(
        "network '{network}' has no Input node: add one where data enters",
        "网络 “{network}” 没有 Input 节点：请在数据进入的地方添加一个",
    ),
    "network.no_output": _m(
        "the network has no Output node: mark what it returns",
        "网络没有 Output 节点：请标出它要输出的结果",
    ),
    "network.no_output_named": _m(
        "network '{network}' has no Output node: mark what it returns",
        "网络 “{network}” 没有 Output 节点：请标出它要输出的结果",
    ),
    "graph.unused": _m(
        "the result of {node} reaches no Output",
        "{node} 的输出没有通向任何 Output，计算了也用不上",
    ),
    # -- one body's wiring (graph/wiring.py) ---------------------------------------------
    "node.duplicate_id": _m(
        "node id '{node}' is used more than once", "节点 ID “{node}” 被用了不止一次"
    ),
    "node.reserved_id": _m(
        "node id '{node}' is a reserved name; choose another",
        "节点 ID “{node}” 是保留名称，请换一个",
    ),
    "node.unknown_type": _m("unknown node type '{type}'", "未知的节点类型 “{type}”"),
    "node.unknown_type_close": _m(
        "unknown node type '{type}'; did you mean '{close}'?",
        "未知的节点类型 “{type}”，你是不是想用 “{close}”？",
    ),
    "node.repeat_not_block": _m(
        "repeat applies to blocks; {type} is a layer",
        "repeat（重复次数）只能用于模块，而 {type} 是一个层",
    ),
    "edge.dangling": _m(
        "edge {source} -> {target} names no node '{missing}'",
        "连线 {source} -> {target} 指向的节点 “{missing}” 不存在",
    ),
    "edge.cross_network": _m(
        "edge {source} -> {target} joins networks '{first}' and '{second}'",
        "连线 {source} -> {target} 把两个不同的网络 “{first}” 和 “{second}” 连在了一起",
    ),
    "port.no_outputs": _m("{type} has no outputs", "{type} 没有输出端口"),
    "port.unknown_output": _m(
        "no output port '{port}' (has: {ports})",
        "没有名为 “{port}” 的输出端口（可用的有：{ports}）",
    ),
    "port.unknown_input": _m(
        "no input port '{port}' (has: {ports})",
        "没有名为 “{port}” 的输入端口（可用的有：{ports}）",
    ),
    "input.takes_none": _m(
        "{type} takes no inputs, but {source} connects to it",
        "{type} 不接受任何输入，但 {source} 连到了它上面",
    ),
    "input.all_taken": _m(
        "every input of {node} is already connected; {source} is one too many",
        "{node} 的每个输入都已经连好了，{source} 这条连线是多出来的",
    ),
    "input.twice": _m(
        "input '{port}' is connected twice (from {first} and {second})",
        "输入 “{port}” 被连了两次（分别来自 {first} 和 {second}）",
    ),
    "input.unfed": _m(
        "nothing feeds {node}: connect its input",
        "没有任何数据流入 {node}：请把它的输入连上",
    ),
    "input.unfed_many": _m(
        "nothing feeds {node}: connect its inputs {ports}",
        "没有任何数据流入 {node}：请把它的输入 {ports} 连上",
    ),
    "input.missing": _m(
        "input '{port}' of {node} is not connected", "{node} 的输入 “{port}” 还没有连上"
    ),
    "graph.cycle": _m("cycle: {cycle}", "连线构成了环路：{cycle}（数据只能单向流动）"),
    # -- inference (graph/inference.py) -------------------------------------------------
    "block.unknown_reference": _m(
        "'{reference}' names no parameter of block '{block}'",
        "“{reference}” 引用的参数在模块 “{block}” 中不存在",
    ),
    "block.no_such_param": _m(
        "block {block} has no parameter '{name}' (has: {known})",
        "模块 {block} 没有参数 “{name}”（它的参数有：{known}）",
    ),
    "block.no_params": _m(
        "block {block} has no parameter '{name}' (has: none)",
        "模块 {block} 没有参数 “{name}”（它没有任何参数）",
    ),
    "limit.repeat": _m(
        "repeat {repeat} exceeds the limit {limit}", "重复次数 {repeat} 超出了上限 {limit}"
    ),
    "input.dtype": _m(
        "input '{port}' expects {expected} values, got {got}",
        "输入 “{port}” 需要 {expected} 类型的数据，实际得到的是 {got}",
    ),
    "input.dtype_tokens": _m(
        "input '{port}' expects {expected} values, got {got} (token ids need an Embedding first)",
        "输入 “{port}” 需要 {expected} 类型的数据，实际得到的是 {got}"
        "（词元编号要先经过 Embedding 层变成向量）",
    ),
    "node.build_failed": _m(
        "{op} cannot be built with these parameters: {detail}",
        "{op} 无法用这些参数构建（{detail}）",
    ),
    # -- resources (graph/limits.py) -----------------------------------------------------
    "limit.node_params": _m(
        "{node} has {params:,} parameters; the limit is {limit:,}",
        "{node} 有 {params:,} 个参数，超出了上限 {limit:,} 个",
    ),
    "limit.network_params": _m(
        "the network has {params:,} parameters (the largest, {node}, has {largest:,}); "
        "the limit is {limit:,}",
        "网络共有 {params:,} 个参数（最大的是 {node}，有 {largest:,} 个），超出了上限 {limit:,} 个",
    ),
    "limit.memory": _m(
        "training at batch size {batch} needs about {gib:,.1f} GiB (the largest activation "
        "is {node}'s); the limit is {limit_gib:,.1f} GiB",
        "批大小为 {batch} 时，训练大约需要 {gib:,.1f} GiB 内存（最大的激活值来自 {node}），"
        "超出了上限 {limit_gib:,.1f} GiB",
    ),
    # -- an op refusing its inputs or parameters (ops/*.py), each after "{op}: " ----------
    "shape.rank": _m(
        "{op}: expects a rank-{rank} input {layout} (batch excluded), got {got}",
        "{op}：输入应当是 {rank} 维的 {layout}（不含批次维），实际形状是 {got}",
    ),
    "shape.rank_sequence": _m(
        "{op}: expects a rank-{rank} input sequence {layout} (batch excluded), got {got}",
        "{op}：输入应当是 {rank} 维的序列 {layout}（不含批次维），实际形状是 {got}",
    ),
    "shape.rank_either": _m(
        "{op}: expects a rank-{rank} or {rank2} input {layout} or {layout2} "
        "(batch excluded), got {got}",
        "{op}：输入应当是 {rank} 维的 {layout} 或 {rank2} 维的 {layout2}（不含批次维），"
        "实际形状是 {got}",
    ),
    "shape.groups": _m(
        "{op}: {name} {value} is not divisible by groups {groups}",
        "{op}：{name} = {value} 不能被分组数 groups = {groups} 整除",
    ),
    "shape.same_padding_stride": _m(
        '{op}: padding "same" needs stride 1',
        '{op}：padding 为 "same" 时，步长 stride 必须是 1',
    ),
    "shape.conv_too_small": _m(
        "{op}: input {got} is too small for kernel {kernel} with padding {padding}",
        "{op}：输入 {got} 太小，放不下 {kernel} 的卷积核（填充为 {padding}）",
    ),
    "shape.output_padding": _m(
        "{op}: output_padding must be smaller than stride or dilation",
        "{op}：output_padding 必须小于步长 stride 或膨胀率 dilation",
    ),
    "shape.transpose_no_output": _m(
        "{op}: padding {padding} leaves no output for input {got}",
        "{op}：填充 {padding} 太大，输入 {got} 经过转置卷积后没有剩下任何输出",
    ),
    "shape.pool_padding": _m(
        "{op}: padding must be at most half the kernel size",
        "{op}：填充 padding 最多只能是池化窗口大小的一半",
    ),
    "shape.pool_too_small": _m(
        "{op}: input {got} is smaller than the window {kernel}",
        "{op}：输入 {got} 比池化窗口 {kernel} 还小",
    ),
    "shape.global_needs_window": _m(
        "{op}: global tokens need a sliding window (window > 0)",
        "{op}：全局词元（global_tokens）要配合滑动窗口使用（window > 0）",
    ),
    "shape.window_square": _m(
        "{op}: a sliding window needs as many key positions as query positions",
        "{op}：滑动窗口要求键（key）的位置数与查询（query）的位置数相同",
    ),
    "shape.global_too_many": _m(
        "{op}: {tokens} global tokens exceed the sequence of {length}",
        "{op}：{tokens} 个全局词元超过了序列长度 {length}",
    ),
    "shape.heads": _m(
        "{op}: embedding size {embed} is not divisible by {heads} heads",
        "{op}：嵌入维度 {embed} 不能被注意力头数 {heads} 整除",
    ),
    "shape.value_key_length": _m(
        "{op}: value {value} has {value_length} positions but key {key} has {key_length}",
        "{op}：值 value {value} 有 {value_length} 个位置，而键 key {key} 有 {key_length} 个，"
        "两者必须一样多",
    ),
    "shape.causal_square": _m(
        "{op}: causal attention needs as many key positions as query positions",
        "{op}：因果注意力要求键（key）的位置数与查询（query）的位置数相同",
    ),
    "shape.max_len": _m(
        "{op}: sequence of {length} exceeds max_len {max_len}",
        "{op}：序列长度 {length} 超过了 max_len = {max_len}",
    ),
    "shape.memory_embed": _m(
        "{op}: shape mismatch: memory {memory} must have the embedding size of x {x}",
        "{op}：形状不匹配：memory {memory} 的嵌入维度必须与 x {x} 相同",
    ),
    "shape.patches": _m(
        "{op}: image {height}x{width} is not divisible into {patch}-pixel patches",
        "{op}：{height}x{width} 的图像不能被切成边长 {patch} 像素的图块",
    ),
    "shape.layernorm_dims": _m(
        "{op}: dims={dims} exceeds the input's rank {rank} ({got})",
        "{op}：dims = {dims} 超过了输入的维数 {rank}（输入形状为 {got}）",
    ),
    "shape.groupnorm_groups": _m(
        "{op}: {channels} channels are not divisible into {groups} groups",
        "{op}：{channels} 个通道不能平均分成 {groups} 组",
    ),
    "shape.axis_range": _m(
        "{op}: {name}={dim} is out of range for a rank-{rank} input",
        "{op}：{name} = {dim} 超出了范围，输入只有 {rank} 维",
    ),
    "shape.mean_logvar": _m(
        "{op}: shape mismatch: mean is {mean} but logvar is {logvar}",
        "{op}：形状不匹配：mean 是 {mean}，而 logvar 是 {logvar}",
    ),
    "shape.timestep": _m(
        "{op}: expects one step number per sample, (1), got {got}",
        "{op}：每个样本需要一个时间步编号，形状应为 (1)，实际是 {got}",
    ),
    "shape.flatten_order": _m(
        "{op}: start_dim {start} comes after end_dim {end}",
        "{op}：start_dim {start} 在 end_dim {end} 之后，顺序反了",
    ),
    "shape.reshape_entries": _m(
        "{op}: shape entries must be positive, with at most one -1",
        "{op}：目标形状的每一项都必须是正数，最多只能有一个 -1",
    ),
    "shape.reshape_indivisible": _m(
        "{op}: cannot reshape {got} into {shape}",
        "{op}：无法把 {got} 变形为 {shape}",
    ),
    "shape.reshape_count": _m(
        "{op}: cannot reshape {got} ({count} elements) into {shape} ({target})",
        "{op}：无法把 {got}（{count} 个元素）变形为 {shape}（{target} 个元素），元素个数必须相同",
    ),
    "shape.select_index": _m(
        "{op}: index {index} is out of range for axis {dim} of {got}",
        "{op}：索引 {index} 超出了 {got} 第 {dim} 维的范围",
    ),
    "shape.add": _m(
        "{op}: shape mismatch: a is {a} but b is {b}",
        "{op}：形状不匹配：a 是 {a}，而 b 是 {b}",
    ),
    "shape.add_broadcast": _m(
        "{op}: shape mismatch: a is {a} but b is {b}; with broadcast, b needs a's rank and "
        "each axis equal or 1",
        "{op}：形状不匹配：a 是 {a}，而 b 是 {b}；开启广播时，b 的维数要与 a 相同，"
        "且每一维要么相等、要么为 1",
    ),
    "shape.concat": _m(
        "{op}: shape mismatch along axes other than {dim}: a is {a} but {other} is {part}",
        "{op}：除第 {dim} 维外其他维的形状不匹配：a 是 {a}，而 {other} 是 {part}",
    ),
    # -- a run's status line: why it stopped, where it started (train/, worker/) ------------
    "run.early_stopping": _m(
        "early stopping: {metric} has not improved on {best:.4g} for {patience} epochs",
        "提前停止：{metric} 已经连续 {patience} 轮没有比 {best:.4g} 更好",
    ),
    "run.early_stopping_leader": _m(
        "early stopping (the leader's validation said so)",
        "提前停止（主进程的验证结果如此判断）",
    ),
    "run.stopped_on_request": _m("stopped on request", "已按请求停止"),
    "run.resumed": _m("resumed", "已继续训练"),
    "run.resumed_from": _m(
        "resumed from {checkpoint} at step {step}",
        "从检查点 {checkpoint} 继续训练（第 {step} 步）",
    ),
    "run.starts_from_imported": _m(
        "starts from the imported weights {name}",
        "从导入的权重 {name} 开始训练",
    ),
    "run.starts_from_fork": _m(
        "forked from run {run}: starts from the weights of its {checkpoint} (step {step})",
        "派生自运行 {run}：从它的检查点 {checkpoint}（第 {step} 步）的权重开始训练",
    ),
    # -- why a sweep or one of its trials ended (sweeps/driver.py, server/sweeps/) -----------
    "sweep.pruned": _m(
        "pruned after epoch {epoch}: {metric} {value:.4g} is behind the sweep's earlier trials",
        "第 {epoch} 轮后被剪枝：{metric} 为 {value:.4g}，落后于本次搜索之前的试验",
    ),
    "sweep.all_ended": _m("every trial has ended", "所有试验都已结束"),
    "sweep.stopped": _m("stopped", "已停止"),
    "sweep.stopped_on_request": _m("stopped on request", "已按请求停止"),
    "sweep.run_deleted": _m("its run was deleted", "它的训练运行已被删除"),
    "sweep.stopped_before_start": _m(
        "the sweep was stopped before it began", "搜索在这个试验开始之前就停止了"
    ),
    "sweep.no_objective": _m(
        "the run finished without reporting {metric} (is it a metric it has?)",
        "训练运行结束了，却没有报告 {metric}（它有这个指标吗？）",
    ),
    # -- health diagnoses while training (train/health.py) -------------------------------
    "health.vanishing_gradients": _m(
        "{node}: gradient norm {low:.2e} is {ratio:.1e} of {last}'s ({high:.2e}); the early "
        "layers barely learn (try ReLU, residual connections or normalisation)",
        "{node}：梯度范数 {low:.2e} 只有 {last}（{high:.2e}）的 {ratio:.1e} 倍，出现了梯度消失，"
        "靠前的层几乎学不到东西（可以试试 ReLU、残差连接或归一化）",
    ),
    "health.not_finite": _m(
        "{node}: gradient is not finite; lower the learning rate or clip gradients",
        "{node}：梯度不是有限值（出现了 NaN 或无穷大），请降低学习率或做梯度裁剪",
    ),
    "health.exploding_gradients": _m(
        "{node}: gradient norm grew {growth:.0f}x since the start (total {total:.2e}); "
        "lower the learning rate or clip gradients",
        "{node}：梯度范数比开始时增大了 {growth:.0f} 倍（总范数 {total:.2e}），出现了梯度爆炸，"
        "请降低学习率或做梯度裁剪",
    ),
    "health.dead_relu": _m(
        "{node}: {fraction:.0%} of units output zero for every sample; they no longer learn "
        "(lower the learning rate, or try LeakyReLU)",
        "{node}：{fraction:.0%} 的神经元对所有样本都输出 0，已经“死亡”，不会再学习"
        "（可以降低学习率，或改用 LeakyReLU）",
    ),
    "health.saturated": _m(
        "{node}: {fraction:.0%} of outputs sit in the flat tails, where gradients vanish "
        "(normalise inputs, or use smaller initial weights)",
        "{node}：{fraction:.0%} 的输出落在激活函数平坦的两端，那里梯度几乎为 0，出现了饱和"
        "（可以对输入做归一化，或用更小的初始权重）",
    ),
    "health.overfitting": _m(
        "validation loss rose from {best:.4g} (epoch {epoch}) to {loss:.4g} while training "
        "loss fell to {train:.4g}: the network is memorising (more data, dropout, weight "
        "decay or early stopping)",
        "验证集损失从 {best:.4g}（第 {epoch} 轮）升到了 {loss:.4g}，而训练集损失降到了 "
        "{train:.4g}：网络在死记训练数据，出现了过拟合（可以增加数据、使用 Dropout、"
        "权重衰减或提前停止）",
    ),
    "health.diverged": _m(
        "loss became {loss} at step {step}; its update was not applied; "
        "the last finite checkpoint is {checkpoint}",
        "第 {step} 步的损失变成了 {loss}（训练发散）；这一步的更新没有应用；"
        "最后一个有限值检查点是 {checkpoint}",
    ),
    "health.diverged_no_checkpoint": _m(
        "loss became {loss} at step {step}; its update was not applied; no checkpoint was written",
        "第 {step} 步的损失变成了 {loss}（训练发散）；这一步的更新没有应用；还没有写过检查点",
    ),
    "health.diverged_applied": _m(
        "loss became {loss} at step {step}; read after its update; "
        "the last finite checkpoint is {checkpoint}",
        "第 {step} 步的损失变成了 {loss}（训练发散），发现时这一步的更新已经应用；"
        "最后一个有限值检查点是 {checkpoint}",
    ),
    "health.diverged_applied_no_checkpoint": _m(
        "loss became {loss} at step {step}; read after its update; no checkpoint was written",
        "第 {step} 步的损失变成了 {loss}（训练发散），发现时这一步的更新已经应用；还没有写过检查点",
    ),
    "health.overfitting_cleared": _m(
        "validation loss reached a new best", "验证集损失创了新低，过拟合的迹象消失了"
    ),
    "health.cleared.vanishing_gradients": _m(
        "{node}: vanishing gradients cleared", "{node}：梯度消失已经缓解"
    ),
    "health.cleared.exploding_gradients": _m(
        "{node}: exploding gradients cleared", "{node}：梯度爆炸已经缓解"
    ),
    "health.cleared.dead_relu": _m(
        "{node}: dead relu cleared", "{node}：ReLU 神经元死亡的问题已经缓解"
    ),
    "health.cleared.saturated": _m("{node}: saturated cleared", "{node}：激活饱和已经缓解"),
}
