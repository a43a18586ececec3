import { rng } from '../../www/js/rng.js';
// The hostile inputs of issue 6, shared by hostile.test.mjs: files for Import JSON and links
// for the address bar, each with its kind and what the page must do with it. Everything is
// generated from fixed seeds, so a failing case is the same case on every run.
//
// A file case is { kind, name, bytes, expect } where expect is
//   { refused: RegExp }            the import is refused and the message matches, or
//   { imported: true, ignored? }   the network is imported; `ignored` lists the settings the
//                                  message must name as not used.
// A link case is { kind, name, query, broken: [param…], sizes? } — every broken parameter is
// named in the message and its default used; `sizes` is the network the page must end up with.

export const FORMAT = 'nndl-backprop-playground/1';
export const DEFAULT_SIZES = [2, 6, 3, 1];

/** A valid 2-3-1 network in the DESIGN.md format. */
export function goodNetwork() {
  return {
    sizes: [2, 3, 1],
    weights: [
      [[0.5, -0.25], [0.75, 0.1], [-0.6, 0.3]],
      [[0.2, -0.4, 0.9]],
    ],
    biases: [[0.1, -0.1, 0.05], [0.3]],
    activation: 'tanh',
    cost: 'quadratic',
  };
}

export const goodSettings = () => ({
  dataset: 'circle', points: 200, noise: 0.1, trainShare: 0.5, dataSeed: 4,
  sizes: [2, 3, 1], activation: 'tanh', cost: 'quadratic', init: 'standard', seed: 9, eta: 0.5, m: 10, lambda: 0,
});

export const goodExport = () => ({ format: FORMAT, network: goodNetwork(), settings: goodSettings(), step: 12, epoch: 1 });

/** The text a browser reads from `bytes` (Blob.text(): UTF-8, or what a byte-order mark says). */
export function decodeLikeBrowser(bytes) {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  return new TextDecoder('utf-8').decode(bytes);
}


const utf8 = (s) => Buffer.from(s, 'utf8');
const json = (v) => utf8(JSON.stringify(v));
/** A good network with some fields replaced (undefined deletes the field). */
const net = (patch) => {
  const n = { ...goodNetwork(), ...patch };
  for (const k of Object.keys(n)) if (n[k] === undefined) delete n[k];
  return n;
};
/** A good network's text with `field` written as raw JSON (for what JSON.stringify cannot write). */
const rawField = (field, raw) => utf8(JSON.stringify(net({ [field]: '@RAW@' })).replace('"@RAW@"', raw));

const NOT_JSON = /the file is not JSON/;
const NEITHER = /neither an exported playground nor a network/;
const SIZES = /sizes/;
const WEIGHTS = /weights/;
const BIASES = /biases/;

