// Copy buttons: data-copy names the element whose text to copy.
document.addEventListener('click', event => {
  const button = event.target.closest('button.copy');
  if (!button) return;
  const text = document.getElementById(button.dataset.copy).textContent;
  navigator.clipboard.writeText(text).then(() => { button.textContent = 'Copied'; });
});

// The rule form shows the fields of the chosen kind only.
const kind = document.getElementById('kind');
if (kind) {
  const show = () => document.querySelectorAll('[data-kind]').forEach(part => { part.hidden = part.dataset.kind !== kind.value; });
  kind.addEventListener('change', show);
  show();
}
