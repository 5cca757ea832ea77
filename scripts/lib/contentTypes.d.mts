export function contentTypeOf(name: string): string;
