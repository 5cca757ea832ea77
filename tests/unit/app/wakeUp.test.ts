// #15 item 3: which page events wake the sync engine, and that the events of
// one waking (resume, then the page shown) start the peers over only once.
import { describe, expect, it } from 'vitest';
import { listenForWakeUp } from '../../../src/app/wakeUp';

function page() {
  const win = new EventTarget();
  const doc: EventTarget & { visibilityState: DocumentVisibilityState } = Object.assign(new EventTarget(), {
    visibilityState: 'hidden' as const,
  });
  let wakes = 0;
  let now = 0;
  const stop = listenForWakeUp({ wakeUp: () => (wakes += 1) }, { window: win as unknown as Window, document: doc as unknown as Document }, () => now);
  return {
    win,
    doc,
    wakes: () => wakes,
    later: (ms: number) => {
      now += ms;
    },
    stop,
  };
}

const pageShow = (persisted: boolean) => Object.assign(new Event('pageshow'), { persisted });

describe('#15 listenForWakeUp', () => {
  it('wakes on the page shown, resumed, back from the back/forward cache, and online', () => {
    const p = page();
    p.doc.dispatchEvent(new Event('visibilitychange'));
    expect(p.wakes()).toBe(0); // hidden: going away is not waking up
    p.doc.visibilityState = 'visible';
    p.doc.dispatchEvent(new Event('visibilitychange'));
    expect(p.wakes()).toBe(1);
    p.later(5000);
    p.doc.dispatchEvent(new Event('resume'));
    expect(p.wakes()).toBe(2);
    p.later(5000);
    p.win.dispatchEvent(pageShow(false));
    expect(p.wakes()).toBe(2); // the page loading
    p.win.dispatchEvent(pageShow(true));
    expect(p.wakes()).toBe(3);
    p.win.dispatchEvent(new Event('online'));
    expect(p.wakes()).toBe(4); // always: the network may come back just after the page did
  });

  it('counts a resume and the page shown a moment later as one waking, and stops listening', () => {
    const p = page();
    p.doc.dispatchEvent(new Event('resume'));
    p.later(50);
    p.doc.visibilityState = 'visible';
    p.doc.dispatchEvent(new Event('visibilitychange'));
    expect(p.wakes()).toBe(1);
    p.stop();
    p.later(5000);
    p.doc.dispatchEvent(new Event('resume'));
    p.win.dispatchEvent(new Event('online'));
    expect(p.wakes()).toBe(1);
  });
});
