// In-page instruments of the app bench (scripts/bench/app.mjs), installed
// with Playwright's addInitScript so they run before the app's own code:
// they only watch the DOM and the Performance APIs, the app knows nothing
// of them. Times are performance.now() of the page (ms since navigation
// start) unless said otherwise.

/**
 * Runs in the page. Records long tasks and the first note row on screen,
 * and offers `window.__bench` helpers for the bench to call.
 */
export function installProbes() {
  const probe = {
    longTasks: [],
    firstItemSeen: undefined,
    firstItemPainted: undefined,
    /** Resolves after the frame that follows now has been painted. */
    afterPaint: () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))),
    /** Wall-clock ms with sub-ms precision, comparable between pages of one machine. */
    wallNow: () => performance.timeOrigin + performance.now(),
  };
  window.__bench = probe;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) probe.longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });

  const first = new MutationObserver(() => {
    if (probe.firstItemSeen !== undefined || !document.querySelector('[data-testid="note-item"]')) return;
    probe.firstItemSeen = performance.now();
    first.disconnect();
    void probe.afterPaint().then(() => {
      probe.firstItemPainted = performance.now();
    });
  });
  first.observe(document, { childList: true, subtree: true });

  // When each text of the count line ("N notes") first appeared: the list is
  // complete once it gives the number of notes stored.
  probe.countSeen = {};
  new MutationObserver(() => {
    const text = document.querySelector('[data-testid="note-count"]')?.textContent ?? '';
    if (text && probe.countSeen[text] === undefined) probe.countSeen[text] = performance.now();
  }).observe(document, { childList: true, subtree: true, characterData: true });

  /**
   * Resolves with { dom, painted } (ms) once `isDone()` holds: when the DOM
   * first satisfied it, and after the next frame was painted.
   */
  probe.when = (isDone) =>
    new Promise((resolve) => {
      const finish = () => {
        const dom = performance.now();
        void probe.afterPaint().then(() => resolve({ dom, painted: performance.now() }));
      };
      if (isDone()) return finish();
      const watch = new MutationObserver(() => {
        if (!isDone()) return;
        watch.disconnect();
        finish();
      });
      watch.observe(document, { childList: true, subtree: true, characterData: true, attributes: true });
    });

  // Keystrokes in the search box: the time of the first key event after arming.
  probe.keyAt = undefined;
  const onKey = (e) => {
    if (probe.keyAt === undefined && e.target instanceof HTMLInputElement && e.target.type === 'search') probe.keyAt = e.timeStamp;
  };
  for (const type of ['keydown', 'beforeinput', 'input']) document.addEventListener(type, onKey, true);

  /**
   * Arms the search measurement: resolves once the count line says
   * `expected` and (where the app marks it) the list answers the box's
   * current text, with the times from the key event.
   */
  probe.armSearch = (expected) => {
    probe.keyAt = undefined;
    const box = () => document.querySelector('input[type="search"]');
    const count = () => document.querySelector('[data-testid="note-count"]');
    probe.searchDone = probe
      .when(() => {
        const c = count();
        if (probe.keyAt === undefined || !c || c.textContent !== expected) return false;
        const answered = c.getAttribute('data-query');
        return answered === null || answered === box()?.value;
      })
      .then(({ dom, painted }) => ({ dom: dom - probe.keyAt, painted: painted - probe.keyAt }));
    return true;
  };

  /**
   * Arms the propagation measurement on a receiving device: resolves with
   * the wall-clock times a note row containing `text` was painted, and the
   * app's list last heard of changed notes before that.
   */
  probe.armRender = (text) => {
    const rows = () => document.querySelectorAll('[data-testid="note-item"]');
    // The app marks each time changed notes reach its list (src/ui/hooks/useNotes.ts).
    performance.clearMarks('p2pcloud:notes-changed');
    probe.renderDone = probe
      .when(() => [...rows()].some((row) => row.textContent?.includes(text)))
      .then(() => {
        const feed = performance.getEntriesByName('p2pcloud:notes-changed').at(-1)?.startTime;
        return { painted: probe.wallNow(), feed: feed === undefined ? NaN : performance.timeOrigin + feed };
      });
    return true;
  };

  /** Arms the sending device: resolves with the wall-clock time its editor says the note is saved. */
  probe.armSaved = () => {
    const state = () => document.querySelector('[data-testid="save-state"]');
    let sawSaving = false;
    probe.savedDone = new Promise((resolve) => {
      const watch = new MutationObserver(() => {
        const text = state()?.textContent ?? '';
        if (text.startsWith('Saving')) sawSaving = true;
        else if (sawSaving && text === 'Saved on this device') {
          watch.disconnect();
          resolve(probe.wallNow());
        }
      });
      watch.observe(document, { childList: true, subtree: true, characterData: true });
    });
    return true;
  };
}

/**
 * Runs in the page: scrolls the list of notes from top to bottom in `steps`
 * jumps, one per painted frame, and reports the longest frame and the long
 * tasks meanwhile, and the last row's text at the bottom.
 */
export async function scrollWholeList(steps) {
  const probe = window.__bench;
  const item = document.querySelector('[data-testid="note-item"]');
  let scroller = item?.parentElement ?? null;
  while (scroller && !(scroller.scrollHeight > scroller.clientHeight + 4 && /auto|scroll/.test(getComputedStyle(scroller).overflowY))) {
    scroller = scroller.parentElement;
  }
  scroller ??= document.scrollingElement;
  const from = performance.now();
  const total = scroller.scrollHeight - scroller.clientHeight;
  let last = from;
  let longestFrame = 0;
  for (let k = 1; k <= steps; k += 1) {
    scroller.scrollTop = (total * k) / steps;
    await probe.afterPaint();
    const now = performance.now();
    longestFrame = Math.max(longestFrame, now - last);
    last = now;
  }
  const tasks = probe.longTasks.filter((t) => t.start >= from);
  const rows = [...document.querySelectorAll('[data-testid="note-item"]')];
  const box = scroller.getBoundingClientRect();
  const visible = rows.filter((r) => r.getBoundingClientRect().top < box.bottom);
  return {
    ms: performance.now() - from,
    longestFrame,
    longTasks: tasks.length,
    longestTask: Math.max(0, ...tasks.map((t) => t.duration)),
    rowsInDom: rows.length,
    lastRow: visible.at(-1)?.textContent ?? '',
  };
}
