export function appPolicy(): string;
export function headerPolicy(metaPolicy: string): string;
export function inlineScripts(html: string): string[];
export function withPolicyMeta(html: string): string;
export function policyOf(html: string): string | undefined;
