//# allFunctionsCalledOnLoad
// Every word the page shows, in English and 简体中文, in one table; t() looks a key up.
// Chinese terms follow the book's translation (权重, 偏移量, 激活值, 加权输入, 误差 δ, …).
// Static labels carry data-i18n="key" and are refreshed by applyLanguage().

const STRINGS = {
  en: {
    title: 'Backpropagation, made visible',
    subtitle: 'An interactive companion to chapter 2 of Nielsen’s “Neural Networks and Deep Learning”',
    langSwitch: '中文',
    loading: 'Loading the network…',
    step: 'Step',
    play: 'Play',
    pause: 'Pause',
    reset: 'Reset',
    speed: 'Animation speed',
    eta: 'learning rate η',
    batchSize: 'mini-batch size m',
    stepCount: 'step',
    epochCount: 'epoch',
    batchCost: 'cost C',
    trainAccuracy: 'train acc.',
    testAccuracy: 'test acc.',
    gradCheck: 'gradient check',
    holdBeforeUpdate: 'pause before the update',
    continue: 'Apply the update',
    network: 'The network',
    plane: 'Input plane',
    planeHint: 'Drag the probe ⊕ to feed the network any input x = (x₁, x₂); its desired output y is the class of the nearest training point.',
    toDigits: 'Handwritten digits →',
    equations: 'The four equations',
    anatomy: 'Mini-batch anatomy',
    anatomyEmpty: 'Press Step to take one mini-batch; each example’s own gradient appears here.',
    anatomyHint: 'Each bar is one example’s ∂Cₓ/∂w for {w}; the step moves w by −η times their mean.',
    probe: 'probe',
    mean: 'mean',
    layer: 'layer {l}',
    input: 'input',
    output: 'output',
    legendActivation: 'activation a',
    legendInputs: 'inputs x: −1 … 1',
    legendWeight: 'weight w, bias b (ring)',
    legendGradient: '|∂C/∂w|, δ',
    legendMax: 'max',
    train: 'train',
    test: 'test',
    class: 'class {c}',
    batchExamples: 'this mini-batch',
    phaseIdle: 'Ready',
    phaseForward: 'Forward pass',
    phaseOutputError: 'Output error',
    phaseBackward: 'Backward pass',
    phaseUpdate: 'Update',
    phaseHeld: 'Paused before the update — page through the examples, then apply it.',
    showingProbe: 'showing the probe x = ({x1}, {x2}), y = {y}',
    showingMean: 'showing the mean over the mini-batch of m = {m}',
    showingExample: 'showing example {i} of {m}: x = ({x1}, {x2}), y = {y}',
    edgeFromTo: 'from neuron {k} in layer {lp} to neuron {j} in layer {l}',
    neuronIn: 'neuron {j} in layer {l}',
    inputNeuron: 'input neuron {j} (layer 1): a¹ = x',
    forProbe: 'probe',
    forBatch: 'last mini-batch (mean of {m})',
    forExample: 'example {i}',
    lastStep: 'last step',
    noStepYet: 'no step yet',
    numerical: 'numerical',
    backpropLabel: 'backprop',
    relError: 'relative error',
    worstRelError: 'worst relative error over all {n} weights and biases: {e}',
    gradCheckOff: 'Turn on the gradient check to compare backprop with (C(w+ε) − C(w−ε))/2ε.',
    hoverHint: 'Hover or tap a weight or a neuron to put its numbers into the equations.',
    eq25: 'weighted input and activation',
    eqBP1: 'error in the output layer',
    eqBP2: 'error in layer l from layer l+1',
    eqBP3: 'rate of change of the cost with any bias',
    eqBP4: 'rate of change of the cost with any weight',
    eqSGD: 'gradient descent on the mini-batch',
    eqGradCheck: 'numerical gradient',
    groupData: 'Data',
    groupNetwork: 'Network',
    groupTraining: 'Training',
    dataSet: 'data set',
    dataXor: 'xor',
    dataCircle: 'circle',
    dataGaussians: 'two gaussians',
    dataSpiral: 'spiral',
    noise: 'noise',
    trainShare: 'training share',
    points: 'points',
    n100: '100', n200: '200', n400: '400', n800: '800',
    dataSeed: 'data seed',
    newData: 'New data',
    addLayer: '+ hidden layer',
    removeLayer: '− hidden layer',
    activation: 'activation σ',
    actSigmoid: 'sigmoid σ',
    actTanh: 'tanh',
    actRelu: 'ReLU',
    actLinear: 'linear',
    cost: 'cost function',
    costQuadratic: 'quadratic ½‖y − a‖²',
    costCrossEntropy: 'cross-entropy',
    init: 'initial weights',
    initStandard: 'N(0, 1) (ch. 1)',
    initScaled: 'N(0, 1/nᵢₙ) (ch. 3)',
    lambda: 'L2 λ',
    seed: 'seed',
    networkReset: 'New network from seed {seed}: {sizes}',
    charts: 'Training curves',
    chartCost: 'cost C',
    chartAccuracy: 'accuracy',
    chartHint: 'Hover the curves for values.',
    chartAt: 'step {step}: train {tr}, test {te}',
    exportJson: 'Export JSON',
    importJson: 'Import JSON',
    imported: 'Imported {sizes} from {file}.',
    importedIgnoring: 'Imported {sizes} from {file}, but not these settings (the current ones are kept):\n{what}',
    linkIgnored: 'This link has settings the page cannot use; it uses the default for each:',
    neuronMaps: 'neuron heatmaps',
    keys: 'Keys: space = step, p = play/pause, r = reset',
    previous: 'previous example',
    next: 'next example',
    dismiss: 'Dismiss',
    errorPrefix: 'Error',
    diverged: 'Training stopped: at step {step} {msg}, so that step was undone and the network after step {prev} is kept. Try a smaller learning rate η (now {eta}), then Reset.',
  },
  zh: {
    title: '反向传播，看得见',
    subtitle: 'Nielsen《神经网络与深度学习》第二章的交互式配套页面',
    langSwitch: 'English',
    loading: '正在加载网络…',
    step: '单步',
    play: '运行',
    pause: '暂停',
    reset: '重置',
    speed: '动画速度',
    eta: '学习率 η',
    batchSize: '小批量大小 m',
    stepCount: '步数',
    epochCount: '迭代期',
    batchCost: '代价 C',
    trainAccuracy: '训练准确率',
    testAccuracy: '测试准确率',
    gradCheck: '梯度检验',
    holdBeforeUpdate: '更新前暂停',
    continue: '执行更新',
    network: '网络',
    plane: '输入平面',
    planeHint: '拖动探针 ⊕，给网络任意输入 x = (x₁, x₂)；它的期望输出 y 是最近的训练点的类别。',
    toDigits: '手写数字 →',
    equations: '四个基本方程',
    anatomy: '小批量剖析',
    anatomyEmpty: '按“单步”处理一个小批量；每个样本各自的梯度会显示在这里。',
    anatomyHint: '每根柱是一个样本对 {w} 的 ∂Cₓ/∂w；这一步让 w 移动 −η 乘以它们的平均值。',
    probe: '探针',
    mean: '平均',
    layer: '第 {l} 层',
    input: '输入',
    output: '输出',
    legendActivation: '激活值 a',
    legendInputs: '输入 x：−1 … 1',
    legendWeight: '权重 w，偏移量 b（外环）',
    legendGradient: '|∂C/∂w|，误差 δ',
    legendMax: '最大',
    train: '训练',
    test: '测试',
    class: '类别 {c}',
    batchExamples: '本小批量',
    phaseIdle: '就绪',
    phaseForward: '前向传播',
    phaseOutputError: '输出误差',
    phaseBackward: '反向传播',
    phaseUpdate: '更新',
    phaseHeld: '更新前已暂停——逐个查看样本，然后执行更新。',
    showingProbe: '显示探针 x = ({x1}, {x2})，y = {y}',
    showingMean: '显示 m = {m} 个样本的小批量平均',
    showingExample: '显示第 {i} 个样本（共 {m} 个）：x = ({x1}, {x2})，y = {y}',
    edgeFromTo: '从第 {lp} 层的第 {k} 个神经元到第 {l} 层的第 {j} 个神经元',
    neuronIn: '第 {l} 层的第 {j} 个神经元',
    inputNeuron: '第 {j} 个输入神经元（第 1 层）：a¹ = x',
    forProbe: '探针',
    forBatch: '上一小批量（{m} 个的平均）',
    forExample: '第 {i} 个样本',
    lastStep: '上一步',
    noStepYet: '尚未训练',
    numerical: '数值',
    backpropLabel: '反向传播',
    relError: '相对误差',
    worstRelError: '全部 {n} 个权重和偏移量中最大的相对误差：{e}',
    gradCheckOff: '打开梯度检验，把反向传播的结果与 (C(w+ε) − C(w−ε))/2ε 对比。',
    hoverHint: '悬停或轻触一个权重或神经元，把它的数值代入方程。',
    eq25: '加权输入与激活值',
    eqBP1: '输出层误差',
    eqBP2: '由第 l+1 层误差求第 l 层误差',
    eqBP3: '代价函数关于偏移量的变化率',
    eqBP4: '代价函数关于权重的变化率',
    eqSGD: '小批量上的梯度下降',
    eqGradCheck: '数值梯度',
    groupData: '数据',
    groupNetwork: '网络结构',
    groupTraining: '训练',
    dataSet: '数据集',
    dataXor: '异或',
    dataCircle: '圆',
    dataGaussians: '两团高斯',
    dataSpiral: '螺旋',
    noise: '噪声',
    trainShare: '训练集比例',
    points: '点数',
    n100: '100', n200: '200', n400: '400', n800: '800',
    dataSeed: '数据种子',
    newData: '新数据',
    addLayer: '+ 隐藏层',
    removeLayer: '− 隐藏层',
    activation: '激活函数 σ',
    actSigmoid: 'S 型函数 σ',
    actTanh: 'tanh',
    actRelu: 'ReLU',
    actLinear: '线性',
    cost: '代价函数',
    costQuadratic: '二次代价 ½‖y − a‖²',
    costCrossEntropy: '交叉熵',
    init: '初始权重',
    initStandard: 'N(0, 1)（第一章）',
    initScaled: 'N(0, 1/nᵢₙ)（第三章）',
    lambda: 'L2 λ',
    seed: '种子',
    networkReset: '已按种子 {seed} 新建网络：{sizes}',
    charts: '训练曲线',
    chartCost: '代价 C',
    chartAccuracy: '准确率',
    chartHint: '悬停在曲线上查看数值。',
    chartAt: '第 {step} 步：训练 {tr}，测试 {te}',
    exportJson: '导出 JSON',
    importJson: '导入 JSON',
    imported: '已从 {file} 导入 {sizes}。',
    importedIgnoring: '已从 {file} 导入 {sizes}，但未采用以下设置（保留当前值）：\n{what}',
    linkIgnored: '此链接中有页面无法使用的设置，以下各项改用默认值：',
    neuronMaps: '神经元热图',
    keys: '快捷键：空格 = 单步，p = 运行/暂停，r = 重置',
    previous: '上一个样本',
    next: '下一个样本',
    dismiss: '关闭',
    errorPrefix: '错误',
    diverged: '训练已停止：第 {step} 步时 {msg}，该步已撤销，保留第 {prev} 步后的网络。请减小学习率 η（当前为 {eta}），然后重置。',
  },
};

