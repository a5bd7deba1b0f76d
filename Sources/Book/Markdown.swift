// The narrative Markdown of a lesson file as HTML: headings, paragraphs, lists, code (fenced or
// indented), pipe tables, and inline code, strong and emphasis. Everything is escaped first;
// links, images and raw HTML are not Markdown here and show as the text they are.
import Foundation

enum Markdown {
    /// `lines` as HTML blocks. `headingLevel` is the HTML level of a `#` heading (a lesson page's
    /// sections are h2, so a heading inside the narrative starts lower).
    static func html(_ lines: [String], headingLevel: Int = 3) -> HTML {
        var blocks: [String] = []
        var paragraph: [String] = []
        var list: (ordered: Bool, items: [[String]])?
        var code: [String]?
        var table: [String] = []

        func flushParagraph() {
            guard !paragraph.isEmpty else { return }
            blocks.append("<p>" + inline(paragraph.joined(separator: " ")) + "</p>")
            paragraph = []
        }
        func flushList() {
            guard let current = list else { return }
            let tag = current.ordered ? "ol" : "ul"
            let items = current.items.map { "<li>" + inline($0.joined(separator: " ")) + "</li>" }
            blocks.append("<\(tag)>" + items.joined() + "</\(tag)>")
            list = nil
        }
        func flushTable() {
            guard !table.isEmpty else { return }
            blocks.append(pipeTable(table))
            table = []
        }
        func flushAll() {
            flushParagraph()
            flushList()
            flushTable()
        }

        var previousBlank = true
        for rawLine in lines {
            let line = rawLine.replacingOccurrences(of: "\t", with: "    ")
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if var lines = code {
                if trimmed.hasPrefix("```") {
                    blocks.append("<pre><code>" + lines.joined(separator: "\n").escaped + "</code></pre>")
                    code = nil
                } else {
                    lines.append(line)
                    code = lines
                }
                continue
            }
            defer { previousBlank = trimmed.isEmpty }
            if trimmed.hasPrefix("```") {
                flushAll()
                code = []
            } else if trimmed.isEmpty {
                flushAll()
            } else if line.hasPrefix("    ") && previousBlank && list == nil && paragraph.isEmpty {
                flushAll()
                blocks.append("<pre><code>" + String(line.dropFirst(4)).escaped + "</code></pre>")
            } else if trimmed.hasPrefix("|") {
                flushParagraph()
                flushList()
                table.append(trimmed)
            } else if let (level, text) = heading(trimmed) {
                flushAll()
                let tag = "h\(min(6, headingLevel + level - 1))"
                blocks.append("<\(tag)>" + inline(text) + "</\(tag)>")
            } else if let (ordered, text) = listItem(trimmed), line.prefix(while: { $0 == " " }).count < 2 {
                flushParagraph()
                flushTable()
                if list?.ordered != ordered { flushList() }
                list = (ordered, (list?.items ?? []) + [[text]])
            } else if var current = list {
                // A continuation line of the last item.
                current.items[current.items.count - 1].append(trimmed)
                list = current
            } else {
                flushTable()
                paragraph.append(trimmed)
            }
        }
        if let lines = code {  // an unclosed fence runs to the end
            blocks.append("<pre><code>" + lines.joined(separator: "\n").escaped + "</code></pre>")
        }
        flushAll()
        // Neighbouring indented code lines are one block.
        return HTML(
            raw: blocks.joined(separator: "\n").replacingOccurrences(of: "</code></pre>\n<pre><code>", with: "\n"))
    }

    /// "## Title" -> (2, "Title").
    static func heading(_ line: String) -> (Int, String)? {
        let hashes = line.prefix(while: { $0 == "#" }).count
        guard (1...6).contains(hashes), line.dropFirst(hashes).first == " " else { return nil }
        return (hashes, line.dropFirst(hashes + 1).trimmingCharacters(in: .whitespaces))
    }

    /// "- item", "* item" (unordered) or "3. item" (ordered).
    static func listItem(_ line: String) -> (ordered: Bool, text: String)? {
        if line.hasPrefix("- ") || line.hasPrefix("* ") || line.hasPrefix("+ ") {
            return (false, String(line.dropFirst(2)))
        }
        let digits = line.prefix(while: \.isNumber)
        if !digits.isEmpty, digits.count <= 3, line.dropFirst(digits.count).hasPrefix(". ") {
            return (true, String(line.dropFirst(digits.count + 2)))
        }
        return nil
    }

    /// `| a | b |` rows; a `|---|---|` second row makes the first the header.
    static func pipeTable(_ rows: [String]) -> String {
        func cells(_ row: String) -> [String] {
            var text = Substring(row)
            if text.hasPrefix("|") { text = text.dropFirst() }
            if text.hasSuffix("|") { text = text.dropLast() }
            return text.split(separator: "|", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
        }
        let isRule = { (row: String) in
            row.allSatisfy { "|-: ".contains($0) } && row.contains("-")
        }
        var body = rows
        var head: [String]?
        if rows.count >= 2 && isRule(rows[1]) {
            head = cells(rows[0])
            body = Array(rows.dropFirst(2))
        }
        var out = "<div class=\"scroll\"><table class=\"prose\">"
        if let head { out += "<thead><tr>" + head.map { "<th>" + inline($0) + "</th>" }.joined() + "</tr></thead>" }
        out += "<tbody>"
        for row in body where !isRule(row) {
            out += "<tr>" + cells(row).map { "<td>" + inline($0) + "</td>" }.joined() + "</tr>"
        }
        return out + "</tbody></table></div>"
    }

    // MARK: Inline

    /// Inline code first (its content is only escaped), then strong and emphasis on the escaped
    /// rest. Escaping adds no `*`, `_` or backtick, so the patterns see the text's own markers.
    static func inline(_ text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "`") {
            let afterOpen = rest.index(after: open)
            guard let close = rest[afterOpen...].firstIndex(of: "`") else { break }
            out += emphasis(String(rest[..<open]).escaped)
            out += "<code>" + String(rest[afterOpen..<close]).escaped + "</code>"
            rest = rest[rest.index(after: close)...]
        }
        return out + emphasis(String(rest).escaped)
    }

    /// `**strong**`, `*em*` and `_em_`, only where the markers hug words: "a * b" and "x_1" stay.
    static func emphasis(_ escaped: String) -> String {
        var text = escaped
        for (pattern, tag) in patterns {
            let range = NSRange(text.startIndex..., in: text)
            text = pattern.stringByReplacingMatches(in: text, range: range, withTemplate: "<\(tag)>$1</\(tag)>")
        }
        return text
    }

    private static let patterns: [(NSRegularExpression, String)] = [
        (#"(?<![\w*])\*\*([^\s*](?:[^*]*?[^\s*])?)\*\*(?![\w*])"#, "strong"),
        (#"(?<![\w*])\*([^\s*](?:[^*]*?[^\s*])?)\*(?![\w*])"#, "em"),
        (#"(?<![\w])_([^\s_](?:[^_]*?[^\s_])?)_(?!\w)"#, "em"),
    ].map { (try! NSRegularExpression(pattern: $0.0), $0.1) }
}
