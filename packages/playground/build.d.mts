export declare function collectExamples(dir?: string): { name: string; title: string; rules: string; carts: { name: string; text: string }[] }[];
export declare function buildPlayground(options?: {
  outdir?: string;
  minify?: boolean;
}): Promise<{ outdir: string; sizes: Record<string, number>; metafile: unknown }>;
