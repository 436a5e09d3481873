/**
 * Earlier versions of a drip sequence's steps. Editing the steps, exit conditions or send window of a
 * sequence makes a new version (EmailSequences.version); the version being replaced is kept here, so
 * enrollments that started on it finish on exactly the steps they started with (docs/sequences.md).
 */
import * as z from 'zod';
import { carrierDot, ref, sendWindow } from './common';
import { defineCollection, uniqueIndex, type ItemOf } from './define';
import { exitCondition, sequenceStep } from './sequence-steps';

export const EmailSequenceVersions = defineCollection({
  id: 'EmailSequenceVersions',
  description:
    'A frozen version of a sequence (steps, exit conditions, send window), written when an edit replaces it; `_id` = `<sequence>.v<version>`. Enrollments keep running the version they started on.',
  fields: {
    sequence_id: ref('EmailSequences'),
    carrier_dot: carrierDot,
    version: z.number().int().min(1),
    steps: z.array(sequenceStep).max(50),
    exit_conditions: z.array(exitCondition),
    send_window: sendWindow.nullable().optional(),
    /** When this version was replaced by the next one. */
    replaced_at: z.date(),
  },
  indexes: [uniqueIndex('sequence_id', 'version')],
});
export type EmailSequenceVersion = ItemOf<typeof EmailSequenceVersions>;

/** `_id` of a frozen version. */
export function sequenceVersionId(sequenceId: string, version: number): string {
  return `${sequenceId}.v${version}`;
}
