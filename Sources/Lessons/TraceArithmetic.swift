// Evaluates the arithmetic a trace line shows (numbers, + - * / ^, parentheses, max, exp, log,
// abs, and an elided run of terms written "[12 more terms: 1.234]"), so that the text form shows
// each result as its shown operands give it. Names, or anything else, make it give up (nil).
import Foundation

enum TraceArithmetic {
    /// The value of `formula`, or nil when it is not plain arithmetic on numbers.
    static func evaluate(_ formula: String) -> Double? {
        var parser = Parser(Array(formula.unicodeScalars))
        guard let value = parser.expression(), parser.atEnd else { return nil }
        return value
    }

    private struct Parser {
        let text: [Unicode.Scalar]
        var position = 0

        init(_ text: [Unicode.Scalar]) { self.text = text }

        var atEnd: Bool {
            mutating get {
                skipSpaces()
                return position == text.count
            }
        }

        mutating func skipSpaces() { while position < text.count && text[position] == " " { position += 1 } }

        mutating func peek() -> Unicode.Scalar? {
            skipSpaces()
            return position < text.count ? text[position] : nil
        }

        mutating func take(_ scalar: Unicode.Scalar) -> Bool {
            guard peek() == scalar else { return false }
            position += 1
            return true
        }

        /// sum := term (('+' | '-') term)*
        mutating func expression() -> Double? {
            guard var value = term() else { return nil }
            while true {
                if take("+") {
                    guard let right = term() else { return nil }
                    value += right
                } else if take("-") {
                    guard let right = term() else { return nil }
                    value -= right
                } else {
                    return value
                }
            }
        }

        /// term := unary (('*' | '/') unary)*
        mutating func term() -> Double? {
            guard var value = unary() else { return nil }
            while true {
                if take("*") {
                    guard let right = unary() else { return nil }
                    value *= right
                } else if take("/") {
                    guard let right = unary() else { return nil }
                    value /= right
                } else {
                    return value
                }
            }
        }

        /// unary := '-' unary | power
        mutating func unary() -> Double? {
            if take("-") { return unary().map { -$0 } }
            return power()
        }

        /// power := primary ('^' unary)?
        mutating func power() -> Double? {
            guard let base = primary() else { return nil }
            if take("^") {
                guard let exponent = unary() else { return nil }
                return pow(base, exponent)
            }
            return base
        }

        /// primary := number | '(' sum ')' | name '(' sum (',' sum)* ')' | '[' N more terms: sum ']'
        mutating func primary() -> Double? {
            guard let next = peek() else { return nil }
            if next == "(" {
                position += 1
                guard let value = expression(), take(")") else { return nil }
                return value
            }
            if next == "[" {
                // "[12 more terms: 1.234]": the hidden terms' sum.
                guard let colon = text[position...].firstIndex(of: ":") else { return nil }
                position = colon + 1
                guard let value = expression(), take("]") else { return nil }
                return value
            }
            if next.properties.isAlphabetic {
                var name = ""
                while position < text.count && text[position].properties.isAlphabetic {
                    name.unicodeScalars.append(text[position])
                    position += 1
                }
                guard take("(") else { return nil }
                var arguments: [Double] = []
                repeat {
                    guard let argument = expression() else { return nil }
                    arguments.append(argument)
                } while take(",")
                guard take(")") else { return nil }
                switch (name, arguments.count) {
                case ("max", 1...): return arguments.max()
                case ("exp", 1): return exp(arguments[0])
                case ("log", 1): return log(arguments[0])
                case ("abs", 1): return abs(arguments[0])
                default: return nil
                }
            }
            return number()
        }

        /// A decimal number, optionally with an exponent: 0.3, 12, 8.732e-5.
        mutating func number() -> Double? {
            skipSpaces()
            let start = position
            while position < text.count && (text[position].properties.numericType != nil || text[position] == ".") {
                position += 1
            }
            if position < text.count && text[position] == "e", position > start {
                var end = position + 1
                if end < text.count && (text[end] == "-" || text[end] == "+") { end += 1 }
                if end < text.count && text[end].properties.numericType != nil {
                    position = end
                    while position < text.count && text[position].properties.numericType != nil { position += 1 }
                }
            }
            guard position > start else { return nil }
            return Double(String(String.UnicodeScalarView(text[start..<position])))
        }
    }
}
