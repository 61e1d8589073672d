// The composers: send on Enter, and hint slash commands as you type.

function usage(command) {
  return `/${command.name}${command.options.map((o) => (o.required ? ` <${o.name}>` : ` [--${o.name}]`)).join('')}`;
}

/** Wires one composer form. `commands()` gives the commands to hint; `send(text)` sends. */
export function composer(form, commands, send) {
  const input = form.elements.text;
  const hints = form.querySelector('.hints');
  let active = 0;
  const matches = () => {
    const text = input.value;
    if (!text.startsWith('/') || text.includes(' ')) return [];
    return commands().filter((c) => `/${c.name}`.startsWith(text.toLowerCase()));
  };
  const draw = () => {
    const found = matches();
    active = Math.min(active, Math.max(0, found.length - 1));
    hints.replaceChildren(...found.map((c, i) => {
      const item = document.createElement('li');
      item.className = i === active ? 'active' : '';
      const code = document.createElement('span');
      code.className = 'usage';
      code.textContent = usage(c);
      const help = document.createElement('span');
      help.className = 'help';
      help.textContent = c.description;
      item.append(code, help);
      item.addEventListener('mousedown', (e) => {
        e.preventDefault();
        pick(c);
      });
      return item;
    }));
  };
  const pick = (c) => {
    input.value = `/${c.name}${c.options.length ? ' ' : ''}`;
    hints.replaceChildren();
    input.focus();
  };
  input.addEventListener('input', draw);
  input.addEventListener('keydown', (e) => {
    const found = matches();
    if (!found.length) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      active = (active + (e.key === 'ArrowDown' ? 1 : found.length - 1)) % found.length;
      draw();
    } else if (e.key === 'Tab' || (e.key === 'Enter' && found.length && input.value !== `/${found[active].name}`)) {
      e.preventDefault();
      pick(found[active]);
    } else if (e.key === 'Escape') hints.replaceChildren();
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    hints.replaceChildren();
    input.value = '';
    await send(text);
  });
}
