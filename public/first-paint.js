// Paints the newest notes remembered by the last visit (the rows that
// src/ui/pages/notes/notesHead.ts saves) while the app's JavaScript is
// still loading: the first notes on screen wait for no bundle (issue #6).
// The markup mirrors AppShell, NotesPage and NoteList (56 px rows); it
// is inert, and React replaces all of #root on its first render.
(function () {
  try {
    var route = location.hash.replace(/^#\/?/, '');
    var rows = JSON.parse(localStorage.getItem('p2pcloud-notes-head') || 'null');
    if ((route !== '' && route !== 'notes') || !Array.isArray(rows) || rows.length === 0) return;
    var el = function (parent, tag, className, text) {
      var node = document.createElement(tag);
      if (className) node.className = className;
      if (text) node.textContent = text;
      if (parent) parent.appendChild(node);
      return node;
    };
    var app = el(null, 'div', 'app');
    app.inert = true;
    var header = el(app, 'header', 'app-header');
    el(header, 'span', 'brand', 'p2pcloud');
    var nav = el(header, 'nav');
    nav.setAttribute('aria-label', 'Pages');
    ['Notes', 'Files', 'Conflicts', 'Peers', 'Settings'].forEach(function (label) {
      el(nav, 'a', '', label).href = '#/' + label.toLowerCase();
    });
    var side = el(el(el(app, 'main'), 'div', 'notes-page'), 'aside', 'notes-side');
    var tools = el(side, 'div', 'notes-tools');
    el(tools, 'input').placeholder = 'Search notes';
    el(tools, 'button', 'primary', 'New note');
    var list = el(el(side, 'div', 'note-scroller'), 'ul', 'note-list');
    list.style.height = rows.length * 56 + 'px';
    rows.forEach(function (row, i) {
      if (!row || typeof row.title !== 'string') return;
      var li = el(list, 'li');
      li.style.top = i * 56 + 'px';
      li.style.height = '56px';
      var item = el(li, 'button', 'note-item');
      item.setAttribute('data-testid', 'note-item');
      el(item, 'span', 'note-title', row.title || 'Untitled');
      var meta = el(item, 'span', 'note-meta');
      if (row.hasConflicts) el(meta, 'span', 'badge conflict', 'conflict');
      if (row.isDeletedElsewhere) el(meta, 'span', 'badge conflict', 'deleted on another device');
      // Formatted when saved: formatting here would load the locale data first.
      if (typeof row.shownAt === 'string') meta.appendChild(document.createTextNode(row.shownAt));
    });
    el(side, 'p', 'count', 'Reading notes…');
    document.getElementById('root').appendChild(app);
  } catch {
    // Nothing remembered, or unreadable: the app paints the list itself.
  }
})();
