// A small glTF binary (.glb) writer: buffer views, accessors, and the JSON and BIN chunks.


export class GlbBuilder {
  private chunks: Buffer[] = [];
  private length = 0;
  readonly bufferViews: object[] = [];
  readonly accessors: object[] = [];

  private addView(bytes: Buffer, target?: number): number {
    const pad = (4 - (this.length % 4)) % 4;
    if (pad) {
      this.chunks.push(Buffer.alloc(pad));
      this.length += pad;
    }
    this.bufferViews.push({ buffer: 0, byteOffset: this.length, byteLength: bytes.length, ...(target ? { target } : {}) });
    this.chunks.push(bytes);
    this.length += bytes.length;
    return this.bufferViews.length - 1;
  }

  floats(data: number[], type: 'SCALAR' | 'VEC3' | 'VEC4' | 'MAT4', opts: { minMax?: boolean; target?: number } = {}): number {
    const arr = new Float32Array(data);
    const view = this.addView(Buffer.from(arr.buffer), opts.target);
    const width = { SCALAR: 1, VEC3: 3, VEC4: 4, MAT4: 16 }[type];
    const acc: Record<string, unknown> = { bufferView: view, componentType: 5126, count: data.length / width, type };
    if (opts.minMax) {
      const min = Array(width).fill(Infinity);
      const max = Array(width).fill(-Infinity);
      for (let i = 0; i < arr.length; i++) {
        min[i % width] = Math.min(min[i % width], arr[i]!);
        max[i % width] = Math.max(max[i % width], arr[i]!);
      }
      acc.min = min;
      acc.max = max;
    }
    this.accessors.push(acc);
    return this.accessors.length - 1;
  }

  bytes4(data: number[]): number {
    const view = this.addView(Buffer.from(Uint8Array.from(data)), 34962);
    this.accessors.push({ bufferView: view, componentType: 5121, count: data.length / 4, type: 'VEC4' });
    return this.accessors.length - 1;
  }

  indices(data: number[]): number {
    const big = data.some((i) => i > 65535);
    const arr = big ? new Uint32Array(data) : new Uint16Array(data);
    const view = this.addView(Buffer.from(arr.buffer, arr.byteOffset, arr.byteLength), 34963);
    this.accessors.push({ bufferView: view, componentType: big ? 5125 : 5123, count: data.length, type: 'SCALAR' });
    return this.accessors.length - 1;
  }

  finish(json: Record<string, unknown>): Buffer {
    const bin = Buffer.concat(this.chunks);
    const binPadded = Buffer.concat([bin, Buffer.alloc((4 - (bin.length % 4)) % 4)]);
    const full = { ...json, buffers: [{ byteLength: binPadded.length }], bufferViews: this.bufferViews, accessors: this.accessors };
    let text = Buffer.from(JSON.stringify(full), 'utf8');
    text = Buffer.concat([text, Buffer.alloc((4 - (text.length % 4)) % 4, 0x20)]);
    const header = Buffer.alloc(12);
    header.writeUInt32LE(0x46546c67, 0); // "glTF"
    header.writeUInt32LE(2, 4);
    header.writeUInt32LE(12 + 8 + text.length + 8 + binPadded.length, 8);
    const jsonHeader = Buffer.alloc(8);
    jsonHeader.writeUInt32LE(text.length, 0);
    jsonHeader.writeUInt32LE(0x4e4f534a, 4); // "JSON"
    const binHeader = Buffer.alloc(8);
    binHeader.writeUInt32LE(binPadded.length, 0);
    binHeader.writeUInt32LE(0x004e4942, 4); // "BIN\0"
    return Buffer.concat([header, jsonHeader, text, binHeader, binPadded]);
  }
}