function fileCases() {
  const r = rng(6);
  const binary = Buffer.from(Array.from({ length: 4096 }, () => Math.floor(r() * 256)));
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1]);
  const exportText = JSON.stringify(goodExport(), null, 1);
  const deep = (d, leaf) => '['.repeat(d) + leaf + ']'.repeat(d);
  const bigRows = Array.from({ length: 3 }, () => Array.from({ length: 30_000 }, (_, i) => (i % 7) / 7));
  const fiveMB = { ...goodNetwork(), sizes: [2, 500, 500, 1] };
  fiveMB.weights = [
    Array.from({ length: 500 }, () => [r(), r()]),
    Array.from({ length: 500 }, () => Array.from({ length: 500 }, () => r() - 0.5)),
    [Array.from({ length: 500 }, () => r() - 0.5)],
  ];
  fiveMB.biases = [Array(500).fill(0), Array(500).fill(0), [0]];
  const ok = { imported: true };
  return [
    // Not JSON at all.
    { kind: 'not JSON', name: 'empty.json', bytes: Buffer.alloc(0), expect: { refused: /the file is empty/ } },
    { kind: 'not JSON', name: 'whitespace.json', bytes: utf8(' \n\t  \r\n'), expect: { refused: NOT_JSON } },
    { kind: 'not JSON', name: 'truncated-export.json', bytes: utf8(exportText.slice(0, Math.floor(exportText.length / 2))), expect: { refused: NOT_JSON } },
    { kind: 'not JSON', name: 'truncated-one-byte.json', bytes: utf8('{'), expect: { refused: NOT_JSON } },
    { kind: 'not JSON', name: 'random-binary.bin', bytes: binary, expect: { refused: NOT_JSON } },
    { kind: 'not JSON', name: 'picture.png', bytes: png, expect: { refused: NOT_JSON } },
    { kind: 'not JSON', name: 'utf16-without-bom.json', bytes: Buffer.from(JSON.stringify(goodNetwork()), 'utf16le'), expect: { refused: NOT_JSON } },
    // Byte-order marks: the browser decodes them as the Encoding standard says, so these import.
    { kind: 'encodings', name: 'utf16-with-bom.json', bytes: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(JSON.stringify(goodNetwork()), 'utf16le')]), expect: ok },
    { kind: 'encodings', name: 'utf8-bom.json', bytes: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), json(goodNetwork())]), expect: ok },
    { kind: 'not JSON', name: 'nan-literal.json', bytes: rawField('biases', '[[NaN,0,0],[0]]'), expect: { refused: NOT_JSON } },
    { kind: 'not JSON', name: 'infinity-literal.json', bytes: rawField('biases', '[[Infinity,0,0],[0]]'), expect: { refused: NOT_JSON } },
    { kind: 'not JSON', name: 'trailing-comma.json', bytes: utf8(JSON.stringify(goodNetwork()).replace(/}$/, ',}')), expect: { refused: NOT_JSON } },
    { kind: 'not JSON', name: 'js-literal.json', bytes: utf8("{sizes: [2, 3, 1], activation: 'tanh'}"), expect: { refused: NOT_JSON } },
    // JSON, but not a network.
    { kind: 'not a network', name: 'null.json', bytes: utf8('null'), expect: { refused: NEITHER } },
    { kind: 'not a network', name: 'number.json', bytes: utf8('42'), expect: { refused: NEITHER } },
    { kind: 'not a network', name: 'string.json', bytes: utf8('"sizes"'), expect: { refused: NEITHER } },
    { kind: 'not a network', name: 'array.json', bytes: utf8('[2, 3, 1]'), expect: { refused: NEITHER } },
    { kind: 'not a network', name: 'empty-object.json', bytes: utf8('{}'), expect: { refused: NEITHER } },
    { kind: 'not a network', name: 'other-format.json', bytes: json({ format: 'tensorflow/2', network: goodNetwork() }), expect: { refused: /format is "tensorflow\/2"/ } },
    { kind: 'not a network', name: 'export-network-null.json', bytes: json({ ...goodExport(), network: null }), expect: { refused: /"network" must be an object/ } },
    { kind: 'not a network', name: 'export-network-array.json', bytes: json({ ...goodExport(), network: [goodNetwork()] }), expect: { refused: /"network" must be an object/ } },
    // Wrong types.
    { kind: 'wrong types', name: 'sizes-string.json', bytes: json(net({ sizes: '2,3,1' })), expect: { refused: SIZES } },
    { kind: 'wrong types', name: 'sizes-object.json', bytes: json(net({ sizes: { 0: 2, 1: 3, 2: 1 } })), expect: { refused: SIZES } },
    { kind: 'wrong types', name: 'sizes-strings.json', bytes: json(net({ sizes: ['2', '3', '1'] })), expect: { refused: SIZES } },
    { kind: 'wrong types', name: 'weights-object.json', bytes: json(net({ weights: { w2: [[1, 2]] } })), expect: { refused: WEIGHTS } },
    { kind: 'wrong types', name: 'weights-string.json', bytes: json(net({ weights: '[[[0.5]]]' })), expect: { refused: WEIGHTS } },
    { kind: 'wrong types', name: 'weights-number-strings.json', bytes: json(net({ weights: goodNetwork().weights.map((w) => w.map((row) => row.map(String))) })), expect: { refused: WEIGHTS } },
    { kind: 'wrong types', name: 'activation-42.json', bytes: json(net({ activation: 42 })), expect: { refused: /activation/ } },
    { kind: 'wrong types', name: 'cost-null.json', bytes: json(net({ cost: null })), expect: { refused: /cost/ } },
    { kind: 'wrong types', name: 'biases-missing.json', bytes: json(net({ biases: undefined })), expect: { refused: BIASES } },
    { kind: 'wrong types', name: 'weights-missing.json', bytes: json(net({ weights: undefined })), expect: { refused: WEIGHTS } },
    { kind: 'wrong types', name: 'null-in-weights.json', bytes: rawField('biases', '[[0.1,null,0],[0]]'), expect: { refused: BIASES } },
    // Numbers that are not finite.
    { kind: 'non-finite numbers', name: 'nan-strings.json', bytes: json(net({ weights: [[['NaN', 0], [0, 0], [0, 0]], [[0, 0, 0]]] })), expect: { refused: WEIGHTS } },
    { kind: 'non-finite numbers', name: 'infinity-strings.json', bytes: json(net({ biases: [['Infinity', '-Infinity', 0], [0]] })), expect: { refused: BIASES } },
    { kind: 'non-finite numbers', name: 'number-1e400.json', bytes: rawField('weights', '[[[1e400,0],[0,0],[0,0]],[[0,0,0]]]'), expect: { refused: /weights|finite|inf/ } },
    { kind: 'non-finite numbers', name: 'number-minus-1e400.json', bytes: rawField('biases', '[[0,0,-1e400],[0]]'), expect: { refused: /biases|finite|inf/ } },
    // Shapes that do not match the sizes.
    { kind: 'mismatched sizes', name: 'weights-one-short.json', bytes: json(net({ weights: [goodNetwork().weights[0]] })), expect: { refused: WEIGHTS } },
    { kind: 'mismatched sizes', name: 'weights-one-extra.json', bytes: json(net({ weights: [...goodNetwork().weights, [[1]]] })), expect: { refused: WEIGHTS } },
    { kind: 'mismatched sizes', name: 'biases-wrong-length.json', bytes: json(net({ biases: [[0.1, 0.2], [0.3]] })), expect: { refused: BIASES } },
    { kind: 'mismatched sizes', name: 'ragged-rows.json', bytes: json(net({ weights: [[[0.5, -0.25], [0.75], [-0.6, 0.3, 1]], [[0.2, -0.4, 0.9]]] })), expect: { refused: WEIGHTS } },
    { kind: 'mismatched sizes', name: 'weights-transposed.json', bytes: json(net({ weights: [[[0.5, 0.75, -0.6], [-0.25, 0.1, 0.3]], [[0.2], [-0.4], [0.9]]] })), expect: { refused: WEIGHTS } },
    { kind: 'mismatched sizes', name: 'sizes-vs-weights.json', bytes: json(net({ sizes: [2, 4, 1] })), expect: { refused: WEIGHTS } },
    { kind: 'mismatched sizes', name: 'long-rows-1.5MB.json', bytes: json(net({ weights: [bigRows, [[0.2, -0.4, 0.9]]] })), expect: { refused: WEIGHTS } },
    // Sizes this page (or the core) cannot take.
    { kind: 'bad sizes', name: 'sizes-negative.json', bytes: json(net({ sizes: [2, -3, 1] })), expect: { refused: SIZES } },
    { kind: 'bad sizes', name: 'sizes-zero.json', bytes: json(net({ sizes: [2, 0, 1] })), expect: { refused: SIZES } },
    { kind: 'bad sizes', name: 'sizes-fractional.json', bytes: json(net({ sizes: [2, 2.5, 1] })), expect: { refused: SIZES } },
    { kind: 'bad sizes', name: 'sizes-one-layer.json', bytes: json(net({ sizes: [2] })), expect: { refused: SIZES } },
    { kind: 'bad sizes', name: 'sizes-empty.json', bytes: json(net({ sizes: [] })), expect: { refused: SIZES } },
    { kind: 'bad sizes', name: 'sizes-three-inputs.json', bytes: json(net({ sizes: [3, 3, 1] })), expect: { refused: /2 inputs/ } },
    { kind: 'bad sizes', name: 'sizes-million.json', bytes: json(net({ sizes: [2, 1_000_000, 1] })), expect: { refused: /at most 16 neurons/ } },
    { kind: 'bad sizes', name: 'sizes-17-hidden.json', bytes: json(net({ sizes: [2, 17, 1] })), expect: { refused: /at most 16 neurons/ } },
    { kind: 'bad sizes', name: 'sizes-5-outputs.json', bytes: json(net({ sizes: [2, 3, 5] })), expect: { refused: /at most 4 output/ } },
    { kind: 'bad sizes', name: 'sizes-10000-layers.json', bytes: json(net({ sizes: [2, ...Array(9998).fill(3), 1] })), expect: { refused: /hidden layers/ } },
    { kind: 'huge', name: 'weights-5MB.json', bytes: json(fiveMB), expect: { refused: /MB/ } },
    { kind: 'huge', name: 'deeply-nested.json', bytes: utf8(`{"sizes":[2,3,1],"weights":${deep(50_000, '0')},"biases":[[0,0,0],[0]],"activation":"tanh","cost":"quadratic"}`), expect: { refused: WEIGHTS } },
    { kind: 'huge', name: 'deeply-nested-document.json', bytes: utf8(deep(200_000, '{}')), expect: { refused: /not JSON|neither/ } },
    { kind: 'huge', name: 'long-activation.json', bytes: json(net({ activation: 'σ'.repeat(200_000) })), expect: { refused: /activation/ } },
    // Names the core does not know.
    { kind: 'unknown names', name: 'activation-swish.json', bytes: json(net({ activation: 'swish' })), expect: { refused: /activation/ } },
    { kind: 'unknown names', name: 'activation-uppercase.json', bytes: json(net({ activation: 'SIGMOID' })), expect: { refused: /activation/ } },
    { kind: 'unknown names', name: 'activation-empty.json', bytes: json(net({ activation: '' })), expect: { refused: /activation/ } },
    { kind: 'unknown names', name: 'cost-softmax.json', bytes: json(net({ cost: 'softmax' })), expect: { refused: /cost/ } },
    // Unicode junk.
    { kind: 'unicode junk', name: 'activation-katakana.json', bytes: json(net({ activation: 'シグモイド' })), expect: { refused: /activation/ } },
    { kind: 'unicode junk', name: 'activation-rtl-override.json', bytes: json(net({ activation: '\u202etanh\u0000\u2028' })), expect: { refused: /activation/ } },
    { kind: 'unicode junk', name: 'lone-surrogate.json', bytes: utf8(JSON.stringify(net({ cost: 'x' })).replace('"x"', '"\\ud800\\udfff\\udbff"')), expect: { refused: /cost/ } },
    { kind: 'unicode junk', name: '\u202egnp.json 💥 名前.json', bytes: json(net({ activation: 'no' })), expect: { refused: /activation/ } },
    // Prototype pollution: the keys are plain data; nothing reaches Object.prototype.
    { kind: 'prototype pollution', name: 'proto-network.json', bytes: utf8(`{"__proto__":{"polluted":1,"sizes":[2,16,1]},${JSON.stringify(goodNetwork()).slice(1)}`), expect: ok },
    { kind: 'prototype pollution', name: 'proto-settings.json', bytes: utf8(JSON.stringify(goodExport()).replace('"settings":{', '"settings":{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}},"toString":"x",')), expect: ok },
    { kind: 'prototype pollution', name: 'proto-only.json', bytes: utf8('{"__proto__":{"sizes":[2,3,1],"format":"nndl-backprop-playground/1"}}'), expect: { refused: NEITHER } },
    // A good network with settings out of range: imported, the bad settings named and not used.
    { kind: 'settings out of range', name: 'eta-m-lambda.json', bytes: json({ ...goodExport(), settings: { ...goodSettings(), eta: -1, m: 0, lambda: 'NaN' } }), expect: { imported: true, ignored: ['eta', 'm', 'lambda'] } },
    { kind: 'settings out of range', name: 'every-setting.json', bytes: utf8(JSON.stringify({ ...goodExport(), settings: { dataset: 'mnist', points: 1e9, noise: -1, trainShare: 2, dataSeed: 'x', init: 42, seed: -1, eta: 'Infinity', m: 1.5, lambda: -0.1 } }).replace('"eta":"Infinity"', '"eta":1e400')), expect: { imported: true, ignored: ['dataset', 'points', 'noise', 'trainShare', 'dataSeed', 'init', 'seed', 'eta', 'm', 'lambda'] } },
    { kind: 'settings out of range', name: 'settings-string.json', bytes: json({ ...goodExport(), settings: 'fast please' }), expect: { imported: true, ignored: ['settings'] } },
    { kind: 'settings out of range', name: 'settings-array.json', bytes: json({ ...goodExport(), settings: [1, 2, 3] }), expect: { imported: true, ignored: ['settings'] } },
    // Valid, but extreme: imported, and a step either works or is refused as divergence.
    { kind: 'extreme but valid', name: 'huge-weights-linear.json', bytes: json(net({ activation: 'linear', weights: [[[1e300, 1e300], [1e300, -1e300], [1, 1]], [[1e300, 1e300, 1]]] })), expect: ok },
    { kind: 'extreme but valid', name: 'tiny-weights.json', bytes: json(net({ weights: [[[5e-324, -5e-324], [0, 0], [0, 0]], [[0, 0, 0]]] })), expect: ok },
  ];
}

