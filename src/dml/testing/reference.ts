/**
 * Plain double-precision reference implementations of the losses, written directly from the
 * papers' per-pair formulas with explicit loops. Tests compare the vectorised TF.js losses
 * against them.
 */

export type RefDistanceKind = 'euclidean' | 'squared-euclidean' | 'cosine' | 'dot-product';
export type Rows = number[][];

export function isSimilarityKind(kind: RefDistanceKind): boolean {
  return kind === 'cosine' || kind === 'dot-product';
}

export function refNormalize(v: number[]): number[] {
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  return v.map((x) => x / Math.max(norm, 1e-6));
}

export function refDistance(kind: RefDistanceKind, a: number[], b: number[]): number {
  if (kind === 'dot-product') return a.reduce((s, x, k) => s + x * b[k], 0);
  const u = refNormalize(a);
  const v = refNormalize(b);
  if (kind === 'cosine') return u.reduce((s, x, k) => s + x * v[k], 0);
  const squared = u.reduce((s, x, k) => s + (x - v[k]) ** 2, 0);
  return kind === 'squared-euclidean' ? squared : Math.sqrt(squared);
}

export function refMatrix(kind: RefDistanceKind, q: Rows, r: Rows = q): number[][] {
  return q.map((a) => r.map((b) => refDistance(kind, a, b)));
}

const relu = (x: number): number => Math.max(0, x);
const softplus = (x: number): number => Math.log1p(Math.exp(x));
const mean = (xs: number[]): number => (xs.length === 0 ? 0 : xs.reduce((s, x) => s + x, 0) / xs.length);
const avgNonZero = (xs: number[]): number => {
  const nonZero = xs.filter((x) => x > 0).length;
  return nonZero === 0 ? 0 : xs.reduce((s, x) => s + x, 0) / nonZero;
};
const logSumExp = (xs: number[]): number => {
  const m = Math.max(...xs);
  return m + Math.log(xs.reduce((s, x) => s + Math.exp(x - m), 0));
};

export function refContrastive(e: Rows, labels: ArrayLike<number>, kind: RefDistanceKind, posMargin: number, negMargin: number): number {
  const sim = isSimilarityKind(kind);
  const pos: number[] = [];
  const neg: number[] = [];
  for (let i = 0; i < e.length; i++) {
    for (let j = 0; j < e.length; j++) {
      if (i === j) continue;
      const d = refDistance(kind, e[i], e[j]);
      if (labels[i] === labels[j]) pos.push(relu(sim ? posMargin - d : d - posMargin));
      else neg.push(relu(sim ? d - negMargin : negMargin - d));
    }
  }
  return avgNonZero(pos) + avgNonZero(neg);
}

export function refTriplet(e: Rows, labels: ArrayLike<number>, kind: RefDistanceKind, margin: number, smooth: boolean): number {
  const sim = isSimilarityKind(kind);
  const losses: number[] = [];
  for (let a = 0; a < e.length; a++) {
    for (let p = 0; p < e.length; p++) {
      if (p === a || labels[p] !== labels[a]) continue;
      for (let n = 0; n < e.length; n++) {
        if (labels[n] === labels[a]) continue;
        const ap = refDistance(kind, e[a], e[p]);
        const an = refDistance(kind, e[a], e[n]);
        const v = (sim ? an - ap : ap - an) + margin;
        losses.push(smooth ? softplus(v) : relu(v));
      }
    }
  }
  return avgNonZero(losses);
}

export function refNPairs(e: Rows, labels: ArrayLike<number>, kind: RefDistanceKind): number {
  const sim = isSimilarityKind(kind);
  const anchors: number[] = [];
  const positives: number[] = [];
  const seen = new Set<number>();
  for (let i = 0; i < e.length; i++) {
    if (seen.has(labels[i])) continue;
    seen.add(labels[i]);
    for (let j = i + 1; j < e.length; j++) {
      if (labels[j] === labels[i]) {
        anchors.push(i);
        positives.push(j);
        break;
      }
    }
  }
  const losses = anchors.map((a, i) => {
    const logits = positives.map((p) => (sim ? 1 : -1) * refDistance(kind, e[a], e[p]));
    return logSumExp(logits) - logits[i];
  });
  return mean(losses);
}

export function refLifted(e: Rows, labels: ArrayLike<number>, kind: RefDistanceKind, posMargin: number, negMargin: number): number {
  const sim = isSimilarityKind(kind);
  const losses: number[] = [];
  for (let i = 0; i < e.length; i++) {
    const posTerms: number[] = [];
    const negTerms: number[] = [];
    for (let j = 0; j < e.length; j++) {
      if (j === i) continue;
      const d = refDistance(kind, e[i], e[j]);
      if (labels[j] === labels[i]) posTerms.push(sim ? posMargin - d : d - posMargin);
      else negTerms.push(sim ? d - negMargin : negMargin - d);
    }
    const pos = posTerms.length ? logSumExp(posTerms) : 0;
    const neg = negTerms.length ? logSumExp(negTerms) : 0;
    losses.push(relu(pos + neg));
  }
  return mean(losses);
}

export function refMultiSimilarity(
  e: Rows,
  labels: ArrayLike<number>,
  kind: RefDistanceKind,
  alpha: number,
  beta: number,
  base: number,
): number {
  const sim = isSimilarityKind(kind);
  const losses: number[] = [];
  for (let i = 0; i < e.length; i++) {
    let posSum = 0;
    let negSum = 0;
    for (let j = 0; j < e.length; j++) {
      if (j === i) continue;
      const d = refDistance(kind, e[i], e[j]);
      if (labels[j] === labels[i]) posSum += Math.exp(alpha * (sim ? base - d : d - base));
      else negSum += Math.exp(beta * (sim ? d - base : base - d));
    }
    losses.push(Math.log1p(posSum) / alpha + Math.log1p(negSum) / beta);
  }
  return mean(losses);
}

export function refRankedList(
  e: Rows,
  labels: ArrayLike<number>,
  kind: RefDistanceKind,
  o: { margin: number; boundary: number; tn: number; tp: number; imbalance: number },
): number {
  const losses: number[] = [];
  for (let i = 0; i < e.length; i++) {
    let wp = 0;
    let lp = 0;
    let wn = 0;
    let ln = 0;
    for (let j = 0; j < e.length; j++) {
      if (j === i) continue;
      const d = refDistance(kind, e[i], e[j]);
      if (labels[j] === labels[i]) {
        if (d > o.boundary - o.margin) {
          const w = Math.exp(o.tp * (d - (o.boundary - o.margin)));
          wp += w;
          lp += w * (d - (o.boundary - o.margin));
        }
      } else if (d < o.boundary) {
        const w = Math.exp(o.tn * (o.boundary - d));
        wn += w;
        ln += w * (o.boundary - d);
      }
    }
    losses.push((1 - o.imbalance) * (wp > 0 ? lp / wp : 0) + o.imbalance * (wn > 0 ? ln / wn : 0));
  }
  return mean(losses);
}

export function refProxyNCA(
  e: Rows,
  labels: ArrayLike<number>,
  proxies: Rows,
  proxyLabels: number[],
  kind: RefDistanceKind,
  scale: number,
): number {
  const sim = isSimilarityKind(kind);
  const losses = e.map((x, i) => {
    const logits = proxies.map((p) => scale * (sim ? 1 : -1) * refDistance(kind, x, p));
    return logSumExp(logits) - logits[proxyLabels.indexOf(labels[i])];
  });
  return mean(losses);
}
