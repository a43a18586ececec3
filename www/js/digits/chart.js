// The accuracy chart: test accuracy after each epoch, a line with a dot per epoch. The y axis
// starts at the nearest 10% below the lowest point, so 90% vs 92% stays visible.

import { contentWidth, sharpContext } from './images.js';

const HEIGHT = 170;
const PAD = { left: 38, right: 12, top: 10, bottom: 24 };

export function drawChart(canvas, accuracies, emptyText) {
  const width = Math.max(200, Math.floor(contentWidth(canvas.parentElement)));
  const ctx = sharpContext(canvas, width, HEIGHT);
  ctx.clearRect(0, 0, width, HEIGHT);
  const w = width - PAD.left - PAD.right;
  const h = HEIGHT - PAD.top - PAD.bottom;
  const lo = accuracies.length ? Math.max(0, Math.floor(Math.min(...accuracies) * 10) / 10 - 0.1) : 0;
  const epochs = Math.max(10, accuracies.length);
  const X = (e) => PAD.left + (w * (e + 0.5)) / epochs;
  const Y = (a) => PAD.top + h * (1 - (a - lo) / (1 - lo));

  ctx.font = '10px system-ui, sans-serif';
  ctx.textAlign = 'right';
  ctx.lineWidth = 1;
  for (let v = lo; v <= 1.0001; v += lo >= 0.7 ? 0.05 : 0.1) {
    ctx.strokeStyle = '#eceef2';
    ctx.beginPath();
    ctx.moveTo(PAD.left, Y(v));
    ctx.lineTo(width - PAD.right, Y(v));
    ctx.stroke();
    ctx.fillStyle = '#5d6473';
    ctx.fillText(`${Math.round(v * 100)}%`, PAD.left - 5, Y(v) + 3);
  }
  ctx.textAlign = 'center';
  const tick = epochs <= 10 ? 1 : epochs <= 30 ? 5 : 10;
  for (let e = 0; e < epochs; e += tick) ctx.fillText(String(e), X(e), HEIGHT - 8);

  if (!accuracies.length) {
    ctx.fillStyle = '#5d6473';
    ctx.font = '12px system-ui, sans-serif';
    ctx.fillText(emptyText, PAD.left + w / 2, PAD.top + h / 2);
    return;
  }
  ctx.strokeStyle = '#2f5d8c';
  ctx.lineWidth = 2;
  ctx.beginPath();
  accuracies.forEach((a, e) => (e ? ctx.lineTo(X(e), Y(a)) : ctx.moveTo(X(e), Y(a))));
  ctx.stroke();
  ctx.fillStyle = '#2f5d8c';
  for (const [e, a] of accuracies.entries()) {
    ctx.beginPath();
    ctx.arc(X(e), Y(a), 2.5, 0, 2 * Math.PI);
    ctx.fill();
  }
  const last = accuracies.length - 1;
  ctx.font = '600 11px system-ui, sans-serif';
  ctx.textAlign = X(last) > width - 60 ? 'right' : 'left';
  ctx.fillStyle = '#1d2330';
  const dx = ctx.textAlign === 'right' ? -6 : 6;
  ctx.fillText(`${(accuracies[last] * 100).toFixed(1)}%`, X(last) + dx, Math.max(PAD.top + 10, Y(accuracies[last]) - 6));
}
