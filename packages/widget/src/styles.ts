/**
 * The widget's styles. `:host` resets what a page's CSS could pass in by
 * inheritance; `!important` there wins over the page's own `!important`
 * (shadow context), so global resets cannot hide or break the widget.
 * Theme with `--tk-*` custom properties and `::part()`.
 */
export const css = `
:host{all:initial!important;display:contents!important;--a:var(--tk-accent,#4338ca);--on:var(--tk-on-accent,#fff);--bg:var(--tk-bg,#fff);--fg:var(--tk-fg,#1f2328);--mu:var(--tk-muted,#57606a);--bd:var(--tk-border,#c9d1d9);--sf:var(--tk-surface,#f4f5f7);--er:var(--tk-danger,#b42318);--ok:var(--tk-success,#1a7f37);--r:var(--tk-radius,12px);--f:var(--tk-font,system-ui,-apple-system,"Segoe UI",Roboto,sans-serif)}
:host([inline]){display:block!important}
@media (prefers-color-scheme:dark){:host{--a:var(--tk-accent,#a5b4fc);--on:var(--tk-on-accent,#111827);--bg:var(--tk-bg,#161b22);--fg:var(--tk-fg,#e6edf3);--mu:var(--tk-muted,#9ea7b3);--bd:var(--tk-border,#3d444d);--sf:var(--tk-surface,#21262d);--er:var(--tk-danger,#ff9492);--ok:var(--tk-success,#56d364)}}
*{box-sizing:border-box;margin:0;font:inherit;color:inherit;letter-spacing:normal;text-transform:none}
[hidden]{display:none!important}
.root{font:15px/1.5 var(--f);color:var(--fg);text-align:start}
:focus-visible{outline:2px solid var(--a);outline-offset:2px}
button{cursor:pointer;border:0;background:none;border-radius:calc(var(--r) - 4px);padding:10px 14px;font-weight:600}
.btn{background:var(--a);color:var(--on);width:100%;min-height:44px}
.btn:disabled{opacity:.6;cursor:progress}
.ghost{border:1px solid var(--bd);background:var(--bg);color:var(--fg)}
.link{padding:4px 0;color:var(--a);text-decoration:underline;font-weight:500}
.launch{position:fixed;bottom:20px;inset-inline-end:20px;z-index:var(--z);display:flex;align-items:center;gap:8px;background:var(--a);color:var(--on);border-radius:999px;padding:12px 20px 12px 16px;box-shadow:0 6px 20px rgb(0 0 0/.22)}
.left .launch,.left .panel{inset-inline-end:auto;inset-inline-start:20px}
.launch svg{width:22px;height:22px;fill:none;stroke:currentColor;stroke-width:2;stroke-linejoin:round}
.panel{position:fixed;bottom:88px;inset-inline-end:20px;z-index:var(--z);width:392px;max-height:min(640px,calc(100vh - 108px));display:flex;flex-direction:column;background:var(--bg);border:1px solid var(--bd);border-radius:calc(var(--r) + 4px);box-shadow:0 16px 48px rgb(0 0 0/.25);overflow:hidden}
.enter{animation:in .18s ease-out}
.inline .panel{position:static;width:auto;max-height:none;box-shadow:none}
@keyframes in{from{opacity:0;transform:translateY(12px)}}
@media (prefers-reduced-motion:reduce){.enter{animation:none}}
@media (max-width:480px){.root:not(.inline) .panel{inset:0;width:100%;max-height:none;border-radius:0;border:0}}
header{display:flex;align-items:center;justify-content:space-between;gap:8px;padding:14px 12px 0 20px}
h2{font-size:18px;font-weight:700;line-height:1.3}
h3{font-size:17px;font-weight:700;line-height:1.35;overflow-wrap:anywhere}
.x{width:44px;height:44px;padding:0;font-size:24px;line-height:1;color:var(--mu);font-weight:400}
nav{display:flex;gap:4px;padding:8px 16px 0;border-bottom:1px solid var(--bd)}
nav button{border-radius:0;padding:10px 6px;margin-inline-end:12px;color:var(--mu);border-bottom:3px solid transparent;font-weight:600}
nav [aria-current]{color:var(--fg);border-color:var(--a)}
main{position:relative;padding:16px 20px 20px;overflow:auto;flex:1;display:grid;grid-template-columns:minmax(0,1fr);gap:14px;align-content:start}
label,legend{display:block;font-weight:600;font-size:14px;margin-bottom:6px}
label small{font-weight:400;color:var(--mu)}
input,select,textarea{display:block;width:100%;font-size:16px;padding:10px 12px;border:1px solid var(--bd);border-radius:calc(var(--r) - 4px);background:var(--bg);color:var(--fg);min-height:44px}
textarea{min-height:110px;resize:vertical}
input[type=checkbox]{display:inline-block;width:20px;min-height:20px;height:20px;vertical-align:middle;margin-inline-end:8px;accent-color:var(--a)}
[aria-invalid=true]{border-color:var(--er);box-shadow:0 0 0 1px var(--er)}
.err{color:var(--er);font-size:14px;margin-top:4px}
.count{color:var(--mu);font-size:13px;text-align:end;margin-top:4px}
.hp{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%)}
.note{border-radius:calc(var(--r) - 4px);padding:10px 12px;background:var(--sf);font-size:14px}
.note:empty{display:none}
.note.bad{color:var(--er)}
.done{text-align:center;padding:20px 0 4px;display:grid;gap:12px;justify-items:center}
.tick{width:56px;height:56px;border-radius:50%;background:var(--ok);color:var(--bg);font-size:30px;line-height:56px;font-weight:700}
.mu{color:var(--mu);font-size:14px}
ul,ol{list-style:none;padding:0;display:grid;gap:8px}
.item{grid-template-columns:minmax(0,1fr);width:100%;text-align:start;border:1px solid var(--bd);background:var(--bg);color:var(--fg);display:grid;gap:4px;font-weight:400;padding:12px 14px}
.item .row{flex-wrap:nowrap;justify-content:space-between}
.item b{font-weight:600;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;min-width:0}
.badge{flex:none}
.row{display:flex;align-items:center;gap:8px;flex-wrap:wrap}
.badge{display:inline-block;border-radius:999px;padding:1px 10px;font-size:13px;font-weight:600;background:var(--sf);border:1px solid var(--bd)}
.s-awaiting_customer,.s-resolved{border-color:var(--a);color:var(--a)}
.msg{padding:10px 12px;border-radius:var(--r);background:var(--sf);max-width:88%;justify-self:start}
.msg.me{justify-self:end;background:color-mix(in srgb,var(--a) 14%,var(--bg))}
.msg p{white-space:pre-wrap;overflow-wrap:anywhere}
.msg small{display:block;color:var(--mu);font-size:12px;margin-bottom:2px}
form{display:grid;gap:14px}
fieldset{border:0;padding:0;min-width:0;display:grid;gap:14px}
.stars{display:flex;gap:6px}
.stars label{margin:0;font-size:0;cursor:pointer}
.stars input{position:absolute;opacity:0;width:1px;height:1px}
.stars span{display:block;font-size:28px;line-height:1;color:var(--bd)}
.stars .on span{color:#e3a008}
.stars input:focus-visible+span{outline:2px solid var(--a);outline-offset:2px;border-radius:4px}
.two{display:grid;grid-template-columns:1fr 1fr;gap:8px}
`;

/** Puts the styles into a shadow root: a constructable stylesheet, or a `<style nonce>` where those are missing. */
export function adoptStyles(root: ShadowRoot, nonce: string | null): void {
  if ('adoptedStyleSheets' in root && 'replaceSync' in CSSStyleSheet.prototype) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [sheet];
    return;
  }
  const style = document.createElement('style');
  if (nonce) style.nonce = nonce;
  style.textContent = css;
  root.append(style);
}
