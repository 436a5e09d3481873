/** Values for a test message to the recruiter's own phone: the recruiter stands in for the driver. */
import type { Carrier, RecruiterProfile } from '../collections/people';
import { renderTemplate, templateValuesFor } from '../outreach';
import type { TemplateValues } from '../outreach/variables';

export { renderTemplate };

export function sampleTemplateValuesForSms(carrier: Carrier, recruiter: RecruiterProfile): TemplateValues {
  return templateValuesFor({
    driver: { first_name: recruiter.first_name, last_name: recruiter.last_name, cdl_class: 'A', years_experience: 5, home_city: null, home_state: null },
    recruiter,
    carrier,
  });
}
