// Every word the digits page shows, in English and 简体中文 (the translation's terms: 权重,
// 偏移量, 激活值, 代价函数, 小批量, 学习率, 反向传播). Static labels carry data-i18n="key";
// applyLanguage() relabels them. The choice is remembered in localStorage.

const STRINGS = {
  en: {
    title: 'Handwritten digits',
    subtitle: 'Chapter 1’s network [784, 30, 10] learning 8,000 real MNIST digits — with backpropagation made visible',
    langSwitch: '中文',
    back: '← 2-D playground',
    loadingData: 'Loading 10,000 MNIST digits…',
    loadedData: 'Loaded {n} digits: {train} for training, {test} for testing.',
    startingWorker: 'Starting the training thread…',
    step: 'Step',
    stepTitle: 'Train on one mini-batch and watch it: forward pass, output error, backpropagation, update',
    oneEpoch: '1 epoch',
    train: 'Train',
    pause: 'Pause',
    reset: 'Reset',
    hidden: 'hidden neurons',
    cost: 'cost function',
    quadratic: 'quadratic',
    crossEntropy: 'cross-entropy',
    init: 'initial weights',
    standard: 'N(0, 1)',
    scaled: 'N(0, 1/n_in)',
    eta: 'learning rate η',
    batch: 'mini-batch size m',
    seed: 'seed',
    epoch: 'epoch',
    testAccuracy: 'test accuracy',
    batchCost: 'mini-batch cost',
    epochProgress: 'epoch {e}: {done} / {n} digits',
    network: 'The network',
    phaseForward: 'Forward pass',
    phaseOutputError: 'Output error',
    phaseBackward: 'Backpropagate',
    phaseUpdate: 'Update',
    showWeights: 'weights w²ⱼ',
    showGradient: 'gradient ∂C/∂w²ⱼ',
    inputLabel: 'input x = a¹ (784 pixels)',
    hiddenLabel: 'layer 2: each hidden neuron j drawn as its 784 weights w²ⱼ·',
    outputLabel: 'layer 3: output a³',
    sourceBatch: 'mini-batch example {i} of {m} (label y: {label})',
    sourceDrawing: 'your drawing',
    sourceTest: 'test digit #{i} (label y: {label})',
    sourceNone: 'Step, draw or pick a test digit to feed the network',
    legendActivation: 'activation a',
    legendWeight: 'weight w, ∂C/∂w (sign)',
    legendGradient: '|δ|, |∂C/∂w|',
    tileScale: 'w² tiles: full colour at |w| ≈ {w}; ∂C/∂w tiles: at the layer’s largest |∂C/∂w|',
    training: 'Training',
    save: 'Save network (JSON)',
    log: 'network.py’s output',
    chartTitle: 'test accuracy per epoch',
    chartEmpty: 'Run an epoch to see the accuracy climb.',
    secondsPerEpoch: '{s} s per epoch',
    draw: 'Draw a digit',
    drawHint: 'Draw with the mouse or a finger. The network sees it scaled into 20×20 and centred, as MNIST digits are.',
    clear: 'Clear',
    networkSees: 'what the network sees',
    prediction: 'The network says',
    neuron: 'Hidden neuron j = {j}',
    neuronHint: 'Hover or tap a hidden neuron in the network to look at it here.',
    incoming: 'incoming weights w²ⱼ·',
    gradientOf: 'last step’s ∂C/∂w²ⱼ·',
    noGradient: 'Step to see the gradient',
    outgoing: 'outgoing weights w³·ⱼ to the ten outputs',
    bias: 'bias b²ⱼ',
    activationOf: 'activation a²ⱼ',
    deltaOf: 'mean error δ²ⱼ',
    tests: 'Test digits',
    misclassifiedFirst: 'misclassified first',
    all: 'all',
    wrongCount: '{wrong} of {n} misclassified',
    page: '{from}–{to} of {n}',
    prev: 'Previous',
    next: 'Next',
    testHint: 'Each tile: the digit, its label → the network’s answer. Click one to feed it to the network.',
    stuckHint: 'No test digit is classified as {digits}: that output neuron has saturated. The quadratic cost learns slowly there (chapter 3); try the cross-entropy cost or N(0, 1/n_in) weights.',
    mean: 'mean over the mini-batch',
    max: 'max',
    errorPrefix: 'Error',
    dismiss: 'Dismiss',
    diverged: 'Training stopped: {msg}. Try a smaller learning rate η, then Reset.',
    divergedAt: 'Training stopped: in epoch {epoch}, on the mini-batch after {done} of {n} training digits, {msg}, so that step was undone and the network before it is kept. Try a smaller learning rate η (now {eta}), then Reset.',
  },
  zh: {
    title: '手写数字',
    subtitle: '第一章的网络 [784, 30, 10] 学习 8,000 个真实的 MNIST 数字——反向传播，看得见',
    langSwitch: 'English',
    back: '← 二维演示',
    loadingData: '正在加载 10,000 个 MNIST 数字…',
    loadedData: '已加载 {n} 个数字：{train} 个用于训练，{test} 个用于测试。',
    startingWorker: '正在启动训练线程…',
    step: '单步',
    stepTitle: '用一个小批量训练并观看：前向传播、输出误差、反向传播、更新',
    oneEpoch: '1 个迭代期',
    train: '训练',
    pause: '暂停',
    reset: '重置',
    hidden: '隐藏神经元',
    cost: '代价函数',
    quadratic: '二次代价',
    crossEntropy: '交叉熵',
    init: '初始权重',
    standard: 'N(0, 1)',
    scaled: 'N(0, 1/n_in)',
    eta: '学习率 η',
    batch: '小批量大小 m',
    seed: '种子',
    epoch: '迭代期',
    testAccuracy: '测试准确率',
    batchCost: '小批量代价',
    epochProgress: '迭代期 {e}：{done} / {n} 个数字',
    network: '网络',
    phaseForward: '前向传播',
    phaseOutputError: '输出误差',
    phaseBackward: '反向传播',
    phaseUpdate: '更新',
    showWeights: '权重 w²ⱼ',
    showGradient: '梯度 ∂C/∂w²ⱼ',
    inputLabel: '输入 x = a¹（784 个像素）',
    hiddenLabel: '第 2 层：每个隐藏神经元 j 画成它的 784 个权重 w²ⱼ·',
    outputLabel: '第 3 层：输出 a³',
    sourceBatch: '小批量中的第 {i} 个样本（共 {m} 个，标签 {label}）',
    sourceDrawing: '你画的数字',
    sourceTest: '测试数字 #{i}（标签 {label}）',
    sourceNone: '单步、手写或选一个测试数字作为网络的输入',
    legendActivation: '激活值 a',
    legendWeight: '权重 w，∂C/∂w（符号）',
    legendGradient: '|δ|，|∂C/∂w|',
    tileScale: 'w² 小图：|w| ≈ {w} 时颜色最深；∂C/∂w 小图：以该层最大的 |∂C/∂w| 为最深',
    training: '训练',
    save: '保存网络（JSON）',
    log: 'network.py 的输出',
    chartTitle: '每个迭代期后的测试准确率',
    chartEmpty: '运行一个迭代期，看准确率上升。',
    secondsPerEpoch: '每个迭代期 {s} 秒',
    draw: '手写一个数字',
    drawHint: '用鼠标或手指书写。网络看到的是缩放到 20×20 并居中的图像，和 MNIST 数字一样。',
    clear: '清除',
    networkSees: '网络看到的输入',
    prediction: '网络的判断',
    neuron: '隐藏神经元 j = {j}',
    neuronHint: '在网络中悬停或轻触一个隐藏神经元，在这里查看它。',
    incoming: '输入权重 w²ⱼ·',
    gradientOf: '上一步的 ∂C/∂w²ⱼ·',
    noGradient: '单步后显示梯度',
    outgoing: '到十个输出的权重 w³·ⱼ',
    bias: '偏移量 b²ⱼ',
    activationOf: '激活值 a²ⱼ',
    deltaOf: '平均误差 δ²ⱼ',
    tests: '测试数字',
    misclassifiedFirst: '错分的在前',
    all: '全部',
    wrongCount: '{n} 个中错分 {wrong} 个',
    page: '第 {from}–{to} 个，共 {n} 个',
    prev: '上一页',
    next: '下一页',
    testHint: '每一格：数字、它的标签 → 网络的回答。点击一格把它输入网络。',
    stuckHint: '没有测试数字被判为 {digits}：那个输出神经元已饱和。二次代价函数在那里学习很慢（第三章）；试试交叉熵代价函数或 N(0, 1/n_in) 初始权重。',
    mean: '小批量平均',
    max: '最大',
    errorPrefix: '错误',
    dismiss: '关闭',
    diverged: '训练已停止：{msg}。请减小学习率 η，然后重置。',
    divergedAt: '训练已停止：第 {epoch} 轮中，在已训练 {done}/{n} 个训练数字之后的小批量上，{msg}，该步已撤销，保留该步之前的网络。请减小学习率 η（当前为 {eta}），然后重置。',
  },
};

const KEY = 'nndl.lang';
// The 2-D page's module (js/i18n.js) remembers the choice under this older key; reading and
// writing both keeps the two pages in the same language.
const OTHER_KEY = 'nndl-lang';

let current = 'en';

/** The string for `key` in the current language, {name} filled from `params`. */
export function t(key, params = {}) {
  const s = STRINGS[current][key] ?? STRINGS.en[key];
  if (s === undefined) throw new Error(`strings: no "${key}"`);
  return s.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}

export const language = () => current;

export function applyLanguage(lang) {
  if (!STRINGS[lang]) throw new Error(`strings: unknown language "${lang}"`);
  current = lang;
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll('[data-i18n-title]')) el.title = t(el.dataset.i18nTitle);
}

export function initialLanguage() {
  try {
    const saved = localStorage.getItem(KEY) ?? localStorage.getItem(OTHER_KEY);
    if (saved && STRINGS[saved]) return saved;
  } catch {
    // Storage may be disabled; fall back to the browser's language.
  }
  return (navigator.language || '').toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

export function rememberLanguage(lang) {
  try {
    localStorage.setItem(KEY, lang);
    localStorage.setItem(OTHER_KEY, lang);
  } catch {
    // Not remembering is harmless.
  }
}
