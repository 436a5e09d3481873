/**
 * Page code of the SMS campaigns page: bridges the `#smsCampaignsApp` iframe to exactly the web
 * methods of `SMS_CAMPAIGN_ACTIONS` (the recruiter's context and the SMS campaign service).
 * The iframe app renders; the backend checks the member, validates and decides.
 */
import { getRecruiterContext } from 'backend/recruiterService.web';
import {
  checkOptOutStatus,
  createSMSCampaign,
  deleteSMSCampaign,
  estimateSMSAudience,
  getSMSCampaignAnalytics,
  getSMSCampaigns,
  getSMSReplies,
  optOutDriver,
  pauseSMSCampaign,
  replyToDriver,
  resumeSMSCampaign,
  scheduleSMSCampaign,
  sendSMSCampaign,
  sendTestSMS,
  setReplyState,
  updateSMSCampaign,
} from 'backend/smsCampaignService.web';
import { bridgeHtmlComponent, type PageAction, type SmsCampaignAction } from 'public/messaging';

const actions = {
  getRecruiterContext,
  createSMSCampaign,
  getSMSCampaigns,
  updateSMSCampaign,
  deleteSMSCampaign,
  sendSMSCampaign,
  scheduleSMSCampaign,
  pauseSMSCampaign,
  resumeSMSCampaign,
  getSMSCampaignAnalytics,
  checkOptOutStatus,
  optOutDriver,
  estimateSMSAudience,
  getSMSReplies,
  replyToDriver,
  setReplyState,
  sendTestSMS,
} satisfies Record<SmsCampaignAction, PageAction>;

$w.onReady(() => {
  bridgeHtmlComponent($w('#smsCampaignsApp'), 'Recruiter_SMS_Campaigns', actions);
});