/** Every file case, built once (some are megabytes). */
export const FILE_CASES = fileCases();

const q = (params) => `?${params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`;
const ALL = ['data', 'points', 'noise', 'train', 'dseed', 'sizes', 'act', 'cost', 'init', 'seed', 'eta', 'm', 'lambda'];

export const LINK_CASES = [
  {
    kind: 'every parameter broken',
    name: 'wrong values',
    query: q([['data', 'mnist'], ['points', '-5'], ['noise', 'NaN'], ['train', '2'], ['dseed', '1.5'], ['sizes', '2-x-1'], ['act', '42'], ['cost', ''], ['init', 'bogus'], ['seed', '-1'], ['eta', '-1'], ['m', '0'], ['lambda', 'NaN']]),
    broken: ALL,
    sizes: DEFAULT_SIZES,
  },
  {
    kind: 'every parameter broken',
    name: 'numbers out of range',
    query: q([['points', '1e9'], ['noise', '1e308'], ['train', '0'], ['dseed', '9007199254740993'], ['seed', '1e300'], ['eta', 'Infinity'], ['m', '1e6'], ['lambda', '-0.5']]),
    broken: ['points', 'noise', 'train', 'dseed', 'seed', 'eta', 'm', 'lambda'],
    sizes: DEFAULT_SIZES,
  },
  { kind: 'huge network', name: 'sizes 2-1000-900-1', query: '?sizes=2-1000-900-1', broken: ['sizes'], sizes: DEFAULT_SIZES },
  { kind: 'huge network', name: 'sizes 2-1000000-1', query: '?sizes=2-1000000-1', broken: ['sizes'], sizes: DEFAULT_SIZES },
  { kind: 'huge network', name: 'nine hidden layers', query: '?sizes=2-16-16-16-16-16-16-16-16-16-1', broken: ['sizes'], sizes: DEFAULT_SIZES },
  { kind: 'bad sizes', name: 'sizes of one layer, empty parts, zero, hex', query: '?sizes=2--0x10-0-1', broken: ['sizes'], sizes: DEFAULT_SIZES },
  { kind: 'bad sizes', name: 'five outputs, three inputs', query: '?sizes=3-5-5', broken: ['sizes'], sizes: DEFAULT_SIZES },
  {
    kind: 'oversized values',
    name: '3 kB parameters (a 12 kB link)',
    query: q([['eta', '1'.repeat(3000)], ['data', 'x'.repeat(3000)], ['sizes', '2-'.repeat(1500) + '1'], ['seed', `${'9'.repeat(3000)}x`]]),
    broken: ['eta', 'data', 'sizes', 'seed'],
    sizes: DEFAULT_SIZES,
  },
  {
    // Node's server (like nginx) answers 431 to a request line this long; another static
    // server might not, so this one is served by the test itself (viaRoute).
    kind: 'oversized values',
    name: '100 kB parameters (a 400 kB link)',
    viaRoute: true,
    query: q([['eta', '1'.repeat(100_000)], ['data', 'x'.repeat(100_000)], ['sizes', '2-'.repeat(50_000) + '1'], ['seed', `${'9'.repeat(100_000)}x`]]),
    broken: ['eta', 'data', 'sizes', 'seed'],
    sizes: DEFAULT_SIZES,
  },
  {
    kind: 'unicode junk',
    name: 'emoji, RTL override, full-width and Arabic-Indic digits, NUL, newline',
    query: q([['data', '💥'], ['act', '\u202esigmoid'], ['eta', '３'], ['seed', '٣'], ['cost', 'quadratic\u0000'], ['init', 'standard\n']]),
    broken: ['data', 'act', 'eta', 'seed', 'cost', 'init'],
    sizes: DEFAULT_SIZES,
  },
  { kind: 'unicode junk', name: 'malformed percent-encoding', query: '?data=%E0%A4%A&eta=%FF%FE&m=%%%', broken: ['data', 'eta', 'm'], sizes: DEFAULT_SIZES },
  { kind: 'exotic numbers', name: 'hex, underscore, lone sign, empty', query: '?eta=0x10&seed=1_000&lambda=%2B&m=&noise=.', broken: ['eta', 'seed', 'lambda', 'm', 'noise'], sizes: DEFAULT_SIZES },
  {
    kind: 'markup in values',
    name: 'script and img tags',
    query: q([['data', '<script>alert(1)</script>'], ['act', '"><img src=x onerror=alert(1)>'], ['sizes', '<svg onload=alert(1)>']]),
    broken: ['data', 'act', 'sizes'],
    sizes: DEFAULT_SIZES,
  },
  { kind: 'prototype pollution', name: '__proto__ and constructor parameters', query: '?__proto__[polluted]=1&constructor[prototype][polluted]=1&toString=x&hasOwnProperty=y', broken: [], sizes: DEFAULT_SIZES },
  { kind: 'duplicates', name: 'the first of a repeated parameter is used', query: '?eta=0.5&eta=-1&sizes=2-4-1&sizes=2-1000-1', broken: [], sizes: [2, 4, 1] },
  { kind: 'hash state', name: 'settings and markup in the hash are ignored', query: '#eta=-1&sizes=2-1000-1&<img src=x onerror=alert(1)>', broken: [], sizes: DEFAULT_SIZES },
  { kind: 'hash state', name: 'percent junk in query and hash', query: '?%%%=%%%#%%%', broken: [], sizes: DEFAULT_SIZES },
  { kind: 'good link, control', name: 'a valid link still works', query: '?data=spiral&sizes=2-5-2&act=relu&seed=7&eta=0.25&m=4&lambda=0.5', broken: [], sizes: [2, 5, 2] },
];
