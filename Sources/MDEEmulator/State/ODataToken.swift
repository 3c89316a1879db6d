/// A token of an OData `$filter` expression: a word (property, operator, keyword, unquoted
/// literal), a quoted string literal (`''` inside it is one quote), a parenthesis or a comma.
enum ODataToken: Equatable {
    case word(String)
    case string(String)
    case open, close, comma

    /// Splits `text` into tokens; an unterminated string literal is an `ODataError`.
    static func tokenize(_ text: String) throws(MDEError) -> [ODataToken] {
        var tokens: [ODataToken] = []
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            switch character {
            case " ", "\t":
                index = text.index(after: index)
            case "(":
                tokens.append(.open)
                index = text.index(after: index)
            case ")":
                tokens.append(.close)
                index = text.index(after: index)
            case ",":
                tokens.append(.comma)
                index = text.index(after: index)
            case "'":
                var value = ""
                index = text.index(after: index)
                var closed = false
                while index < text.endIndex {
                    let c = text[index]
                    index = text.index(after: index)
                    if c == "'" {
                        if index < text.endIndex, text[index] == "'" {
                            value.append("'")
                            index = text.index(after: index)
                        } else {
                            closed = true
                            break
                        }
                    } else {
                        value.append(c)
                    }
                }
                guard closed else { throw .odata("Unterminated string literal in $filter '\(text)'.") }
                tokens.append(.string(value))
            default:
                var word = ""
                while index < text.endIndex, !" \t(),'".contains(text[index]) {
                    word.append(text[index])
                    index = text.index(after: index)
                }
                tokens.append(.word(word))
            }
        }
        return tokens
    }
}
