// Reveal one blurred image at a moderator's explicit request (keyboard and pointer alike).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-reveal]");
  if (!button) return;
  const image = button.parentElement.querySelector("img.blurred");
  if (!image) return;
  const shown = image.classList.toggle("revealed");
  button.setAttribute("aria-pressed", shown ? "true" : "false");
});
