(function () {
  var path = location.pathname.replace(/\/+$/, '');
  var plan;
  if (path === '/inbjudan') {
    var token = location.hash.slice(1);
    if (!token) return;
    history.replaceState(null, '', path);
    window.samplanInvitation = fetch('/api/invitations/redeem', {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token: token })
    }).then(function (response) {
      return response.json().catch(function () { return null; })
        .then(function (body) { return { status: response.status, body: body }; });
    }, function () { return { status: 0, body: null }; });
    plan = window.samplanInvitation.then(function (answer) {
      return answer.status === 200 && answer.body && answer.body.role === 'person' ? answer.body.document_id : null;
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
