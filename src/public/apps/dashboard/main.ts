/** The dashboard iframe app: asks the page for the recruiter's context and overview, renders them. */
import { connectToPage } from '../shared/pageChannel';

interface Failure {
  success: false;
  error: string;
}
interface ContextResult {
  success: true;
  carrier: { carrier_dot: string; name: string };
  recruiter: { first_name: string; last_name: string; role: string } | null;
  isAdmin: boolean;
}
interface OverviewResult {
  success: true;
  overview: {
    carrier_name: string;
    drivers: number;
    sms_consent: number;
    email_consent: number;
    invalid_phones: number;
    by_status: Record<string, number>;
  };
}

const numberFormat = new Intl.NumberFormat('en-US');

function byId(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (!el) throw new Error(`missing #${id}`);
  return el;
}

function showError(message: string): void {
  const el = byId('error');
  el.textContent = message;
  el.hidden = false;
  byId('who').textContent = '';
}

function renderOverview(overview: OverviewResult['overview']): void {
  byId('drivers').textContent = numberFormat.format(overview.drivers);
  byId('sms-consent').textContent = numberFormat.format(overview.sms_consent);
  byId('email-consent').textContent = numberFormat.format(overview.email_consent);
  byId('invalid-phones').textContent = numberFormat.format(overview.invalid_phones);
  const body = byId('by-status').querySelector('tbody');
  if (body) {
    body.replaceChildren(
      ...Object.entries(overview.by_status).map(([status, count]) => {
        const row = document.createElement('tr');
        const label = document.createElement('td');
        label.textContent = status.replace(/_/g, ' ');
        const value = document.createElement('td');
        value.className = 'num';
        value.textContent = numberFormat.format(count);
        row.append(label, value);
        return row;
      }),
    );
  }
  byId('overview').hidden = false;
}

async function main(): Promise<void> {
  const page = connectToPage('dashboard');
  await page.connected;
  const context = await page.call<ContextResult | Failure>('getRecruiterContext');
  if (!context.success) return showError(context.error);
  byId('carrier-name').textContent = context.carrier.name;
  byId('who').textContent = context.recruiter
    ? `${context.recruiter.first_name} ${context.recruiter.last_name} · ${context.recruiter.role}`
    : 'Site admin';
  const result = await page.call<OverviewResult | Failure>('getOutreachOverview', context.carrier.carrier_dot);
  if (!result.success) return showError(result.error);
  renderOverview(result.overview);
}

main().catch((error: unknown) => showError(error instanceof Error ? error.message : 'The dashboard could not load.'));
