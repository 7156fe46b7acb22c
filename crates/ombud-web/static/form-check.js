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
