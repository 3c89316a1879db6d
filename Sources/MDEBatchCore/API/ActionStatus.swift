import Foundation

/// A MachineAction's `status`: an open enum, since the service may add values.
public enum ActionStatus: Sendable, Hashable, Codable, CustomStringConvertible {
    case pending
    case inProgress
    case succeeded
    case failed
    case timeOut
    case cancelled
    /// A value this client does not know, kept verbatim.
    case unknown(String)

    /// Reads a wire value, ignoring case (`Canceled`, a documentation spelling, counts as cancelled).
    public init(wireValue: String) {
        switch wireValue.lowercased() {
        case "pending": self = .pending
        case "inprogress": self = .inProgress
        case "succeeded": self = .succeeded
        case "failed": self = .failed
        case "timeout": self = .timeOut
        case "cancelled", "canceled": self = .cancelled
        default: self = .unknown(wireValue)
        }
    }

    /// The value as MDE writes it.
    public var wireValue: String {
        switch self {
        case .pending: "Pending"
        case .inProgress: "InProgress"
        case .succeeded: "Succeeded"
        case .failed: "Failed"
        case .timeOut: "TimeOut"
        case .cancelled: "Cancelled"
        case .unknown(let value): value
        }
    }

    /// `Succeeded`, `Failed`, `TimeOut` and `Cancelled` are final; an unknown value is not.
    public var isFinal: Bool {
        switch self {
        case .succeeded, .failed, .timeOut, .cancelled: true
        case .pending, .inProgress, .unknown: false
        }
    }

    public var description: String { wireValue }

    public init(from decoder: any Decoder) throws {
        self.init(wireValue: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(wireValue)
    }
}
