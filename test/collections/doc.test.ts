import fs from 'node:fs';
import { COLLECTIONS_DOC_PATH, renderCollectionsDoc } from '../../local/seed/collections-doc';
import { registry } from '../../src/backend/collections/registry';

describe('docs/collections.md', () => {
  it('equals the text generated from the registry (run `npx tsx local/seed/collections-doc.ts` to refresh)', () => {
    expect(fs.readFileSync(COLLECTIONS_DOC_PATH, 'utf8')).toBe(renderCollectionsDoc());
  });

  it('has a section, a field table and the indexes of every collection', () => {
    const doc = renderCollectionsDoc();
    for (const def of registry) {
      expect(doc).toContain(`## ${def.id}\n`);
      for (const field of Object.keys(def.schema.shape)) expect(doc).toContain(`| \`${field}\` |`);
    }
    expect(doc).toContain('| `sms_consent` | Object | null |');
    expect(doc).toContain('| `sequence_id` | Reference → EmailSequences | yes |');
    // SMSMessages from a drip-sequence step have no campaign.
    expect(doc).toContain('| `campaign_id` | Reference → SMSCampaigns | null |');
    expect(doc).toContain('A DriverProfile belongs to one carrier');
  });
});
