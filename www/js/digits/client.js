// The page's side of the training worker: request(type, args) → a Promise of the result, and
// a listener for the events the worker posts while it trains.

export function startWorker(onEvent) {
  const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  const pending = new Map();
  let nextId = 1;

  worker.onmessage = ({ data }) => {
    if (data.event) {
      onEvent(data);
      return;
    }
    const p = pending.get(data.id);
    if (!p) return;
    pending.delete(data.id);
    if (data.error) {
      const err = new Error(data.error.message);
      err.diverged = data.error.diverged;
      if (data.error.at) err.at = data.error.at;
      p.reject(err);
    } else {
      p.resolve(data.result);
    }
  };
  worker.onerror = (e) => {
    const err = new Error(`the training worker failed: ${e.message || 'could not start'}`);
    for (const p of pending.values()) p.reject(err);
    pending.clear();
    onEvent({ event: 'failed', error: err });
  };

  /** Sends a request; `transfer` lists buffers to hand over rather than copy. */
  function request(type, args = {}, transfer = []) {
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, type, args }, transfer);
    });
  }

  return { request, worker };
}
