// A refused form: the summary of what to correct is read first, wherever it is on the page (the
// top of a form, or the reply box of one post on the board); its links lead to the fields.
(function () {
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.scrollIntoView({ block: "center" });
    summary.focus({ preventScroll: true });
  }
})();
