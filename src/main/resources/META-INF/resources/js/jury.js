// Jury's small client script: CSRF header for htmx, nothing else global. Pages work without it.
(function () {
  'use strict';
  document.addEventListener('htmx:configRequest', function (event) {
    var header = document.querySelector('meta[name="csrf-header"]');
    var token = document.querySelector('meta[name="csrf-token"]');
    if (header && token && token.content) {
      event.detail.headers[header.content] = token.content;
    }
  });
})();
