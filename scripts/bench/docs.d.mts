export type BenchDoc = Record<string, unknown> & { _id: string; _rev: string };
export function benchDoc(i: number): BenchDoc;
export function benchDocs(from: number, to: number): BenchDoc[];
