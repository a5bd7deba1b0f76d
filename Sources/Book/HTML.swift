// Escaping for the few places text goes into a page: element content, attribute values and
// relative links. Every string from a lesson file, a trace or a path passes through here; the
// page templates add only their own fixed markup. No HTML parsing, no templates language.
import Foundation

/// A piece of markup that is already safe to put into a page (built from escaped parts).
public struct HTML: Sendable, Equatable, CustomStringConvertible {
    public let markup: String

    /// Markup written by the page generator itself; never pass text from outside here.
    init(raw markup: String) { self.markup = markup }

    /// `text` shown as text: `<`, `>`, `&`, and both quotes replaced by character references.
    public init(text: String) { self.markup = HTML.escape(text) }

    public var description: String { markup }

    public static func + (left: HTML, right: HTML) -> HTML { HTML(raw: left.markup + right.markup) }

    /// Element content and attribute values (both quotes escaped, so either quoting is safe).
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    /// A relative link to a file in the output folder, for `href` and `src`: each path component
    /// percent-encoded (a space, `#` or `?` in a file name stays part of the name), then escaped.
    /// A colon is encoded too and leading slashes dropped, so no path can become a URL with a
    /// scheme or an absolute path: pages link only inside the output folder.
    public static func link(_ path: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%;:")
        let relative = path.drop { $0 == "/" }
        let encoded = relative.split(separator: "/", omittingEmptySubsequences: false).map { part in
            String(part).addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
        }.joined(separator: "/")
        return escape(encoded)
    }

    /// Joins pieces of markup.
    static func join(_ parts: [HTML], separator: String = "\n") -> HTML {
        HTML(raw: parts.map(\.markup).joined(separator: separator))
    }
}

extension String {
    /// Short for `HTML.escape(self)` inside the templates.
    var escaped: String { HTML.escape(self) }
}
