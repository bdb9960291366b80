/** `fn` behind a guard: the first call runs it, later ones do nothing (a release handed out may be called twice). */
export function once(fn: () => void): () => void {
  let called = false;
  return () => {
    if (called) return;
    called = true;
    fn();
  };
}
