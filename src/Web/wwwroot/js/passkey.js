// Passkeys (WebAuthn) at the second step of signing in. A form marked data-passkey="create" (enrolment) or "get"
// (signing in) carries the server's options as JSON (its challenge is kept server-side and used once); the button asks
// the browser's authenticator, puts its answer as JSON in the hidden field and posts the form. The server checks all of
// it. Without JavaScript or WebAuthn the section stays hidden and the page offers the code from an app instead.
(function () {
  "use strict";
  var forms = document.querySelectorAll("form[data-passkey]");
  if (!forms.length || !window.PublicKeyCredential || !navigator.credentials) return;

  function toBytes(base64url) {
    var base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) base64 += "=";
    var text = atob(base64);
    var bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return bytes.buffer;
  }

  function toBase64Url(buffer) {
    if (!buffer) return null;
    var bytes = new Uint8Array(buffer);
    var text = "";
    for (var i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  // The browser refuses null where it expects a value or nothing: leave such members out.
  function withoutNulls(value) {
    if (Array.isArray(value)) return value.map(withoutNulls);
    if (value && typeof value === "object") {
      var copy = {};
      Object.keys(value).forEach(function (key) { if (value[key] !== null) copy[key] = withoutNulls(value[key]); });
      return copy;
    }
    return value;
  }

  function descriptors(list) {
    return (list || []).map(function (item) { item.id = toBytes(item.id); return item; });
  }

  function createOptions(options) {
    options.challenge = toBytes(options.challenge);
    options.user.id = toBytes(options.user.id);
    options.excludeCredentials = descriptors(options.excludeCredentials);
    return { publicKey: options };
  }

  function getOptions(options) {
    options.challenge = toBytes(options.challenge);
    options.allowCredentials = descriptors(options.allowCredentials);
    return { publicKey: options };
  }

  function answerOf(credential) {
    var response = credential.response;
    var answer = {
      id: credential.id,
      rawId: toBase64Url(credential.rawId),
      type: credential.type,
      clientExtensionResults: credential.getClientExtensionResults ? credential.getClientExtensionResults() : {},
      response: { clientDataJSON: toBase64Url(response.clientDataJSON) }
    };
    if (response.attestationObject) {
      answer.response.attestationObject = toBase64Url(response.attestationObject);
      answer.response.transports = response.getTransports ? response.getTransports() : [];
    } else {
      answer.response.authenticatorData = toBase64Url(response.authenticatorData);
      answer.response.signature = toBase64Url(response.signature);
      answer.response.userHandle = toBase64Url(response.userHandle);
    }
    return answer;
  }

  Array.prototype.forEach.call(forms, function (form) {
    var section = form.closest("[data-passkey-section]") || form;
    section.hidden = false;
    var button = form.querySelector("[data-passkey-start]");
    var status = form.querySelector("[data-passkey-status]");
    button.addEventListener("click", function () {
      var options = withoutNulls(JSON.parse(form.getAttribute("data-passkey-options")));
      var create = form.getAttribute("data-passkey") === "create";
      button.disabled = true;
      if (status) status.textContent = "Volg de aanwijzingen van uw browser of apparaat.";
      var asked = create ? navigator.credentials.create(createOptions(options)) : navigator.credentials.get(getOptions(options));
      asked.then(function (credential) {
        form.querySelector("input[name='PasskeyAnswer']").value = JSON.stringify(answerOf(credential));
        form.submit();
      }).catch(function () {
        button.disabled = false;
        if (status) status.textContent = "Dat is niet gelukt of u hebt het afgebroken. Probeer het opnieuw, of gebruik de code uit uw app.";
      });
    });
  });
})();
