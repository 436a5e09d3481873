import { z } from 'zod';
import { BACKEND_ONLY } from '../../src/backend/collections/define';
import { PLATFORM_COLLECTION_IDS } from '../../src/backend/collections/operations';
import {
  SPEC_COLLECTION_IDS,
  WIX_INDEX_LIMITS,
  collectionById,
  collections,
  emulatedCollectionConfigs,
  registry,
} from '../../src/backend/collections/registry';
import * as vocabulary from '../../src/backend/collections/vocabulary';
import { fieldsOf } from '../../local/seed/collections-doc';

describe('collection registry', () => {
  it('has every collection of spec §3.1–3.5 and the ones the spec assumes', () => {
    const ids = registry.map((d) => d.id);
    for (const id of SPEC_COLLECTION_IDS) expect(ids).toContain(id);
    const supporting = ['Carriers', 'RecruiterProfiles', 'DriverProfiles', 'SavedSearches', 'ComplianceAuditLog', 'JobLeases', 'ContactEvents', 'EmailSuppressions', 'SendGridEventReceipts', 'EmailSequenceVersions'];
    for (const id of supporting) expect(ids).toContain(id);
    expect(ids).toHaveLength(SPEC_COLLECTION_IDS.length + supporting.length);
  });

  it('has unique ids that match their keys', () => {
    const ids = registry.map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const [key, def] of Object.entries(collections)) expect(def.id).toBe(key);
    expect(collectionById('DriverProfiles')).toBe(collections.DriverProfiles);
    expect(collectionById('Nope')).toBeUndefined();
  });

  it('every index names existing fields and stays within Wix index limits', () => {
    for (const def of registry) {
      const fields = new Set(Object.keys(def.schema.shape));
      for (const ix of def.indexes) {
        for (const f of ix.fields) expect({ collection: def.id, field: f.name, exists: fields.has(f.name) }).toEqual({ collection: def.id, field: f.name, exists: true });
        expect(ix.fields.length).toBeLessThanOrEqual(WIX_INDEX_LIMITS.fieldsPerIndex);
      }
      expect(def.indexes.filter((i) => i.unique !== true).length).toBeLessThanOrEqual(WIX_INDEX_LIMITS.regular);
      expect(def.indexes.filter((i) => i.unique === true).length).toBeLessThanOrEqual(WIX_INDEX_LIMITS.unique);
    }
  });

  it('leads tenant indexes with carrier_dot and indexes the hot lookups', () => {
    const lead = (id: keyof typeof collections): string[][] => collections[id].indexes.map((i) => i.fields.map((f) => f.name));
    expect(lead('DriverProfiles')).toContainEqual(['carrier_dot', 'phone']);
    expect(lead('DriverProfiles')[0]?.[0]).toBe('carrier_dot');
    expect(lead('SMSMessages')[0]?.slice(0, 2)).toEqual(['campaign_id', 'status']);
    expect(lead('SMSMessages')).toContainEqual(['twilio_sid']);
    expect(lead('EmailMessages')[0]?.slice(0, 2)).toEqual(['campaign_id', 'status']);
    expect(lead('EmailSequenceEnrollments')).toContainEqual(['status', 'next_step_at']);
    expect(lead('SMSOptOuts')).toContainEqual(['phone_number', 'carrier_dot']);
    expect(lead('ComplianceAuditLog')[0]).toEqual(['carrier_dot', 'driver_id', 'at']);
  });

  it('every tenant collection carries carrier_dot (the tenant key)', () => {
    const platform: readonly string[] = PLATFORM_COLLECTION_IDS;
    for (const def of registry.filter((d) => !platform.includes(d.id))) expect(Object.keys(def.schema.shape)).toContain('carrier_dot');
  });

  it('is backend-only by default', () => {
    for (const def of registry) expect(def.permissions).toEqual(BACKEND_ONLY);
  });

  it('uses spec field names (snake_case) everywhere', () => {
    for (const def of registry) {
      for (const name of Object.keys(def.schema.shape)) expect(name).toMatch(/^_?[a-z][a-z0-9_]*$|^_(id|owner|createdDate|updatedDate)$/);
    }
  });

  it('references point at registered collections', () => {
    const ids = new Set(registry.map((d) => d.id));
    for (const def of registry) {
      for (const f of fieldsOf(def)) {
        const m = /^Reference → (.+)$/.exec(f.wixType);
        if (m?.[1]) expect(ids.has(m[1])).toBe(true);
      }
    }
  });

  it('gives the data emulator one config per collection', () => {
    const configs = emulatedCollectionConfigs();
    expect(configs.map((c) => c.id)).toEqual(registry.map((d) => d.id));
    const drivers = configs.find((c) => c.id === 'DriverProfiles');
    expect(drivers?.indexes).toContainEqual(['carrier_dot', 'phone']);
    expect(configs.find((c) => c.id === 'Carriers')?.uniqueIndexes).toEqual([['carrier_dot']]);
  });

  it('spec enumerations are const tuples shared with the schemas', () => {
    expect(vocabulary.DRIVER_STATUSES).toEqual(['job_seeking', 'open_to_offers', 'employed', 'hired', 'inactive']);
    expect(vocabulary.CDL_CLASSES).toEqual(['A', 'B', 'C']);
    expect(vocabulary.ENDORSEMENTS).toEqual(['H', 'N', 'P', 'S', 'T', 'X']);
    expect(vocabulary.US_JURISDICTIONS).toHaveLength(51);
    for (const s of ['queued', 'sent', 'delivered', 'failed', 'undelivered']) expect(vocabulary.SMS_MESSAGE_STATUSES).toContain(s);
    for (const s of ['queued', 'sent', 'delivered', 'bounced', 'dropped']) expect(vocabulary.EMAIL_MESSAGE_STATUSES).toContain(s);
    const status = collections.DriverProfiles.schema.shape.status;
    expect(status instanceof z.ZodEnum ? status.options : []).toEqual([...vocabulary.DRIVER_STATUSES]);
  });
});
