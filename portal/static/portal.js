// Review keys: Tab walks the doubtful fields only (others are tabindex=-1), Enter in a field
// saves it (unchanged = accept), X outside a field rejects the page (a reason is asked).
document.addEventListener("keydown", (e) => {
  const t = e.target;
  if (e.key.toLowerCase() === "x" && !(t instanceof HTMLInputElement) && document.getElementById("reject-form")) {
    const why = window.prompt("Lý do trả lại trang / Why is the page rejected?");
    if (why) {
      document.getElementById("reject-why").value = why;
      document.getElementById("reject-form").submit();
    }
    e.preventDefault();
  }
});
// C outside a field confirms a record checked as a whole (an audit sample): its fields first.
document.addEventListener("keydown", (e) => {
  const form = document.getElementById("confirm-form");
  if (e.key.toLowerCase() === "c" && !(e.target instanceof HTMLInputElement) && form) {
    form.submit();
    e.preventDefault();
  }
});
document.querySelectorAll(".crop").forEach((img) => img.addEventListener("click", () => img.classList.toggle("zoomed")));
const first = document.querySelector("input[data-doubtful]");
if (first) first.focus();
