// The product editor's small enhancements. Without JavaScript every part
// still works: the description is a plain textarea (blank lines make
// paragraphs), and "Update variant combinations" refreshes the SKU rows.
(function () {
  'use strict';

  // A rich-text description: bold, italic, underline and lists only (the
  // server keeps exactly these and removes anything else).
  document.querySelectorAll('textarea[data-rich]').forEach(function (area) {
    var box = document.createElement('div');
    box.className = 'rich';
    var bar = document.createElement('div');
    bar.className = 'rich-bar';
    [['bold', 'B'], ['italic', 'I'], ['underline', 'U'],
     ['insertUnorderedList', '•'], ['insertOrderedList', '1.']].forEach(function (b) {
      var button = document.createElement('button');
      button.type = 'button';
      button.textContent = b[1];
      button.setAttribute('data-command', b[0]);
      button.setAttribute('aria-label', b[0]);
      button.addEventListener('click', function () {
        edit.focus();
        document.execCommand(b[0], false, null);
        sync();
      });
      bar.appendChild(button);
    });
    var edit = document.createElement('div');
    edit.className = 'rich-text';
    edit.contentEditable = 'true';
    edit.setAttribute('role', 'textbox');
    edit.setAttribute('aria-multiline', 'true');
    edit.setAttribute('data-testid', 'description-editor');
    var value = area.value;
    edit.innerHTML = /<\/?(p|br|ul|ol|li|b|strong|i|em|u)\b/i.test(value)
      ? value
      : value.split(/\n\s*\n/).map(function (p) {
          var d = document.createElement('p');
          d.textContent = p;
          return d.outerHTML;
        }).join('');
    function sync() { area.value = edit.innerHTML; }
    edit.addEventListener('input', sync);
    box.appendChild(bar);
    box.appendChild(edit);
    area.hidden = true;
    area.parentNode.insertBefore(box, area);
    if (area.form) { area.form.addEventListener('submit', sync); }
  });

  // Choosing another category shows its attributes: refresh the form
  // (nothing is saved by a refresh).
  document.querySelectorAll('select[data-refresh]').forEach(function (select) {
    select.addEventListener('change', function () {
      var refresh = select.form && select.form.querySelector('button[value=refresh]');
      if (refresh) { refresh.click(); }
    });
  });
})();
