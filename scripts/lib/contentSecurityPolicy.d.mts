export function appPolicy(scriptHashes: string[]): string;
export function headerPolicy(metaPolicy: string): string;
export function inlineScriptHashes(html: string): string[];
export function withPolicyMeta(html: string): string;
export function policyOf(html: string): string | undefined;
