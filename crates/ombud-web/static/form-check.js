// Checks a register form while it is filled in. After a field is changed or left, the form is sent to
// the server's check (`data-check` on the form; nothing is saved), and the problems a save would
// refuse are shown beside the fields the person has touched, in the same words as on saving; what the
// record would still lack in the register is listed in the form's gaps panel. Without JavaScript the
// form works the same and is checked when it is saved.
(function () {
  'use strict';

  function describedBy(el, id, on) {
    var ids = (el.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
    ids = ids.filter(function (x) { return x !== id; });
    if (on) ids.push(id);
    if (ids.length) el.setAttribute('aria-describedby', ids.join(' '));
    else el.removeAttribute('aria-describedby');
  }

  // Shows (or, with no message, removes) the message beside an input or a group of inputs, the way
  // the server draws it: after the hint, tied to the input by aria-describedby.
  function setError(el, message) {
    var errId = el.id + '-error';
    var p = document.getElementById(errId);
    var group = el.tagName === 'FIELDSET';
    var holder = group ? el : (el.closest('.field') || el.parentNode);
    if (message) {
      if (!p) {
        p = document.createElement('p');
        p.className = 'error-text';
        p.id = errId;
        var before = group ? el.querySelector('.checks') : el;
        (before ? before.parentNode : el).insertBefore(p, before);
      }
      p.textContent = message;
      if (!group) el.setAttribute('aria-invalid', 'true');
      holder.classList.add('invalid');
      describedBy(el, errId, true);
    } else {
      if (p) p.remove();
      el.removeAttribute('aria-invalid');
      holder.classList.remove('invalid');
      describedBy(el, errId, false);
    }
  }

  function showGaps(panel, gaps) {
    panel.textContent = '';
    var lead = document.createElement('p');
    lead.textContent = gaps.length ? panel.dataset.heading : panel.dataset.none;
    panel.appendChild(lead);
    if (gaps.length) {
      var list = document.createElement('ul');
      list.className = 'gaps';
      gaps.forEach(function (g) {
        var li = document.createElement('li');
        li.textContent = g;
        list.appendChild(li);
      });
      panel.appendChild(list);
    }
    panel.hidden = false;
  }

  function watch(form) {
    var touched = new Set();
    var timer = null;
    var asked = 0;
    var panel = form.querySelector('[data-check-gaps]');

    // The id a message about this input is shown at: the input's own, or its group's.
    function fieldOf(el) {
      var group = el.closest('fieldset.group[id]');
      return group ? group.id : el.id;
    }

    function shown() {
      return Array.prototype.map.call(
        form.querySelectorAll('[aria-invalid="true"][id], fieldset.group.invalid[id]'),
        function (el) { return el.id; });
    }

    function run() {
      var mine = ++asked;
      fetch(form.dataset.check, {
        method: 'POST',
        body: new URLSearchParams(new FormData(form)),
        credentials: 'same-origin',
        headers: { Accept: 'application/json' },
      })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (res) {
          // Only the answer to the latest question counts.
          if (!res || mine !== asked) return;
          var messages = {};
          res.fields.forEach(function (f) { messages[f.id] = f.message; });
          var visible = new Set(shown());
          var ids = new Set(Array.from(visible).concat(Object.keys(messages)));
          ids.forEach(function (id) {
            var el = document.getElementById(id);
            if (!el || !form.contains(el)) return;
            var message = messages[id];
            // A field not yet touched is not scolded; one already showing a message is kept current.
            if (message && !touched.has(id) && !visible.has(id)) return;
            setError(el, message || null);
          });
          if (panel) showGaps(panel, res.gaps);
        })
        .catch(function () { /* the save checks everything again */ });
    }

    function later() {
      clearTimeout(timer);
      timer = setTimeout(run, 300);
    }

    form.addEventListener('change', function (e) {
      if (!e.target.id) return;
      touched.add(fieldOf(e.target));
      later();
    });
    form.addEventListener('focusout', function (e) {
      if (!e.target.id || !/^(INPUT|TEXTAREA|SELECT)$/.test(e.target.tagName)) return;
      touched.add(fieldOf(e.target));
      later();
    });
    // A field that shows a problem is checked again as it is typed in, so that the message goes as
    // soon as the problem does.
    form.addEventListener('input', function (e) {
      if (e.target.getAttribute('aria-invalid') === 'true') later();
    });
  }

  document.querySelectorAll('form[data-check]').forEach(watch);
}());

// After a refused save the page opens on its error summary: the title says so first ("Fel:"), and the
// focus moves to the summary, so that a screen reader reads what to correct before anything else.
(function () {
  'use strict';
  var summary = document.getElementById('error-summary');
  if (!summary) return;
  var prefix = document.documentElement.lang === 'en' ? 'Error: ' : 'Fel: ';
  if (document.title.indexOf(prefix) !== 0) document.title = prefix + document.title;
  summary.setAttribute('tabindex', '-1');
  summary.focus();
}());

