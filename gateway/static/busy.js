// Forms whose answer can take a while (checking the whole audit trail, counting a five-year
// report) say so on their button, which cannot then be pressed twice.
for (const form of document.querySelectorAll('form[data-busy]')) {
  form.addEventListener('submit', () => {
    form.setAttribute('aria-busy', 'true');
    for (const button of form.querySelectorAll('button[type=submit]')) {
      button.disabled = true;
      button.textContent = form.dataset.busy;
    }
  });
}