let current = 'en';

/** The string for `key` in the current language, with {name} placeholders filled from `params`. */
export function t(key, params = {}) {
  const s = STRINGS[current][key] ?? STRINGS.en[key];
  if (s === undefined) throw new Error(`i18n: no string for "${key}"`);
  return s.includes('{') ? s.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m)) : s;
}

/**
 * Switches the language and relabels every element that carries data-i18n. A label that
 * already reads right is left alone (the page's HTML is in English): rewriting it would
 * still make the browser lay it out again.
 */
export function applyLanguage(lang, root = document) {
  if (!STRINGS[lang]) throw new Error(`i18n: unknown language "${lang}"`);
  current = lang;
  root.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  for (const el of root.querySelectorAll('[data-i18n]')) {
    const s = t(el.dataset.i18n);
    if (el.textContent !== s) el.textContent = s;
  }
  for (const el of root.querySelectorAll('[data-i18n-title]')) {
    const s = t(el.dataset.i18nTitle);
    if (el.title !== s) el.title = s;
  }
  for (const el of root.querySelectorAll('[data-i18n-aria]')) {
    const s = t(el.dataset.i18nAria);
    if (el.getAttribute('aria-label') !== s) el.setAttribute('aria-label', s);
  }
}

/** The language a first visit should get: a remembered choice, else the browser's. */
export function initialLanguage() {
  try {
    const saved = localStorage.getItem('nndl-lang');
    if (saved && STRINGS[saved]) return saved;
  } catch {
    // Storage can be disabled; the browser's language is a fine fallback.
  }
  return (navigator.language || '').toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

export function rememberLanguage(lang) {
  try {
    localStorage.setItem('nndl-lang', lang);
  } catch {
    // Not remembering is harmless.
  }
}
