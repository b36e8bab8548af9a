// The review page's keyboard and swap handling (loaded only by templates/ReviewResource/review.html).
// The page works without it: every action is a plain form post or link.
//   1…9 pick a level · Enter submits (outside the rationale) · Ctrl/Cmd+Enter submits from the rationale ·
//   Shift+Enter is a new line · s skips · b goes back · ? shows the keys.
(function () {
  'use strict';

  function item() {
    return document.getElementById('item');
  }

  function isTyping(target) {
    if (!target || !target.tagName) {
      return false;
    }
    var tag = target.tagName.toLowerCase();
    if (tag === 'textarea' || tag === 'select' || target.isContentEditable) {
      return true;
    }
    return tag === 'input' && !/^(radio|checkbox|button|submit|reset|hidden)$/i.test(target.type || 'text');
  }

  function submitForm(form) {
    if (!form) {
      return;
    }
    if (typeof form.requestSubmit === 'function') {
      form.requestSubmit();
    } else {
      form.submit();
    }
  }

  /** After a swap: the first invalid field, else the chosen level, else the first level gets the focus. */
  function focusItem() {
    var region = item();
    if (!region) {
      return;
    }
    var target = region.querySelector('[aria-invalid="true"]:not([type="radio"])')
      || region.querySelector('.level-radio:checked')
      || region.querySelector('.level-radio')
      || region.querySelector('#back-link');
    if (target) {
      target.focus({ preventScroll: false });
    }
    localiseTimes(region);
  }

  /** "held for you until 14:32 UTC" becomes the reader's local time. */
  function localiseTimes(root) {
    var times = root.querySelectorAll('time[data-local-time]');
    for (var i = 0; i < times.length; i++) {
      var when = new Date(times[i].getAttribute('datetime'));
      if (!isNaN(when.getTime())) {
        times[i].textContent = when.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
        times[i].title = times[i].getAttribute('datetime');
      }
    }
  }

  function toggleHelp() {
    var dialog = document.getElementById('keys-help');
    if (!dialog || typeof dialog.showModal !== 'function') {
      return;
    }
    if (dialog.open) {
      dialog.close();
    } else {
      dialog.showModal();
    }
  }

  document.addEventListener('keydown', function (event) {
    var dialog = document.getElementById('keys-help');
    if (dialog && dialog.open) {
      if (event.key === '?') {
        event.preventDefault();
        dialog.close();
      }
      return; // Escape and the dialog's own button close it
    }
    var region = item();
    if (!region) {
      return;
    }
    var form = document.getElementById('label-form');
    var target = event.target;
    var command = event.ctrlKey || event.metaKey;

    if (event.key === 'Enter' && command && form && form.contains(target)) {
      event.preventDefault();
      submitForm(form);
      return;
    }
    if (isTyping(target)) {
      return; // typing: every other key belongs to the text
    }
    if (event.altKey || command) {
      return;
    }
    if (event.key === 'Enter') {
      var tag = target && target.tagName ? target.tagName.toLowerCase() : '';
      if (tag === 'button' || tag === 'a' || tag === 'summary') {
        return; // Enter activates what has the focus
      }
      if (form) {
        event.preventDefault();
        submitForm(form);
      }
      return;
    }
    if (/^[1-9]$/.test(event.key)) {
      var radio = region.querySelector('.level-radio[data-key="' + event.key + '"]');
      if (radio) {
        event.preventDefault();
        radio.checked = true;
        radio.focus();
      }
      return;
    }
    if (event.key === 's' || event.key === 'S') {
      var skip = document.getElementById('skip-form');
      if (skip) {
        event.preventDefault();
        submitForm(skip);
      }
      return;
    }
    if (event.key === 'b' || event.key === 'B') {
      var back = document.getElementById('back-link');
      if (back) {
        event.preventDefault();
        back.click();
      }
      return;
    }
    if (event.key === '?') {
      event.preventDefault();
      toggleHelp();
    }
  });

  // Validation errors (422) and conflicts (409) come back as the item region with the typed text kept: show them.
  var swappingItem = false;
  document.addEventListener('htmx:beforeSwap', function (event) {
    var target = event.detail.target;
    if (!target || target.id !== 'item') {
      return;
    }
    var status = event.detail.xhr.status;
    if (status === 422 || status === 409) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
    swappingItem = event.detail.shouldSwap;
  });

  document.addEventListener('htmx:afterSettle', function () {
    if (swappingItem) {
      swappingItem = false;
      restoreDraft();
      focusItem();
    }
  });

  // A label not yet sent survives a reload, a lost connection or a round through the sign-in page: the level picked
  // (or, on a per-chunk item, the chunks ticked) and the rationale typed are kept in this tab's sessionStorage, per
  // lease, until the server has taken the submit. Only the live item's form keeps a draft (an edit starts from the
  // stored label). Values are set as properties, never parsed as markup.
  var DRAFT_PREFIX = 'jury.review.draft.';

  function liveForm() {
    var form = document.getElementById('label-form');
    if (!form || !form.querySelector('input[name="token"]')) {
      return null;
    }
    return form;
  }

  function draftKey(form) {
    var lease = form.querySelector('input[name="lease"]');
    return lease ? DRAFT_PREFIX + lease.value : null;
  }

  function checkedLevel(form) {
    var checked = form.querySelector('input[name="value"]:checked');
    return checked ? checked.value : '';
  }

  function tickedChunks(form) {
    var ticked = form.querySelectorAll('input[name="relevant"]:checked');
    var values = [];
    for (var i = 0; i < ticked.length; i++) {
      values.push(ticked[i].value);
    }
    return values;
  }

  function saveDraft() {
    var form = liveForm();
    var key = form && draftKey(form);
    if (!key) {
      return;
    }
    var rationale = form.querySelector('textarea[name="rationale"]');
    var draft = { value: checkedLevel(form), relevant: tickedChunks(form), rationale: rationale ? rationale.value : '' };
    try {
      if (draft.value || draft.relevant.length || draft.rationale) {
        window.sessionStorage.setItem(key, JSON.stringify(draft));
      } else {
        window.sessionStorage.removeItem(key);
      }
    } catch (e) {
      // storage full or disabled: the page works as before, without drafts
    }
  }

  function restoreDraft() {
    var form = liveForm();
    var key = form && draftKey(form);
    var rationale = form && form.querySelector('textarea[name="rationale"]');
    if (!key || checkedLevel(form) || tickedChunks(form).length || (rationale && rationale.value)) {
      return; // nothing to restore into: the server already shows what was typed (422/409)
    }
    var draft;
    try {
      draft = JSON.parse(window.sessionStorage.getItem(key) || 'null');
    } catch (e) {
      return;
    }
    if (!draft) {
      return;
    }
    var radios = form.querySelectorAll('input[name="value"]');
    for (var i = 0; i < radios.length; i++) {
      radios[i].checked = radios[i].value === draft.value;
    }
    var relevant = Array.isArray(draft.relevant) ? draft.relevant : [];
    var chunks = form.querySelectorAll('input[name="relevant"]');
    for (var j = 0; j < chunks.length; j++) {
      chunks[j].checked = relevant.indexOf(chunks[j].value) >= 0;
    }
    if (rationale && typeof draft.rationale === 'string') {
      rationale.value = draft.rationale;
    }
    var note = document.createElement('p');
    note.className = 'help draft-restored';
    note.setAttribute('role', 'status');
    note.textContent = 'Restored the label you had not sent yet.';
    form.insertBefore(note, form.firstChild);
  }

  // typing fires 'input'; picking a level fires 'change' (and 'input' only in some browsers)
  function saveDraftOnEdit(event) {
    if (event.target && event.target.form && event.target.form.id === 'label-form') {
      saveDraft();
    }
  }
  document.addEventListener('input', saveDraftOnEdit);
  document.addEventListener('change', saveDraftOnEdit);

  // The draft goes once the server has stored the label (it answers with the next item).
  document.addEventListener('htmx:afterRequest', function (event) {
    var form = event.detail.elt;
    if (form && form.id === 'label-form' && event.detail.successful && event.detail.xhr.status === 200) {
      var key = draftKey(form);
      try {
        if (key) {
          window.sessionStorage.removeItem(key);
        }
      } catch (e) {
        // nothing kept, nothing to remove
      }
    }
  });

  document.addEventListener('DOMContentLoaded', function () {
    var button = document.getElementById('keys-button');
    if (button) {
      button.hidden = false;
      button.addEventListener('click', toggleHelp);
    }
    restoreDraft();
    focusItem();
  });
})();
