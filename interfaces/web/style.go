package web

// PageStyle is the stylesheet of the pages this package serves (the fake
// broker's login form, the broker chooser, the login error page). An
// application that uses it in its own pages, as the example does, shows
// them in one look. Its classes: header.bar (a top bar, with .brand),
// .page (the centred column), .card, .muted, .flash, .error, .button (a
// link that looks like a button), button.secondary and form.inline; every
// table, th and td is styled as it is, without a class.
const PageStyle = `
:root{--fg:#1d2430;--muted:#5b6575;--line:#d9dee7;--bg:#f5f7fa;--card:#fff;--accent:#2456c7;--accent-fg:#fff;--warn:#fff4d6;--bad:#fde8e8}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
header.bar{background:var(--card);border-bottom:1px solid var(--line);padding:.75rem 1.5rem;display:flex;gap:1rem;align-items:center;flex-wrap:wrap}
header.bar .brand{font-weight:700;margin-right:auto;color:var(--fg);text-decoration:none}
header.bar a{color:var(--accent);text-decoration:none}
.page{max-width:44rem;margin:2rem auto;padding:0 1rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:.6rem;padding:1.25rem 1.5rem;margin-bottom:1.25rem}
h1{font-size:1.5rem;margin:0 0 .75rem}h2{font-size:1.15rem;margin:0 0 .75rem}
.muted{color:var(--muted)}
.flash{background:var(--warn);border-radius:.4rem;padding:.5rem .75rem}
.error{background:var(--bad);border-radius:.4rem;padding:.5rem .75rem}
label{display:block;margin:.5rem 0 .25rem;font-weight:600}
input{width:100%;padding:.5rem .6rem;border:1px solid var(--line);border-radius:.4rem;font:inherit}
button,.button{display:inline-block;background:var(--accent);color:var(--accent-fg);border:0;border-radius:.4rem;padding:.5rem 1rem;font:inherit;cursor:pointer;text-decoration:none}
button.secondary{background:transparent;color:var(--accent);border:1px solid var(--line)}
form.inline{display:inline}
table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid var(--line);padding:.4rem .5rem;text-align:left;vertical-align:top}
th{color:var(--muted);font-weight:600;width:35%}
pre{background:var(--bg);border-radius:.4rem;padding:.75rem;overflow:auto}
code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace}
`
