/**
 * Page code of the email campaigns page: bridges the `#emailCampaignsApp` iframe to exactly the web
 * methods of `EMAIL_CAMPAIGN_CALLS` (the recruiter's context, the email campaign service with the
 * drip-sequence methods it re-exports, and the SMS audience estimate for SMS-first sequences), each
 * call's arguments checked against its schema first. The iframe app renders; the backend checks
 * the member, validates and decides. No secret ever goes to the iframe.
 */
import { getRecruiterContext } from 'backend/recruiterService.web';
import {
  createEmailCampaign,
  createEmailSequence,
  deleteEmailCampaign,
  enrollDriversInSequence,
  estimateEmailAudience,
  getEmailCampaignAnalytics,
  getEmailCampaignRecipients,
  getEmailCampaigns,
  getEmailSequences,
  getSequenceAnalytics,
  getSequenceEnrollments,
  getSequenceTemplates,
  pauseEmailCampaign,
  pauseEmailSequence,
  removeFromSequence,
  resumeEmailCampaign,
  resumeEmailSequence,
  sendEmailCampaign,
  sendTestEmail,
  updateEmailCampaign,
  updateEmailSequence,
} from 'backend/emailCampaignService.web';
import { estimateSMSAudience } from 'backend/smsCampaignService.web';
import { bridgeHtmlComponent, EMAIL_CAMPAIGN_CALLS, type EmailPageActions } from 'public/messaging';

const actions = {
  getRecruiterContext,
  createEmailCampaign,
  getEmailCampaigns,
  updateEmailCampaign,
  deleteEmailCampaign,
  sendEmailCampaign,
  pauseEmailCampaign,
  resumeEmailCampaign,
  getEmailCampaignAnalytics,
  getEmailCampaignRecipients,
  estimateEmailAudience,
  estimateSMSAudience,
  sendTestEmail,
  getSequenceTemplates,
  createEmailSequence,
  getEmailSequences,
  updateEmailSequence,
  pauseEmailSequence,
  resumeEmailSequence,
  enrollDriversInSequence,
  removeFromSequence,
  getSequenceAnalytics,
  getSequenceEnrollments,
} satisfies EmailPageActions;

$w.onReady(() => {
  bridgeHtmlComponent($w('#emailCampaignsApp'), 'Recruiter_Email_Campaigns', actions, EMAIL_CAMPAIGN_CALLS);
});
