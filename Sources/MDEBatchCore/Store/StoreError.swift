import Foundation

/// Problems with the state file.
public enum StoreError: Error, Equatable, CustomStringConvertible {
    case cannotCreateDirectory(path: String, reason: String)
    case cannotOpen(path: String, reason: String)
    case unknownJob(id: String, known: [String])
    case newerSchema(path: String)

    public var description: String {
        switch self {
        case .cannotCreateDirectory(let path, let reason):
            return "Cannot create the state directory '\(path)': \(reason)."
        case .cannotOpen(let path, let reason):
            return "Cannot open the state file '\(path)': \(reason)."
        case .unknownJob(let id, let known):
            let list = known.isEmpty ? "there are no jobs in this state file" : "known jobs: \(known.joined(separator: ", "))"
            return "No job '\(id)' in the state file; \(list)."
        case .newerSchema(let path):
            return "The state file '\(path)' was written by a newer mdebatch; upgrade mdebatch to use it."
        }
    }
}
