/**
 * Built-in sequence templates. `sms-email-4-step` is the spec §2.3 multi-channel flow: Day 0 SMS
 * introduction; Day 1 email with the job details if the driver has not replied; Day 3 follow-up SMS;
 * Day 5 final email; then the enrollment completes and the driver is tagged `cold` (the segment
 * recruiters re-target later). Any reply, application, hire, unsubscribe or STOP ends it early.
 * Variables: recruiter values come from the sequence owner's recruiter profile, job values from the
 * sequence's job posting, each with an inline default so no driver is blocked when one is missing.
 */
import type { ExitCondition, SequenceStep } from '../collections/sequence-steps';
import type { SequenceTriggerType } from '../collections/vocabulary';

export interface SequenceTemplate {
  readonly templateId: string;
  readonly name: string;
  readonly description: string;
  readonly triggerType: SequenceTriggerType;
  readonly steps: readonly SequenceStep[];
  readonly exitConditions: readonly ExitCondition[];
  readonly completionTag: string | null;
}

const DAY_1_EMAIL = `<html><body>
<p>Hi {{firstName}},</p>
<p>Thanks for your time yesterday. Here are the details of our {{jobTitle|CDL-A driving}} opening at {{carrierName}}:</p>
<ul>
<li>Pay: {{payRange|competitive weekly pay}}</li>
<li>Home time: {{homeTime|regular, predictable home time}}</li>
<li>Route: {{routeType|regional and OTR lanes}}</li>
<li>Sign-on bonus: {{signOnBonus|ask us about current bonuses}}</li>
<li>Benefits: medical, dental and vision, paid time off, 401(k)</li>
</ul>
<p>Apply in a few minutes here: <a href="{{applyUrl}}">{{applyUrl}}</a></p>
<p>Or just reply to my text, or call us at {{carrierPhone}}.</p>
<p>{{recruiterName|The recruiting team}}<br>{{carrierName}}</p>
</body></html>`;

const DAY_5_EMAIL = `<html><body>
<p>Hi {{firstName}},</p>
<p>I don't want you to miss this: we are finishing interviews for our {{jobTitle|CDL-A driving}} positions at {{carrierName}} this week.</p>
<p>If the timing is not right, no problem at all. If you are still looking, it takes a few minutes to apply: <a href="{{applyUrl}}">{{applyUrl}}</a></p>
<p>{{recruiterName|The recruiting team}}<br>{{carrierName}}</p>
</body></html>`;

export const SEQUENCE_TEMPLATES: readonly SequenceTemplate[] = Object.freeze([
  {
    templateId: 'sms-email-4-step',
    name: 'SMS + email introduction (4 steps)',
    description:
      'Day 0 SMS introduction, Day 1 email with the job details (if no reply), Day 3 follow-up SMS, Day 5 final email; then the driver is tagged "cold". Ends early on a reply, application, hire, unsubscribe or STOP.',
    triggerType: 'manual',
    steps: [
      {
        step_number: 1,
        step_type: 'sms',
        delay_days: 0,
        delay_hours: 0,
        message_template: "Hi {{firstName}}, {{recruiterFirstName|this is the recruiting team}} here from {{carrierName}}. We're hiring CDL drivers with great pay and home time. Interested? Reply YES for details. {{optOutText}}",
      },
      {
        step_number: 2,
        step_type: 'email',
        delay_days: 1,
        delay_hours: 0,
        conditions: { if_no_reply: true },
        subject: 'Opportunity at {{carrierName}}, {{firstName}}',
        preheader: 'Pay, home time and benefits of the job',
        html_content: DAY_1_EMAIL,
      },
      {
        step_number: 3,
        step_type: 'sms',
        delay_days: 2,
        delay_hours: 0,
        conditions: { if_no_reply: true },
        message_template: 'Hi {{firstName}}, just checking if you saw my email about driving for {{carrierName}}. Any questions? Just reply here. {{optOutText}}',
      },
      {
        step_number: 4,
        step_type: 'email',
        delay_days: 2,
        delay_hours: 0,
        conditions: { if_no_reply: true },
        subject: 'Last chance - {{jobTitle|your driving position}} at {{carrierName}}',
        preheader: 'We are finishing interviews this week',
        html_content: DAY_5_EMAIL,
      },
    ],
    exitConditions: [
      { type: 'replied', enabled: true },
      { type: 'applied', enabled: true },
      { type: 'hired', enabled: true },
      { type: 'unsubscribed', enabled: true },
      { type: 'opted_out', enabled: true },
      { type: 'inactive', enabled: false },
    ],
    completionTag: 'cold',
  },
]);

export function findTemplate(templateId: string): SequenceTemplate | null {
  return SEQUENCE_TEMPLATES.find((t) => t.templateId === templateId) ?? null;
}
