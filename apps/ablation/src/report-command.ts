export function reportCommand(_argv: string[]): number {
  throw new Error('report: not yet');
}
