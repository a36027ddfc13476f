/**
 * The console's styles. Adopted as a constructable stylesheet, so a page
 * with a strict Content-Security-Policy (no `'unsafe-inline'`) shows it as
 * designed. Theme through `--tk-*` custom properties; `theme="dark"` or the
 * system's dark preference switch the palette.
 */
const CSS = `
:host{--tk-bg:#fff;--tk-surface:#f4f5f7;--tk-text:#1c1e21;--tk-muted:#535a64;--tk-border:#d0d4da;--tk-accent:#1f5fbf;--tk-on-accent:#fff;--tk-note-bg:#fff4d6;--tk-note-border:#c98a00;--tk-note-label:#6e4400;--tk-event:#535a64;--tk-danger:#b3261e;--tk-warn:#8a5300;--tk-ok:#1e6b34;--tk-focus:#1f5fbf;--tk-font:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
display:block;min-width:1024px;height:100%;min-height:560px;font:14px/1.45 var(--tk-font);color:var(--tk-text);background:var(--tk-bg);color-scheme:light}
:host([theme=dark]){--tk-bg:#15171a;--tk-surface:#1f2227;--tk-text:#e8eaed;--tk-muted:#aab0b9;--tk-border:#3a3f46;--tk-accent:#8ab4f8;--tk-on-accent:#0d1117;--tk-note-bg:#3a2f12;--tk-note-border:#c99a2e;--tk-note-label:#f6c453;--tk-event:#aab0b9;--tk-danger:#ff8a80;--tk-warn:#f6c453;--tk-ok:#81c995;--tk-focus:#8ab4f8;color-scheme:dark}
*{box-sizing:border-box}
.app{display:grid;grid-template-columns:190px minmax(300px,360px) 1fr;grid-template-rows:auto 1fr;height:100%}
header.top{grid-column:1/-1;display:flex;align-items:center;gap:12px;padding:8px 14px;border-bottom:1px solid var(--tk-border);background:var(--tk-surface)}
header.top h1{font-size:15px;margin:0 auto 0 0}
nav,.list,.detail{overflow:auto;min-height:0}
nav{border-right:1px solid var(--tk-border);padding:10px 8px;background:var(--tk-surface)}
nav ul,.list ul,.thread{list-style:none;margin:0;padding:0}
nav button{display:flex;justify-content:space-between;width:100%;padding:7px 10px;border-radius:6px;border:0;background:none;color:inherit;font:inherit;text-align:left;cursor:pointer}
nav button[aria-current=true]{background:var(--tk-accent);color:var(--tk-on-accent);font-weight:600}
nav h2.group{font-size:12px;font-weight:600;color:var(--tk-muted);margin:16px 10px 4px}
nav button[aria-pressed=true]{background:var(--tk-bg);box-shadow:inset 3px 0 var(--tk-accent);font-weight:600}
.count{font-variant-numeric:tabular-nums}
.list{border-right:1px solid var(--tk-border)}
.list form{display:flex;gap:6px;padding:10px;border-bottom:1px solid var(--tk-border)}
.list input{flex:1}
.row{display:block;width:100%;text-align:left;border:0;border-bottom:1px solid var(--tk-border);background:none;color:inherit;font:inherit;padding:9px 12px;cursor:pointer}
.row[aria-current=true]{background:var(--tk-surface);box-shadow:inset 3px 0 var(--tk-accent)}
.row .subject{display:block;font-weight:600;margin:2px 0}
.meta{display:flex;flex-wrap:wrap;gap:6px;align-items:center;color:var(--tk-muted);font-size:12.5px}
.badge{display:inline-block;padding:1px 7px;border-radius:10px;border:1px solid currentColor;font-size:12px;font-weight:600;white-space:nowrap}
.tone-danger{color:var(--tk-danger)}.tone-warn{color:var(--tk-warn)}.tone-ok{color:var(--tk-ok)}.tone-muted{color:var(--tk-muted)}
.pager{display:flex;justify-content:space-between;padding:8px 10px}
.empty{padding:24px;color:var(--tk-muted)}
.detail{padding:16px 20px;display:flex;flex-direction:column;gap:14px}
.detail h2{margin:0;font-size:18px}
dl.facts{display:grid;grid-template-columns:max-content 1fr max-content 1fr;gap:4px 14px;margin:0;font-size:13px}
dl.facts dt{color:var(--tk-muted)}dl.facts dd{margin:0}
.actions{display:flex;flex-wrap:wrap;gap:8px;align-items:center}
button.btn,select,input,textarea{font:inherit;color:inherit;background:var(--tk-bg);border:1px solid var(--tk-border);border-radius:6px;padding:6px 10px}
button.btn{cursor:pointer;background:var(--tk-surface)}
button.primary{background:var(--tk-accent);color:var(--tk-on-accent);border-color:var(--tk-accent);font-weight:600}
button:disabled{opacity:.6;cursor:not-allowed}
:focus-visible{outline:2px solid var(--tk-focus);outline-offset:2px}
.actions label.inline{display:flex;align-items:center;gap:6px;color:var(--tk-muted);font-size:13px}
.rule{color:var(--tk-muted);font-size:13px}
.panel{border:1px solid var(--tk-border);border-radius:8px;padding:12px;display:flex;flex-direction:column;gap:8px;background:var(--tk-surface)}
.panel label{display:flex;flex-direction:column;gap:4px;font-weight:600;font-size:13px}
.thread{display:flex;flex-direction:column;gap:10px}
.entry{border:1px solid var(--tk-border);border-radius:8px;padding:10px 12px}
.entry header{display:flex;gap:8px;align-items:baseline;font-size:12.5px;color:var(--tk-muted);margin-bottom:4px}
.entry header strong{color:var(--tk-text)}
.entry p{margin:0;white-space:pre-wrap;overflow-wrap:anywhere}
.entry.message{border-left:4px solid var(--tk-muted)}
.entry.reply{border-left:4px solid var(--tk-accent)}
.entry.note{background:var(--tk-note-bg);border:1px dashed var(--tk-note-border);border-left:4px solid var(--tk-note-border)}
.composer p.note-label{margin:0}
.note-label{color:var(--tk-note-label);font-weight:700;text-transform:none}
.entry.event{border:0;padding:0 12px;color:var(--tk-event);font-size:13px}
.entry.event p{display:inline}
.composer textarea{min-height:110px;resize:vertical;width:100%}
.composer.note textarea{background:var(--tk-note-bg);border-color:var(--tk-note-border)}
.tabs{display:flex;gap:6px}
.tabs button[aria-pressed=true],header.top button[aria-pressed=true]{background:var(--tk-accent);color:var(--tk-on-accent);border-color:var(--tk-accent)}
.notice{border:1px solid var(--tk-warn);color:var(--tk-text);background:var(--tk-surface);border-left:4px solid var(--tk-warn);padding:8px 12px;border-radius:6px}
.notice.error{border-color:var(--tk-danger)}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid var(--tk-border);vertical-align:top}
dialog{color:var(--tk-text);background:var(--tk-bg);border:1px solid var(--tk-border);border-radius:10px;padding:18px 22px;max-width:440px}
dialog::backdrop{background:rgb(0 0 0/.45)}
kbd{white-space:nowrap;font:12px ui-monospace,monospace;border:1px solid var(--tk-border);border-bottom-width:2px;border-radius:4px;padding:1px 5px;background:var(--tk-surface)}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
h3{font-size:14px;margin:0}
`;

let sheet: CSSStyleSheet | undefined;

/** The shared stylesheet (one per page, adopted by every console). */
export function consoleSheet(): CSSStyleSheet {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
  }
  return sheet;
}