// A register form shows the parts that apply: a field declared to depend on another (the art. 9.2
// exemption on special categories, the art. 30.2 section on the processor role) is hidden while the
// other has no value, and shown as soon as it has. Without JavaScript every part is shown.
(function () {
  'use strict';
  var form = document.getElementById('record-form');
  if (!form) return;
  var dependents = form.parentNode.querySelectorAll('[data-when]');
  if (!dependents.length) return;

  function holds(name, value) {
    var inputs = form.querySelectorAll('[name="' + name + '"]');
    for (var i = 0; i < inputs.length; i++) {
      var el = inputs[i];
      if (el.type === 'checkbox' || el.type === 'radio') {
        if (el.checked && (value === '' || el.value === value)) return true;
      } else if (value === '' ? el.value.trim() !== '' : el.value === value) {
        return true;
      }
    }
    return false;
  }

  function update() {
    dependents.forEach(function (el) {
      var show = holds(el.getAttribute('data-when'), el.getAttribute('data-when-value'));
      // A part with something in it stays visible: nothing typed is ever hidden.
      if (!show) {
        el.querySelectorAll('input, textarea, select').forEach(function (i) {
          if ((i.type === 'checkbox' || i.type === 'radio') ? (i.checked && i.type === 'checkbox') : (i.value || '').trim() !== '') show = true;
        });
      }
      el.hidden = !show;
    });
  }

  form.addEventListener('change', update);
  update();
}());

// Rows (a processing activity's third-country transfers) are added where they are written: the last
// blank row is copied with the next number, without a save.
(function () {
  'use strict';
  var form = document.getElementById('record-form');
  if (!form) return;
  var lang = document.documentElement.lang === 'en' ? 'en' : 'sv';
  form.querySelectorAll('fieldset.rows').forEach(function (rows) {
    var button = document.createElement('button');
    button.type = 'button';
    button.textContent = lang === 'en' ? 'Add a row' : 'Lägg till en rad';
    button.addEventListener('click', function () {
      var all = rows.querySelectorAll(':scope > fieldset.row');
      var last = all[all.length - 1];
      if (!last || all.length >= 110) return;
      var n = all.length;
      var copy = last.cloneNode(true);
      copy.querySelectorAll('[name]').forEach(function (el) {
        el.name = el.name.replace(/\.(\d+)\./, '.' + n + '.');
      });
      copy.querySelectorAll('[id]').forEach(function (el) {
        el.id = el.id.replace(/-(\d+)-/, '-' + n + '-');
      });
      copy.querySelectorAll('[for]').forEach(function (el) {
        el.htmlFor = el.htmlFor.replace(/-(\d+)-/, '-' + n + '-');
      });
      copy.querySelectorAll('[aria-describedby]').forEach(function (el) {
        el.setAttribute('aria-describedby', el.getAttribute('aria-describedby').replace(/-(\d+)-/g, '-' + n + '-'));
      });
      copy.querySelectorAll('input, textarea, select').forEach(function (el) {
        if (el.type === 'checkbox' || el.type === 'radio') el.checked = false;
        else el.value = '';
        el.removeAttribute('aria-invalid');
      });
      copy.querySelectorAll('.error-text').forEach(function (el) { el.remove(); });
      var legend = copy.querySelector('legend');
      if (legend) legend.textContent = legend.textContent.replace(/\d+\s*$/, String(n + 1));
      last.after(copy);
      var first = copy.querySelector('input, textarea, select');
      if (first) first.focus();
    });
    rows.appendChild(button);
  });
}());

// A list of records to link to is filtered as one types, so that a long one is searchable.
(function () {
  'use strict';
  var lang = document.documentElement.lang === 'en' ? 'en' : 'sv';
  document.querySelectorAll('#record-form fieldset.group').forEach(function (group, i) {
    var boxes = group.querySelectorAll('.checks > .check');
    if (boxes.length < 8) return;
    var id = 'filter-' + (group.id || i);
    var label = document.createElement('label');
    label.htmlFor = id;
    label.textContent = lang === 'en' ? 'Filter the list' : 'Sök i listan';
    var input = document.createElement('input');
    input.type = 'search';
    input.id = id;
    input.addEventListener('input', function () {
      var q = input.value.trim().toLowerCase();
      boxes.forEach(function (b) {
        var text = b.textContent.toLowerCase();
        var ticked = b.querySelector('input').checked;
        b.hidden = q !== '' && text.indexOf(q) < 0 && !ticked;
      });
    });
    var wrap = document.createElement('div');
    wrap.className = 'field';
    wrap.appendChild(label);
    wrap.appendChild(input);
    group.insertBefore(wrap, group.querySelector('.checks'));
  });
}());
