/**
 * Page code of the recruiter dashboard: bridges the `#dashboardApp` iframe to the web methods it
 * may call. Nothing else: the iframe app renders, the backend decides.
 */
import { getOutreachOverview, getRecruiterContext } from 'backend/recruiterService.web';
import { bridgeHtmlComponent } from 'public/messaging';

$w.onReady(() => {
  bridgeHtmlComponent($w('#dashboardApp'), 'Recruiter_Dashboard', { getRecruiterContext, getOutreachOverview });
});
