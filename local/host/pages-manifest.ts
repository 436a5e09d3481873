/** wix.pages.json: the recruiter pages, their Wix page ids, paths and the elements page code uses. */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const ElementSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('Text'), text: z.string().optional() }),
  z.object({ type: z.literal('HtmlComponent'), app: z.string().regex(/^[\w-]+$/), height: z.number().int().positive().optional() }),
]);

const PageSchema = z.object({
  pageId: z.string().min(1),
  title: z.string().min(1),
  path: z.string().regex(/^\/[\w\-/]*$/, 'page path starts with / and uses [A-Za-z0-9_-/]'),
  elements: z.record(z.string().regex(/^#[\w-]+$/, 'element ids look like #name'), ElementSchema),
});

const ManifestSchema = z.object({ pages: z.record(z.string().regex(/^[\w-]+$/), PageSchema) });

export type PageElement = z.infer<typeof ElementSchema>;
export interface PageDef extends z.infer<typeof PageSchema> {
  /** The page's code name, e.g. Recruiter_Dashboard (page code file `<name>.<pageId>.js`). */
  readonly name: string;
}

export function readPagesManifest(root: string): PageDef[] {
  const file = path.join(root, 'wix.pages.json');
  if (!fs.existsSync(file)) return [];
  const parsed = ManifestSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
  if (!parsed.success) {
    throw new Error(`wix.pages.json: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return Object.entries(parsed.data.pages).map(([name, page]) => ({ name, ...page }));
}

export function pageCodeFile(page: PageDef): string {
  return `${page.name}.${page.pageId}.js`;
}
