import Foundation

/// The `error` object of an MDE error body: `{"error":{"code","message","target"}}`.
///
/// Every field may be missing; an empty `code` (seen on OData-layer errors) reads as `nil`.
public struct APIErrorBody: Sendable, Hashable, Decodable {
    /// The error code, e.g. `ResourceNotFound`, `ActiveRequestAlreadyExists`.
    public var code: String?
    /// The free-text message (it may change; never key logic on it).
    public var message: String?
    /// The request's correlation id, which Microsoft support asks for.
    public var target: String?

    public init(code: String?, message: String?, target: String?) {
        self.code = code
        self.message = message
        self.target = target
    }

    private struct Envelope: Decodable {
        var error: APIErrorBody?
    }

    private enum CodingKeys: String, CodingKey { case code, message, target }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        code = container.lenientString(.code).flatMap { $0.isEmpty ? nil : $0 }
        message = container.lenientString(.message).flatMap { $0.isEmpty ? nil : $0 }
        target = container.lenientString(.target).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Reads the `error` object from a response body, or `nil` when the body has none.
    public static func decode(from body: Data) -> APIErrorBody? {
        guard let envelope = try? JSONDecoder().decode(Envelope.self, from: body) else { return nil }
        return envelope.error
    }
}
