// Spreadsheet-like keys on the answer grid: arrows move between cells, Enter goes to the next student.
document.querySelectorAll("[data-grid]").forEach((table) => {
  table.addEventListener("keydown", (event) => {
    const input = event.target;
    if (input.tagName !== "INPUT") return;
    const cell = input.closest("td");
    const row = cell.parentElement;
    const column = Array.prototype.indexOf.call(row.children, cell);
    let target = null;
    if (event.key === "ArrowDown" || event.key === "Enter") target = row.nextElementSibling;
    else if (event.key === "ArrowUp") target = row.previousElementSibling;
    if (target) {
      const next = target.children[column] && target.children[column].querySelector("input");
      if (next) { event.preventDefault(); next.focus(); next.select(); }
      return;
    }
    if (event.key === "Enter") { event.preventDefault(); return; }
    const inputs = Array.from(row.querySelectorAll("input"));
    const index = inputs.indexOf(input);
    if (event.key === "ArrowRight" && index < inputs.length - 1 && input.selectionStart === input.value.length) {
      event.preventDefault(); inputs[index + 1].focus(); inputs[index + 1].select();
    } else if (event.key === "ArrowLeft" && index > 0 && input.selectionStart === 0) {
      event.preventDefault(); inputs[index - 1].focus(); inputs[index - 1].select();
    }
  });
});
