import Foundation

/// How the runner should treat a failed call.
public enum FailureCategory: String, Sendable, Hashable, CaseIterable {
    /// HTTP 429: pause the API until `retryAfter`; the row goes back to pending without spending an attempt.
    case rateLimited
    /// The request may have created an action: 408, 5xx, time-outs, connection errors, an unreadable 2xx body.
    case inDoubt
    /// HTTP 400 `ActiveRequestAlreadyExists`: the same action is already pending.
    case alreadyPending
    /// HTTP 401: refresh the token and retry once.
    case unauthorized
    /// HTTP 403: the token lacks a permission, or the device is outside its scope.
    case forbidden
    /// HTTP 404: an unknown machine, action, or a file the machine has not seen.
    case notFound
    /// Any other client error: retrying will not help.
    case permanent
}

/// One call that did not succeed, with whatever the server said.
public struct CallFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong at the HTTP level.
    public enum Kind: Sendable, Equatable {
        /// The server answered with a non-success status.
        case http(status: Int)
        /// No complete response before the request timeout.
        case timeout
        /// The connection was refused, reset or dropped.
        case connection(String)
        /// A success status whose body could not be read: the action may exist, so this is in doubt.
        case invalidResponse(String)
    }

    public var kind: Kind
    /// The API's error `code`, if any.
    public var code: String?
    /// The API's error `message`, if any (or the start of a non-JSON body).
    public var message: String?
    /// The API's error `target` (the request id support asks for), if any.
    public var target: String?
    /// Seconds the server asked to wait (`Retry-After`), if it did.
    public var retryAfter: TimeInterval?

    public init(
        kind: Kind, code: String? = nil, message: String? = nil, target: String? = nil,
        retryAfter: TimeInterval? = nil
    ) {
        self.kind = kind
        self.code = code
        self.message = message
        self.target = target
        self.retryAfter = retryAfter
    }

    /// The HTTP status, when there was a response.
    public var status: Int? {
        if case .http(let status) = kind { return status }
        return nil
    }

    /// How the runner should treat this failure.
    public var category: FailureCategory {
        switch kind {
        case .timeout, .connection, .invalidResponse:
            return .inDoubt
        case .http(let status):
            switch status {
            case 429: return .rateLimited
            case 408, 500...599: return .inDoubt
            case 400 where code?.caseInsensitiveCompare("ActiveRequestAlreadyExists") == .orderedSame:
                return .alreadyPending
            case 401: return .unauthorized
            case 403: return .forbidden
            case 404: return .notFound
            default: return .permanent
            }
        }
    }

    public var description: String {
        var text: String
        switch kind {
        case .http(let status): text = "The API answered HTTP \(status)"
        case .timeout: text = "The request timed out"
        case .connection(let reason): text = "The connection failed (\(reason))"
        case .invalidResponse(let reason): text = "The API's success response could not be read (\(reason))"
        }
        if let code { text += " \(code)" }
        if let message { text += ": \(message)" }
        if let target { text += " (request id \(target))" }
        if let retryAfter { text += "; retry after \(Int(retryAfter.rounded(.up))) s" }
        return text.hasSuffix(".") ? text : text + "."
    }
}

/// The outcome of one API call.
public enum CallResult<Value: Sendable>: Sendable {
    /// A 2xx response whose body was read.
    case success(Value, status: Int)
    /// Anything else.
    case failure(CallFailure)

    /// The value, when the call succeeded.
    public var value: Value? {
        if case .success(let value, _) = self { return value }
        return nil
    }

    /// The failure, when the call failed.
    public var failure: CallFailure? {
        if case .failure(let failure) = self { return failure }
        return nil
    }
}

extension CallResult: Equatable where Value: Equatable {}
