import { US_STATE_ZONES } from '../../src/backend/outreach/data/usStateZones';
import { recipientLocation } from '../../src/backend/outreach/location';

describe('recipientLocation', () => {
  it('uses the area code zones when the state has one zone, plus the home zone', () => {
    expect(recipientLocation({ phone: '+12125550123', home_state: 'NY', home_time_zone: 'America/New_York' })).toEqual({
      zones: ['America/New_York'],
      states: ['NY'],
    });
  });

  it('keeps a single-zone area code in its zone and gives a split-zone area code both zones', () => {
    // 305 is Miami (Eastern only); 850 spans the panhandle's Central and Eastern parts.
    expect(recipientLocation({ phone: '+13055550123', home_state: null, home_time_zone: null })).toEqual({ zones: ['America/New_York'], states: ['FL'] });
    expect(recipientLocation({ phone: '+18505550123', home_state: null, home_time_zone: null })).toEqual({
      zones: ['America/Chicago', 'America/New_York'],
      states: ['FL'],
    });
  });

  it('unions a Texas Central home with a 915 (El Paso, Mountain) phone', () => {
    expect(recipientLocation({ phone: '+19155550123', home_state: 'TX', home_time_zone: 'America/Chicago' })).toEqual({
      zones: ['America/Chicago', 'America/Denver'],
      states: ['TX'],
    });
  });

  it('takes every zone of the home state when the home zone is unknown', () => {
    const location = recipientLocation({ phone: null, home_state: 'KY', home_time_zone: null });
    expect(location.zones).toEqual(US_STATE_ZONES.KY);
    expect(location.states).toEqual(['KY']);
  });

  it('joins the phone state and the home state', () => {
    const location = recipientLocation({ phone: '+18085550123', home_state: 'NV', home_time_zone: 'America/Los_Angeles' });
    expect(location.states).toEqual(['HI', 'NV']);
    expect(location.zones).toEqual(['America/Los_Angeles', 'Pacific/Honolulu']);
  });

  it('is empty when nothing is known (unknown phone, no home)', () => {
    expect(recipientLocation({ phone: null, home_state: null, home_time_zone: null })).toEqual({ zones: [], states: [] });
    expect(recipientLocation({ phone: '+18005550100', home_state: null, home_time_zone: null })).toEqual({ zones: [], states: [] });
    expect(recipientLocation({ phone: '+442079460958', home_state: null, home_time_zone: null })).toEqual({ zones: [], states: [] });
  });

  it('ignores an invalid home zone (and falls back to the home state)', () => {
    expect(recipientLocation({ phone: null, home_state: 'HI', home_time_zone: 'Mars/Olympus' })).toEqual({ zones: ['Pacific/Honolulu'], states: ['HI'] });
  });

  it('returns the same frozen object for the same inputs', () => {
    const a = recipientLocation({ phone: '+15125550123', home_state: 'TX', home_time_zone: 'America/Chicago' });
    const b = recipientLocation({ phone: '+15125559876', home_state: 'TX', home_time_zone: 'America/Chicago' });
    expect(b).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
  });
});
