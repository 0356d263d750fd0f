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
}
