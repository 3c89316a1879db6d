/// Where a row came from: the input's name as the user gave it, and the physical line
/// where its record starts (the header is line 1; for a JSON array, the line of the
/// element's opening brace).
public struct RowLocation: Sendable, Hashable, Codable, CustomStringConvertible {
    public var source: String
    public var line: Int

    public init(source: String, line: Int) {
        self.source = source
        self.line = line
    }

    /// `incident.csv:12`.
    public var description: String { "\(source):\(line)" }
}
