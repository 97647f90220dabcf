(function () {
  var path = location.pathname.replace(/\/+$/, '');
  var plan;
  if (path === '/inbjudan') {
    // The link is redeemed only when the button is pressed, never on load
    // (a mail scanner that runs scripts must not use it up). The button is
    // here at once; the app replaces it when it has loaded.
    var token = location.hash.slice(1);
    var offer = document.getElementById('first-view');
    if (!token || !offer) return;
    offer.innerHTML = '<h1>Inbjudan till en plan</h1><p>Du har fått en inbjudan till en plan.</p>' +
      '<p>Tryck på knappen för att öppna planen.</p>' +
      '<button type="button" class="primary big">Öppna planen</button>';
    plan = new Promise(function (pressed) {
      offer.querySelector('button').addEventListener('click', function () {
        history.replaceState(null, '', path);
        offer.innerHTML = '<p role="status">Öppnar inbjudan …</p>';
        window.samplanInvitation = fetch('/api/invitations/redeem', {
          method: 'POST', credentials: 'same-origin',
          headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token: token })
        }).then(function (response) {
          return response.json().catch(function () { return null; })
            .then(function (body) { return { status: response.status, body: body }; });
        }, function () { return { status: 0, body: null }; });
        pressed(window.samplanInvitation.then(function (answer) {
          return answer.status === 200 && answer.body && answer.body.role === 'person' ? answer.body.document_id : null;
        }));
      }, { once: true });
    });
  } else if (path.indexOf('/min-plan/') === 0 && !(navigator.serviceWorker && navigator.serviceWorker.controller)) {
    plan = Promise.resolve(path.slice('/min-plan/'.length));
  } else {
    return;
  }
  plan.then(function (id) {
    return id ? fetch('/api/plans/' + encodeURIComponent(id) + '/first-view', { credentials: 'same-origin' }) : null;
  }).then(function (response) {
    return response && response.ok ? response.text() : null;
  }).then(function (html) {
    var view = document.getElementById('first-view');
    if (!html || !view || performance.getEntriesByName('samplan:plan-shown').length) return;
    view.innerHTML = html;
    performance.mark('samplan:plan-readable');
  }).catch(function () {});
})();
