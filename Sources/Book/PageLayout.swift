// The frame every page of the book shares: document head, the style sheet (inline, so a page
// needs no other file and works wherever the output folder is copied), a top bar and the footer.
// One reflowing column; wide tables scroll inside their box; light and dark follow the system.

enum PageLayout {
    /// A whole document. `root` is the relative path from the page to the output folder ("../../").
    /// `thumbnail` names the picture the course shows for the page (kept in a meta element).
    static func page(title: String, root: String, body: HTML, script: String? = nil, thumbnail: String? = nil) -> String
    {
        let meta = thumbnail.map { "<meta name=\"thumbnail\" content=\"\(HTML.link($0))\">\n" } ?? ""
        var out = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="color-scheme" content="light dark">
            \(meta)<title>\(title.escaped)</title>
            <style>\(style)</style>
            </head>
            <body>
            <header class="bar"><a href="\(HTML.link(root + "index.html"))">NeuralTracer book</a></header>
            <main>

            """
        out += body.markup
        out += "\n</main>\n"
        if let script { out += "<script>\(script)</script>\n" }
        out += "</body>\n</html>\n"
        return out
    }

    /// Kept short: system fonts only (nothing fetched), colours from two sets of variables.
    static let style = """
        :root{--bg:#fdfdfb;--fg:#1d1f21;--muted:#5c6066;--line:#d9dbde;--card:#f3f4f2;--accent:#1f5fae;\
        --value:#116329;--code:#eef0ec}
        @media (prefers-color-scheme:dark){:root{--bg:#17191c;--fg:#e6e6e3;--muted:#a2a6ab;--line:#3a3e44;\
        --card:#212429;--accent:#8ab8f0;--value:#7ad48f;--code:#262a30}}
        *{box-sizing:border-box}
        html{-webkit-text-size-adjust:100%}
        body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.55 system-ui,-apple-system,"Segoe UI",\
        Roboto,"DejaVu Sans",sans-serif}
        main{max-width:52rem;margin:0 auto;padding:0 1rem 3rem}
        .bar{padding:.6rem 1rem;border-bottom:1px solid var(--line)}
        a{color:var(--accent)}
        h1{font-size:1.7rem;line-height:1.25;margin:1.4rem 0 .4rem}
        h2{font-size:1.3rem;margin:2.2rem 0 .5rem;padding-top:.6rem;border-top:1px solid var(--line)}
        h3,h4{font-size:1.08rem;margin:1.4rem 0 .4rem}
        p,li{overflow-wrap:anywhere}
        .lead{color:var(--muted);margin-top:0}
        code,pre,td.num,td.formula,td.label{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;\
        font-size:.9em}
        code{background:var(--code);padding:0 .2em;border-radius:3px}
        pre{background:var(--code);padding:.6rem .8rem;overflow-x:auto;border-radius:4px}
        pre code{background:none;padding:0}
        .scroll{overflow-x:auto;margin:.6rem 0;max-width:100%}
        table{border-collapse:collapse;font-size:.92rem}
        th,td{padding:.25rem .6rem;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
        th{font-weight:600;white-space:nowrap}
        td.label,td.value{white-space:nowrap}
        td.value,td.num,th.num{text-align:right}
        td.value{color:var(--value);font-weight:600;font-family:ui-monospace,"DejaVu Sans Mono",Menlo,monospace}
        td.value.list{white-space:normal;text-align:left;min-width:12rem}
        td.remark{color:var(--muted);min-width:9rem}
        td.formula{min-width:16rem}
        @media (max-width:40rem){th,td{padding:.25rem .4rem}td.label{white-space:normal;min-width:5rem}\
        td.formula{min-width:9rem}td.remark{min-width:6rem}}
        table.matrix td{border:0;padding:0 .35rem;text-align:right;color:var(--value)}
        .note{margin:.5rem 0;padding:.35rem .7rem;border-left:3px solid var(--line);color:var(--fg)}
        .note.result{border-left-color:var(--value);font-weight:600}
        figure{margin:1rem 0}
        figure img{display:block;max-width:100%;height:auto;border:1px solid var(--line);background:#fff}
        figcaption{color:var(--muted);font-size:.92rem;margin-top:.3rem}
        .nav{display:flex;justify-content:space-between;gap:1rem;flex-wrap:wrap;margin-top:2.5rem;\
        padding-top:1rem;border-top:1px solid var(--line)}
        .course{list-style:none;padding:0}
        .course li{display:flex;gap:1rem;align-items:center;padding:.7rem 0;border-bottom:1px solid var(--line)}
        .course img{width:7.5rem;height:4.5rem;object-fit:contain;border:1px solid var(--line);background:#fff;\
        flex:none}
        .course .thumb-none{width:7.5rem;height:4.5rem;flex:none;border:1px dashed var(--line)}
        .course p{margin:.15rem 0 0;color:var(--muted)}
        .steps{border:1px solid var(--line);border-radius:6px;padding:.5rem .8rem;margin:1.2rem 0;\
        background:var(--card)}
        .steps h3{margin-top:.3rem}
        .frames{display:flex;gap:1rem;overflow-x:auto;scroll-snap-type:x mandatory;padding-bottom:.5rem}
        .frame{flex:0 0 min(100%,40rem);scroll-snap-align:start}
        .js .frames{display:block;overflow:visible}
        .js .frame{display:none}
        .js .frame.shown{display:block}
        .controls{display:none;align-items:center;gap:.6rem;flex-wrap:wrap;margin:.4rem 0}
        .js .controls{display:flex}
        .controls input{flex:1 1 12rem;min-width:8rem}
        .controls button{font:inherit;padding:.2rem .7rem;background:var(--bg);color:var(--fg);\
        border:1px solid var(--line);border-radius:4px;cursor:pointer}
        .hint{color:var(--muted);font-size:.9rem}
        .js .hint{display:none}
        """
}
