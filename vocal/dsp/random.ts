// A seeded noise source: the same seed gives the same samples in Node and in a browser, which is
// what lets a test compare the two renders sample by sample (Math.random could not).

export class Noise {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }

  /** Uniform in [-1, 1) (xorshift32). */
  uniform(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state / 2147483648 - 1;
  }

  /** Roughly Gaussian, unit variance: the sum of four uniforms, scaled. */
  gaussian(): number {
    return (this.uniform() + this.uniform() + this.uniform() + this.uniform()) * 0.866;
  }

  /**
   * For each of n samples, in this order: one gaussian() into gauss[k], then one uniform() into
   * uniform[k] (the same numbers as those calls), with the generator's state in a local.
   */
  fillSourceNoise(gauss: Float64Array, uniform: Float64Array, n: number): void {
    let x = this.state;
    for (let k = 0; k < n; k++) {
      let sum = 0;
      for (let j = 0; j < 5; j++) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        x >>>= 0;
        const u = x / 2147483648 - 1;
        if (j < 4) sum += u;
        else uniform[k] = u;
      }
      gauss[k] = sum * 0.866;
    }
    this.state = x;
  }
}
