// Copy buttons: data-copy names the element whose text to copy.
document.addEventListener('click', event => {
  const button = event.target.closest('button.copy');
  if (!button) return;
  const text = document.getElementById(button.dataset.copy).textContent;
  navigator.clipboard.writeText(text).then(() => { button.textContent = 'Copied'; });
});
