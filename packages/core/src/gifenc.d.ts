// Typings for the parts of gifenc this package uses (gifenc ships none).
declare module 'gifenc' {
  interface Encoder {
    writeFrame(
      index: Uint8Array,
      width: number,
      height: number,
      opts?: { palette?: number[][]; delay?: number; repeat?: number },
    ): void;
    finish(): void;
    bytes(): Uint8Array;
  }
  const gifenc: {
    GIFEncoder(): Encoder;
    quantize(rgba: Uint8Array, maxColors: number, opts?: { format?: string }): number[][];
    applyPalette(rgba: Uint8Array, palette: number[][], format?: string): Uint8Array;
  };
  export default gifenc;
}
